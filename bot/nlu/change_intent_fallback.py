"""Rasa's FallbackClassifier with two project rules: stricter for changes, one answer for near-synonyms.

A question answered on a guess costs a rephrase; a change started on a guess costs trust. So a
message classified as one of `change_intents` needs `change_threshold` confidence (higher than
the general `threshold`), else it becomes `nlu_fallback` and the two-stage fallback offers the
likeliest intents as buttons.

`related_intents` lists groups of intents that mean the same need with different answers: "how do
I reach support" (faq/contact_support) and "get me a person" (human_handoff). When the
classifier's top two intents are in one group, its confidence split between them is not doubt
about what the customer wants, so the group's summed confidence is held to the threshold and the
ambiguity rule does not apply; the top intent is kept. Change intents may not be in a group.

A change request that names something of ours (a service, tier, plan or account number, found by
the catalog entity extractor, or says "add-on" or "international plan") or refers back to it
("switch me to it", "that one") is held to `change_threshold_with_entity` instead: out-of-scope
messages seldom name our catalog, and a reference back is filled from the conversation (or the
assistant asks which), never guessed, and still quoted for an explicit yes. A
multi-intent ("cancel_service+add_service") that contains a change intent counts as a change, and
is no candidate at all unless two services or plans are named (when one is, its share goes to the
single intents, in proportion).

A retrieval intent (faq) also needs its ResponseSelector to be sure of the topic
(`retrieval_threshold`): a question the classifier calls "faq" but that matches no topic well is
more often a question about something else (the weather, a passport) than an FAQ of ours.

A bare "agent" / "human" / "operator", or a message whose top two intents include human_handoff
(at 0.2 or more) and that sounds insistent or fed up, is the handoff, never a "did you mean" menu.
Everything else is Rasa's own FallbackClassifier.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
from rasa.nlu.constants import RESPONSE_SELECTOR_PROPERTY_NAME
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message


HANDOFF = "human_handoff"
# "agent", "a human please", "REPRESENTATIVE!!", "operator?"
BARE_PERSON = re.compile(r"(?i)\W*(an? |the )?(live |real )?(agent|human|person|representative|rep|operator|someone)"
                         r"( please| pls| now)?\W*")
# the tone of someone who wants a person and has had enough of the bot
INSISTENT = re.compile(r"(?i)(\bright now\b|\bnow\b[!?.]*$|immediately|!{2,}|useless|ridiculous|stupid|pointless|"
                       r"fed up|sick of|waste of time|not helping|"
                       r"(speak|talk) to (a|an|some)one)")
# what only our catalog is called: an add-on, an international / calling plan (not "subscription"
# or "plan" alone: the gym has those too)
OUR_WORDS = re.compile(r"(?i)\badd[\s-]?ons?\b|\b(international|intl|calling|call)\s+plans?\b")
# a reference back to what was just discussed ("switch me to it", "sign me up for that one"): the
# actions fill it from the conversation, or ask which when there is nothing to fill it from
REFERS_BACK = re.compile(r"(?i)\b((to|onto|on|for) it|(that|this|the same|the other) (one|plan|service))\b")
HANDOFF_MIN_CONFIDENCE = 0.2  # the classifier must itself lean towards a person, not just list it


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class ChangeIntentFallbackClassifier(FallbackClassifier):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**FallbackClassifier.get_default_config(),
                "change_intents": ["add_service", "modify_service", "cancel_service", "change_plan",
                                   "schedule_follow_up"],
                "change_threshold": 0.8,
                # used instead when the message names one of `catalog_entities`
                "change_threshold_with_entity": 0.8,
                "catalog_entities": ["service", "tier", "plan", "account_number"],
                "related_intents": [],
                # the ResponseSelector's confidence a retrieval intent (faq) needs; 0: not checked
                "retrieval_threshold": 0.0}

    def __init__(self, config: Dict[Text, Any]) -> None:
        super().__init__(config)
        grouped = {name for group in self.component_config["related_intents"] for name in group}
        clash = grouped & set(self.component_config["change_intents"])
        if clash:
            raise ValueError(f"related_intents may not contain a change intent: {sorted(clash)}")

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._drop_multi_intents_naming_one_thing(message)
            if self._asks_for_a_person(message):
                ranking = message.data.get(INTENT_RANKING_KEY) or []
                handoff = next((r for r in ranking if r.get(INTENT_NAME_KEY) == HANDOFF),
                               {INTENT_NAME_KEY: HANDOFF, PREDICTED_CONFIDENCE_KEY: 0.0})
                message.set(INTENT, dict(handoff), add_to_output=True)
        return super().process(messages)

    @staticmethod
    def _drop_multi_intents_naming_one_thing(message: Message) -> None:
        """Two requests need two things named: with fewer than two services or plans in the
        message, a multi-intent ("cancel_service+add_service") is no candidate, so it neither wins
        nor makes its own single intent look ambiguous."""
        named = [e for e in message.get(ENTITIES) or [] if e.get("entity") in ("service", "plan")]
        if len({e.get("value") for e in named}) >= 2:
            return
        ranking = message.data.get(INTENT_RANKING_KEY) or []
        kept = [dict(r) for r in ranking if "+" not in (r.get(INTENT_NAME_KEY) or "")]
        if kept and len(kept) < len(ranking):
            if named:
                # one thing of ours named: the rest is the ranking given that it is one request,
                # so "customer wants to add X", half taken for "add X and cancel Y", is add_service.
                # Naming nothing, the two-request share stays doubt (out-of-scope requests do that).
                total = sum(r.get(PREDICTED_CONFIDENCE_KEY, 0.0) for r in kept)
                for r in kept:
                    r[PREDICTED_CONFIDENCE_KEY] = r.get(PREDICTED_CONFIDENCE_KEY, 0.0) / total if total else 0.0
            message.set(INTENT_RANKING_KEY, kept, add_to_output=True)
            message.set(INTENT, dict(kept[0]), add_to_output=True)

    def _asks_for_a_person(self, message: Message) -> bool:
        """A bare "agent" / "human", or a person asked for with insistence: never a menu."""
        text = (message.get(TEXT) or "").strip()
        if BARE_PERSON.fullmatch(text):
            return True
        ranking = (message.data.get(INTENT_RANKING_KEY) or [])[:2]
        leans = any(r.get(INTENT_NAME_KEY) == HANDOFF and r.get(PREDICTED_CONFIDENCE_KEY, 0.0) >= HANDOFF_MIN_CONFIDENCE
                    for r in ranking)
        return leans and bool(INSISTENT.search(text))

    def _should_fallback(self, message: Message) -> bool:
        intent = message.data.get(INTENT) or {}
        if intent.get(INTENT_NAME_KEY) == HANDOFF and self._asks_for_a_person(message):
            return False
        if (self._is_change(intent.get(INTENT_NAME_KEY) or "")
                and intent.get(PREDICTED_CONFIDENCE_KEY, 0.0) < self._change_threshold(message)):
            return True
        if self._selector_confidence(message, intent.get(INTENT_NAME_KEY)) < self.component_config["retrieval_threshold"]:
            return True
        related_confidence = self._related_top_two_confidence(message)
        if related_confidence is not None:
            return related_confidence < self.component_config["threshold"]
        return super()._should_fallback(message)

    def _change_threshold(self, message: Message) -> float:
        """Lower for a change request that names something of ours (a service, tier, plan or
        account number, or our own words for them, "one of my add-ons", "my calling plan") or
        refers back to it ("switch me to it"): an out-of-scope message seldom does."""
        named = {e.get("entity") for e in message.get(ENTITIES) or []}
        text = message.get(TEXT) or ""
        if named & set(self.component_config["catalog_entities"]) or OUR_WORDS.search(text) or REFERS_BACK.search(text):
            return self.component_config["change_threshold_with_entity"]
        return self.component_config["change_threshold"]

    @staticmethod
    def _selector_confidence(message: Message, intent: Optional[Text]) -> float:
        """The ResponseSelector's confidence in its topic for a retrieval intent; 1.0 for others."""
        selected = (message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}).get(intent or "")
        if not selected:
            return 1.0
        return (selected.get("response") or {}).get(PREDICTED_CONFIDENCE_KEY, 0.0)

    def _is_change(self, name: Text) -> bool:
        """A change intent, or a multi-intent ("cancel_service+add_service") with one in it."""
        return any(part in self.component_config["change_intents"] for part in name.split("+"))

    def _related_top_two_confidence(self, message: Message) -> Optional[float]:
        """The top two intents' summed confidence when both are in one related group, else None."""
        ranking: List[Dict] = (message.data.get(INTENT_RANKING_KEY) or [])[:2]
        if len(ranking) < 2:
            return None
        names = {full_intent_name(message.data, r[INTENT_NAME_KEY]) for r in ranking}
        if any(names <= set(group) for group in self.component_config["related_intents"]):
            return sum(r.get(PREDICTED_CONFIDENCE_KEY, 0.0) for r in ranking)
        return None


def full_intent_name(data: Dict[Text, Any], intent: Text) -> Text:
    """`faq` becomes `faq/<topic>` as the ResponseSelector chose it; other intents stay as they are.
    `data` is a message's data in the pipeline or a parse result (the same keys)."""
    selected = (data.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}).get(intent) or {}
    return (selected.get("response") or {}).get("intent_response_key") or intent
