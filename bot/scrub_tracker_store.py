"""Scrub conversations stored before tokens and typed secrets were kept out of the tracker store.

    .venv/bot/bin/python -m bot.scrub_tracker_store --url sqlite:///var/rasa_tracker.db
    .venv/bot/bin/python -m bot.scrub_tracker_store --url postgresql://user:pass@host:5432/rasa_tracker
    .venv/bot/bin/python -m bot.scrub_tracker_store --endpoints deploy/endpoints.postgres.yml   # its settings
    ... --dry-run     # count only, change nothing

Every row of Rasa's `events` table is rewritten without what bot/tracker_store.py and the chat
channel now keep out: credentials (the `token` in metadata, parse_data and the
session_started_metadata slot, any other credential key, any token-shaped string) and typed
secrets in message text (bot/typed_secrets.py: PINs, passwords, card numbers). Where a token is
removed, who it named is kept as `signed_in` (role, subject), as the channel records it now, so
the conversation's owner can still read its history after a reload and the dashboard still tells
customers from agents; only a token that verifies with QC_JWT_SECRET (expiry aside) names anyone,
as before. Idempotent: a second run changes nothing. Prints what it changed.
Run it with the Rasa servers stopped or idle: a row is read and written back in one transaction
per batch, and Rasa only appends rows, so a running server is not harmed, only left unscrubbed if
it still ran the old tracker store.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from typing import Any, Optional, Tuple

import jwt
import sqlalchemy as sa

from bot import typed_secrets
from bot.secrets import jwt_secret
from bot.tracker_store import CREDENTIAL_KEYS

TEXT_KEYS = {"text", "display_text"}   # what a person typed (and what a bot event said back)
BATCH = 500


def _signed_in(token: Any, secret: str) -> Optional[dict]:
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"], options={"verify_exp": False})
    except (jwt.PyJWTError, TypeError):
        return None
    if claims.get("role") in ("customer", "agent") and claims.get("sub"):
        return {"role": claims["role"], "subject": str(claims["sub"])}
    return None


def scrub(value: Any, secret: str, counts: Counter, key: str = "") -> Any:
    """`value` without credentials and typed secrets; what was removed is added to `counts`."""
    if isinstance(value, dict):
        clean = {}
        for k, v in value.items():
            if str(k).lower() in CREDENTIAL_KEYS:
                counts["credentials removed"] += 1
                continue
            clean[k] = scrub(v, secret, counts, str(k))
        if "token" in value and "signed_in" not in value:
            who = _signed_in(value["token"], secret)
            if who:
                clean["signed_in"] = who
        return clean
    if isinstance(value, list):
        return [scrub(v, secret, counts, key) for v in value]
    if isinstance(value, str):
        if key in TEXT_KEYS:
            masked, found = typed_secrets.mask(value)
        else:   # ids, names, payloads: only a token-shaped string is taken out
            masked = typed_secrets._TOKEN.sub(typed_secrets.TOKEN_MASK, value)
            found = ["token"] * len(typed_secrets._TOKEN.findall(value))
        for kind in found:
            counts[{"token": "token-shaped strings masked", "pin": "PINs and passwords masked",
                     "card": "card numbers masked"}[kind]] += 1
        return masked
    return value


def scrub_events(url: str, secret: str, dry_run: bool = False) -> Counter:
    engine = sa.create_engine(url)
    events = sa.Table("events", sa.MetaData(), autoload_with=engine)
    counts: Counter = Counter()
    last_id = -1
    while True:
        with engine.begin() as conn:
            rows = conn.execute(sa.select(events.c.id, events.c.data).where(events.c.id > last_id)
                                .order_by(events.c.id).limit(BATCH)).all()
            for row_id, data in rows:
                counts["events scanned"] += 1
                try:
                    stored = json.loads(data or "null")
                except ValueError:
                    counts["events not JSON (left as they are)"] += 1
                    continue
                clean = scrub(stored, secret, counts)
                if clean != stored:
                    counts["events changed"] += 1
                    if not dry_run:
                        conn.execute(events.update().where(events.c.id == row_id).values(data=json.dumps(clean)))
        if not rows:
            return counts
        last_id = rows[-1][0]


def url_from_endpoints(path: str) -> str:
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.utils.endpoints import read_endpoint_config
    config = read_endpoint_config(path, "tracker_store")
    if config is None:
        raise SystemExit(f"{path} configures no tracker store")
    kw = config.kwargs
    url = SQLTrackerStore.get_db_url(kw.get("dialect", "sqlite"), config.url, kw.get("port"), kw.get("db", "rasa.db"),
                                     kw.get("username"), kw.get("password"), query=kw.get("query"))
    return url.render_as_string(hide_password=False) if hasattr(url, "render_as_string") else str(url)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.scrub_tracker_store", description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help="SQLAlchemy URL of the tracker store's database")
    where.add_argument("--endpoints", help="an endpoints.yml whose tracker_store settings to use")
    parser.add_argument("--dry-run", action="store_true", help="count what would change, change nothing")
    args = parser.parse_args(argv)
    url = args.url or url_from_endpoints(args.endpoints)
    counts = scrub_events(url, jwt_secret(), args.dry_run)
    print(f"{'would change' if args.dry_run else 'changed'} {counts['events changed']} of "
          f"{counts['events scanned']} events")
    for what in ("credentials removed", "token-shaped strings masked", "PINs and passwords masked",
                 "card numbers masked", "events not JSON (left as they are)"):
        print(f"  {what}: {counts[what]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
