"""Scale-out benchmark: the throughput of two Rasa servers against one, on the deployment of README
"Scaling out" (PostgreSQL tracker store, Redis lock store, services on PostgreSQL, nginx in front).

  .venv/bot/bin/python bench/scaleout.py            # 20 conversations through each setup
  .venv/bot/bin/python bench/scaleout.py -n 50

One cluster: PostgreSQL, Redis, the services, two action servers, two Rasa servers (each calling
its own action server). Then the same load (bench/conversations.py: N concurrent conversations of
10 messages, each on a bench customer of its own) goes first through an nginx that fronts Rasa
server 1 only, then through an nginx that fronts both. Prints messages/second and latency of each,
the ratio, errors and the exactly-once check; writes var/bench/scaleout.json.

On one machine both servers share its cores (2 on the project's machine), so the ratio says how
much of a second core one Rasa server leaves unused, not what a second machine would add.
"""
from __future__ import annotations

import argparse
import signal
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load import OUT, PIN, MemorySampler, check_exactly_once, ensure_bench_requirements  # noqa: E402
from bench.conversations import account, run_load  # noqa: E402
from bench.stack import ENDPOINTS_POSTGRES, Stack, free_port  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--conversations", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))   # stop the stack's processes too
    ensure_bench_requirements()
    OUT.mkdir(parents=True, exist_ok=True)
    n = args.conversations
    results = {"conversations": n, "started": time.strftime("%Y-%m-%d %H:%M:%S"),
               "load_average_before": os.getloadavg(), "cores": os.cpu_count()}
    with Stack(Path(tempfile.mkdtemp(prefix="qc-bench-scaleout-"))) as stack:
        stack.postgres()
        stack.redis()
        stack.services(database_url=stack.pg_url("quickconnect"), bench_customers=2 * n + 2)
        action_ports = stack.action_servers(2)
        rasa_ports = [free_port(), free_port()]
        stack.rasa_servers(2, ENDPOINTS_POSTGRES, ports=rasa_ports, first_ready=stack.rasa_tables_exist,
                           extra_env=stack.postgres_env(""),
                           instance_env=[{"QC_ACTION_ENDPOINT_URL": f"http://127.0.0.1:{p}/webhook"} for p in action_ports])
        one = stack.nginx(rasa_ports[:1], action_ports, name="nginx-one")
        two = stack.nginx(rasa_ports, action_ports, name="nginx-two")
        tokens = [stack.token(account_number=account(i), pin=PIN) for i in range(1, 2 * n + 3)]
        for url, token in zip(stack.rasa_urls, tokens[-2:]):     # warm both servers up
            run_load([url], [token], timeout=args.timeout, expect=False, ramp=0, label="warmup")
        for name, url, batch in (("one", one, tokens[:n]), ("two", two, tokens[n:2 * n])):
            sampler = MemorySampler(stack.pids())
            sampler.start()
            figures = run_load([url], batch, timeout=args.timeout, label=f"scaleout-{name}")
            figures.pop("records")
            figures.pop("senders")
            figures["memory"] = sampler.stop()
            results[name] = figures
        eo = check_exactly_once(stack, 2 * n)
        results["exactly_once"] = eo
    one, two = results["one"], results["two"]
    ratio = two["msgs_per_s"] / one["msgs_per_s"]
    results["throughput_ratio"] = round(ratio, 2)
    print(f"{n} concurrent conversations x 10 messages through nginx, {os.cpu_count()} cores, "
          f"load average before {results['load_average_before'][0]:.1f}")
    print(f"{'Rasa servers':<14} {'msgs/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for name, r in (("1", one), ("2", two)):
        print(f"{name:<14} {r['msgs_per_s']:>8} {r['p50_ms']:>8} {r['p95_ms']:>8} {r['p99_ms']:>8} {r['errors']:>7}")
    print(f"throughput, two servers / one: {ratio:.2f}x")
    print(f"changes applied exactly once: {eo['all_three_changes_exactly_once']}/{eo['conversations']} conversations, "
          f"{eo['duplicates']} with a duplicate")
    out = OUT / "scaleout.json"
    out.write_text(json.dumps(results, indent=1, default=str))
    print(f"figures written to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
