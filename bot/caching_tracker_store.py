"""The credential-free SQL tracker store with recent trackers kept in memory: a turn reads only the
events stored since the tracker was last seen, not the whole session.

Rasa's SQLTrackerStore.retrieve reads every event of the session and replays it into a new tracker
on every message, so a turn costs more the longer the conversation is. Here the tracker replayed
from the stored events is kept (per conversation, least recently used dropped past `cache_size`)
with the id of the last stored row it has seen. retrieve() reads only the rows with a larger id,
replays just those onto the kept tracker and hands out a copy. What is kept is always a replay of
what is stored (never the processor's live tracker, which holds the message's token), so the
tracker handed out is the one Rasa's own retrieve would build, and it is right when another Rasa
server sharing the database wrote in between or after a restart (nothing kept: a full read).

Correct as long as one conversation's rows are written one turn at a time, which the lock store
guarantees (each message of a conversation is handled under its lock, on whichever server; with
several servers use the Redis lock store): then rows of a conversation are committed in id order
and none is missed. A new session (a `session_started` row) is read in full, as Rasa would.

The copy handed out shares the event objects with the kept tracker (events are not changed once
logged; the processor appends new ones) and copies the rest (slots, active loop), so a copy costs
little however long the conversation is. Trackers are bot.incremental_states' subclass, whose
past states (what the policies featurize) are built only for new events; its checkpoints are
shared by the copies of one conversation.

endpoints.yml:
  tracker_store:
    type: bot.caching_tracker_store.CachingSQLTrackerStore
    dialect: sqlite              # or postgresql, as for bot.tracker_store.SecretFreeSQLTrackerStore
    db: var/rasa_tracker.db
    cache_size: 100              # conversations kept in memory (optional; about 1 MB for 100 messages)
"""
from __future__ import annotations

import itertools
import json
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Iterator, List, Optional, Text

from rasa.shared.core import events as rasa_events
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker

from bot.incremental_states import IncrementalStatesTracker, copy_sharing_events
from bot.tracker_store import SecretFreeSQLTrackerStore


@dataclass
class _Kept:
    tracker: DialogueStateTracker
    last_id: int                         # the largest events.id replayed (or skipped) so far
    session_start: Optional[float]       # timestamp of the session's session_started row, if any
    rows: int                            # rows of the session Rasa's query returns (= events, normally)


class CachingSQLTrackerStore(SecretFreeSQLTrackerStore):
    def __init__(self, domain: Optional[Domain] = None, cache_size: int = 100, **kwargs: Any) -> None:
        self._kept: "OrderedDict[Text, _Kept]" = OrderedDict()
        self.cache_size = int(cache_size)
        super().__init__(domain, **kwargs)

    @property
    def domain(self) -> Domain:
        return self._domain

    @domain.setter
    def domain(self, domain: Optional[Domain]) -> None:
        # A new model may have other slots: trackers replayed with the old ones are dropped.
        self._domain = domain or Domain.empty()
        self._kept = OrderedDict()

    def init_tracker(self, sender_id: Text) -> DialogueStateTracker:
        """A new conversation's tracker (Rasa's, of the incremental-states class)."""
        return IncrementalStatesTracker(sender_id, self.domain.slots, max_event_history=self.max_event_history)

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        with self.session_scope() as session:
            kept = self._kept.get(sender_id)
            kept = self._catch_up(session, sender_id, kept) if kept else self._read_session(session, sender_id)
        if kept is None:
            self._kept.pop(sender_id, None)
            return None
        self._kept[sender_id] = kept
        self._kept.move_to_end(sender_id)
        while len(self._kept) > self.cache_size:
            self._kept.popitem(last=False)
        return copy_sharing_events(kept.tracker)

    def _read_session(self, session, sender_id: Text) -> Optional[_Kept]:
        """Rasa's own read (every row of the latest session), remembering the rows' ids."""
        rows = self._event_query(session, sender_id, fetch_events_from_all_sessions=False).all()
        if not rows or not self.domain:
            return None
        tracker = IncrementalStatesTracker.from_dict(sender_id, [json.loads(r.data) for r in rows], self.domain.slots)
        tracker.applied_events()   # worked out once here; the copies go on from it
        starts = [r.timestamp for r in rows if r.type_name == SessionStarted.type_name]
        return _Kept(tracker, max(r.id for r in rows), max(starts) if starts else None, len(rows))

    def _catch_up(self, session, sender_id: Text, kept: _Kept) -> Optional[_Kept]:
        """Replay the rows stored since `kept` was read; a new session is read in full."""
        rows = (session.query(self.SQLEvent)
                .filter(self.SQLEvent.sender_id == sender_id, self.SQLEvent.id > kept.last_id)
                .order_by(self.SQLEvent.id).all())
        if any(r.type_name == SessionStarted.type_name for r in rows):
            return self._read_session(session, sender_id)
        # Rasa's query keeps the rows stamped at or after the session's start (all without one).
        kept_rows = [r for r in rows if kept.session_start is None
                     or (r.timestamp is not None and r.timestamp >= kept.session_start)]
        for event in rasa_events.deserialise_events([json.loads(r.data) for r in kept_rows]):
            kept.tracker.update(event)
        kept.tracker.applied_events()
        kept.rows += len(kept_rows)
        if rows:
            kept.last_id = rows[-1].id
        return kept

    def stored_prefix(self, tracker: DialogueStateTracker) -> int:
        """The events of the kept tracker, when `tracker` is a copy of it with events appended:
        those are stored (and free of credentials), so save() scrubs and inserts only the rest."""
        kept = self._kept.get(tracker.sender_id)
        n = len(kept.tracker.events) if kept else 0
        if not n or kept.rows != n or len(tracker.events) < n or tracker.events[n - 1] is not kept.tracker.events[-1]:
            return 0
        return n

    def _additional_events(self, session, tracker: DialogueStateTracker) -> Iterator:
        # Rasa counts the session's stored rows; the kept tracker already knows how many there are
        # (`tracker` is the scrubbed copy, whose stored events are the kept tracker's own objects).
        known = self.stored_prefix(tracker)
        if not known:
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, known, len(tracker.events))

    def forget(self, sender_ids: Optional[List[Text]] = None) -> None:
        """Drop kept trackers (all of them without `sender_ids`); the next read is a full one."""
        for sender_id in (list(self._kept) if sender_ids is None else sender_ids):
            self._kept.pop(sender_id, None)
