"""Seed N bench customers with the services' own seeding code (run with .venv/services/bin/python).

  QC_DATABASE_URL=... QC_TODAY=2026-11-21 .venv/services/bin/python bench/seed_customers.py 50

Each customer QC-B0001..QC-B{N} is shaped like the demo's QC-1001 (Europe Saver since 260 days,
StreamMax TV Premium for 120 days, Cloud Backup 200 GB, a few calls) and has PIN 0000, so that
every bench conversation adds, cancels and changes on an account of its own.
"""
from __future__ import annotations

import sys

from quickconnect import config
from quickconnect.bootstrap import bootstrap
from quickconnect.service_layer.seed import seed_demo

PIN = "0000"


def account(i: int) -> str:
    return f"QC-B{i:04d}"


def bench_customers(count: int) -> dict:
    return {"agents": [], "customers": [{
        "account_number": account(i), "name": f"Bench Customer {i}", "pin": PIN, "billing_cycle_day": 1,
        "uses_online_account": True, "plan": {"code": "europe_saver", "since_days_ago": 260},
        "subscriptions": [{"service": "streammax_tv", "tier": "premium", "status": "active", "started_days_ago": 120},
                          {"service": "cloud_backup", "tier": "200gb", "status": "active", "started_days_ago": 700}],
        "usage": [["GB", 42, 3], ["ES", 65, 8]]} for i in range(1, count + 1)]}


def main(argv: list[str]) -> int:
    count = int(argv[1]) if len(argv) > 1 else 50
    services = bootstrap(config.load())
    uow = services.uow()
    with uow:
        results = seed_demo(uow, bench_customers(count), services.clock, lambda _line: None)
        uow.commit()
    print(f"bench customers: {results.count('new')} created, {results.count('unchanged')} already there")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
