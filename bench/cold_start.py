"""Services cold start: how long the first requests that need the country directory wait after
`qc-services serve` starts (the first plan view, usage, rates or recommendation).

  .venv/bot/bin/python bench/cold_start.py                      # this checkout
  .venv/bot/bin/python bench/cold_start.py --services-src DIR   # another checkout's services/ (before/after)

Starts the services on a fresh SQLite file with 20 bench customers, waits for /health, logs each
customer in, then sends 20 plan views at once (the first wave) and 20 more (the second wave).
"""
from __future__ import annotations

import argparse
import concurrent.futures
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.conversations import account, percentile  # noqa: E402
from bench.stack import Stack  # noqa: E402


def wave(stack: Stack, tokens: list) -> list:
    def view(i_token):
        i, token = i_token
        t0 = time.monotonic()
        status = requests.get(f"{stack.services_url}/customers/{account(i)}/plan",
                              headers={"Authorization": f"Bearer {token}"}, timeout=60).status_code
        return time.monotonic() - t0, status
    with concurrent.futures.ThreadPoolExecutor(len(tokens)) as pool:
        return list(pool.map(view, enumerate(tokens, 1)))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--services-src", type=Path, help="a services/ directory to run instead of this one")
    parser.add_argument("-n", type=int, default=20)
    args = parser.parse_args(argv)
    with Stack(Path(tempfile.mkdtemp(prefix="qc-bench-cold-"))) as stack:
        if args.services_src:
            stack.env["PYTHONPATH"] = str(args.services_src.resolve())
        stack.services(bench_customers=args.n)
        tokens = [stack.token(account_number=account(i), pin="0000") for i in range(1, args.n + 1)]
        first, second = wave(stack, tokens), wave(stack, tokens)
    for name, results in (("first wave", first), ("second wave", second)):
        times = [t for t, _ in results]
        failed = [status for _, status in results if status != 200]
        print(f"{name}: {len(times)} plan views at once, p50 {percentile(times, 50) * 1000:.0f} ms, "
              f"max {max(times) * 1000:.0f} ms, {len(failed)} failed {sorted(set(failed)) or ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
