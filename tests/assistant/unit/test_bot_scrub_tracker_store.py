"""The migration for conversations stored with tokens and typed secrets (bot/scrub_tracker_store.py),
on a tracker store written by Rasa's own SQLTrackerStore, as before the change."""
import asyncio
import json
import sqlite3
import time

import jwt
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels.quickconnect import conversation_owner, history_from_events
from bot.scrub_tracker_store import main

SECRET = "scrub-unit-test-secret-0123456789abcdef"


def token(sub, role, secret=SECRET):
    return jwt.encode({"sub": sub, "role": role, "iat": 1, "exp": int(time.time()) - 60}, secret, algorithm="HS256")


def old_conversation(path, sender, bearer, texts):
    """A conversation as Rasa stored it before: the token in metadata and the metadata slot."""
    domain = Domain.empty()
    store = SQLTrackerStore(domain=domain, dialect="sqlite", db=str(path))
    tracker = DialogueStateTracker(sender, domain.slots)
    md = {"token": bearer}
    tracker.update(SlotSet("session_started_metadata", md))
    for event in (ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")):
        tracker.update(event)
    for text in texts:
        tracker.update(UserUttered(text, {"name": "greet"}, parse_data={"text": text, "metadata": md}, metadata=md))
        tracker.update(BotUttered(f"You said: {text}"))
    asyncio.run(store.save(tracker))


def events(path, sender):
    with sqlite3.connect(path) as db:
        return [json.loads(d) for (d,) in db.execute("select data from events where sender_id = ? order by id", (sender,))]


def test_tokens_and_typed_secrets_are_scrubbed_once_and_the_owner_is_kept(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("QC_JWT_SECRET", SECRET)
    db = tmp_path / "tracker.db"
    maria, forged = token("QC-1001", "customer"), token("QC-1002", "customer", secret="not-the-secret-" * 3)
    old_conversation(db, "maria", maria, ["my pin is 4821", "card 4111 1111 1111 1111", "show my plan"])
    old_conversation(db, "forged", forged, ["hello"])
    before = events(db, "maria")
    assert conversation_owner(before, SECRET) == "customer:QC-1001"

    assert main(["--url", f"sqlite:///{db}", "--dry-run"]) == 0
    assert "would change 8 of 16 events" in capsys.readouterr().out and events(db, "maria") == before

    assert main(["--url", f"sqlite:///{db}"]) == 0
    out = capsys.readouterr().out
    # Changed: Maria's slot, 3 user events and the 2 bot events echoing her secrets; the other's slot
    # and user event. Tokens: one per slot, two per user event (metadata and parse_data's).
    # Each secret three times: the text, parse_data's text, the echo.
    assert "changed 8 of 16 events" in out and "credentials removed: 10" in out
    assert "PINs and passwords masked: 3" in out and "card numbers masked: 3" in out
    after = events(db, "maria")
    dump = json.dumps(after)
    assert maria not in dump and "4821" not in dump and "4111" not in dump and '"token"' not in dump
    assert [m["text"] for m in history_from_events(after) if m["sender"] == "user"] == [
        "my pin is ****", "card [card number removed]", "show my plan"]
    assert conversation_owner(after, SECRET) == "customer:QC-1001"       # history still opens for Maria
    # A token that never verified named nobody before, and names nobody now.
    assert conversation_owner(events(db, "forged"), SECRET) is None

    assert main(["--url", f"sqlite:///{db}"]) == 0                          # idempotent
    assert "changed 0 of 16 events" in capsys.readouterr().out
    assert events(db, "maria") == after
