"""bot/incremental_states.py: the past states the policies see are Rasa's own, at every step of
every story and rule of the project (forms folding turns together, fallbacks reverting them),
however the conversation reached that step."""
from pathlib import Path

import pytest
from rasa.core.training import load_data
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActionReverted, UserUtteranceReverted
from rasa.shared.core.trackers import DialogueStateTracker

from bot.incremental_states import IncrementalStatesTracker

ROOT = Path(__file__).resolve().parents[3]
DOMAIN = Domain.load(str(ROOT / "domain.yml"))
STORY_FILES = [ROOT / "data" / "stories.yml", ROOT / "data" / "rules.yml", *sorted((ROOT / "tests" / "stories").glob("*.yml"))]
RULE_ONLY = {"slots": [s.name for s in DOMAIN.slots if s.influence_conversation][:2], "loops": DOMAIN.form_names[:2]}
KINDS = [(False, False, None), (True, False, None), (False, True, RULE_ONLY), (True, True, RULE_ONLY)]


def trackers():
    out = []
    for path in STORY_FILES:
        out.extend(load_data(str(path), DOMAIN, remove_duplicates=False, augmentation_factor=0,
                             use_story_concatenation=False))
    return out


@pytest.fixture(scope="module")
def story_trackers():
    return trackers()


def test_every_step_of_every_story_and_rule_has_rasas_states(story_trackers):
    compared = 0
    for story in story_trackers:
        events = list(story.events)
        ours = IncrementalStatesTracker(story.sender_id, DOMAIN.slots)
        for i, event in enumerate(events):
            ours.update(event)
            plain = DialogueStateTracker.from_events(story.sender_id, events[:i + 1], DOMAIN.slots)
            assert [id(e) for e in ours.applied_events()] == [id(e) for e in plain.applied_events()], (story.sender_id, i)
            if not isinstance(event, (ActionExecuted, ActionReverted, UserUtteranceReverted)) and i != len(events) - 1:
                continue
            for omit, ignore, rule_only in KINDS:
                expected = DOMAIN.states_for_tracker_history(plain, omit_unset_slots=omit,
                                                             ignore_rule_only_turns=ignore, rule_only_data=rule_only)
                assert ours.past_states(DOMAIN, omit, ignore, rule_only) == expected, (story.sender_id, i)
                compared += 1
    assert compared > 1000


def test_a_caller_changing_its_states_changes_nothing_for_the_next(story_trackers):
    story = max(story_trackers, key=lambda t: len(t.events))
    ours = IncrementalStatesTracker.from_events(story.sender_id, list(story.events), DOMAIN.slots)
    first = ours.past_states(DOMAIN)
    for state in first:
        state.get("user", {}).pop("intent", None)
        state.clear()
    assert ours.past_states(DOMAIN) == DOMAIN.states_for_tracker_history(
        DialogueStateTracker.from_events(story.sender_id, list(story.events), DOMAIN.slots))


def test_reverted_turns_and_actions_give_rasas_states(story_trackers):
    # Rasa's fallbacks revert a user turn or an action; the stories have none, so revert some here.
    long_ones = sorted((t for t in story_trackers if any(isinstance(e, ActionExecuted) for e in t.events)),
                       key=lambda t: -len(t.events))[:20]
    for story in long_ones:
        events = list(story.events)
        for cut in range(2, len(events), 3):
            for revert in (ActionReverted(), UserUtteranceReverted()):
                steps = events[:cut] + [revert] + events[cut - 2:]
                ours = IncrementalStatesTracker(story.sender_id, DOMAIN.slots)
                for i, event in enumerate(steps):
                    ours.update(event)
                    if isinstance(event, (ActionExecuted, type(revert))) or i == len(steps) - 1:
                        plain = DialogueStateTracker.from_events(story.sender_id, steps[:i + 1], DOMAIN.slots)
                        assert [id(e) for e in ours.applied_events()] == [id(e) for e in plain.applied_events()]
                        for omit, ignore, rule_only in KINDS[::3]:
                            assert ours.past_states(DOMAIN, omit, ignore, rule_only) == DOMAIN.states_for_tracker_history(
                                plain, omit_unset_slots=omit, ignore_rule_only_turns=ignore, rule_only_data=rule_only)
