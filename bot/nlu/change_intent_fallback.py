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
Everything else is Rasa's own FallbackClassifier.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
from rasa.nlu.constants import RESPONSE_SELECTOR_PROPERTY_NAME
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class ChangeIntentFallbackClassifier(FallbackClassifier):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**FallbackClassifier.get_default_config(),
                "change_intents": ["add_service", "modify_service", "cancel_service", "change_plan",
                                   "schedule_follow_up"],
                "change_threshold": 0.8,
                "related_intents": []}

    def __init__(self, config: Dict[Text, Any]) -> None:
        super().__init__(config)
        grouped = {name for group in self.component_config["related_intents"] for name in group}
        clash = grouped & set(self.component_config["change_intents"])
        if clash:
            raise ValueError(f"related_intents may not contain a change intent: {sorted(clash)}")

    def _should_fallback(self, message: Message) -> bool:
        intent = message.data.get(INTENT) or {}
        if (intent.get(INTENT_NAME_KEY) in self.component_config["change_intents"]
                and intent.get(PREDICTED_CONFIDENCE_KEY, 0.0) < self.component_config["change_threshold"]):
            return True
        related_confidence = self._related_top_two_confidence(message)
        if related_confidence is not None:
            return related_confidence < self.component_config["threshold"]
        return super()._should_fallback(message)

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
