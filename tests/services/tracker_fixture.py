"""A small Rasa tracker store for the dashboard tests: Rasa 3.6's SQL schema (the DDL SQLTrackerStore
creates, as found in var/rasa_tracker.db) and events shaped like Rasa's own as_dict() output."""
import json
import sqlite3
import time
from datetime import datetime, timezone

import jwt

RASA_SCHEMA = """
CREATE TABLE events (
    id INTEGER NOT NULL,
    sender_id VARCHAR(255) NOT NULL,
    type_name VARCHAR(255) NOT NULL,
    timestamp FLOAT,
    intent_name VARCHAR(255),
    action_name VARCHAR(255),
    data TEXT,
    PRIMARY KEY (id)
);
CREATE INDEX ix_events_sender_id ON events (sender_id);
"""


def token(subject: str, role: str, secret: str = "the-secret-the-chat-channel-verified-with") -> str:
    now = int(time.time())
    return jwt.encode({"sub": subject, "role": role, "name": subject, "iat": now, "exp": now + 3600},
                      secret, algorithm="HS256")


def _ts(at: str) -> float:
    return datetime.fromisoformat(at).replace(tzinfo=timezone.utc).timestamp()


class TrackerDb:
    """Write events as Rasa would; `say` returns the conversation so calls chain."""

    def __init__(self, path):
        self.path = path
        self.conn = sqlite3.connect(path)
        self.conn.executescript(RASA_SCHEMA)

    def _add(self, sender, type_name, at, data, intent=None, action=None):
        data = {"event": type_name, "timestamp": _ts(at), **data}
        self.conn.execute("INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data) "
                          "VALUES (?, ?, ?, ?, ?, ?)", (sender, type_name, _ts(at), intent, action, json.dumps(data)))
        self.conn.commit()

    def session(self, sender, at):
        self._add(sender, "action", at, {"name": "action_session_start"}, action="action_session_start")
        self._add(sender, "session_started", at, {})
        self._add(sender, "action", at, {"name": "action_listen"}, action="action_listen")

    def user(self, sender, at, text, intent, confidence=0.95, faq=None, bearer=None, ranking=(), signed_in=None):
        # bearer: a token in the metadata, as Rasa stored it before bot/tracker_store.py;
        # signed_in: (role, subject), what the chat channel records now instead.
        who = {"token": bearer} if bearer else {"signed_in": {"role": signed_in[0], "subject": signed_in[1]}} if signed_in else {}
        metadata = {**who, "model_id": "m1"}
        parse = {"intent": {"name": intent, "confidence": confidence}, "entities": [], "text": text,
                 "message_id": "x", "metadata": who,
                 "intent_ranking": [{"name": intent, "confidence": confidence}]
                 + [{"name": n, "confidence": c} for n, c in ranking],
                 "response_selector": {"all_retrieval_intents": ["faq"], "faq": {
                     "response": {"intent_response_key": f"faq/{faq or 'contact_support'}", "confidence": 0.9},
                     "ranking": []}}}
        self._add(sender, "user", at, {"metadata": metadata, "text": text, "parse_data": parse,
                                       "input_channel": "quickconnect", "message_id": "x"}, intent=intent)

    def action(self, sender, at, name):
        self._add(sender, "action", at, {"name": name, "policy": "RulePolicy", "confidence": 1.0}, action=name)

    def bot(self, sender, at, text):
        self._add(sender, "bot", at, {"text": text, "data": {}, "metadata": {}})
