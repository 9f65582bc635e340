"""Rasa's FallbackClassifier with a stricter threshold for the intents that start a change.

A question answered on a guess costs a rephrase; a change started on a guess costs trust. So a
message classified as one of `change_intents` needs `change_threshold` confidence (higher than
the general `threshold`), else it becomes `nlu_fallback` and the two-stage fallback offers the
likeliest intents as buttons. Everything else is Rasa's own FallbackClassifier.
"""
from __future__ import annotations

from typing import Any, Dict, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class ChangeIntentFallbackClassifier(FallbackClassifier):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**FallbackClassifier.get_default_config(),
                "change_intents": ["add_service", "modify_service", "cancel_service", "change_plan",
                                   "schedule_follow_up"],
                "change_threshold": 0.8}

    def _should_fallback(self, message: Message) -> bool:
        intent = message.data.get(INTENT) or {}
        if (intent.get(INTENT_NAME_KEY) in self.component_config["change_intents"]
                and intent.get(PREDICTED_CONFIDENCE_KEY, 0.0) < self.component_config["change_threshold"]):
            return True
        return super()._should_fallback(message)
