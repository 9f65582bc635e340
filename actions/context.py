"""What the conversation was just about, so that "cancel it", "sign me up for that one" or "put me
on that plan" can be filled from it, and what the last change was ("what did you just change?").

`discussed` holds the services, plans and countries the assistant last talked about, with the
number of the user turn it was in: a reference back counts only for a few turns, so a catalog
question asked long ago never fills a later request.
"""
from typing import List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

RECENT_TURNS = 3  # "it" refers to what was discussed at most this many user messages ago


def user_turn(tracker: Tracker) -> int:
    return sum(1 for e in tracker.events if e.get("event") == "user")


def remember(tracker: Tracker, **names_by_kind: List[str]) -> SlotSet:
    """Record what this reply was about, e.g. `remember(tracker, country=[...], plan=[...])`: each kind
    given with names replaces what was discussed of that kind before; the others are kept. One
    SlotSet for all kinds, as two would each overwrite the other."""
    given = {kind: list(dict.fromkeys(names)) for kind, names in names_by_kind.items() if names}
    kept = [d for d in (tracker.get_slot("discussed") or []) if d.get("kind") not in given]
    return SlotSet("discussed", kept + [{"kind": kind, "names": names, "turn": user_turn(tracker)}
                                        for kind, names in given.items()])


def referents(tracker: Tracker, kind: str) -> List[str]:
    """The names of `kind` discussed in the last few turns (most often one)."""
    now = user_turn(tracker)
    for item in tracker.get_slot("discussed") or []:
        if item.get("kind") == kind and now - int(item.get("turn", -99)) <= RECENT_TURNS:
            return list(item.get("names") or [])
    return []


def the_referent(tracker: Tracker, kind: str) -> Optional[str]:
    """The one thing of `kind` the user can only mean, or None when there is none or several."""
    names = referents(tracker, kind)
    return names[0] if len(names) == 1 else None


def entity_values(tracker: Tracker, entity: str) -> List[str]:
    return [e["value"] for e in tracker.latest_message.get("entities", []) if e.get("entity") == entity]


def outcome(text: str) -> SlotSet:
    """The slot that keeps a change's outcome for "what did you just change?"."""
    return SlotSet("last_outcome", text)
