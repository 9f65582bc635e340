"""The stricter fallback for intents that start a change."""
import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.change_intent_fallback import ChangeIntentFallbackClassifier


@pytest.fixture
def classifier():
    return ChangeIntentFallbackClassifier({**ChangeIntentFallbackClassifier.get_default_config(),
                                           "threshold": 0.5, "ambiguity_threshold": 0.1, "change_threshold": 0.8})


def message(intent: str, confidence: float, runner_up: float = 0.0) -> Message:
    ranking = [{"name": intent, "confidence": confidence}, {"name": "out_of_scope", "confidence": runner_up}]
    return Message(data={"text": "x", "intent": dict(ranking[0]), "intent_ranking": ranking})


@pytest.mark.parametrize("intent,confidence,expected", [
    ("cancel_service", 0.79, "nlu_fallback"),   # a change on a guess: ask instead
    ("cancel_service", 0.81, "cancel_service"),
    ("change_plan", 0.6, "nlu_fallback"),
    ("check_rates", 0.6, "check_rates"),        # a question only needs the general threshold
    ("check_rates", 0.45, "nlu_fallback"),
])
def test_change_intents_need_more_confidence(classifier, intent, confidence, expected):
    [processed] = classifier.process([message(intent, confidence)])
    assert processed.get("intent")["name"] == expected
    if expected == "nlu_fallback":
        assert processed.get("intent_ranking")[1]["name"] == intent  # still offered as a button


def test_ambiguity_still_falls_back(classifier):
    [processed] = classifier.process([message("check_rates", 0.52, runner_up=0.48)])
    assert processed.get("intent")["name"] == "nlu_fallback"
