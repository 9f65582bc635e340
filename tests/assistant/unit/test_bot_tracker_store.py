"""The tracker store stores no credential (bot/tracker_store.py): not in events, not in the
session_started_metadata slot, not in what it streams to an event broker; the tracker the
processor works on keeps the token for the message being handled."""
import asyncio
import json
import sqlite3
from pathlib import Path

import pytest
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import create_tracker_store
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

from bot.tracker_store import SecretFreeSQLTrackerStore, scrubbed_tracker, without_credentials

ROOT = Path(__file__).resolve().parents[3]
TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJRQy0xMDAxIn0.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg"
DOMAIN = Domain.from_yaml("slots:\n  account_number:\n    type: text\n    mappings: [{type: custom}]\n")


def metadata(**extra):
    return {"token": TOKEN, "signed_in": {"role": "customer", "subject": "QC-1001"}, **extra}


def message(text: str, md: dict) -> UserUttered:
    return UserUttered(text, {"name": "greet", "confidence": 0.9}, input_channel="quickconnect", message_id=text,
                       parse_data={"intent": {"name": "greet", "confidence": 0.9}, "entities": [], "text": text,
                                   "metadata": md}, metadata=md)


def conversation(sender: str = "s1") -> DialogueStateTracker:
    """What the processor holds after a first message: Rasa's session start (with the metadata
    slot it sets from the message), the user event, a slot and a reply."""
    tracker = DialogueStateTracker(sender, DOMAIN.slots)
    for event in [SlotSet("session_started_metadata", metadata()), ActionExecuted("action_session_start"),
                  SessionStarted(), SlotSet("session_started_metadata", metadata(working_account="QC-1002")),
                  ActionExecuted("action_listen"), message("hi", metadata(display_text="Hi")),
                  SlotSet("account_number", "QC-1001"), BotUttered("Hello!", {"buttons": []}),
                  ActionExecuted("action_listen")]:
        tracker.update(event)
    return tracker


class Collecting(EventBroker):
    def __init__(self):
        self.published = []

    def publish(self, event) -> None:
        self.published.append(event)


@pytest.fixture
def store(tmp_path):
    return SecretFreeSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "tracker.db"),
                                     event_broker=Collecting())


def stored_rows(store) -> list:
    with sqlite3.connect(store.engine.url.database) as db:
        return [json.loads(data) for (data,) in db.execute("select data from events order by id")]


def test_nothing_stored_or_streamed_holds_the_token_and_the_live_tracker_keeps_it(store):
    tracker = conversation()
    asyncio.run(store.save(tracker))
    rows = stored_rows(store)
    assert len(rows) == len(tracker.events)
    assert TOKEN not in json.dumps(rows) and "token" not in json.dumps(rows)
    assert TOKEN not in json.dumps(store.event_broker.published) and len(store.event_broker.published) == len(rows)
    # Everything else is kept as it was: who was signed in, the portal's account, the button title.
    user = next(r for r in rows if r["event"] == "user")
    assert user["metadata"] == {"signed_in": {"role": "customer", "subject": "QC-1001"}, "display_text": "Hi"}
    assert user["parse_data"]["metadata"] == user["metadata"] and user["text"] == "hi"
    assert [r["value"] for r in rows if r.get("name") == "session_started_metadata"][-1] == {
        "signed_in": {"role": "customer", "subject": "QC-1001"}, "working_account": "QC-1002"}
    # The processor goes on with its own tracker: the actions still get this message's token.
    assert tracker.latest_message.metadata["token"] == TOKEN
    assert tracker.get_slot("session_started_metadata")["token"] == TOKEN


def test_the_next_message_is_appended_without_a_token_and_the_conversation_reads_back_whole(store):
    tracker = conversation()
    asyncio.run(store.save(tracker))
    again = asyncio.run(store.retrieve("s1"))
    assert "token" not in again.latest_message.metadata and again.get_slot("account_number") == "QC-1001"
    again.update(message("show my plan", metadata()))
    again.update(BotUttered("Your plan is Basic."))
    asyncio.run(store.save(again))
    rows = stored_rows(store)
    assert len(rows) == len(tracker.events) + 2 and TOKEN not in json.dumps(rows)
    back = asyncio.run(store.retrieve("s1"))
    assert [e.get("text") for e in back.as_dialogue().as_dict()["events"] if e["event"] in ("user", "bot")] == [
        "hi", "Hello!", "show my plan", "Your plan is Basic."]


def test_a_tracker_without_credentials_is_passed_on_as_it_is():
    tracker = DialogueStateTracker("s2", DOMAIN.slots)
    tracker.update(message("hi", {"signed_in": {"role": "agent", "subject": "agent-ana"}}))
    assert scrubbed_tracker(tracker) is tracker


def test_every_credential_key_at_any_depth_is_left_out():
    assert without_credentials({"a": 1, "Token": "x", "nested": [{"password": "p", "pin": "1", "keep": 2}],
                                "headers": {"Authorization": "Bearer x"}}) == {"a": 1, "nested": [{"keep": 2}],
                                                                               "headers": {}}


@pytest.mark.parametrize("endpoints", ["endpoints.yml", "deploy/endpoints.postgres.yml"])
def test_the_configured_tracker_store_is_this_one(endpoints, monkeypatch):
    # Rasa falls back to the in-memory store, with only a warning, when a custom class is not found.
    for name in ("QC_ACTION_ENDPOINT_URL", "QC_TRACKER_DB_HOST", "QC_TRACKER_DB_PORT", "QC_TRACKER_DB_NAME",
                 "QC_TRACKER_DB_USER", "QC_TRACKER_DB_PASSWORD", "QC_REDIS_HOST", "QC_REDIS_PORT"):
        monkeypatch.setenv(name, "1")
    config = read_endpoint_config(str(ROOT / endpoints), "tracker_store")
    # The caching store (bot/caching_tracker_store.py) is a SecretFreeSQLTrackerStore.
    assert config.type == "bot.caching_tracker_store.CachingSQLTrackerStore"
    if endpoints == "endpoints.yml":
        config.kwargs["db"] = ":memory:"
        store = create_tracker_store(config, DOMAIN)
        assert isinstance(store, SecretFreeSQLTrackerStore)
