"""The intent classifier's feature scaling: one scale for short and long messages."""
import numpy as np
import pytest
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import coo_matrix

from bot.nlu.scaled_logistic_regression import ScaledLogisticRegressionClassifier


def message(counts, intent=None) -> Message:
    m = Message(data={"text": "x", **({"intent": intent} if intent else {})})
    m.add_features(Features(coo_matrix([counts]), "sentence", "text", "CountVectorsFeaturizer"))
    return m


@pytest.fixture
def classifier(tmp_path):
    config = {**ScaledLogisticRegressionClassifier.get_default_config(), "C": 50.0}
    return ScaledLogisticRegressionClassifier(config, "clf", LocalModelStorage(tmp_path), Resource("clf"))


def test_rows_are_log_scaled_to_unit_length(classifier):
    X = classifier._create_X([message([3, 0, 1]), message([30, 0, 10])]).toarray()
    assert np.allclose(np.linalg.norm(X, axis=1), 1.0)
    assert np.allclose(X[0], np.log1p([3, 0, 1]) / np.linalg.norm(np.log1p([3, 0, 1])))
    assert classifier.clf.C == 50.0


def test_trains_and_ranks(classifier):
    data = TrainingData([message([2, 0, 0], "greet"), message([1, 0, 0], "greet"),
                         message([0, 3, 1], "thank"), message([0, 1, 2], "thank")])
    classifier.train(data)
    [processed] = classifier.process([message([0, 2, 2])])
    assert processed.get("intent")["name"] == "thank"
    assert [r["name"] for r in processed.get("intent_ranking")] == ["thank", "greet"]


def test_a_sentence_embedding_is_appended_at_its_weight(tmp_path):
    config = {**ScaledLogisticRegressionClassifier.get_default_config(), "dense_weight": 0.5}
    classifier = ScaledLogisticRegressionClassifier(config, "clf", LocalModelStorage(tmp_path), Resource("clf"))
    m = message([3, 0, 1])
    m.add_features(Features(np.array([[0.6, -0.8]]), "sentence", "text", "SentenceEmbeddingFeaturizer"))
    [row] = classifier._create_X([m]).toarray()
    counts = np.log1p([3, 0, 1])
    # The counts keep their own unit scale; the (unit) embedding follows, negative values intact.
    assert np.allclose(row, [*(counts / np.linalg.norm(counts)), 0.3, -0.4])
