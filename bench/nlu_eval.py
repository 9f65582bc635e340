"""NLU benchmark: held-out split, out-of-scope robustness and support-request accuracy.

  .venv/bot/bin/python bench/nlu_eval.py [--model models/quickconnect.tar.gz] [--sweep]

Prints the figures bench/README.md reports and writes them to var/bench/nlu.json. The data in
../shared/eval is read for measuring only; nothing from it is ever trained on. --sweep only
parses the held-out split and prints its macro-F1 for other fallback thresholds: the thresholds
in config.yml are chosen from that, never from the evaluation sets.
"""
import argparse
import asyncio
import json
import logging
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Dict, List, Tuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the model names bot.nlu components, imported from the repository
from bot.nlu.change_intent_fallback import full_intent_name  # noqa: E402
EVAL = ROOT.parent / "shared" / "eval"
CHANGE_INTENTS = {"add_service", "modify_service", "cancel_service", "change_plan", "schedule_follow_up"}
OUT_OF_SCOPE = {"out_of_scope", "nlu_fallback"}
CATALOG_ENTITIES = {"service", "tier", "plan", "account_number"}


def full_intent(parsed: Dict) -> str:
    """The intent as our inventory names it: faq/<topic> for the ResponseSelector's pick."""
    return full_intent_name(parsed, parsed["intent"]["name"])


def macro_f1(pairs: List[Tuple[str, str]]) -> Tuple[float, Dict[str, float]]:
    labels = sorted({gold for gold, _ in pairs})
    per_label = {}
    for label in labels:
        tp = sum(1 for g, p in pairs if g == label and p == label)
        fp = sum(1 for g, p in pairs if g != label and p == label)
        fn = sum(1 for g, p in pairs if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        per_label[label] = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return statistics.mean(per_label.values()), per_label


def before_fallback(parsed: Dict) -> Tuple[str, float, float, bool]:
    """The classifier's own top intent, its confidence and the runner-up's, under any fallback, and
    whether the message names something of our catalog (the entity-aware change threshold)."""
    ranking = [r for r in parsed.get("intent_ranking") or [] if r["name"] != "nlu_fallback"]
    top = ranking[0]
    name = full_intent({**parsed, "intent": top})
    names_ours = any(e.get("entity") in CATALOG_ENTITIES for e in parsed.get("entities") or [])
    return name, top["confidence"], ranking[1]["confidence"] if len(ranking) > 1 else 0.0, names_ours


def is_change(name: str) -> bool:
    return any(part in CHANGE_INTENTS for part in name.split("+"))


def sweep(held_out: List[Tuple[str, Tuple[str, float, float, bool]]], ambiguity: float = 0.1) -> List[Dict]:
    """Held-out macro-F1 and the share of in-scope messages kept, per (fallback, change, change
    with a catalog entity) threshold."""
    rows = []
    for threshold in (0.5, 0.55, 0.6, 0.65):
        for change_threshold in (0.7, 0.8, 0.9, 0.95):
            for with_entity in (0.5, 0.6, 0.7, 0.8):
                if with_entity > change_threshold:
                    continue
                pairs = []
                for gold, (name, confidence, second, names_ours) in held_out:
                    low = confidence < threshold or confidence - second < ambiguity
                    needed = with_entity if names_ours else change_threshold
                    low = low or (is_change(name) and confidence < needed)
                    pairs.append((gold, "nlu_fallback" if low else name))
                in_scope = [(g, p) for g, p in pairs if g != "out_of_scope"]
                rows.append({"threshold": threshold, "change_threshold": change_threshold,
                             "change_threshold_with_entity": with_entity,
                             "macro_f1": round(macro_f1(pairs)[0], 4),
                             "in_scope_kept": round(sum(p != "nlu_fallback" for _, p in in_scope) / len(in_scope), 4)})
    return rows


async def labelled_set(path: str, parse) -> Dict:
    """Intent accuracy and macro-F1, entity figures, per-intent recall and the costliest confusions."""
    from rasa.shared.nlu.training_data.loading import load_data
    test = load_data(path)
    pairs, raw, errors, tp, fp, fn = [], [], [], 0, 0, 0
    for example in test.intent_examples:
        gold = example.get("intent_response_key") or example.get("intent")
        parsed = await parse(example.get("text"))
        predicted = full_intent(parsed)
        raw.append((gold, before_fallback(parsed)))
        pairs.append((gold, predicted))
        if gold != predicted:
            errors.append((example.get("text"), gold, predicted))
        gold_spans = {(e["entity"], e["start"], e["end"]) for e in example.get("entities") or []}
        found = {(e["entity"], e["start"], e["end"]) for e in parsed.get("entities") or []}
        tp += len(gold_spans & found)
        fp += len(found - gold_spans)
        fn += len(gold_spans - found)
    f1, per_intent = macro_f1(pairs)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    recall_by_intent = {g: round(sum(1 for gg, p in pairs if gg == g and p == g) / sum(1 for gg, _ in pairs if gg == g), 3)
                        for g in sorted({g for g, _ in pairs})}
    return {"examples": len(pairs), "intent_accuracy": round(sum(g == p for g, p in pairs) / len(pairs), 4),
            "intent_macro_f1": round(f1, 4),
            "entity_precision": round(precision, 4), "entity_recall": round(recall, 4),
            "entity_f1": round(2 * precision * recall / (precision + recall) if precision + recall else 0.0, 4),
            "weakest_intents": sorted(per_intent.items(), key=lambda kv: kv[1])[:5],
            "recall_by_intent": recall_by_intent,
            "top_confusions": Counter((g, p) for g, p in pairs if g != p).most_common(10),
            "raw": raw, "errors": errors}


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default=str(ROOT / "models" / "quickconnect.tar.gz"))
    parser.add_argument("--test", default=str(ROOT / "tests" / "nlu" / "test_nlu.yml"))
    parser.add_argument("--blind", default=str(ROOT / "tests" / "nlu" / "blind_heldout.yml"))
    parser.add_argument("--sweep", action="store_true", help="held-out threshold sweep only (the project's split)")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    import structlog  # Rasa logs every parse through structlog at debug level
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))

    from rasa.core.agent import Agent

    agent = Agent.load(args.model)
    timings: List[float] = []

    async def parse(text: str) -> Dict:
        start = time.perf_counter()
        result = await agent.parse_message(text)
        timings.append(time.perf_counter() - start)
        return result

    # 1. Held-out sets (never trained on): the project's own split, and the blind set written by
    #    someone who never saw data/ (tests/nlu/blind_heldout.yml).
    own = await labelled_set(args.test, parse)
    if args.sweep:
        for row in sweep(own.pop("raw")):
            print(json.dumps(row))
        return
    blind = await labelled_set(args.blind, parse) if Path(args.blind).exists() else None
    # Only the own split's misses are written out: the blind set stays blind, figures only (reading
    # its messages would turn it into one more set the training data is fitted to).
    errors = own.pop("errors")
    own.pop("raw")
    if blind:
        blind.pop("raw")
        blind.pop("errors")

    # 2. Out-of-scope robustness: CLINC150 out-of-scope (test) and unrelated-domain queries.
    clinc_oos = json.loads((EVAL / "clinc150_oos.json").read_text())["test"]
    unrelated = [q["text"] for q in json.loads((EVAL / "clinc150_unrelated.json").read_text())["queries"]]
    oos_results = {}
    for name, texts in (("clinc150_oos_test", clinc_oos), ("clinc150_unrelated", unrelated)):
        predicted = Counter([(await parse(t))["intent"]["name"] for t in texts])
        oos_results[name] = {"n": len(texts),
                             "out_of_scope_or_fallback": sum(predicted[i] for i in OUT_OF_SCOPE) / len(texts),
                             "change_intent": sum(n for i, n in predicted.items() if is_change(i)) / len(texts),
                             "top_wrong": [i for i in predicted.most_common() if i[0] not in OUT_OF_SCOPE][:5]}

    # 3. Machine-written support requests: is the predicted intent one that counts as right?
    items = json.loads((EVAL / "bitext_support.json").read_text())["items"]
    right = 0
    wrong = Counter()
    for item in items:
        predicted = full_intent(await parse(item["text"]))
        if predicted in item["accept"]:
            right += 1
        else:
            wrong[(tuple(item["accept"]), predicted)] += 1

    report = {
        "held_out": own,
        "blind": blind,
        "out_of_scope": oos_results,
        "bitext_support": {"n": len(items), "accuracy": round(right / len(items), 4), "top_wrong": wrong.most_common(5)},
        "parse_ms": {"n": len(timings), "p50": round(1000 * statistics.median(timings), 1),
                     "p95": round(1000 * sorted(timings)[int(0.95 * len(timings))], 1)},
    }
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "nlu.json").write_text(json.dumps(report, indent=2))
    (out / "nlu_errors.json").write_text(json.dumps(errors, indent=2))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
