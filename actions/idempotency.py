"""Idempotency keys for writes: derived from the conversation and the confirmed quote, so that the
same confirmed request sent twice (a retry, a redelivered message) is one change, not two."""
import hashlib
import json
import uuid
from typing import Any, Dict

from rasa_sdk import Tracker


def new_quote_id() -> str:
    return uuid.uuid4().hex


def idempotency_key(tracker: Tracker, operation: str, request: Dict[str, Any]) -> str:
    quote = tracker.get_slot("quote") or {}
    material = json.dumps({"conversation": tracker.sender_id, "quote": quote.get("quote_id"),
                           "operation": operation, "request": request}, sort_keys=True)
    return f"qc-assistant-{hashlib.sha256(material.encode()).hexdigest()[:40]}"
