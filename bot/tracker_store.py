"""A tracker store that never writes a credential: Rasa's SQL tracker store with the identity
token (and any other credential) taken out of every event before it is stored or streamed to an
event broker.

The channel puts the caller's bearer token into the message metadata because the actions need it
to call the services on the caller's behalf. Rasa writes metadata as it is: into the user event
(`metadata`, `parse_data.metadata`) and, on the first message of a session, into the
`session_started_metadata` slot. Here save() hands Rasa a copy of the tracker whose events carry
no credential; the tracker the processor works on is not touched, so the action server still gets
the token of the message being handled, and only for that message (the next message brings its
own; a retrieved tracker has none). Who was signed in stays in the metadata as `signed_in`
(role and subject, set by the channel), which is all that history and the dashboard need.

Rasa Open Source 3.6 has no anonymisation of its own (Rasa Pro's covers logs and Kafka only).

endpoints.yml:
  tracker_store:
    type: bot.tracker_store.SecretFreeSQLTrackerStore
    dialect: sqlite            # or postgresql with url/port/db/username/password, as for type: SQL
    db: var/rasa_tracker.db

The mixin keeps this independent of the storage: put it in front of any Rasa tracker store
(`class X(CredentialFreeMixin, SomeTrackerStore)`); a caching store can build on the SQL one.
"""
from __future__ import annotations

import copy
from typing import Any, Dict, Optional

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.constants import SESSION_START_METADATA_SLOT
from rasa.shared.core.events import Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

# Keys whose values are credentials wherever they appear in an event (lower case).
CREDENTIAL_KEYS = frozenset({"token", "access_token", "id_token", "refresh_token", "authorization", "bearer",
                             "password", "pin", "secret", "api_key", "cookie"})


def holds_credential(value: Any) -> bool:
    if isinstance(value, dict):
        return any(str(k).lower() in CREDENTIAL_KEYS or holds_credential(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(holds_credential(v) for v in value)
    return False


def without_credentials(value: Any) -> Any:
    """A copy of `value` with every credential key (at any depth) left out."""
    if isinstance(value, dict):
        return {k: without_credentials(v) for k, v in value.items() if str(k).lower() not in CREDENTIAL_KEYS}
    if isinstance(value, list):
        return [without_credentials(v) for v in value]
    return value


def _needs_scrubbing(event: Event) -> bool:
    # Attribute checks only: this runs for every event on every save, and only the rare event that
    # holds a credential pays for a copy.
    if holds_credential(getattr(event, "metadata", None)):
        return True
    if isinstance(event, UserUttered):
        return holds_credential((event.parse_data or {}).get("metadata"))
    if isinstance(event, SlotSet):
        return holds_credential(event.value)
    return False


def scrubbed_event(event: Event) -> Event:
    """The event itself if it holds no credential, else an equal event without them."""
    if not _needs_scrubbing(event):
        return event
    return Event.from_parameters(without_credentials(event.as_dict()))


def scrubbed_tracker(tracker: DialogueStateTracker, clean_prefix: int = 0) -> DialogueStateTracker:
    """A shallow copy of `tracker` with credential-free events, slots and latest message (stores
    that serialise the whole tracker, not only its events, see those). `tracker` is unchanged.
    The first `clean_prefix` events are known to be free of credentials (read back from the store)."""
    events = [e if i < clean_prefix else scrubbed_event(e) for i, e in enumerate(tracker.events)]
    if all(a is b for a, b in zip(events, tracker.events)) and not holds_credential(_metadata_slot(tracker)):
        return tracker
    clean = copy.copy(tracker)
    clean.events = type(tracker.events)(events, maxlen=tracker.events.maxlen)
    latest = next((e for e in reversed(events) if isinstance(e, UserUttered)), None)
    if latest is not None:
        clean.latest_message = latest
    if holds_credential(_metadata_slot(tracker)):
        clean.slots = dict(tracker.slots)
        slot = copy.copy(tracker.slots[SESSION_START_METADATA_SLOT])
        slot._value = without_credentials(slot.value)   # Slot.value's setter would mark it as set by a user
        clean.slots[SESSION_START_METADATA_SLOT] = slot
    return clean


def _metadata_slot(tracker: DialogueStateTracker) -> Optional[Dict]:
    slot = tracker.slots.get(SESSION_START_METADATA_SLOT)
    return slot.value if slot is not None else None


class CredentialFreeMixin:
    """save() stores (and streams to the event broker) a credential-free copy of the tracker."""

    async def save(self, tracker: DialogueStateTracker) -> None:
        await super().save(scrubbed_tracker(tracker, self.stored_prefix(tracker)))   # type: ignore[misc]

    def stored_prefix(self, tracker: DialogueStateTracker) -> int:
        """How many of the tracker's first events are known to be stored already (none here)."""
        return 0


class SecretFreeSQLTrackerStore(CredentialFreeMixin, SQLTrackerStore):
    """Rasa's SQLTrackerStore (same tables, same settings) that stores no credential."""
