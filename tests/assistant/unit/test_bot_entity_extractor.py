"""CatalogEntityExtractor end to end through Rasa's own SpacyNLP and SpacyTokenizer."""

import pytest

from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.tokenizers.spacy_tokenizer import SpacyTokenizer
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.catalog_entity_extractor import CatalogEntityExtractor

from tests.assistant.unit.conftest import CATALOG, make_spacy_nlp


@pytest.fixture(scope="module")
def run(model_dir, graph_env):
    storage, context = graph_env
    spacy_nlp = make_spacy_nlp(model_dir, graph_env)
    tokenizer = SpacyTokenizer.create(
        {**SpacyTokenizer.get_default_config()}, storage, Resource("tok"), context
    )
    extractor = CatalogEntityExtractor.create({}, storage, Resource("ext"), context)

    def _run(text, entities=None):
        message = Message(data={TEXT: text})
        if entities is not None:
            message.set(ENTITIES, entities)
        [message] = spacy_nlp.process([message], spacy_nlp.provide())
        [message] = tokenizer.process([message])
        [message] = extractor.process([message])
        return message

    return _run


def values(message):
    return [(e["entity"], e["value"]) for e in message.get(ENTITIES, [])]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("the tv thing", [("service", "StreamMax TV")]),
        ("streammax", [("service", "StreamMax TV")]),
        ("StreamMax TV", [("service", "StreamMax TV")]),
        ("intl unlimited", [("plan", "World Unlimited")]),
        ("UK", [("country", "United Kingdom")]),
        ("uk", [("country", "United Kingdom")]),
        ("Britain", [("country", "United Kingdom")]),
        ("call us", []),
        ("QC1002", [("account_number", "QC-1002")]),
        ("qc-1002", [("account_number", "QC-1002")]),
        ("customer account qc 1002", [("account_number", "QC-1002")]),
        ("world unlimited", [("plan", "World Unlimited")]),
        ("200 GB", [("tier", "200 GB")]),
        ("Germany", [("country", "Germany")]),
        ("how much to call South Korea", [("country", "South Korea")]),
        ("calls to the US cost us too much", [("country", "United States")]),
    ],
)
def test_canonical_values(run, text, expected):
    assert values(run(text)) == expected


def test_entity_dict_shape_and_offsets(run):
    text = "cancel the tv thing on QC-1003"
    message = run(text)
    service, account = message.get(ENTITIES)
    assert service == {
        "entity": "service",
        "value": "StreamMax TV",
        "start": 7,
        "end": 19,
        "extractor": "CatalogEntityExtractor",
        "confidence_entity": 1.0,
    }
    assert text[service["start"] : service["end"]] == "the tv thing"
    assert account["value"] == "QC-1003"
    assert text[account["start"] : account["end"]] == "QC-1003"
    # SpacyTokenizer ran on the same Doc
    assert [t.text for t in message.get("text_tokens")][:3] == ["cancel", "the", "tv"]
    assert message.get(SPACY_DOCS[TEXT]) is not None


def test_does_not_duplicate_an_entity_already_on_the_same_span(run):
    existing = {"entity": "service", "value": "StreamMax TV", "start": 4, "end": 13, "extractor": "DIETClassifier"}
    message = run("add streammax", entities=[existing])
    assert message.get(ENTITIES) == [existing]


def test_keeps_other_entities(run):
    other = {"entity": "time", "value": "2024-01-01", "start": 0, "end": 5, "extractor": "DucklingEntityExtractor"}
    message = run("today add streammax", entities=[other])
    assert values(message) == [("time", "2024-01-01"), ("service", "StreamMax TV")]


def test_message_without_doc_is_left_alone(graph_env):
    storage, context = graph_env
    extractor = CatalogEntityExtractor.create({}, storage, Resource("ext2"), context)
    message = Message(data={TEXT: "streammax"})
    extractor.process([message])
    assert message.get(ENTITIES, []) == []


def test_entities_filter(model_dir, graph_env):
    storage, context = graph_env
    spacy_nlp = make_spacy_nlp(model_dir, graph_env)
    extractor = CatalogEntityExtractor.create({"entities": ["country"]}, storage, Resource("ext3"), context)
    message = Message(data={TEXT: "world unlimited for Germany"})
    spacy_nlp.process([message], spacy_nlp.provide())
    extractor.process([message])
    assert values(message) == [("country", "Germany")]


def test_case_insensitive_spacy_nlp_loses_uppercase_only_patterns(model_dir, graph_env):
    """Why config.yml sets SpacyNLP case_sensitive: true (Rasa lower-cases otherwise)."""
    storage, context = graph_env
    spacy_nlp = make_spacy_nlp(model_dir, graph_env, case_sensitive=False)
    extractor = CatalogEntityExtractor.create({}, storage, Resource("ext4"), context)
    message = Message(data={TEXT: "rates to the US"})
    spacy_nlp.process([message], spacy_nlp.provide())
    extractor.process([message])
    assert values(message) == []


def test_stale_pipeline_is_reported(model_dir, graph_env, tmp_path, caplog):
    storage, context = graph_env
    changed = tmp_path / "catalog.yml"
    changed.write_text(CATALOG.read_text(encoding="utf-8") + "\n# new alias\n", encoding="utf-8")
    config = {"spacy_model": str(model_dir), "catalog": str(changed)}
    with caplog.at_level("WARNING"):
        CatalogEntityExtractor.create(config, storage, Resource("ext5"), context)
    assert "bot.spacy_pipeline" in caplog.text
    with pytest.raises(ValueError):
        CatalogEntityExtractor.create({**config, "fail_on_stale": True}, storage, Resource("ext6"), context)
    # fresh build: no complaint
    CatalogEntityExtractor.create(
        {"spacy_model": str(model_dir), "catalog": str(CATALOG), "fail_on_stale": True},
        storage,
        Resource("ext7"),
        context,
    )


def test_registered_with_the_default_recipe():
    from rasa.engine.recipes.default_recipe import DefaultV1Recipe

    registered = DefaultV1Recipe._from_registry(
        "bot.nlu.catalog_entity_extractor.CatalogEntityExtractor"
    )
    assert registered.clazz is CatalogEntityExtractor
    assert registered.is_trainable is False
    assert DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR in registered.types


# ------------------------------------------------------------------ typos (bot/names.py)
@pytest.fixture(scope="module")
def run_fuzzy(model_dir, graph_env):
    """As config.yml sets it up: the catalog and the pipeline's known words, fuzzy names on."""
    storage, context = graph_env
    spacy_nlp = make_spacy_nlp(model_dir, graph_env)
    config = {"spacy_model": str(model_dir), "catalog": str(CATALOG)}
    extractor = CatalogEntityExtractor.create(config, storage, Resource("fuzzy"), context)

    def _run(text):
        message = Message(data={TEXT: text})
        [message] = spacy_nlp.process([message], spacy_nlp.provide())
        [message] = extractor.process([message])
        return message

    return _run


@pytest.mark.parametrize(
    "text,expected",
    [
        ("rates to germny", [("country", "Germany", "germny")]),
        ("calling the phillipines and brazl", [("country", "Philippines", "phillipines"), ("country", "Brazil", "brazl")]),
        ("move me to europ saver", [("plan", "Europe Saver", "europ saver")]),
        ("how much to call s korea", [("country", "South Korea", "korea")]),  # the ruler's "korea"
        ("bump streamax up to premium", [("service", "StreamMax TV", "streamax"), ("tier", "Premium", "premium")]),
        ("drop hotspot boost and give me famly locater",
         [("service", "Hotspot Boost", "hotspot boost"), ("service", "Family Locator", "famly locater")]),
        ("what plan can i chat about, the main usage", []),
        ("is there a woman i can talk to", []),
    ],
)
def test_fuzzy_entities_in_sentences(run_fuzzy, text, expected):
    message = run_fuzzy(text)
    found = [(e["entity"], e["value"], text[e["start"] : e["end"]]) for e in message.get(ENTITIES, [])]
    assert found == expected


def test_fuzzy_entity_confidence_is_the_score_and_exact_ones_keep_1(run_fuzzy):
    text = "drop hotspot boost and move me to europ saver for germny"
    exact, plan, country = run_fuzzy(text).get(ENTITIES)
    assert exact["confidence_entity"] == 1.0
    assert plan == {
        "entity": "plan",
        "value": "Europe Saver",
        "start": 34,
        "end": 45,
        "extractor": "CatalogEntityExtractor",
        "confidence_entity": 0.957,
    }
    assert country["value"] == "Germany" and country["confidence_entity"] == 0.923
    assert all(0.85 <= e["confidence_entity"] < 1.0 for e in (plan, country))


def test_exact_ruler_matches_win_over_fuzzy(run_fuzzy):
    # "europe saver" is the ruler's: one entity, confidence 1.0, no fuzzy duplicate or overlap
    [entity] = run_fuzzy("move me to europe saver").get(ENTITIES)
    assert (entity["value"], entity["confidence_entity"]) == ("Europe Saver", 1.0)


def test_fuzzy_respects_the_entities_filter_and_can_be_off(model_dir, graph_env):
    storage, context = graph_env
    spacy_nlp = make_spacy_nlp(model_dir, graph_env)
    base = {"spacy_model": str(model_dir), "catalog": str(CATALOG)}
    text = "move me to europ saver for germny"
    for name, config, expected in [
        ("f1", {**base, "entities": ["country"]}, [("country", "Germany")]),
        ("f2", {**base, "fuzzy": False}, []),
        ("f3", {}, []),  # no catalog configured: the ruler only
    ]:
        extractor = CatalogEntityExtractor.create(config, storage, Resource(name), context)
        message = Message(data={TEXT: text})
        spacy_nlp.process([message], spacy_nlp.provide())
        extractor.process([message])
        assert values(message) == expected, name
