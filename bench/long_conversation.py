"""Long-conversation benchmark: does a reply get slower the longer the conversation is?

  .venv/bot/bin/python bench/long_conversation.py                  # 100 messages, 2 s apart, both stacks
  .venv/bot/bin/python bench/long_conversation.py --only ours -m 40
  .venv/bot/bin/python bench/long_conversation.py --tracker-store bot.tracker_store.SecretFreeSQLTrackerStore

One conversation of a customer and one of an agent (the employee portal keeps one conversation
open for a whole shift), at a person's pace: a message every `--pace` seconds (reply time
included). The two run at the same time, half a pace apart, so they rarely overlap. The customer
repeats a 20-message block of questions and changes it declines ("no" to the quote), so the
account is the same at every block and messages 81-100 are the very messages of 1-20. The agent
repeats the same kind of block, with the customer opened in the portal switching every 10
messages (two bench customers). The stock Rasa bot (bench/baseline/) gets the same 100 texts per
conversation through Rasa's REST channel, in the same run.

Prints, per stack and conversation: the median (and p95) reply time of messages 1-20 and of the
last 20, their ratio, errors, and how many of the last block's replies differ from the first
block's (ours only: a check that the late messages did the same work). var/bench/long_conversation.json.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Dict, List, Optional

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load import OUT, PIN, train_baseline  # noqa: E402  (installs the bench requirements)
from bench.conversations import FAILED, account, percentile, post_args  # noqa: E402
from bench.stack import AGENT, Stack  # noqa: E402
import requests  # noqa: E402

CUSTOMER_BLOCK = [
    "how long does it take for a new service to get activated",
    "what services do i have",
    "show my plan",
    "i want to add hotspot boost",
    "30 GB",
    "no",
    "i want to cancel streammax",
    "no",
    "i want to switch my international plan to world unlimited",
    "now",
    "no",
    "how much data have i used",
    "whats the phone number for support",
    "what add-ons do you have",
    "please cancel my streammax",
    "no",
    "thanks",
    "show my plan",
    "what services do i have",
    "how long does it take for a new service to get activated",
]
AGENT_HALF = [   # said about the customer opened in the portal; the portal switches customer after each
    "show the customer's plan",
    "what services does the customer have",
    "customer wants to add hotspot boost",
    "30 GB",
    "no",
    "customer wants to switch the international plan to world unlimited",
    "now",
    "no",
    "how long does it take for a new service to get activated",
    "thanks",
]
AGENT_CUSTOMERS = ("QC-1001", "QC-1002")   # the demo's (the portal sends only QC-<digits>); nothing is changed


def script(role: str, messages: int) -> List[Dict]:
    """The messages of one conversation: text, and for the agent the account open in the portal."""
    out = []
    for i in range(messages):
        if role == "customer":
            out.append({"text": CUSTOMER_BLOCK[i % len(CUSTOMER_BLOCK)]})
        else:
            out.append({"text": AGENT_HALF[i % len(AGENT_HALF)], "account": AGENT_CUSTOMERS[(i // len(AGENT_HALF)) % 2]})
    return out


def converse(url: str, channel: str, sender: str, token: Optional[str], messages: List[Dict], pace: float,
             start_delay: float, timeout: float, records: List[Dict]) -> None:
    time.sleep(start_delay)
    http = requests.Session()
    for i, msg in enumerate(messages):
        t0 = time.monotonic()
        args = post_args(url, channel, sender, msg["text"], token, msg.get("account"))
        try:
            resp = http.post(timeout=timeout, **args)
            payload = resp.json() if resp.status_code == 200 else None
        except (requests.RequestException, ValueError):
            payload = None
        latency = time.monotonic() - t0
        reply = "\n".join(m.get("text") or "" for m in payload) if isinstance(payload, list) else ""
        records.append({"i": i, "text": msg["text"], "latency": latency, "reply": reply,
                        "error": not reply or FAILED in reply})
        time.sleep(max(0.0, pace - (time.monotonic() - t0)))


def run_conversations(url: str, channel: str, tokens: Dict[str, Optional[str]], args, label: str) -> Dict[str, List]:
    records: Dict[str, List] = {role: [] for role in tokens}
    run = f"{label}-{int(time.time())}"
    threads = [threading.Thread(target=converse, args=(url, channel, f"long-{run}-{role}", tokens[role],
                                                       script(role, args.messages), args.pace, k * args.pace / 2,
                                                       args.timeout, records[role]))
               for k, role in enumerate(tokens)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return records


def figures(records: List[Dict], window: int, compare_replies: bool) -> Dict:
    first, last = records[:window], records[-window:]
    ms = lambda rs: [r["latency"] * 1000 for r in rs if not r["error"]]  # noqa: E731
    out = {"messages": len(records), "errors": sum(r["error"] for r in records),
           "first_median_ms": round(statistics.median(ms(first))) if ms(first) else None,
           "last_median_ms": round(statistics.median(ms(last))) if ms(last) else None,
           "first_p95_ms": round(percentile(ms(first), 95)) if ms(first) else None,
           "last_p95_ms": round(percentile(ms(last), 95)) if ms(last) else None,
           "median_ms_per_block": [round(statistics.median(ms(records[k:k + window]) or [float("nan")]))
                                   for k in range(0, len(records), window)]}
    if out["first_median_ms"] and out["last_median_ms"]:
        out["ratio"] = round(out["last_median_ms"] / out["first_median_ms"], 2)
    if compare_replies and len(records) >= 2 * window:
        out["last_block_replies_unlike_first"] = [
            {"i": b["i"], "text": b["text"], "first": a["reply"][:160], "last": b["reply"][:160]}
            for a, b in zip(first, last) if a["reply"] != b["reply"]]
    out["records"] = [{"i": r["i"], "text": r["text"], "ms": round(r["latency"] * 1000), "error": r["error"],
                       "reply": r["reply"][:200]} for r in records]
    return out


def bench_ours(args) -> Dict:
    with Stack(Path(tempfile.mkdtemp(prefix="qc-long-ours-"))) as stack:
        stack.per_conversation_per_minute = 1000   # 30 a minute is a 2 s pace exactly: no 429 from jitter
        stack.services(bench_customers=1)
        ports = stack.action_servers(1)
        stack.rasa_servers(1, stack.sqlite_endpoints(f"http://127.0.0.1:{ports[0]}/webhook",
                                                     tracker_type=args.tracker_store))
        tokens = {"customer": stack.token(account_number=account(1), pin=PIN), "agent": stack.token(**AGENT)}
        warm = run_conversations(stack.rasa_urls[0], "quickconnect", tokens, warm_args(args), "warm")
        records = run_conversations(stack.rasa_urls[0], "quickconnect", tokens, args, "ours")
        return {"tracker_store": args.tracker_store or "endpoints.yml",
                "warmup_errors": sum(r["error"] for rs in warm.values() for r in rs),
                **{role: figures(rs, args.window, True) for role, rs in records.items()}}


def bench_baseline(args) -> Dict:
    model = train_baseline()
    with Stack(Path(tempfile.mkdtemp(prefix="qc-long-baseline-"))) as stack:
        stack.rasa_servers(1, stack.sqlite_endpoints(None, tracker_type="SQL"), model=model, channel="rest")
        tokens = {"customer": None, "agent": None}
        run_conversations(stack.rasa_urls[0], "rest", tokens, warm_args(args), "warm")
        records = run_conversations(stack.rasa_urls[0], "rest", tokens, args, "baseline")
        return {role: figures(rs, args.window, False) for role, rs in records.items()}


def warm_args(args):
    return argparse.Namespace(**{**vars(args), "messages": len(CUSTOMER_BLOCK), "pace": 0.2})


def report(results: Dict) -> str:
    lines = [f"one customer and one agent conversation, {results['messages']} messages each, a message every "
             f"{results['pace_s']} s; median (p95) reply of messages 1-{results['window']} and of the last "
             f"{results['window']}; load average before {results['load_average_before']}",
             f"{'stack':<9} {'who':<9} {'first ms':>14} {'last ms':>14} {'last/first':>10} {'errors':>6}  medians per block"]
    for stack in ("ours", "baseline"):
        for role in ("customer", "agent"):
            r = (results.get(stack) or {}).get(role)
            if r:
                lines.append(f"{stack:<9} {role:<9} {r['first_median_ms']:>6} ({r['first_p95_ms']:>5}) "
                             f"{r['last_median_ms']:>6} ({r['last_p95_ms']:>5}) {r.get('ratio', '-'):>10} "
                             f"{r['errors']:>6}  {r['median_ms_per_block']}")
    for role in ("customer", "agent"):
        unlike = ((results.get("ours") or {}).get(role) or {}).get("last_block_replies_unlike_first")
        if unlike is not None:
            lines.append(f"ours, {role}: {len(unlike)} of the last block's replies differ from the first block's")
            for u in unlike[:6]:
                lines.append(f"  {u['i']:>3} {u['text']!r}: {u['first'][:70]!r} -> {u['last'][:70]!r}")
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-m", "--messages", type=int, default=100)
    parser.add_argument("--pace", type=float, default=2.0, help="seconds from one message to the next")
    parser.add_argument("--window", type=int, default=20, help="messages compared at the start and the end")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--only", choices=("ours", "baseline"))
    parser.add_argument("--tracker-store", help="our Rasa server's tracker store class (default: endpoints.yml's)")
    parser.add_argument("--out", type=Path, default=OUT / "long_conversation.json")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    OUT.mkdir(parents=True, exist_ok=True)
    results: Dict = {"messages": args.messages, "pace_s": args.pace, "window": args.window,
                     "started": time.strftime("%Y-%m-%d %H:%M:%S"),
                     "load_average_before": [round(x, 2) for x in os.getloadavg()]}
    if args.only != "baseline":
        results["ours"] = bench_ours(args)
    if args.only != "ours":
        results["baseline"] = bench_baseline(args)
    results["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    print(report(results))
    args.out.write_text(json.dumps(results, indent=1, default=str))
    print(f"figures written to {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
