"""Rasa's LogisticRegressionClassifier on length-normalised features, with a configurable C.

Rasa's classifier fits raw n-gram counts with C fixed at 1: a long message has big feature
values, the char 1-grams outweigh the words, and the solver stops at max_iter before it
converges. Here every count c becomes log(1 + c) and each message's feature vector is scaled to
unit length, so messages are on one scale whatever their length; C (less regularisation) is
chosen on the held-out split. A dense sentence feature (the sentence embedding, already unit
length) is appended after the scaled counts, times dense_weight. The transform has no fitted
state, so the saved model is still a plain LogisticRegression.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from scipy.sparse import csr_matrix, hstack, vstack
from sklearn.preprocessing import normalize


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class ScaledLogisticRegressionClassifier(LogisticRegressionClassifier):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**LogisticRegressionClassifier.get_default_config(), "C": 100.0, "dense_weight": 1.0}

    def __init__(self, config: Dict[Text, Any], *args: Any) -> None:
        super().__init__(config, *args)
        self.clf.set_params(C=self.config["C"])

    def process(self, messages: List[Message]) -> List[Message]:
        # scikit-learn scores with X @ coef_.T; scipy copies a dense right operand that is not
        # C-ordered, i.e. the whole (intents x features) matrix on every message (about 1 ms).
        # coef_ in Fortran order makes coef_.T C-ordered: the same numbers, no copy.
        if not self.clf.coef_.flags.f_contiguous:
            self.clf.coef_ = np.asfortranarray(self.clf.coef_)
        return super().process(messages)

    def _create_X(self, messages: List[Message]) -> csr_matrix:
        rows = []
        for message in messages:
            # The sentence features in the order the featurizers added them, as Rasa's
            # get_sparse_features combines them, without also combining the per-token sequence
            # features no classifier here reads (over a millisecond a message).
            sentence = [f for f in message.features if f.attribute == TEXT and f.type == FEATURE_TYPE_SENTENCE]
            counts = hstack([f.features for f in sentence if f.is_sparse()], format="csr", dtype=np.float64)
            counts.data = np.log1p(counts.data)
            parts = [normalize(counts)]
            # A sentence embedding is already unit length; the weight sets its share.
            parts += [csr_matrix(f.features * self.config["dense_weight"]) for f in sentence if f.is_dense()]
            rows.append(hstack(parts))
        return vstack(rows).tocsr()
