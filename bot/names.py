"""Typo-tolerant catalog and country names, in one place for the NLU and the actions.

What it knows
    The same names, with the same canonical values, as the spaCy entity ruler: the
    phrase patterns of ``bot.spacy_pipeline.build_patterns`` for ``service``, ``plan``
    and ``country`` (catalog names and aliases, the catalog's ``country_aliases``,
    pycountry's names; canonical value = the pattern id, i.e. the catalog name or
    ``country_display_names``: "South Korea", "United Kingdom"). The ruler's
    exact-case token patterns ("US", "DEU", "Jordan") count as exact matches when
    written in that case. Nothing is typed twice: a new alias in the catalog is both
    an exact ruler pattern and a fuzzy target.

How it scores
    rapidfuzz ``fuzz.ratio`` (normalised Indel similarity, 0-100) between normalised
    strings (accents folded, lower case, punctuation as spaces). A query is also tried
    without a leading "the" ("the uk") and with "s"/"n"/"e"/"w"/"st" expanded to
    south/north/east/west/saint ("s korea"). An exact normalised match scores 100, and so does a
    query of several words that is a name once the spaces are gone ("stream max tv").

When a fuzzy match counts (``best`` and ``find_in``)
    * ``SCORE_CUTOFF`` 85: one wrong letter in a short name is too much ("brazik"
      scores 83), a missing or doubled letter is not ("brazl" 91, "germny" 92,
      "phillipines" 91, "famly locater" 89, "europ saver" 96).
    * ``MIN_LENGTH`` 5 letters: the 3-4 letter words that sit one edit away from a
      country ("ran"/Iran, "per"/Peru, "cube"/Cuba, "chin"/China, "spin"/Spain) are
      never fuzzy-matched; only exact names that short are taken.
    * at most ``max_edits`` edits (optimal string alignment: a swap of two neighbouring
      letters is one edit; 1 below 9 letters, 2 below 18, then 3),
      and the first letter must be right: "woman" is not "Oman" (ratio 89).
    * not a spaCy English stop word ("can", "per", "us"), and not a *known word*:
      a word of the project's NLU training examples outside entity annotations
      ("plan", "chat", "main", "usage"...), computed when ``bot/spacy_pipeline.py``
      builds the pipeline and saved beside it (``qc_known_words.json``), so the
      running NLU never reads ``data/``. A phrase of several words is skipped only
      when all its words are stop words or known words ("europ saver" is tried;
      "cloud plan" is not). Exact names are never blocked by these lists.
    * not a word derived from the name: "russian", "korean", "indian" are not typos of
      Russia, Korea, India (``DERIVED_SUFFIXES``).
    * unambiguous: when a second name scores within ``AMBIGUITY_MARGIN`` of the best,
      ``best`` gives None and leaves the choice to ``suggest`` ("did you mean ...?").

``suggest`` is looser, for a "did you mean" menu after the customer has been asked
for a name of that kind: rapidfuzz ``WRatio`` (which also scores partial names:
"saver" -> the three Saver plans), at least ``SUGGEST_CUTOFF`` 75, at least 3 letters,
no stop words, distinct canonical names, best first.

In a sentence (``find_in``), windows of 1 to ``MAX_WORDS`` words are tried that
neither start nor end with a stop word, do not cross punctuation and do not overlap
an ``exclude`` span (the entity ruler's matches: exact matches always win); the
best-scoring non-overlapping windows are kept (ties: the longer window).

Use::

    matcher = NameMatcher.from_catalog("services/quickconnect/seed/catalog.yml",
                                       known_words=load_known_words("models/spacy/qc_en"))
    matcher.best("germny", "country")        # ("Germany", 92.3)
    matcher.suggest("saver", "plan")         # [("Americas Saver", 90.0), ...]
    matcher.find_in("rates to germny")       # [NameSpan("country", "Germany", 9, 15, 92.3)]
"""
from __future__ import annotations

import functools
import re
from collections import defaultdict
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, List, NamedTuple, Optional, Sequence, Tuple

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.spacy_pipeline import (
    DEFAULT_CATALOG,
    DEFAULT_OUT,
    LABEL_COUNTRY,
    LABEL_PLAN,
    LABEL_SERVICE,
    REPO_ROOT,
    _fold,
    _stop_words,
    build_patterns,
    load_catalog,
    load_known_words,
)

KINDS: Tuple[str, ...] = (LABEL_SERVICE, LABEL_PLAN, LABEL_COUNTRY)

SCORE_CUTOFF = 85.0
MIN_LENGTH = 5
# 1 point: "nigera" is Nigeria (92.3: a dropped letter) more than Niger (90.9: a letter too many)
AMBIGUITY_MARGIN = 1.0
SUGGEST_CUTOFF = 75.0
SUGGEST_MIN_LENGTH = 3
MAX_WORDS = 3

# A word that is a name plus one of these is derived from it, not a typo of it:
# "russian", "korean", "indian", "americans", "pakistani", "japanese", "danish".
# (A plural "s" is not among them: "voicemails" is still the voicemail service.)
DERIVED_SUFFIXES = frozenset({"n", "an", "ian", "ns", "ans", "ians", "ese", "ish", "i", "is"})

_ABBREVIATIONS = {"s": "south", "n": "north", "e": "east", "w": "west", "st": "saint"}
_WORD_RE = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")
_JOINER_RE = re.compile(r"[\s\-]+")  # what may stand between the words of one name


class NameSpan(NamedTuple):
    kind: str
    canonical: str
    start: int
    end: int
    score: float


def normalise(text: str) -> str:
    """Accents folded, lower case, everything but letters and digits as single spaces."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", _fold(text or "").lower()).split())


def max_edits(length: int) -> int:
    """Edits (insert, delete, substitute, swap neighbours) allowed for a query of ``length`` characters."""
    return 1 if length < 9 else 2 if length < 18 else 3


def _variants(query: str) -> List[str]:
    """The normalised query, without a leading "the", with abbreviations expanded."""
    out = [query]
    words = query.split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
        out.append(" ".join(words))
    expanded = [_ABBREVIATIONS.get(w, w) if i < len(words) - 1 else w for i, w in enumerate(words)]
    if expanded != words:
        out.append(" ".join(expanded))
    return out


class NameMatcher:
    """Fuzzy lookup of service, plan and country names (see the module docstring)."""

    def __init__(
        self,
        names: Dict[str, Dict[str, str]],
        exact_case: Optional[Dict[str, Tuple[str, str]]] = None,
        known_words: Iterable[str] = (),
        stop_words: Optional[Iterable[str]] = None,
    ) -> None:
        """``names``: kind -> {phrase: canonical}; ``exact_case``: case-sensitive text ->
        (kind, canonical); ``known_words``: words never fuzzy-matched."""
        self._names = {kind: {} for kind in KINDS}
        for kind, table in names.items():
            self._names[kind] = {normalise(p): c for p, c in table.items() if normalise(p)}
        self._exact_case = dict(exact_case or {})
        # the same names without their spaces: "stream max tv" is "streammax tv" exactly
        self._spaceless = {kind: {p.replace(" ", ""): c for p, c in table.items()} for kind, table in self._names.items()}
        self.known_words: FrozenSet[str] = frozenset(w.lower() for w in known_words)
        self.stop_words: FrozenSet[str] = frozenset(stop_words if stop_words is not None else _stop_words())
        # choices by first letter: the first letter of a name is never fuzzy
        self._by_initial: Dict[str, Dict[str, List[str]]] = {}
        for kind, table in self._names.items():
            buckets: Dict[str, List[str]] = defaultdict(list)
            for phrase in sorted(table):
                buckets[phrase[0]].append(phrase)
            self._by_initial[kind] = dict(buckets)

    # ------------------------------------------------------------------ building
    @classmethod
    def from_catalog(
        cls, catalog_path: Path | str = REPO_ROOT / DEFAULT_CATALOG, known_words: Iterable[str] = ()
    ) -> "NameMatcher":
        """The ruler's names from the catalog file and pycountry; ``known_words`` as saved
        beside the pipeline (``bot.spacy_pipeline.load_known_words``)."""
        names: Dict[str, Dict[str, str]] = {kind: {} for kind in KINDS}
        exact_case: Dict[str, Tuple[str, str]] = {}
        for pattern in build_patterns(load_catalog(catalog_path)):
            kind, cid, value = pattern["label"], pattern.get("id"), pattern["pattern"]
            if kind not in names or not cid:
                continue
            if isinstance(value, str):
                names[kind].setdefault(value, cid)
            elif all(set(tok) == {"ORTH"} for tok in value):
                exact_case.setdefault(" ".join(tok["ORTH"] for tok in value), (kind, cid))
        return cls(names, exact_case, known_words)

    @classmethod
    def from_pipeline(
        cls, model_path: Path | str = REPO_ROOT / DEFAULT_OUT, catalog_path: Path | str = REPO_ROOT / DEFAULT_CATALOG
    ) -> "NameMatcher":
        """``from_catalog`` with the known words saved beside the built spaCy pipeline."""
        return cls.from_catalog(catalog_path, load_known_words(model_path))

    # ------------------------------------------------------------------ queries
    def canonical_names(self, kind: str) -> List[str]:
        return sorted(set(self._names[kind].values()))

    def _is_ordinary(self, query: str) -> bool:
        """Only stop words and known words: never fuzzy-matched."""
        return all(w in self.stop_words or w in self.known_words for w in query.split())

    def _exact(self, text: str, kind: str) -> Optional[str]:
        hit = self._exact_case.get(" ".join(text.split()))
        if hit and hit[0] == kind:
            return hit[1]
        table = self._names[kind]
        for variant in _variants(normalise(text)):
            if variant in table:
                return table[variant]
            if " " in variant and len(variant) >= MIN_LENGTH:
                joined = self._spaceless[kind].get(variant.replace(" ", ""))
                if joined:
                    return joined
        return None

    def _ranked(self, text: str, kind: str) -> List[Tuple[str, float]]:
        """Fuzzy candidates passing every guard: (canonical, score), best first, one per name."""
        query = normalise(text)
        if not query or query in self.stop_words or self._is_ordinary(query):
            return []
        table, buckets = self._names[kind], self._by_initial[kind]
        best: Dict[str, float] = {}
        for variant in _variants(query):
            if len(variant.replace(" ", "")) < MIN_LENGTH or self._is_ordinary(variant):
                continue
            choices = buckets.get(variant[0], [])
            for phrase, score, _ in process.extract(
                variant, choices, scorer=fuzz.ratio, score_cutoff=SCORE_CUTOFF, limit=8
            ):
                if OSA.distance(variant, phrase) > max_edits(len(variant)):
                    continue
                if variant.startswith(phrase) and variant[len(phrase):] in DERIVED_SUFFIXES:
                    continue
                canonical = table[phrase]
                if score > best.get(canonical, -1.0):
                    best[canonical] = score
        return sorted(best.items(), key=lambda item: (-item[1], item[0]))

    def best(self, text: str, kind: str) -> Optional[Tuple[str, float]]:
        """(canonical name, score 0-100) that ``text`` names, exact (100) or a typo; else None
        (no name close enough, an ordinary word, or two names equally close)."""
        if kind not in self._names:
            raise ValueError(f"unknown kind {kind!r}; one of {KINDS}")
        exact = self._exact(text or "", kind)
        if exact:
            return exact, 100.0
        ranked = self._ranked(text or "", kind)
        if not ranked:
            return None
        if len(ranked) > 1 and ranked[1][1] >= ranked[0][1] - AMBIGUITY_MARGIN:
            return None
        return ranked[0][0], round(ranked[0][1], 1)

    def suggest(self, text: str, kind: str, n: int = 3) -> List[Tuple[str, float]]:
        """Up to ``n`` (canonical name, score) for a "did you mean" menu, best first."""
        if kind not in self._names:
            raise ValueError(f"unknown kind {kind!r}; one of {KINDS}")
        exact = self._exact(text or "", kind)
        out: Dict[str, float] = {exact: 100.0} if exact else {}
        query = normalise(text)
        if len(query.replace(" ", "")) >= SUGGEST_MIN_LENGTH and query not in self.stop_words:
            table = self._names[kind]
            for variant in _variants(query):
                for phrase, score, _ in process.extract(
                    variant, list(table), scorer=fuzz.WRatio, score_cutoff=SUGGEST_CUTOFF, limit=8 * n
                ):
                    canonical = table[phrase]
                    if score > out.get(canonical, -1.0):
                        out[canonical] = score
        ranked = sorted(out.items(), key=lambda item: (-item[1], item[0]))
        return [(name, round(score, 1)) for name, score in ranked[:n]]

    def find_in(
        self,
        text: str,
        exclude: Sequence[Tuple[int, int]] = (),
        kinds: Optional[Iterable[str]] = None,
    ) -> List[NameSpan]:
        """Names in a sentence, exact or typos, as (kind, canonical, start, end, score) with
        character offsets; windows overlapping an ``exclude`` (start, end) span are skipped."""
        kinds = [k for k in KINDS if kinds is None or k in set(kinds)]
        words = [(m.group(), m.start(), m.end()) for m in _WORD_RE.finditer(text or "")]
        candidates = []
        for i in range(len(words)):
            for j in range(i, min(i + MAX_WORDS, len(words))):
                if j > i and not _JOINER_RE.fullmatch(text[words[j - 1][2] : words[j][1]]):
                    break  # a name does not cross punctuation
                start, end = words[i][1], words[j][2]
                if any(start < e and s < end for s, e in exclude):
                    continue
                first, last = words[i][0].lower(), words[j][0].lower()
                if first in self.stop_words or last in self.stop_words:
                    continue
                span = text[start:end]
                for kind_rank, kind in enumerate(kinds):
                    exact = self._exact(span, kind)
                    if exact:
                        hit = (exact, 100.0)
                    else:
                        ranked = self._ranked(span, kind)
                        if not ranked or (len(ranked) > 1 and ranked[1][1] >= ranked[0][1] - AMBIGUITY_MARGIN):
                            continue
                        hit = ranked[0]
                    candidates.append((-hit[1], -(j - i), kind_rank, start, end, kind, hit[0], hit[1]))
        chosen: List[NameSpan] = []
        for *_, start, end, kind, canonical, score in sorted(candidates):
            if all(end <= c.start or c.end <= start for c in chosen):
                chosen.append(NameSpan(kind, canonical, start, end, round(score, 1)))
        return sorted(chosen, key=lambda s: s.start)


@functools.lru_cache(maxsize=4)
def default_matcher(
    model_path: str = str(REPO_ROOT / DEFAULT_OUT), catalog_path: str = str(REPO_ROOT / DEFAULT_CATALOG)
) -> NameMatcher:
    """One shared matcher per (pipeline, catalog), built on first use (for the actions)."""
    return NameMatcher.from_pipeline(model_path, catalog_path)
