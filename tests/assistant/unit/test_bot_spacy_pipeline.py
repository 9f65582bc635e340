"""The project's spaCy pipeline built from the catalog (bot/spacy_pipeline.py)."""

import pytest
import spacy

from bot import spacy_pipeline as sp

from tests.assistant.unit.conftest import CATALOG


@pytest.fixture(scope="module")
def nlp(model_dir):
    return spacy.load(model_dir)


def ents(nlp, text):
    return [(e.text, e.label_, e.ent_id_) for e in nlp(text).ents]


def only(nlp, text):
    found = ents(nlp, text)
    assert len(found) == 1, found
    return found[0][1], found[0][2]


def test_is_blank_english_with_only_an_entity_ruler(nlp):
    assert nlp.lang == "en"
    assert nlp.pipe_names == ["entity_ruler"]
    assert nlp.vocab.vectors.shape[0] == 0  # no downloaded vectors or weights
    ruler = nlp.get_pipe("entity_ruler")
    assert ruler.phrase_matcher_attr == "LOWER"
    assert ruler.overwrite is True


@pytest.mark.parametrize("text", ["the tv thing", "streammax", "StreamMax TV", "STREAMMAX", "stream max"])
def test_service_aliases_map_to_canonical_name(nlp, text):
    assert only(nlp, text) == ("service", "StreamMax TV")


def test_service_inside_a_sentence(nlp):
    assert ents(nlp, "i want to cancel the tv thing please") == [
        ("the tv thing", "service", "StreamMax TV")
    ]


@pytest.mark.parametrize(
    "text,plan",
    [
        ("intl unlimited", "World Unlimited"),
        ("World Unlimited", "World Unlimited"),
        ("pay-per-minute", "Pay-Per-Minute"),
        ("pay as you go", "Pay-Per-Minute"),
        ("europe saver", "Europe Saver"),
    ],
)
def test_plans(nlp, text, plan):
    assert only(nlp, text) == ("plan", plan)


def test_longest_match_wins_plan_over_tier(nlp):
    assert ents(nlp, "switch me to world unlimited") == [
        ("world unlimited", "plan", "World Unlimited")
    ]
    assert only(nlp, "unlimited") == ("tier", "Unlimited")


@pytest.mark.parametrize("text", ["200 GB", "200gb", "200GB", "200 gigs"])
def test_tier_sizes_in_any_spelling(nlp, text):
    assert only(nlp, text) == ("tier", "200 GB")


@pytest.mark.parametrize(
    "text,tier",
    [("premium", "Premium"), ("Spam Shield", "Spam Shield"), ("up to 6 members", "Up to 6 members"), ("2TB", "2 TB")],
)
def test_tier_names(nlp, text, tier):
    assert only(nlp, text) == ("tier", tier)


@pytest.mark.parametrize(
    "text,country",
    [
        ("UK", "United Kingdom"),
        ("uk", "United Kingdom"),
        ("Britain", "United Kingdom"),
        ("United Kingdom of Great Britain and Northern Ireland", "United Kingdom"),
        ("GBR", "United Kingdom"),
        ("US", "United States"),
        ("USA", "United States"),
        ("the states", "United States"),
        ("Germany", "Germany"),
        ("Federal Republic of Germany", "Germany"),
        ("South Korea", "South Korea"),
        ("korea", "South Korea"),
        ("Korea, Republic of", "South Korea"),
        ("russia", "Russia"),
        ("Russian Federation", "Russia"),
        ("viet nam", "Vietnam"),
        ("iran", "Iran"),
        ("UAE", "United Arab Emirates"),
        ("turkiye", "Türkiye"),
        ("Jordan", "Jordan"),
    ],
)
def test_countries_map_to_friendly_canonical_name(nlp, text, country):
    assert only(nlp, text) == ("country", country)


@pytest.mark.parametrize(
    "text",
    [
        "call us",
        "can you help us",
        "let me in",
        "it is me",
        "be there",
        "AND CAN YOU HELP",  # upper-case alpha-3 codes that are English words
        "deu",  # alpha-3 only upper-case
        "i need to talk to jordan",  # lower-case first names are not countries
    ],
)
def test_no_false_country(nlp, text):
    assert [e for e in ents(nlp, text) if e[1] == "country"] == []


def test_uppercase_us_is_a_country_but_not_the_pronoun(nlp):
    assert ents(nlp, "rates to the US for us") == [("US", "country", "United States")]


@pytest.mark.parametrize(
    "text,span", [("QC1002", "QC1002"), ("qc-1002", "qc-1002"), ("QC-1002.", "QC-1002"), ("account qc 1002", "qc 1002")]
)
def test_account_numbers(nlp, text, span):
    found = ents(nlp, text)
    assert [(t, label) for t, label, _ in found] == [(span, "account_number")]
    assert sp.normalise_account_number(span) == "QC-1002"


@pytest.mark.parametrize("text", ["QC12", "1002", "ABC-1002"])
def test_not_account_numbers(nlp, text):
    assert [e for e in ents(nlp, text) if e[1] == "account_number"] == []


def test_several_entities_in_one_message(nlp):
    assert ents(nlp, "add cloud backup 200gb and world unlimited for calls to Germany on QC-1001") == [
        ("cloud backup", "service", "Cloud Backup"),
        ("200gb", "tier", "200 GB"),
        ("world unlimited", "plan", "World Unlimited"),
        ("Germany", "country", "Germany"),
        ("QC-1001", "account_number", ""),
    ]


def test_every_catalog_alias_is_recognised(nlp):
    catalog = sp.load_catalog(CATALOG)
    for service in catalog["services"]:
        for alias in [service["name"], *service["aliases"]]:
            assert only(nlp, alias) == ("service", service["name"]), alias
    for plan in catalog["plans"]:
        for alias in [plan["name"], *plan["aliases"]]:
            assert only(nlp, alias) == ("plan", plan["name"]), alias


def test_display_names_come_from_catalog_aliases():
    names = sp.country_display_names(sp.load_catalog(CATALOG)["country_aliases"])
    assert names["KR"] == "South Korea"
    assert names["GB"] == "United Kingdom"
    assert names["US"] == "United States"
    assert names["RU"] == "Russia"
    assert names["IR"] == "Iran"
    assert names["VN"] == "Vietnam"
    assert names["NL"] == "Netherlands"  # "holland" is an alias, not the name
    assert names["AE"] == "United Arab Emirates"


def test_meta_records_catalog_hash_and_detects_stale_build(model_dir, tmp_path):
    meta = sp.read_meta(model_dir)
    assert meta[sp.META_CATALOG_HASH] == sp.file_sha256(CATALOG)
    assert not sp.is_stale(model_dir, CATALOG)
    changed = tmp_path / "catalog.yml"
    changed.write_text(CATALOG.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert sp.is_stale(model_dir, changed)
    assert sp.is_stale(tmp_path / "missing", CATALOG)
    assert sp.main(["--check", "--catalog", str(CATALOG), "--out", str(model_dir)]) == 0
    assert sp.main(["--check", "--catalog", str(changed), "--out", str(model_dir)]) == 1


def test_build_is_deterministic(model_dir, tmp_path):
    again = sp.build(CATALOG, tmp_path / "qc_en")
    for path in sorted(p for p in model_dir.rglob("*") if p.is_file()):
        assert (again / path.relative_to(model_dir)).read_bytes() == path.read_bytes(), path


@pytest.mark.parametrize("text", ["Caller ID Plus", "caller id plus", "CALLER ID", "callerid"])
def test_tokenizer_exceptions_do_not_hide_aliases(nlp, text):
    # spaCy splits lower-case "id" into "i" + "d" (as in "I'd") but not "ID".
    assert only(nlp, text) == ("service", "Caller ID Plus")
