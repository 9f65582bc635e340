"""The evaluation sets in ../shared/eval/ (CLINC150 out-of-scope and unrelated queries, Bitext
support requests) are for measuring only: no sentence of them may stand in the training data
(data/nlu/*.yml examples, and any user text in data/stories.yml or data/rules.yml); nor may a
message of the blind held-out set tests/nlu/blind_heldout.yml. Compared
after normalisation: entity annotations reduced to their text, lowercase, punctuation removed,
whitespace collapsed. Exact after normalisation on purpose; close paraphrases are a matter of
judgement when writing data (see issue 14 item 5)."""
import json
import re
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import yaml

ROOT = Path(__file__).resolve().parents[3]
EVAL_DIR = ROOT.parent / "shared" / "eval"
DATA = ROOT / "data"

# [text](entity), [text](entity:value), [text]{"entity": ...}
ANNOTATION = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")


def normalise(text: str) -> str:
    text = ANNOTATION.sub(r"\1", text).lower()
    text = re.sub(r"[^\w\s]", "", text)
    return " ".join(text.split())


def eval_sentences() -> Dict[str, str]:
    """normalised sentence -> 'file: original' for every sentence of every ../shared/eval/*.json."""
    assert EVAL_DIR.is_dir(), f"evaluation sets not found at {EVAL_DIR}"
    files = sorted(EVAL_DIR.glob("*.json"))
    assert files, f"no evaluation sets (*.json) in {EVAL_DIR}"
    sentences: Dict[str, str] = {}
    for path in files:
        found = 0
        for value in json.loads(path.read_text(encoding="utf-8")).values():
            if not isinstance(value, list):
                continue  # source, licence, about, excluded_intents...
            for item in value:
                text = item if isinstance(item, str) else item.get("text") if isinstance(item, dict) else None
                if isinstance(text, str) and normalise(text):
                    sentences.setdefault(normalise(text), f"{path.name}: {text}")
                    found += 1
        assert found, f"no sentences read from {path}"
    return sentences


def _nlu_examples(doc: Dict[str, Any]) -> Iterator[str]:
    for item in doc.get("nlu") or []:
        examples = item.get("examples") if isinstance(item, dict) else None
        if isinstance(examples, str):
            for line in examples.splitlines():
                line = line.strip()
                if line.startswith("- "):
                    yield line[2:]
        elif isinstance(examples, list):  # the long form: - text: ...  metadata: ...
            for example in examples:
                text = example.get("text") if isinstance(example, dict) else example
                if isinstance(text, str):
                    yield text


def _user_texts(node: Any) -> Iterator[str]:
    """`user:` text of any step (stories, rules, their `or` alternatives)."""
    if isinstance(node, dict):
        if isinstance(node.get("user"), str):
            yield node["user"]
        for value in node.values():
            yield from _user_texts(value)
    elif isinstance(node, list):
        for value in node:
            yield from _user_texts(value)


def training_examples() -> List[Tuple[str, str]]:
    """(where, original text) of every training example under data/."""
    found: List[Tuple[str, str]] = []
    for path in sorted(DATA.rglob("*.yml")) + sorted(DATA.rglob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        where = str(path.relative_to(ROOT))
        found += [(where, text) for text in _nlu_examples(doc)]
        found += [(where, text) for text in _user_texts({k: doc.get(k) for k in ("stories", "rules")})]
    return found


def test_normalise_reduces_annotations_case_and_punctuation():
    assert normalise("Cancel  [StreamMax TV](service), please!") == "cancel streammax tv please"
    assert normalise('What\'s [QC-1002]{"entity": "account_number"}?') == "whats qc1002"
    assert normalise("what's the date today") == normalise("Whats the date   today?")


def test_training_data_and_evaluation_sets_are_read():
    assert len(eval_sentences()) > 3000
    assert len(training_examples()) > 1000


def blind_heldout_sentences() -> Dict[str, str]:
    """normalised message -> original for the blind held-out set (tests/nlu/blind_heldout.yml)."""
    doc = yaml.safe_load((ROOT / "tests" / "nlu" / "blind_heldout.yml").read_text(encoding="utf-8"))
    return {normalise(text): text for text in _nlu_examples(doc) if normalise(text)}


def test_no_blind_heldout_message_is_a_training_example():
    # The blind set measures language nobody on the team wrote: none of it may be trained on.
    # Stock phrases under four words ("hi", "bye bye", "no thanks") are what anyone writes, so
    # they coincide without being copied; from four words on a shared message is a leak.
    blind = {n: t for n, t in blind_heldout_sentences().items() if len(n.split()) >= 4}
    assert len(blind) > 300
    leaks = sorted(f"{where}: {text!r}" for where, text in training_examples() if normalise(text) in blind)
    assert not leaks, f"{len(leaks)} blind held-out message(s) in the training data:\n" + "\n".join(leaks)


def test_no_evaluation_sentence_is_a_training_example():
    evaluation = eval_sentences()
    leaks = sorted(f"{where}: {text!r} is {evaluation[normalise(text)]!r}"
                   for where, text in training_examples() if normalise(text) in evaluation)
    assert not leaks, f"{len(leaks)} evaluation sentence(s) in the training data:\n" + "\n".join(leaks)
