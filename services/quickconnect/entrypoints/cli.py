"""qc-services migrate | seed | serve | activate-due | token"""
from __future__ import annotations

import argparse
import logging
import logging.config
import sys
import time

from .. import config
from ..adapters import geo
from ..adapters.migrate import is_current, upgrade
from ..bootstrap import bootstrap
from ..domain.errors import DomainError
from ..service_layer import handlers
from ..service_layer.seed import seed
from . import logs
from .auth import issue_token
from .worker import ActivationThread, activate_once


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qc-services", description="QuickConnect services")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="create or upgrade the database schema (Alembic upgrade head)")
    sub.add_parser("seed", help="load the catalog and demo data (idempotent)")
    serve = sub.add_parser("serve", help="run the HTTP API and the activation worker")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--activation-interval", type=float, help="seconds between activation rounds")
    activate = sub.add_parser("activate-due", help="activate pending subscriptions that are due")
    activate.add_argument("--loop", type=float, metavar="SECONDS", help="repeat every SECONDS")
    token = sub.add_parser("token", help="print a signed token for a demo customer or agent")
    who = token.add_mutually_exclusive_group(required=True)
    who.add_argument("--customer", metavar="ACCOUNT")
    who.add_argument("--agent", metavar="AGENT_ID")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.config.dictConfig(logs.config())
    try:
        settings = config.load()
    except config.ConfigError as err:
        print(f"qc-services: {err}", file=sys.stderr)
        return 2
    logging.config.dictConfig(logs.config([settings.jwt_secret]))   # now the secret itself is masked too
    services = bootstrap(settings)
    try:
        if args.command == "migrate":
            upgrade(services.engine)
            print(f"migrate: {settings.dialect} database is at the latest schema")
        elif args.command == "seed":
            seed(services.uow(), config.SEED_DIR, services.clock)
        elif args.command == "activate-due":
            while True:
                activated = activate_once(services)
                print(f"activate-due: {len(activated)} subscription(s) activated")
                if not args.loop:
                    break
                time.sleep(args.loop)
        elif args.command == "token":
            subject, role, name = handlers.identity(services.uow(), args.customer, args.agent)
            print(issue_token(settings.jwt_secret, settings.token_ttl_seconds, subject, role, name))
        elif args.command == "serve":
            import uvicorn

            from .api import create_app
            if not is_current(services.engine):
                print("qc-services serve: the database schema is missing or old; run `qc-services migrate` "
                      "(and `qc-services seed` for the demo data) first", file=sys.stderr)
                return 1
            # Built before the first request rather than inside it: country_converter loads pandas
            # and a data table (~2 s of CPU), which stalled the first plan, usage or rates request
            # after every restart, and every request that arrived meanwhile (bench/README.md).
            geo.continents()
            interval = args.activation_interval or settings.activation_interval_seconds
            worker = ActivationThread(services, interval)
            worker.start()
            try:
                uvicorn.run(create_app(services), host=args.host or settings.host, port=args.port or settings.port,
                            log_config=logs.config([settings.jwt_secret]))
            finally:
                worker.stop()
    except DomainError as err:
        print(f"qc-services {args.command}: {err.message}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
