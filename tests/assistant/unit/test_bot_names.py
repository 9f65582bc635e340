"""Typo-tolerant names (bot/names.py) and the known words saved beside the spaCy pipeline."""
import json

import pytest
import spacy

from bot import spacy_pipeline as sp
from bot.names import KINDS, NameMatcher, NameSpan, max_edits, normalise

from tests.assistant.unit.conftest import CATALOG, ROOT


@pytest.fixture(scope="module")
def matcher(model_dir):
    """As the NLU and the actions build it: the catalog plus the known words of the pipeline."""
    return NameMatcher.from_pipeline(model_dir, CATALOG)


@pytest.fixture(scope="module")
def bare():
    """No known words: only the structural guards (length, score, edits, first letter, stop words)."""
    return NameMatcher.from_catalog(CATALOG)


@pytest.fixture(scope="module")
def nlp(model_dir):
    return spacy.load(model_dir)


# ------------------------------------------------------------------ typos resolve
@pytest.mark.parametrize(
    "text,kind,canonical",
    [
        ("germny", "country", "Germany"),
        ("phillipines", "country", "Philippines"),
        ("brazl", "country", "Brazil"),
        ("s korea", "country", "South Korea"),
        ("n korea", "country", "North Korea"),
        ("the uk", "country", "United Kingdom"),
        ("austrailia", "country", "Australia"),
        ("swizerland", "country", "Switzerland"),
        ("nigerai", "country", "Nigeria"),  # two letters swapped: one edit
        ("nigera", "country", "Nigeria"),   # a dropped letter beats a letter too many (Niger)
        ("europ saver", "plan", "Europe Saver"),
        ("world unlimted", "plan", "World Unlimited"),
        ("asia pacfic saver", "plan", "Asia Pacific Saver"),
        ("streamax", "service", "StreamMax TV"),
        ("stream max tv", "service", "StreamMax TV"),
        ("famly locater", "service", "Family Locator"),
        ("hotspt", "service", "Hotspot Boost"),
        ("Germny", "country", "Germany"),
    ],
)
def test_typos_resolve(matcher, text, kind, canonical):
    name, score = matcher.best(text, kind)
    assert name == canonical
    assert 85 <= score <= 100


@pytest.mark.parametrize("text,kind,canonical", [("Germany", "country", "Germany"), ("UK", "country", "United Kingdom"),
                                                 ("US", "country", "United States"), ("DEU", "country", "Germany"),
                                                 ("Jordan", "country", "Jordan"), ("hotspot", "service", "Hotspot Boost"),
                                                 ("pay-per-minute", "plan", "Pay-Per-Minute"), ("turkey", "country", "Türkiye")])
def test_exact_names_score_100(matcher, text, kind, canonical):
    assert matcher.best(text, kind) == (canonical, 100.0)


@pytest.mark.parametrize(
    "typo,spelt",
    [("germny", "Germany"), ("phillipines", "Philippines"), ("brazl", "Brazil"), ("s korea", "South Korea"),
     ("the uk", "UK"), ("europ saver", "europe saver"), ("stream max tv", "streammax tv"),
     ("famly locater", "family locator")],
)
def test_canonical_value_is_the_rulers_id(matcher, nlp, typo, spelt):
    [ent] = nlp(spelt).ents
    assert matcher.best(typo, ent.label_)[0] == ent.ent_id_


def test_every_canonical_name_is_a_ruler_id(matcher, model_dir):
    patterns = [json.loads(line) for line in open(model_dir / "entity_ruler" / "patterns.jsonl", encoding="utf-8")]
    for kind in KINDS:
        ids = {p["id"] for p in patterns if p["label"] == kind}
        assert set(matcher.canonical_names(kind)) <= ids, kind
        assert matcher.canonical_names(kind)


# ------------------------------------------------------------------ ordinary words do not
@pytest.mark.parametrize(
    "word,not_this",
    [("plan", "Japan"), ("can", "Canada"), ("chat", "Chad"), ("main", "Mali"), ("ran", "Iran"), ("per", "Peru"),
     ("cube", "Cuba"), ("woman", "Oman"), ("usage", "United States"), ("chin", "China"), ("spin", "Spain"),
     ("child", "Chile"), ("begin", "Benin"), ("russian", "Russia"), ("korean", "South Korea"), ("indian", "India"),
     ("hungry", "Hungary"), ("us", "United States"), ("chad", "Chad"), ("jordan", "Jordan")],
)
def test_ordinary_words_are_not_names(matcher, word, not_this):
    for kind in KINDS:
        assert matcher.best(word, kind) is None, (word, kind, matcher.best(word, kind))
    assert matcher.find_in(f"so {word} then") == []
    assert not_this not in [span.canonical for span in matcher.find_in(f"what about {word}")]


@pytest.mark.parametrize("word", ["ran", "per", "cube", "woman", "chin", "spin", "child", "begin", "can", "russian"])
def test_structural_guards_hold_without_known_words(bare, word):
    assert all(bare.best(word, kind) is None for kind in KINDS)


@pytest.mark.parametrize("word,canonical", [("mali", "Mali"), ("iran", "Iran"), ("peru", "Peru"), ("cuba", "Cuba"),
                                            ("oman", "Oman")])
def test_short_country_names_are_themselves(matcher, word, canonical):
    assert matcher.best(word, "country") == (canonical, 100.0)
    assert matcher.best(word[:3], "country") is None  # too short for a typo


def test_known_words_block_fuzzy_but_never_exact():
    m = NameMatcher.from_catalog(CATALOG, known_words={"germny", "hungry", "hotspot"})
    assert m.best("germny", "country") is None
    assert m.best("hungry", "country") is None
    assert m.best("hotspot", "service") == ("Hotspot Boost", 100.0)
    assert m.find_in("hotspot please") == [NameSpan("service", "Hotspot Boost", 0, 7, 100.0)]
    # a phrase is skipped only when every word of it is a known or stop word
    assert NameMatcher.from_catalog(CATALOG, known_words={"europ", "saver"}).best("europ saver", "plan") is None
    assert NameMatcher.from_catalog(CATALOG, known_words={"europ"}).best("europ saver", "plan")[0] == "Europe Saver"


def test_the_matcher_reads_the_known_words_saved_with_the_pipeline(matcher, model_dir):
    words = sp.load_known_words(model_dir)
    assert {"plan", "chat", "usage"} <= words
    assert matcher.known_words == words


def test_ambiguous_typos_give_none_but_both_are_suggested():
    m = NameMatcher({"country": {"abcdef": "X", "abcdeg": "Y"}}, stop_words=())
    assert m.best("abcde", "country") is None
    assert [name for name, _ in m.suggest("abcde", "country")] == ["X", "Y"]


def test_unknown_kind_is_an_error(matcher):
    with pytest.raises(ValueError):
        matcher.best("germny", "tier")


# ------------------------------------------------------------------ suggestions
def test_suggestions(matcher):
    assert matcher.suggest("germny", "country")[0] == ("Germany", 92.3)
    savers = [name for name, _ in matcher.suggest("saver", "plan")]
    assert sorted(savers) == ["Americas Saver", "Asia Pacific Saver", "Europe Saver"]
    assert {"Australia", "Austria"} <= {name for name, _ in matcher.suggest("austr", "country", n=5)}
    assert matcher.suggest("korea", "country")[:2] == [("South Korea", 100.0), ("North Korea", 90.0)]
    assert matcher.suggest("mexcio", "country")[0][0] == "Mexico"  # too far for best(), still suggested
    assert matcher.best("mexcio", "country") is None
    assert len(matcher.suggest("saver", "plan", n=2)) == 2
    assert matcher.suggest("can", "country") == []
    assert matcher.suggest("", "country") == []
    scores = [score for _, score in matcher.suggest("famly locater", "service")]
    assert scores == sorted(scores, reverse=True)


# ------------------------------------------------------------------ in sentences
def test_find_in_sentences(matcher):
    text = "calling the phillipines and brazl"
    spans = matcher.find_in(text)
    assert [(s.kind, s.canonical, text[s.start : s.end]) for s in spans] == [
        ("country", "Philippines", "phillipines"),
        ("country", "Brazil", "brazl"),
    ]
    assert all(s.score < 100 for s in spans)
    text = "drop famly locater and add streamax"
    assert [(s.kind, s.canonical, text[s.start : s.end], s.score) for s in matcher.find_in(text)] == [
        ("service", "Family Locator", "famly locater", 88.9),
        ("service", "StreamMax TV", "streamax", 100.0),
    ]
    kind, canonical, start, end, score = matcher.find_in("move me to europ saver")[0]
    assert (kind, canonical, start, end) == ("plan", "Europe Saver", 11, 22)


def test_find_in_skips_excluded_spans_punctuation_and_kinds(matcher):
    assert matcher.find_in("rates to germny", exclude=[(9, 15)]) == []
    assert [s.canonical for s in matcher.find_in("germny, brazl")] == ["Germany", "Brazil"]
    assert [s.canonical for s in matcher.find_in("rates to germny for europ saver", kinds=["plan"])] == ["Europe Saver"]
    assert matcher.find_in("") == []
    assert matcher.find_in("what plan can i chat about with the main usage") == []


def test_normalise_and_edits():
    assert normalise("  Côte d'Ivoire ") == "cote d ivoire"
    assert normalise("Pay-Per-Minute") == "pay per minute"
    assert [max_edits(n) for n in (5, 8, 9, 17, 18)] == [1, 1, 2, 2, 3]


# ------------------------------------------------------------------ known words: build and staleness
NLU = """version: "3.1"
nlu:
- intent: check_rates
  examples: |
    - rates to [germny](country) please
    - how much to call [the uk]{"entity": "country", "value": "United Kingdom"} per Minute
- synonym: Germany
  examples: |
    - deutschland
- lookup: country
  examples: |
    - atlantis
"""


def test_known_words_come_from_intent_examples_outside_annotations(tmp_path):
    (tmp_path / "rates.yml").write_text(NLU, encoding="utf-8")
    assert sp.known_words_from_nlu(tmp_path) == ["call", "how", "minute", "much", "per", "please", "rates", "to"]


def test_known_words_are_saved_beside_the_pipeline_and_tracked_for_staleness(model_dir, tmp_path):
    saved = json.loads((model_dir / sp.KNOWN_WORDS_FILE).read_text(encoding="utf-8"))
    assert saved["words"] == sp.known_words_from_nlu(ROOT / "data" / "nlu")
    meta = sp.read_meta(model_dir)
    assert meta[sp.META_NLU_HASH] == sp.nlu_sha256(ROOT / "data" / "nlu")
    assert not sp.is_stale(model_dir, CATALOG, ROOT / "data" / "nlu")
    nlu = tmp_path / "nlu"
    nlu.mkdir()
    for path in (ROOT / "data" / "nlu").glob("*.yml"):
        (nlu / path.name).write_bytes(path.read_bytes())
    assert not sp.is_stale(model_dir, CATALOG, nlu)
    (nlu / "new.yml").write_text(NLU, encoding="utf-8")
    assert sp.is_stale(model_dir, CATALOG, nlu)
    assert sp.main(["--check", "--catalog", str(CATALOG), "--nlu", str(nlu), "--out", str(model_dir)]) == 1
    # the running NLU checks the catalog only (it never reads data/)
    assert not sp.is_stale(model_dir, CATALOG)
    # a pipeline built before the known words existed is stale
    rebuilt = sp.build(CATALOG, tmp_path / "qc_en", nlu)
    assert "minute" in sp.load_known_words(rebuilt)
    assert not sp.is_stale(rebuilt, CATALOG, nlu)
    (rebuilt / sp.KNOWN_WORDS_FILE).unlink()
    assert sp.is_stale(rebuilt, CATALOG)
    assert sp.load_known_words(rebuilt) == frozenset()
