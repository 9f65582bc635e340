"""The caching tracker store (bot/caching_tracker_store.py) hands out the tracker Rasa's own SQL
store would build from the database: with two servers writing one conversation by turns, after a
restart, across a new session, and whatever the processor does to the copy it got."""
import asyncio
import json
import sqlite3

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from bot.caching_tracker_store import CachingSQLTrackerStore
from bot.tracker_store import SecretFreeSQLTrackerStore
from tests.assistant.unit.test_bot_tracker_store import DOMAIN, TOKEN, conversation, message, metadata


def run(coroutine):
    return asyncio.run(coroutine)


def state(tracker: DialogueStateTracker) -> str:
    return json.dumps(tracker.current_state(EventVerbosity.ALL), sort_keys=True, default=str)


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "tracker.db")


def store(db, cls=CachingSQLTrackerStore, **kwargs):
    return cls(domain=DOMAIN, dialect="sqlite", db=db, **kwargs)


def turn(store, sender: str, text: str, account: str = "QC-1001") -> None:
    """What the processor does with a message: retrieve, append the turn's events, save."""
    tracker = run(store.retrieve(sender))
    for event in [message(text, metadata()), SlotSet("account_number", account), BotUttered(f"re: {text}"),
                  ActionExecuted("action_listen")]:
        tracker.update(event)
    run(store.save(tracker))


def test_two_servers_writing_one_conversation_by_turns_both_read_what_rasa_would(db):
    one, two, plain = store(db), store(db), store(db, SecretFreeSQLTrackerStore)
    run(one.save(conversation()))
    for i in range(6):   # the lock store serialises the turns; they land on either server
        turn(one if i % 3 else two, "s1", f"message {i}", account=f"QC-10{i:02d}")
        for server in (one, two):
            assert state(run(server.retrieve("s1"))) == state(run(plain.retrieve("s1")))
    assert run(two.retrieve("s1")).get_slot("account_number") == "QC-1005"


def test_after_a_restart_the_whole_session_is_read(db):
    first = store(db)
    run(first.save(conversation()))
    turn(first, "s1", "hello")
    restarted = store(db)
    assert state(run(restarted.retrieve("s1"))) == state(run(store(db, SecretFreeSQLTrackerStore).retrieve("s1")))


def test_a_new_session_reads_only_that_session_as_rasa_does(db):
    cached, plain = store(db), store(db, SecretFreeSQLTrackerStore)
    run(cached.save(conversation()))
    turn(cached, "s1", "first session")
    tracker = run(cached.retrieve("s1"))
    for event in [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]:
        tracker.update(event)
    run(cached.save(tracker))
    turn(cached, "s1", "second session")
    back = run(cached.retrieve("s1"))
    assert state(back) == state(run(plain.retrieve("s1")))
    assert [e.text for e in back.events if e.type_name == "user"] == ["second session"]


def test_what_the_processor_does_to_its_copy_reaches_nothing_kept(db):
    cached = store(db)
    run(cached.save(conversation()))
    before = state(run(cached.retrieve("s1")))
    mine = run(cached.retrieve("s1"))
    mine.update(message("unsaved", metadata()))
    mine.slots["account_number"].value = "QC-9999"
    assert state(run(cached.retrieve("s1"))) == before


def test_no_token_is_kept_in_memory_either(db):
    cached = store(db)
    live = conversation()
    run(cached.save(live))
    turn(cached, "s1", "hello")
    kept = cached._kept["s1"].tracker
    turn(cached, "s1", "and again")   # saved with only its new events scrubbed and inserted
    with sqlite3.connect(db) as conn:
        rows = [data for (data,) in conn.execute("select data from events")]
    assert len(rows) == len(live.events) + 2 * 4   # each turn stored its four events, once
    assert not any(TOKEN in row or '"token"' in row for row in rows)
    assert TOKEN not in state(kept) and TOKEN not in json.dumps(kept.get_slot("session_started_metadata"))
    assert live.latest_message.metadata["token"] == TOKEN   # the processor's own tracker keeps it


def test_memory_is_bounded_least_recently_used_first(db):
    cached = store(db, cache_size=2)
    for sender in ("a", "b", "c"):
        run(cached.save(conversation(sender)))
        run(cached.retrieve(sender))
    assert list(cached._kept) == ["b", "c"]
    assert run(cached.retrieve("a")) is not None and list(cached._kept) == ["c", "a"]


def test_an_unknown_conversation_is_none(db):
    assert run(store(db).retrieve("nobody")) is None


def test_the_next_turn_builds_on_the_states_of_the_last_one(db):
    # The processor's events carry the token; the next turn's tracker holds them as stored.
    cached, plain = store(db), store(db, SecretFreeSQLTrackerStore)
    run(cached.save(conversation()))
    replayed = []
    for i in range(8):
        tracker = run(cached.retrieve("s1"))
        before = tracker.states_checkpoints.replayed
        for event in [message(f"message {i}", metadata()), SlotSet("account_number", f"QC-10{i:02d}"),
                      ActionExecuted("utter_reply"), BotUttered(f"re: {i}"), ActionExecuted("action_listen")]:
            tracker.update(event)
            assert tracker.past_states(DOMAIN) == DOMAIN.states_for_tracker_history(
                DialogueStateTracker.from_events("s1", list(tracker.events), DOMAIN.slots))
        replayed.append(tracker.states_checkpoints.replayed - before)
        run(cached.save(tracker))
    assert run(cached.retrieve("s1")).past_states(DOMAIN) == run(plain.retrieve("s1")).past_states(DOMAIN)
    assert max(replayed[1:]) <= 10, replayed   # each call replays the events since the previous one
