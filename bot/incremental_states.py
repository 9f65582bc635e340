"""A dialogue state tracker whose past states (what every policy featurizes) are worked out only
for the events that are new since the last time, not for the whole conversation again.

Rasa's `DialogueStateTracker.past_states` replays every applied event of the session into a fresh
tracker and builds a state at each action (`Domain.states_for_tracker_history`), and the
policies call it several times per prediction, two to four predictions a turn: the main reason a
turn costs more the longer the conversation is. The states before an event depend only on the
events before it, so here the replay is resumed from a checkpoint (the replayed tracker and the
states so far) taken at the end of an earlier call on the same applied events. When the applied
events changed further back (a form's turns folded together by Rasa, a reverted action), the
latest checkpoint still on the same events is used, or the whole history is replayed as Rasa
does. The loop below is `Domain.states_for_tracker_history`'s own, step by step.

Applied events (the events less those reverted or folded into a form's turns) are worked out the
same way: Rasa's `applied_events` loop, resumed for the events appended since the last call, and
run from the start when a new event names a form not seen before (the loop's decisions depend
on the forms named anywhere in the tracker).

bot/caching_tracker_store.py hands out trackers of this class, all copies of one conversation
sharing one set of checkpoints (they are keyed by the events themselves, so a copy with other
events simply finds none that fits).
"""
from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

from rasa.shared.core.constants import PREVIOUS_ACTION
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import (ActionExecuted, ActionReverted, ActiveLoop, Event, Restarted, SessionStarted,
                                     UserUttered, UserUtteranceReverted)
from rasa.shared.core.trackers import DialogueStateTracker

CHECKPOINTS_PER_KIND = 4   # a turn makes one per prediction; a form folds back about one turn


@dataclass
class _Checkpoint:
    applied: List[Event]             # the applied events it was built from
    position: int                    # how many of them `replay` holds
    replay: DialogueStateTracker     # the prior tracker after applied[:position]
    states: List[State]              # the states yielded before `position`
    last_ml_action_sub_state: Any
    turn_was_hidden: bool


class StatesCheckpoints:
    """Checkpoints per kind of call (domain, omit_unset_slots, ignore_rule_only_turns, rule_only_data)."""

    def __init__(self) -> None:
        self.by_kind: Dict[Tuple, List[_Checkpoint]] = {}
        self.replayed = 0   # events replayed, for the tests: only new ones, once warm

    def best(self, kind: Tuple, applied: List[Event]) -> Optional[_Checkpoint]:
        for cp in sorted(self.by_kind.get(kind, ()), key=lambda c: -c.position):
            if cp.position <= len(applied) and all(a is b or same_event(a, b)
                                                   for a, b in zip(cp.applied[:cp.position], applied)):
                return cp
        return None

    def add(self, kind: Tuple, cp: _Checkpoint) -> None:
        kept = [c for c in self.by_kind.get(kind, []) if c.position != cp.position or c.applied is not cp.applied]
        self.by_kind[kind] = (kept + [cp])[-CHECKPOINTS_PER_KIND:]


def same_event(a: Event, b: Event) -> bool:
    """One logged event and the same event read back from the tracker store: the checkpoints of a
    turn were built from the processor's own events, the next turn's tracker holds them as
    stored (without the token). Rasa's event equality compares what the states are made of
    (intent, entities, slot values, action names, ...); the timestamp tells repeats apart."""
    return (type(a) is type(b) and a.timestamp == b.timestamp and a == b
            and getattr(a, "hide_rule_turn", None) == getattr(b, "hide_rule_turn", None))


def copy_sharing_events(tracker: DialogueStateTracker) -> DialogueStateTracker:
    """A deep copy of `tracker` that shares with it what never changes once made: the events,
    the slots' mappings and values lists from the domain, and the states checkpoints."""
    memo: Dict[int, Any] = {id(e): e for e in tracker.events}
    for slot in tracker.slots.values():
        for fixed in (getattr(slot, "mappings", None), getattr(slot, "values", None)):
            if fixed is not None:
                memo[id(fixed)] = fixed
    checkpoints = getattr(tracker, "states_checkpoints", None)
    if checkpoints is not None:
        memo[id(checkpoints)] = checkpoints
    return copy.deepcopy(tracker, memo)


def copy_of_states(states: List[State]) -> List[State]:
    # States are dicts of dicts of strings and tuples; callers change them in place
    # (e.g. the featurizer deletes a user text), so each call gets its own.
    return [{key: dict(sub) for key, sub in state.items()} for state in states]


class IncrementalStatesTracker(DialogueStateTracker):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.states_checkpoints = StatesCheckpoints()
        # applied_events so far: for how many events, the last of them (held, so its id can't be
        # reused), the forms named in them, and the list the loop builds
        self._applied_count, self._applied_last = 0, None
        self._loop_names: set = set()
        self._applied: List[Event] = []

    def applied_events(self) -> List[Event]:
        count, events = self._applied_count, self.events
        in_step = count <= len(events) and (count == 0 or events[count - 1] is self._applied_last)
        new = list(itertools.islice(events, count, None)) if in_step else []
        if not in_step or any(isinstance(e, ActiveLoop) and e.name and e.name not in self._loop_names for e in new):
            self._loop_names = {e.name for e in events if isinstance(e, ActiveLoop) and e.name}
            self._applied, new = [], list(events)
        for event in new:
            self._apply(event)
        self._applied_count, self._applied_last = len(events), events[-1] if events else None
        return list(self._applied)

    def _apply(self, event: Event) -> None:
        # One pass of DialogueStateTracker.applied_events' loop (Rasa 3.6).
        applied = self._applied
        if isinstance(event, (Restarted, SessionStarted)):
            applied.clear()
        elif isinstance(event, ActionReverted):
            self._undo_till_previous(ActionExecuted, applied)
        elif isinstance(event, UserUtteranceReverted):
            self._undo_till_previous(UserUttered, applied)
            self._undo_till_previous(ActionExecuted, applied)
        elif (isinstance(event, ActionExecuted) and event.action_name in self._loop_names
              and not self._first_loop_execution_or_unhappy_path(event.action_name, applied)):
            self._undo_till_previous_loop_execution(event.action_name, applied)
        else:
            applied.append(event)

    def past_states(self, domain: Domain, omit_unset_slots: bool = False, ignore_rule_only_turns: bool = False,
                    rule_only_data: Optional[Dict[str, Any]] = None) -> List[State]:
        kind = (id(domain), omit_unset_slots, ignore_rule_only_turns, repr(rule_only_data))
        applied = self.applied_events()
        cp = self.states_checkpoints.best(kind, applied)
        if cp is not None:
            replay, states = copy_sharing_events(cp.replay), list(cp.states)
            last_ml, hidden, start = cp.last_ml_action_sub_state, cp.turn_was_hidden, cp.position
        else:
            replay, states, last_ml, hidden, start = self.init_copy(), [], None, False, 0

        def step(tr: DialogueStateTracker, hide_rule_turn: bool) -> None:
            # One pass of Domain.states_for_tracker_history's loop (Rasa 3.6).
            nonlocal last_ml, hidden
            if ignore_rule_only_turns:
                if not hidden:
                    last_ml = domain._get_prev_action_sub_state(tr)
                if not tr.followup_action and not tr.latest_action_name == tr.active_loop_name:
                    hidden = hide_rule_turn
                if hidden:
                    return
            state = domain.get_active_state(tr, omit_unset_slots=omit_unset_slots)
            if ignore_rule_only_turns:
                domain._remove_rule_only_features(state, rule_only_data)
                if states:
                    domain._substitute_rule_only_user_input(state, states[-1])
                if last_ml:
                    state[PREVIOUS_ACTION] = last_ml
            states.append(domain._clean_state(state))

        self.states_checkpoints.replayed += len(applied) - start
        for event in applied[start:]:
            if isinstance(event, ActionExecuted):
                step(replay, event.hide_rule_turn)
            replay.update(event)
        self.states_checkpoints.add(kind, _Checkpoint(applied, len(applied), replay, list(states), last_ml, hidden))
        step(replay, False)   # the state now (generate_all_prior_trackers' last yield); reads only
        return copy_of_states(states)
