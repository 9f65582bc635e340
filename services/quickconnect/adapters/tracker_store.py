"""Read-only access to the assistant's conversations in the Rasa tracker store (Rasa 3.6's SQL
schema: one table `events`, see rasa/core/tracker_store.py SQLTrackerStore.SQLEvent), for the
support dashboard. The services never write there and keep no copy: SQLite is opened read-only
(mode=ro, so a missing file is not created either), PostgreSQL in read-only transactions.

Rasa's event JSON is understood here and nowhere else: callers get the domain's TrackedEvent.
The role of whoever spoke comes from `metadata.signed_in` (the chat channel writes it; no token
is stored any more); conversations stored before that carry a token, of which only the role it
names is read, and it never leaves this module.
"""
from __future__ import annotations

import json
import logging
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

import jwt
from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, create_engine, select
from sqlalchemy.engine import Engine, make_url

from ..domain.conversations import TrackedEvent
from .db import UNAVAILABLE

log = logging.getLogger(__name__)

EVENTS = Table("events", MetaData(),
               Column("id", Integer, primary_key=True), Column("sender_id", String(255)),
               Column("type_name", String(255)), Column("timestamp", Float),
               Column("intent_name", String(255)), Column("action_name", String(255)), Column("data", Text))
HANDOFF_ACTION = "action_human_handoff"


def make_readonly_engine(url: str, timeout: float = 3.0) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        uri = f"file:{quote(str(Path(parsed.database or '').resolve()))}?mode=ro"
        return create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True, timeout=timeout,
                                                                          check_same_thread=False))
    return create_engine(url, pool_pre_ping=True, pool_timeout=timeout,
                         connect_args={"connect_timeout": max(1, round(timeout)),
                                       "options": "-c default_transaction_read_only=on"})


def _role(metadata: dict) -> str:
    # It only labels the conversation (customer chat or agent widget) and grants nothing.
    signed_in, token = metadata.get("signed_in"), metadata.get("token")
    if isinstance(signed_in, dict):
        role = signed_in.get("role")
    elif isinstance(token, str):
        # Stored before tokens were left out: the channel verified it before Rasa stored it, so
        # the claims are read without the secret (a rotated secret must not relabel old conversations).
        try:
            role = jwt.decode(token, options={"verify_signature": False}).get("role")
        except jwt.PyJWTError:
            return "anonymous"
    else:
        return "anonymous"
    return role if role in ("customer", "agent") else "anonymous"


def _user_event(sender_id: str, at: datetime, data: dict) -> TrackedEvent:
    parse = data.get("parse_data") or {}
    intent = parse.get("intent") or {}
    selected = ((parse.get("response_selector") or {}).get("faq") or {}).get("response") or {}
    key = selected.get("intent_response_key") or intent.get("full_retrieval_intent_name") or ""
    ranking = tuple((r.get("name"), r.get("confidence")) for r in parse.get("intent_ranking") or []
                    if isinstance(r, dict) and r.get("name"))
    return TrackedEvent(sender_id, at, "user", role=_role(data.get("metadata") or {}),
                        intent=intent.get("name"), confidence=intent.get("confidence"),
                        faq_topic=key.split("/", 1)[1] if intent.get("name") == "faq" and "/" in key else None,
                        text=str(data.get("text") or ""), ranking=ranking)


class TrackerStore:
    def __init__(self, url: str, timeout: float = 3.0):
        self.url = url
        self.engine = make_readonly_engine(url, timeout)

    def events(self, start: datetime, end: datetime) -> list[TrackedEvent] | None:
        """Session starts, user messages and handoffs stamped in [start, end), by conversation and
        order; None when the tracker store cannot be read (not created yet, unreachable)."""
        epoch = lambda d: d.replace(tzinfo=timezone.utc).timestamp()  # noqa: E731
        query = (select(EVENTS.c.sender_id, EVENTS.c.type_name, EVENTS.c.timestamp, EVENTS.c.action_name,
                        EVENTS.c.data)
                 .where(EVENTS.c.timestamp >= epoch(start), EVENTS.c.timestamp < epoch(end),
                        (EVENTS.c.type_name.in_(("session_started", "user")))
                        | ((EVENTS.c.type_name == "action") & (EVENTS.c.action_name == HANDOFF_ACTION)))
                 .order_by(EVENTS.c.sender_id, EVENTS.c.id))
        try:
            with self.engine.connect() as conn:
                rows = conn.execute(query).all()
        except UNAVAILABLE as err:
            log.warning("tracker store %s cannot be read: %s", make_url(self.url).render_as_string(), err)
            return None
        events = []
        for sender_id, type_name, timestamp, _action, data in rows:
            at = datetime.fromtimestamp(timestamp, timezone.utc).replace(tzinfo=None)
            if type_name == "user":
                try:
                    events.append(_user_event(sender_id, at, json.loads(data or "{}")))
                except (ValueError, AttributeError):
                    continue      # a malformed row is skipped, not the whole dashboard
            else:
                events.append(TrackedEvent(sender_id, at, "session" if type_name == "session_started" else "handoff"))
        return events
