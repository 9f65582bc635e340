"""Rasa 3.6 entity extractor that reads the catalog entity ruler's spans.

Rasa's ``SpacyNLP`` loads the project's spaCy pipeline (``bot/spacy_pipeline.py``,
``model: models/spacy/qc_en``) and puts a ``Doc`` on every message
(``message.get(SPACY_DOCS[TEXT])``). The pipeline's ``entity_ruler`` has already set
``doc.ents``; this component turns them into Rasa entities whose ``value`` is the
pattern id, i.e. the catalog's canonical name ("the tv thing" -> "StreamMax TV",
"UK" -> "United Kingdom"); account numbers are normalised to ``QC-1234``.

In ``config.yml``, after ``SpacyNLP`` (and its tokenizer)::

    - name: bot.nlu.catalog_entity_extractor.CatalogEntityExtractor

Typos: for the words the ruler did not match, ``bot.names.NameMatcher`` (the same
names and canonical values, plus rapidfuzz) adds ``service`` / ``plan`` / ``country``
entities for misspelt names ("rates to germny" -> country "Germany"), with
``confidence_entity`` = score / 100 (below 1.0; the ruler's exact matches keep 1.0 and
always win). It needs ``catalog`` in the config, and reads the known words that
``bot/spacy_pipeline.py`` saved beside the pipeline at ``spacy_model`` (never
``data/``); ``fuzzy: false`` turns it off.

``SpacyNLP`` must be ``case_sensitive: true``: otherwise Rasa lower-cases the text
before spaCy sees it and the upper-case-only patterns ("US", "DEU") can never match.

Not trainable: the default recipe only runs it in the prediction graph.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import ENTITY_ATTRIBUTE_CONFIDENCE_TYPE, SPACY_DOCS
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.names import KINDS, NameMatcher
from bot.spacy_pipeline import LABEL_ACCOUNT, is_stale, load_known_words, normalise_account_number

logger = logging.getLogger(__name__)

EXTRACTOR_NAME = "CatalogEntityExtractor"


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False
)
class CatalogEntityExtractor(GraphComponent):
    """Adds the spaCy entity ruler's catalog entities to each message."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            # Labels to emit; None means every label the ruler produces.
            "entities": None,
            # Optional staleness check at start-up: if both are set and the saved
            # pipeline was built from another catalog, log a warning (or raise).
            "spacy_model": None,
            "catalog": None,
            "fail_on_stale": False,
            # Typo-tolerant service / plan / country names (bot.names) for the spans the
            # ruler did not match; needs "catalog" (known words come from "spacy_model").
            "fuzzy": True,
        }

    def __init__(self, config: Dict[Text, Any], matcher: Optional[NameMatcher] = None) -> None:
        self._config = config
        labels = config.get("entities")
        self._labels = set(labels) if labels else None
        self._matcher = matcher
        self._fuzzy_kinds = [k for k in KINDS if self._labels is None or k in self._labels]

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "CatalogEntityExtractor":
        return cls.from_config(config)

    @classmethod
    def from_config(cls, config: Dict[Text, Any]) -> "CatalogEntityExtractor":
        """An extractor outside a Rasa graph too (the sentence-embedding featurizer uses one)."""
        config = {**cls.get_default_config(), **config}
        cls._check_fresh(config)
        return cls(config, cls._make_matcher(config))

    @staticmethod
    def _make_matcher(config: Dict[Text, Any]) -> Optional[NameMatcher]:
        catalog, model = config.get("catalog"), config.get("spacy_model")
        if not config.get("fuzzy") or not catalog or not Path(catalog).exists():
            return None
        known_words = load_known_words(model) if model else frozenset()
        return NameMatcher.from_catalog(catalog, known_words)

    @staticmethod
    def _check_fresh(config: Dict[Text, Any]) -> None:
        model, catalog = config.get("spacy_model"), config.get("catalog")
        if not (model and catalog) or not Path(catalog).exists():
            return
        if is_stale(model, catalog):
            message = (
                f"The spaCy pipeline at '{model}' was not built from '{catalog}' by the current "
                f"bot/spacy_pipeline.py (or has no known words). Rebuild it: "
                f"python -m bot.spacy_pipeline --catalog {catalog} --nlu data/nlu --out {model}"
            )
            if config.get("fail_on_stale"):
                raise ValueError(message)
            logger.warning(message)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._process_message(message)
        return messages

    def _process_message(self, message: Message) -> None:
        doc = message.get(SPACY_DOCS[TEXT])
        if doc is None:
            return
        new = self.entities_from_doc(doc)
        if not new:
            return
        existing = list(message.get(ENTITIES, []))
        present = {
            (e.get(ENTITY_ATTRIBUTE_START), e.get(ENTITY_ATTRIBUTE_END), e.get(ENTITY_ATTRIBUTE_TYPE))
            for e in existing
        }
        for entity in new:
            key = (
                entity[ENTITY_ATTRIBUTE_START],
                entity[ENTITY_ATTRIBUTE_END],
                entity[ENTITY_ATTRIBUTE_TYPE],
            )
            if key not in present:
                present.add(key)
                existing.append(entity)
        message.set(ENTITIES, existing, add_to_output=True)

    def entities_from_doc(self, doc: Any) -> List[Dict[Text, Any]]:
        """Rasa entity dicts for the ruler's spans in ``doc`` (character offsets), then the
        fuzzy names outside them; in text order."""
        entities = self._ruler_entities(doc)
        if self._matcher is not None and self._fuzzy_kinds:
            exact = [(span.start_char, span.end_char) for span in doc.ents]
            for name in self._matcher.find_in(doc.text, exclude=exact, kinds=self._fuzzy_kinds):
                entities.append(
                    {
                        ENTITY_ATTRIBUTE_TYPE: name.kind,
                        ENTITY_ATTRIBUTE_VALUE: name.canonical,
                        ENTITY_ATTRIBUTE_START: name.start,
                        ENTITY_ATTRIBUTE_END: name.end,
                        EXTRACTOR: EXTRACTOR_NAME,
                        ENTITY_ATTRIBUTE_CONFIDENCE_TYPE: round(name.score / 100.0, 3),
                    }
                )
            entities.sort(key=lambda e: e[ENTITY_ATTRIBUTE_START])
        return entities

    def _ruler_entities(self, doc: Any) -> List[Dict[Text, Any]]:
        entities = []
        for span in doc.ents:
            label = span.label_
            if self._labels is not None and label not in self._labels:
                continue
            value: Optional[Text]
            if label == LABEL_ACCOUNT:
                value = normalise_account_number(span.text)
            else:
                value = span.ent_id_ or span.text
            if not value:
                continue
            entities.append(
                {
                    ENTITY_ATTRIBUTE_TYPE: label,
                    ENTITY_ATTRIBUTE_VALUE: value,
                    ENTITY_ATTRIBUTE_START: span.start_char,
                    ENTITY_ATTRIBUTE_END: span.end_char,
                    EXTRACTOR: EXTRACTOR_NAME,
                    ENTITY_ATTRIBUTE_CONFIDENCE_TYPE: 1.0,  # "confidence_entity", as DIET
                }
            )
        return entities
