"""Load benchmark: N concurrent scripted conversations against our stack (through the project's
chat channel, bot/channels/quickconnect.py) and, in the same run, against a stock Rasa bot
(bench/baseline/, the framework floor, through Rasa's REST channel).

  .venv/bot/bin/python bench/load.py                       # 50 conversations, both stacks
  .venv/bot/bin/python bench/load.py -n 5 --only ours      # a quick look while developing
  .venv/bot/bin/python bench/load.py -n 50 --profile rasa  # + a py-spy profile of one process
  .venv/bot/bin/python bench/load.py --capacity            # conversations one instance holds at a person's pace

Each conversation logs in as a bench customer of its own (QC-B0001.., seeded with the services'
own code by bench/seed_customers.py) and says, waiting for each reply: an FAQ, add a service
(tier, then "yes"), cancel a service ("yes"), change the international plan ("now", "yes"), "no"
to the follow-up offer: 10 messages. The baseline gets the same 10 messages per conversation.
Afterwards the services' audit log must show each customer's three changes exactly once.

Prints p50/p95/p99 reply latency, messages/second, errors, the peak RSS of each process, and
writes everything to var/bench/load.json. It starts its own processes on free loopback ports.

--capacity: how many conversations at once one instance (one Rasa server; ours with its action
server and the services) holds with a p95 reply under 1 s and no error, when each conversation
pauses `--think` seconds on average (default 10; 0.5-1.5 times that) after each reply. The
conversations start spread over one pause; each step is a fresh set of conversations (ours: on
bench customers not used before), doubling from `--capacity-start` until a step fails, then
halving the gap. var/bench/capacity.json.
"""
from __future__ import annotations

import argparse
import signal
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Dict, List, Optional

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BENCH_REQUIREMENTS = ROOT / "requirements" / "bench.txt"


def ensure_bench_requirements() -> None:
    try:
        import psutil  # noqa: F401
        if not (Path(sys.executable).parent / "py-spy").exists():
            raise ImportError("py-spy")
    except ImportError:
        print(f"installing {BENCH_REQUIREMENTS.relative_to(ROOT)} into {Path(sys.executable).parents[1]}", flush=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "-r", str(BENCH_REQUIREMENTS)], check=True)


ensure_bench_requirements()

import psutil  # noqa: E402

from bench.conversations import CHANGES, SCRIPT, account, run_load  # noqa: E402
from bench.stack import AGENT, Stack  # noqa: E402

OUT = ROOT / "var" / "bench"
BASELINE_DIR = ROOT / "bench" / "baseline"
BASELINE_MODEL = OUT / "baseline" / "baseline.tar.gz"
PIN = "0000"

# --- memory -----------------------------------------------------------------------------------
class MemorySampler(threading.Thread):
    """Peak RSS of each named process (with its children) sampled every half second."""

    def __init__(self, pids: Dict[str, int]):
        super().__init__(daemon=True)
        self.pids, self.peak, self.last = pids, defaultdict(int), {}
        self._halt = threading.Event()

    def sample(self) -> None:
        for name, pid in self.pids.items():
            try:
                proc = psutil.Process(pid)
                rss = proc.memory_info().rss + sum(c.memory_info().rss for c in proc.children(recursive=True))
            except psutil.Error:
                continue
            self.last[name] = rss
            self.peak[name] = max(self.peak[name], rss)

    def run(self) -> None:
        while not self._halt.wait(0.5):
            self.sample()

    def stop(self) -> Dict[str, Dict[str, int]]:
        self._halt.set()
        self.join()
        self.sample()
        return {name: {"peak_mb": round(self.peak[name] / 2**20), "after_mb": round(self.last.get(name, 0) / 2**20)}
                for name in self.pids}


# --- profiling --------------------------------------------------------------------------------
class Profiler:
    """py-spy record on one process while the load runs: folded stacks, summarised by function."""

    def __init__(self, pid: int, name: str, seconds: int):
        self.name, self.out = name, OUT / f"profile-{name}.folded"
        self.proc = subprocess.Popen([str(Path(sys.executable).parent / "py-spy"), "record", "--pid", str(pid),
                                      "--duration", str(seconds), "--rate", "50", "--format", "raw",
                                      "--nonblocking", "--output", str(self.out)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def finish(self) -> Dict:
        self.proc.send_signal(2)   # SIGINT: py-spy writes what it has so far
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        return summarise_profile(self.out)


def summarise_profile(path: Path, top: int = 15) -> Dict:
    if not path.exists():
        return {"error": "no profile written (py-spy needs ptrace: run as root or with CAP_SYS_PTRACE)"}
    own, inclusive, total = Counter(), Counter(), 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = [f for f in stack.split(";") if f]
        if not frames:
            continue
        frames = frames[1:] if frames[0].startswith("process ") else frames
        if not frames:
            continue
        own[frames[-1]] += n
        for f in set(frames):
            inclusive[f] += n
    # py-spy names frames "function (path relative to sys.path)": ours are actions/, quickconnect/, bot/
    ours = {f: c for f, c in inclusive.items() if any(f" ({p}" in f for p in ("actions/", "quickconnect/", "bot/"))}
    inner = {f: c for f, c in inclusive.items() if c < 0.85 * total}   # below the server's own loop
    fmt = lambda c: [{"frame": f, "share": round(n / total, 3)} for f, n in c]  # noqa: E731
    return {"samples": total, "top_own": fmt(own.most_common(top)),
            "top_inclusive": fmt(Counter(inner).most_common(top)),
            "top_inclusive_in_project_code": fmt(Counter(ours).most_common(top))}


# --- stacks -----------------------------------------------------------------------------------
def train_baseline() -> Path:
    inputs = [BASELINE_DIR / "config.yml", BASELINE_DIR / "domain.yml", *sorted((BASELINE_DIR / "data").glob("*.yml"))]
    if BASELINE_MODEL.exists() and BASELINE_MODEL.stat().st_mtime > max(p.stat().st_mtime for p in inputs):
        return BASELINE_MODEL
    print("training the baseline bot (bench/baseline/)", flush=True)
    env = {**os.environ, "RASA_CACHE_DIRECTORY": str(OUT / "baseline" / "cache")}  # not the project's cache
    t0 = time.monotonic()
    subprocess.run([str(Path(sys.executable).parent / "rasa"), "train", "--config", str(inputs[0]),
                    "--domain", str(inputs[1]), "--data", str(BASELINE_DIR / "data"), "--out", str(BASELINE_MODEL.parent),
                    "--fixed-model-name", "baseline"], cwd=ROOT, env=env, check=True,
                   stdout=(OUT / "baseline-train.log").open("w"), stderr=subprocess.STDOUT)
    print(f"baseline trained in {time.monotonic() - t0:.0f}s", flush=True)
    return BASELINE_MODEL


def measure(stack: Stack, urls: List[str], tokens: List[Optional[str]], warm_tokens: List[Optional[str]], args,
            expect: bool, label: str, channel: str, profile_pid: Optional[int] = None) -> Dict:
    run_load(urls, warm_tokens, timeout=args.timeout, expect=False, ramp=0, label=f"{label}-warmup", channel=channel)
    sampler = MemorySampler(stack.pids())
    sampler.start()
    profiler = Profiler(profile_pid, args.profile, 1800) if profile_pid else None
    figures = run_load(urls, tokens, think=args.think, timeout=args.timeout, expect=expect, label=label,
                       channel=channel)
    figures.pop("records")
    if profiler:
        figures["profile"] = profiler.finish()
    figures["memory"] = sampler.stop()
    return figures


def bench_baseline(args) -> Dict:
    model = train_baseline()
    with Stack(Path(tempfile.mkdtemp(prefix="qc-bench-baseline-"))) as stack:
        stack.rasa_servers(1, stack.sqlite_endpoints(None, tracker_type="SQL"), model=model, channel="rest")
        pid = stack.pids()["rasa1"] if args.profile == "baseline" else None
        return measure(stack, stack.rasa_urls, [None] * args.conversations, [None], args, False, "baseline", "rest",
                       pid)


def bench_ours(args) -> Dict:
    with Stack(Path(tempfile.mkdtemp(prefix="qc-bench-ours-"))) as stack:
        stack.services(bench_customers=args.conversations + 1)
        ports = stack.action_servers(1)
        stack.rasa_servers(1, stack.sqlite_endpoints(f"http://127.0.0.1:{ports[0]}/webhook", args.tracker_store))
        tokens = [stack.token(account_number=account(i), pin=PIN) for i in range(1, args.conversations + 2)]
        pid = {"rasa": "rasa1", "actions": "actions1", "services": "services"}.get(args.profile)
        figures = measure(stack, stack.rasa_urls, tokens[:-1], tokens[-1:], args, True, "ours", "quickconnect",
                          stack.pids()[pid] if pid else None)
        figures["exactly_once"] = check_exactly_once(stack, args.conversations)
        return figures


def check_exactly_once(stack: Stack, conversations: int) -> Dict:
    """Each bench customer's audit log: add, cancel and plan change, each exactly once; and the state."""
    agent = stack.token(**AGENT)
    exact, problems = 0, []
    for i in range(1, conversations + 1):
        acct = account(i)
        counts = Counter(a["action"] for a in stack.get(f"/audit?account={acct}", agent))
        subs = {s["service"]["name"]: s["status"] for s in stack.get(f"/customers/{acct}/subscriptions", agent)}
        plan = stack.get(f"/customers/{acct}/plan", agent)["plan"]["name"]
        state_ok = (subs.get("Hotspot Boost") in ("pending_activation", "active") and subs.get("StreamMax TV") == "cancelled"
                    and plan == "World Unlimited")
        if all(counts[c] == 1 for c in CHANGES) and state_ok:
            exact += 1
        else:
            problems.append({"account": acct, "audit": {c: counts[c] for c in CHANGES}, "subscriptions": subs, "plan": plan})
    return {"conversations": conversations, "all_three_changes_exactly_once": exact,
            "duplicates": sum(1 for p in problems if any(v > 1 for v in p["audit"].values())), "problems": problems[:10]}


# --- capacity ---------------------------------------------------------------------------------
P95_LIMIT_MS = 1000


def holds(step: Dict) -> bool:
    return step["errors"] == 0 and step["p95_ms"] is not None and step["p95_ms"] < P95_LIMIT_MS


def find_capacity(run_step, start: int, limit: int) -> Dict:
    """Double from `start` until a step fails (or `limit`), then bisect to within an eighth."""
    steps, good, bad, n = [], 0, None, start
    while True:
        step = run_step(n)
        steps.append({k: step[k] for k in ("conversations", "messages", "p50_ms", "p95_ms", "p99_ms", "msgs_per_s",
                                           "errors", "unexpected_replies")})
        print(f"  {n} conversations: p95 {step['p95_ms']} ms, {step['errors']} errors, "
              f"{'holds' if holds(step) else 'does not hold'}", flush=True)
        if holds(step):
            good = n
        else:
            bad = n
        if bad is None:
            if n >= limit:
                break
            n = min(2 * n, limit)
        else:
            if bad - good <= max(5, good // 8):
                break
            n = (good + bad) // 2
    return {"holds": good, "fails_at": bad, "steps": steps}


def capacity_baseline(args) -> Dict:
    model = train_baseline()
    with Stack(Path(tempfile.mkdtemp(prefix="qc-capacity-baseline-"))) as stack:
        stack.rasa_servers(1, stack.sqlite_endpoints(None, tracker_type="SQL"), model=model, channel="rest")
        run_load(stack.rasa_urls, [None], expect=False, ramp=0, label="baseline-warmup", channel="rest")
        sampler = MemorySampler(stack.pids())
        sampler.start()
        step = lambda n: run_load(stack.rasa_urls, [None] * n, think=args.think, timeout=args.timeout,  # noqa: E731
                                  expect=False, ramp=args.think, label=f"baseline-{n}", channel="rest")
        found = find_capacity(step, args.capacity_start, args.capacity_limit)
        found["memory"] = sampler.stop()
        return found


def capacity_ours(args) -> Dict:
    with Stack(Path(tempfile.mkdtemp(prefix="qc-capacity-ours-"))) as stack:
        stack.services(bench_customers=args.capacity_customers + 1)
        ports = stack.action_servers(1)
        stack.rasa_servers(1, stack.sqlite_endpoints(f"http://127.0.0.1:{ports[0]}/webhook", args.tracker_store))
        warm = stack.token(account_number=account(args.capacity_customers + 1), pin=PIN)
        run_load(stack.rasa_urls, [warm], expect=False, ramp=0, label="ours-warmup")
        used = [0]

        def step(n: int) -> Dict:
            if used[0] + n > args.capacity_customers:
                raise SystemExit(f"out of bench customers: raise --capacity-customers (used {used[0]})")
            tokens = [stack.token(account_number=account(i), pin=PIN) for i in range(used[0] + 1, used[0] + n + 1)]
            used[0] += n
            return run_load(stack.rasa_urls, tokens, think=args.think, timeout=args.timeout, expect=True,
                            ramp=args.think, label=f"ours-{n}")

        sampler = MemorySampler(stack.pids())
        sampler.start()
        found = find_capacity(step, args.capacity_start, args.capacity_limit)
        found["memory"] = sampler.stop()
        return found


def capacity(args) -> int:
    results: Dict = {"think_s": args.think, "p95_limit_ms": P95_LIMIT_MS, "started": time.strftime("%Y-%m-%d %H:%M:%S"),
                     "load_average_before": os.getloadavg()}
    for name, run in (("baseline", capacity_baseline), ("ours", capacity_ours)):
        if args.only in (None, name):
            print(f"{name}:", flush=True)
            results[name] = run(args)
    results["load_average_after"] = os.getloadavg()
    for name in ("ours", "baseline"):
        if name in results:
            r = results[name]
            print(f"{name}: holds {r['holds']} conversations (p95 < {P95_LIMIT_MS} ms, 0 errors; "
                  f"{'fails at ' + str(r['fails_at']) if r['fails_at'] else 'the limit reached'}); "
                  f"Rasa peak RSS {r['memory'].get('rasa1', {}).get('peak_mb')} MB")
    out = args.out if args.out != OUT / "load.json" else OUT / "capacity.json"
    out.write_text(json.dumps(results, indent=1, default=str))
    print(f"figures written to {out}")
    return 0


# --- report -----------------------------------------------------------------------------------
def report(results: Dict) -> str:
    lines = [f"{results['conversations']} concurrent conversations x {len(SCRIPT)} messages, think time "
             f"{results['think_s']} s, on {os.cpu_count()} cores",
             f"{'stack':<10} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} {'msgs/s':>8} {'errors':>7} {'unexpected':>10}"]
    for name in ("ours", "baseline"):
        r = results.get(name)
        if r:
            lines.append(f"{name:<10} {r['p50_ms']:>8} {r['p95_ms']:>8} {r['p99_ms']:>8} {r['max_ms']:>8} "
                         f"{r['msgs_per_s']:>8} {r['errors']:>7} {r['unexpected_replies']:>10}")
    for name in ("ours", "baseline"):
        r = results.get(name)
        if r:
            mem = ", ".join(f"{k} {v['peak_mb']} MB" for k, v in r["memory"].items())
            lines.append(f"peak RSS ({name}): {mem}")
    if "ours" in results and "baseline" in results:
        ratio = results["ours"]["p95_ms"] / results["baseline"]["p95_ms"]
        results["p95_ratio"] = round(ratio, 2)
        lines.append(f"p95 ours / baseline: {ratio:.2f}x (target <= 1.3x with nothing queueing)")
        o, b = results["ours"], results["baseline"]
        results["p50_ratio"] = round(o["p50_ms"] / b["p50_ms"], 2)
        results["msgs_per_s_ratio"] = round(o["msgs_per_s"] / b["msgs_per_s"], 2)
        lines.append(f"p50 ours / baseline: {results['p50_ratio']:.2f}x (target <= 1.3x with nothing queueing); messages/s ours / baseline: "
                     f"{results['msgs_per_s_ratio']:.2f}x")
    if "ours" in results:
        eo = results["ours"]["exactly_once"]
        lines.append(f"changes applied exactly once: {eo['all_three_changes_exactly_once']}/{eo['conversations']} "
                     f"conversations, {eo['duplicates']} with a duplicate")
        rasa = results["ours"]["memory"].get("rasa1", {}).get("peak_mb")
        lines.append(f"Rasa server peak RSS: {rasa} MB (target <= 1331 MB, 1.3 GB)")
        for ex in results["ours"]["unexpected_examples"]:
            lines.append(f"  unexpected reply at step {ex['step']} ({ex['sender']}): {ex['reply'][:120]!r}")
        for p in eo["problems"]:
            lines.append(f"  not exactly once: {p}")
    for name in ("ours", "baseline"):
        prof = (results.get(name) or {}).get("profile")
        if prof:
            lines.append(f"profile of {results['profile']} ({prof.get('samples')} samples; var/bench/profile-*.folded):")
            for row in prof.get("top_own", [])[:10]:
                lines.append(f"  own {row['share']:6.1%}  {row['frame']}")
            for row in prof.get("top_inclusive", [])[:10]:
                lines.append(f"  incl {row['share']:5.1%}  {row['frame']}")
            for row in prof.get("top_inclusive_in_project_code", [])[:8]:
                lines.append(f"  ours {row['share']:5.1%}  {row['frame']}")
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--conversations", type=int, default=50)
    parser.add_argument("--think", type=float, default=0.0,
                        help="mean seconds a user waits before the next message (0: reply, then send at once)")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds before a reply counts as an error")
    parser.add_argument("--only", choices=("ours", "baseline"))
    parser.add_argument("--profile", choices=("rasa", "actions", "services", "baseline"),
                        help="py-spy record this process during the load")
    parser.add_argument("--out", type=Path, default=OUT / "load.json")
    parser.add_argument("--tracker-store", help="our Rasa server's tracker store class (default: endpoints.yml's)")
    parser.add_argument("--capacity", action="store_true", help="find how many conversations one instance holds")
    parser.add_argument("--capacity-start", type=int, default=40)
    parser.add_argument("--capacity-limit", type=int, default=320)
    parser.add_argument("--capacity-customers", type=int, default=700, help="bench customers seeded for ours")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))   # stop the stack's processes too
    OUT.mkdir(parents=True, exist_ok=True)
    if args.capacity:
        if args.think == 0.0:
            args.think = 10.0
        return capacity(args)
    results: Dict = {"conversations": args.conversations, "think_s": args.think, "profile": args.profile,
                     "started": time.strftime("%Y-%m-%d %H:%M:%S"), "load_average_before": os.getloadavg()}
    if args.only != "ours":
        results["baseline"] = bench_baseline(args)
    if args.only != "baseline":
        results["ours"] = bench_ours(args)
    text = report(results)
    print(text)
    args.out.write_text(json.dumps(results, indent=1, default=str))
    print(f"figures written to {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
