"""The numpy all-MiniLM-L6-v2 encoder and the featurizer that hands its vectors to the classifier."""
import numpy as np
import pytest
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.sentence_embedding_featurizer import SentenceEmbeddingFeaturizer
from bot.nlu.sentence_encoder import SentenceEncoder

from tests.assistant.unit.conftest import CATALOG, make_spacy_nlp


@pytest.fixture(scope="module")
def encoder():
    return SentenceEncoder()


def test_matches_the_published_model(encoder):
    # sentence-transformers' documentation gives 0.7553 for this pair with all-MiniLM-L6-v2: a
    # wrong layer norm, attention mask or pooling moves it far off.
    food, bread, horse = encoder.encode(
        ["A man is eating food.", "A man is eating a piece of bread.", "A man is riding a horse."]
    )
    assert food @ bread == pytest.approx(0.7553, abs=0.005)
    assert food @ horse < 0.4


def test_paraphrases_are_nearer_than_other_requests(encoder):
    cancel, stop, rates = encoder.encode(
        ["i want to cancel my add-on", "please get rid of that extra service", "how much is a call to germany"]
    )
    assert cancel @ stop > cancel @ rates + 0.2


def test_padding_and_batching_change_nothing(encoder):
    texts = ["hi", "can you put me on the europe saver plan from next month please", "cancel it"]
    together = encoder.encode(texts, batch_size=3)
    alone = np.vstack([encoder.encode([t]) for t in texts])
    assert together.shape == (3, 384)
    assert np.allclose(together, alone, atol=1e-5)
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0)


def test_featurizer_adds_one_sentence_feature_to_messages_with_text():
    featurizer = SentenceEmbeddingFeaturizer({**SentenceEmbeddingFeaturizer.get_default_config(),
                                              "alias": "sentence_embedding"}, "node")
    spoken, empty = Message(data={"text": "add hotspot boost"}), Message(data={"intent": "greet"})
    featurizer.process_training_data(TrainingData([spoken, empty]))
    [feature] = spoken.features
    assert (feature.type, feature.attribute, feature.origin) == ("sentence", "text", "sentence_embedding")
    assert feature.features.shape == (1, 384)
    assert empty.get_dense_features("text") == (None, None)


@pytest.mark.parametrize("text,embedded", [
    ("cancle my famly locater", "cancle my Family Locator"),
    ("cancle my clowd bakup", "cancle my clowd Cloud Backup"),  # the extractor resolves "bakup" alone
    ("rates to germny and the uk", "rates to Germany and the United Kingdom"),
    ("put me on europ saver", "put me on Europe Saver"),
    ("tier up my streammax to premium", "tier up my StreamMax TV to premium"),  # tiers stay as typed
    ("hello there", "hello there"),
])
def test_names_are_embedded_canonically(text, embedded, model_dir, graph_env):
    featurizer = SentenceEmbeddingFeaturizer({**SentenceEmbeddingFeaturizer.get_default_config(),
                                              "catalog": str(CATALOG), "spacy_model": str(model_dir)}, "node")
    spacy_nlp = make_spacy_nlp(model_dir, graph_env)
    [message] = spacy_nlp.process([Message(data={"text": text})], spacy_nlp.provide())
    assert featurizer.text_to_embed(message) == embedded
