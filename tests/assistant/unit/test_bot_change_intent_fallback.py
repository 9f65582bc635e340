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


def support_message(first: str, first_confidence: float, second: str, second_confidence: float,
                    faq_topic: str = "faq/contact_support") -> Message:
    ranking = [{"name": first, "confidence": first_confidence}, {"name": second, "confidence": second_confidence},
               {"name": "out_of_scope", "confidence": round(1 - first_confidence - second_confidence, 3)}]
    selector = {"faq": {"response": {"intent_response_key": faq_topic}}}
    return Message(data={"text": "x", "intent": dict(ranking[0]), "intent_ranking": ranking,
                         "response_selector": selector})


@pytest.fixture
def support_classifier():
    return ChangeIntentFallbackClassifier({**ChangeIntentFallbackClassifier.get_default_config(),
                                           "threshold": 0.6, "ambiguity_threshold": 0.1, "change_threshold": 0.8,
                                           "related_intents": [["faq/contact_support", "human_handoff"]]})


@pytest.mark.parametrize("first,p1,second,p2,topic,expected", [
    # split between "how do I reach support" and "get me a person": the customer wants support
    ("human_handoff", 0.45, "faq", 0.40, "faq/contact_support", "human_handoff"),
    ("faq", 0.50, "human_handoff", 0.45, "faq/contact_support", "faq"),
    # together still unsure: ask
    ("faq", 0.30, "human_handoff", 0.25, "faq/contact_support", "nlu_fallback"),
    # another FAQ topic is not in the group: Rasa's own rules
    ("faq", 0.50, "human_handoff", 0.45, "faq/change_fees", "nlu_fallback"),
    ("human_handoff", 0.50, "out_of_scope", 0.45, "faq/contact_support", "nlu_fallback"),
])
def test_related_intents_share_their_confidence(support_classifier, first, p1, second, p2, topic, expected):
    [processed] = support_classifier.process([support_message(first, p1, second, p2, topic)])
    assert processed.get("intent")["name"] == expected


def test_change_intents_cannot_be_related():
    with pytest.raises(ValueError, match="cancel_service"):
        ChangeIntentFallbackClassifier({**ChangeIntentFallbackClassifier.get_default_config(),
                                        "related_intents": [["cancel_service", "human_handoff"]]})


def named_message(intent: str, confidence: float, entities, text: str = "x", ranking=None) -> Message:
    ranking = ranking or [{"name": intent, "confidence": confidence}, {"name": "out_of_scope", "confidence": 0.0}]
    return Message(data={"text": text, "intent": dict(ranking[0]), "intent_ranking": ranking, "entities": entities})


@pytest.fixture
def entity_classifier():
    return ChangeIntentFallbackClassifier({**ChangeIntentFallbackClassifier.get_default_config(),
                                           "threshold": 0.6, "ambiguity_threshold": 0.1, "change_threshold": 0.8,
                                           "change_threshold_with_entity": 0.6})


@pytest.mark.parametrize("entities,expected", [
    ([{"entity": "service", "value": "StreamMax TV"}], "cancel_service"),     # names our catalog: 0.6 is enough
    ([{"entity": "account_number", "value": "QC-1002"}], "cancel_service"),
    ([{"entity": "country", "value": "Germany"}], "nlu_fallback"),            # a country is no catalog entry
    ([], "nlu_fallback"),
])
def test_a_change_naming_our_catalog_needs_less_confidence(entity_classifier, entities, expected):
    [processed] = entity_classifier.process([named_message("cancel_service", 0.7, entities)])
    assert processed.get("intent")["name"] == expected


@pytest.mark.parametrize("text,expected", [
    ("right, move me onto it now", "change_plan"),            # a reference back: filled from the conversation
    ("sign me up for that one", "change_plan"),
    ("ok put me on that plan", "change_plan"),
    ("change it", "nlu_fallback"),                            # "it" after a verb alone refers to anything
    ("i want to change", "nlu_fallback"),
])
def test_a_change_referring_back_needs_less_confidence(entity_classifier, text, expected):
    [processed] = entity_classifier.process([named_message("change_plan", 0.7, [], text=text)])
    assert processed.get("intent")["name"] == expected


def test_a_multi_intent_with_a_change_is_held_to_the_change_threshold(entity_classifier):
    [processed] = entity_classifier.process([named_message("cancel_service+add_service", 0.7, [])])
    assert processed.get("intent")["name"] == "nlu_fallback"


@pytest.mark.parametrize("text,handoff_confidence,expected", [
    ("agent", 0.1, "human_handoff"),                       # a bare "agent": never a menu
    ("a real person please", 0.1, "human_handoff"),
    ("OPERATOR!!", 0.05, "human_handoff"),
    ("this is useless, let me talk to someone", 0.35, "human_handoff"),
    ("this is useless", 0.05, "nlu_fallback"),             # fed up, but not asking for a person
    ("what's the agent fee", 0.35, "nlu_fallback"),        # a person named, not insisted on
])
def test_handoff_is_never_a_menu(entity_classifier, text, handoff_confidence, expected):
    ranking = [{"name": "out_of_scope", "confidence": 0.4}, {"name": "human_handoff", "confidence": handoff_confidence},
               {"name": "faq", "confidence": 0.2}]
    [processed] = entity_classifier.process([named_message("out_of_scope", 0.4, [], text=text, ranking=ranking)])
    assert processed.get("intent")["name"] == expected


def test_a_multi_intent_needs_two_things_named(entity_classifier):
    # one service named: the two-request reading is dropped and its share goes to the rest
    ranking = [{"name": "cancel_service+add_service", "confidence": 0.45}, {"name": "cancel_service", "confidence": 0.4},
               {"name": "out_of_scope", "confidence": 0.15}]
    one = [{"entity": "service", "value": "Visual Voicemail"}]
    [processed] = entity_classifier.process([named_message("cancel_service+add_service", 0.45, one, ranking=ranking)])
    assert processed.get("intent")["name"] == "cancel_service"
    assert processed.get("intent")["confidence"] == pytest.approx(0.4 / 0.55)
    assert [r["name"] for r in processed.get("intent_ranking")] == ["cancel_service", "out_of_scope"]
    # still unsure between the single readings: ask
    ranking = [{"name": "cancel_service+add_service", "confidence": 0.45}, {"name": "cancel_service", "confidence": 0.3},
               {"name": "out_of_scope", "confidence": 0.25}]
    [processed] = entity_classifier.process([named_message("cancel_service+add_service", 0.45, one, ranking=ranking)])
    assert processed.get("intent")["name"] == "nlu_fallback"
    assert [r["name"] for r in processed.get("intent_ranking")][1:] == ["cancel_service", "out_of_scope"]


@pytest.mark.parametrize("topic_confidence,expected", [
    (0.92, "faq"),            # the classifier says FAQ and the selector knows which one
    (0.74, "nlu_fallback"),   # "faq" but no topic fits: more often a question about something else
])
def test_an_faq_needs_a_topic_the_selector_is_sure_of(topic_confidence, expected):
    classifier = ChangeIntentFallbackClassifier({**ChangeIntentFallbackClassifier.get_default_config(),
                                                 "threshold": 0.6, "retrieval_threshold": 0.75})
    ranking = [{"name": "faq", "confidence": 0.9}, {"name": "out_of_scope", "confidence": 0.1}]
    selector = {"faq": {"response": {"intent_response_key": "faq/plan_types", "confidence": topic_confidence}}}
    [processed] = classifier.process([Message(data={"text": "x", "intent": dict(ranking[0]), "intent_ranking": ranking,
                                                    "response_selector": selector})])
    assert processed.get("intent")["name"] == expected


def test_intents_without_a_selector_are_not_held_to_the_retrieval_threshold():
    classifier = ChangeIntentFallbackClassifier({**ChangeIntentFallbackClassifier.get_default_config(),
                                                 "threshold": 0.6, "retrieval_threshold": 0.75})
    [processed] = classifier.process([message("check_rates", 0.9)])
    assert processed.get("intent")["name"] == "check_rates"


def test_a_two_request_reading_of_a_message_naming_nothing_stays_doubt(entity_classifier):
    ranking = [{"name": "cancel_service+add_service", "confidence": 0.45}, {"name": "cancel_service", "confidence": 0.4},
               {"name": "out_of_scope", "confidence": 0.15}]
    [processed] = entity_classifier.process([named_message("cancel_service+add_service", 0.45, [], ranking=ranking)])
    assert processed.get("intent")["name"] == "nlu_fallback"
    assert processed.get("intent_ranking")[1] == {"name": "cancel_service", "confidence": 0.4}


@pytest.mark.parametrize("text,expected", [
    ("i need to cancel one of my add ons", "cancel_service"),      # our word for our catalog
    ("change my international plan", "cancel_service"),
    ("cancel my gym subscription", "nlu_fallback"),                # anyone's word: the high threshold
])
def test_our_own_words_for_the_catalog_count_as_naming_it(entity_classifier, text, expected):
    [processed] = entity_classifier.process([named_message("cancel_service", 0.7, [], text=text)])
    assert processed.get("intent")["name"] == expected
