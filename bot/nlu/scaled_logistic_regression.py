"""Rasa's LogisticRegressionClassifier on length-normalised features, with a configurable C.

Rasa's classifier fits raw n-gram counts with C fixed at 1: a long message has big feature
values, the char 1-grams outweigh the words, and the solver stops at max_iter before it
converges. Here every count c becomes log(1 + c) and each message's feature vector is scaled to
unit length, so messages are on one scale whatever their length; C (less regularisation) is
chosen on the held-out split. The transform has no fitted state, so the saved model is still a
plain LogisticRegression.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.training_data.message import Message
from scipy.sparse import csr_matrix
from sklearn.preprocessing import normalize


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class ScaledLogisticRegressionClassifier(LogisticRegressionClassifier):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**LogisticRegressionClassifier.get_default_config(), "C": 100.0}

    def __init__(self, config: Dict[Text, Any], *args: Any) -> None:
        super().__init__(config, *args)
        self.clf.set_params(C=self.config["C"])

    def _create_X(self, messages: List[Message]) -> csr_matrix:
        X = super()._create_X(messages).tocsr().astype(np.float64)
        X.data = np.log1p(X.data)
        return normalize(X)
