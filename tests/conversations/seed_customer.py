"""Seed fresh customers with the services' own seeding code. Run with the services' venv python:

  QC_DATABASE_URL=... QC_TODAY=2026-11-21 .venv/services/bin/python tests/conversations/seed_customer.py < customers.json

stdin: a JSON list of customers shaped like those of services/quickconnect/seed/demo.yml.
"""
from __future__ import annotations

import json
import sys

from quickconnect import config
from quickconnect.bootstrap import bootstrap
from quickconnect.service_layer.seed import seed_demo


def main() -> int:
    customers = json.load(sys.stdin)
    services = bootstrap(config.load())
    uow = services.uow()
    with uow:
        results = seed_demo(uow, {"agents": [], "customers": customers}, services.clock, lambda _line: None)
        uow.commit()
    if results.count("new") != len(customers):
        print(f"expected {len(customers)} new customers, got {results}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
