"""Build the project's spaCy pipeline from the services' catalog and pycountry.

No downloaded model and no weights: ``spacy.blank("en")`` plus one ``entity_ruler``
whose patterns come from ``services/quickconnect/seed/catalog.yml`` (services, tiers,
plans and their aliases, country aliases) and from pycountry (country names).
Rasa's ``SpacyNLP`` loads the saved directory by path, and
``bot.nlu.catalog_entity_extractor.CatalogEntityExtractor`` turns the ruler's spans
into Rasa entities whose value is the pattern ``id`` (the catalog's canonical name).

Build (from the repository root)::

    .venv/bot/bin/python -m bot.spacy_pipeline \
        --catalog services/quickconnect/seed/catalog.yml --out models/spacy/qc_en

The build also saves, beside the pipeline, the *known words* of the project's NLU
training data (``qc_known_words.json``): the lower-case words of ``data/nlu/*.yml``
examples outside entity annotations. ``bot.names`` never turns such a word into a
catalog or country name by fuzzy matching ("plan" is not a typo of "Japan"), and the
running NLU reads them from here, never from ``data/``.

The SHA-256 of the catalog file, of the NLU data and of this builder are written to
the saved ``meta.json`` (``qc_catalog_sha256``, ``qc_nlu_sha256``,
``qc_builder_sha256``) so that a pipeline built from an older catalog, older training
data or older code can be detected (see ``is_stale``; ``scripts/train.sh`` rebuilds
only then). The build is deterministic: the same inputs give byte-identical files.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import logging
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple

import yaml

logger = logging.getLogger(__name__)

PIPELINE_NAME = "qc_en"
PIPELINE_VERSION = "1.1.0"
META_CATALOG_HASH = "qc_catalog_sha256"
META_NLU_HASH = "qc_nlu_sha256"
META_BUILDER_HASH = "qc_builder_sha256"
KNOWN_WORDS_FILE = "qc_known_words.json"
DEFAULT_CATALOG = "services/quickconnect/seed/catalog.yml"
DEFAULT_NLU = "data/nlu"
DEFAULT_OUT = "models/spacy/qc_en"
REPO_ROOT = Path(__file__).resolve().parents[1]

LABEL_SERVICE = "service"
LABEL_PLAN = "plan"
LABEL_TIER = "tier"
LABEL_COUNTRY = "country"
LABEL_ACCOUNT = "account_number"

# Account numbers: "QC-1234", "qc-1234", "QC1234" (one token) or "QC 1234" (two tokens).
ACCOUNT_TOKEN_REGEX = r"^[Qq][Cc]-?\d{4,8}$"
ACCOUNT_DIGITS_REGEX = r"^\d{4,8}$"
_ACCOUNT_RE = re.compile(r"^\s*qc[\s-]?(\d{4,8})\s*$", re.IGNORECASE)

# Upper-case ISO alpha-3 codes that are also English words or common abbreviations
# ("AND", "CAN", "ARE", "PNG" ...): a shouted message must not turn them into countries.
ALPHA3_WORDS = frozenset(
    """AND ARE ARM BEN BRA CAF CAN COD COL COM CUB DMA DOM ESP ETH FIN GAB GUM GUY HUN
    JAM KEN LIE MAC MAR MUS NOR PAN PER PNG POL PRY SEN SOM SUR TLS TON TUN URY VAT""".split()
)

# Country names that are also everyday first names or words ("call Jordan", "new jersey"):
# only matched when written with a capital ("Jordan", "JORDAN"), never lower-case.
CAPITALISED_ONLY_NAMES = frozenset({"chad", "jordan", "jersey", "georgia", "guinea"})


# --------------------------------------------------------------------------- helpers
def file_sha256(path: Path | str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def load_catalog(path: Path | str) -> Dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def normalise_account_number(text: str) -> Optional[str]:
    """``"qc1002"``, ``"QC-1002"``, ``"qc 1002"`` -> ``"QC-1002"``; None if not one."""
    match = _ACCOUNT_RE.match(text or "")
    return f"QC-{match.group(1)}" if match else None


def _fold(text: str) -> str:
    """ASCII-fold accents: "Türkiye" -> "Turkiye", "Côte d'Ivoire" -> "Cote d'Ivoire"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _stop_words() -> frozenset:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def _title(alias: str) -> str:
    return " ".join(word[:1].upper() + word[1:] for word in alias.split())


# --------------------------------------------------------------------------- known words
# An annotated entity in a training example: "[streammax](service)", "[uk](country:GB)",
# '[200 gb]{"entity": "tier"}'. Its text is an entity, not an ordinary word.
_ANNOTATION_RE = re.compile(r"\[[^\]]*\](?:\([^)]*\)|\{[^}]*\})+")
_WORD_RE = re.compile(r"[a-z]+")


def _nlu_files(nlu_dir: Path | str) -> List[Path]:
    return sorted(p for p in Path(nlu_dir).glob("*.yml") if p.is_file())


def nlu_sha256(nlu_dir: Path | str) -> str:
    """One hash over the NLU data files (names and contents, in name order)."""
    digest = hashlib.sha256()
    for path in _nlu_files(nlu_dir):
        digest.update(path.name.encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _intent_examples(nlu_dir: Path | str) -> Iterable[str]:
    for path in _nlu_files(nlu_dir):
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh) or {}
        for item in data.get("nlu") or []:
            # Only intent examples: synonym, lookup and regex entries list entity values.
            if not isinstance(item, dict) or "intent" not in item:
                continue
            examples = item.get("examples") or ""
            if isinstance(examples, str):
                for line in examples.splitlines():
                    line = line.strip()
                    if line.startswith("- "):
                        yield line[2:]
            else:  # the list form: [{text: ..., metadata: ...}, ...]
                for example in examples:
                    text = example.get("text") if isinstance(example, dict) else example
                    if text:
                        yield str(text)


def known_words_from_nlu(nlu_dir: Path | str) -> List[str]:
    """The lower-case words of the NLU training examples outside entity annotations."""
    words = set()
    for example in _intent_examples(nlu_dir):
        plain = _fold(_ANNOTATION_RE.sub(" ", example)).lower()
        words.update(_WORD_RE.findall(plain))
    return sorted(words)


def load_known_words(model_path: Path | str) -> frozenset:
    """The known words saved beside a built pipeline (empty if it has none)."""
    path = Path(model_path) / KNOWN_WORDS_FILE
    try:
        with open(path, encoding="utf-8") as fh:
            return frozenset(json.load(fh)["words"])
    except FileNotFoundError:
        logger.warning("%s has no %s: rebuild it (bot.spacy_pipeline)", model_path, KNOWN_WORDS_FILE)
        return frozenset()


# --------------------------------------------------------------------------- countries
def country_display_names(country_aliases: Dict[str, str]) -> Dict[str, str]:
    """alpha-2 code -> the name the assistant says ("KR" -> "South Korea").

    pycountry's ``common_name`` if it has one, else its ``name``; but when that name is
    awkward for a person, a catalog alias mapping to the code is preferred:
    the name holds a comma ("Korea, Republic of") or an alias is a shorter spelling of
    it ("russia" for "Russian Federation", "vietnam" for "Viet Nam"). Among such
    aliases the longest wins. Abbreviations ("uk", "usa") never replace a name.
    """
    import pycountry

    by_code: Dict[str, List[str]] = {}
    for alias, code in (country_aliases or {}).items():
        by_code.setdefault(str(code).upper(), []).append(str(alias).strip().lower())

    names: Dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        display = getattr(country, "common_name", None) or country.name
        squashed = display.lower().replace(" ", "")
        candidates = [
            alias
            for alias in by_code.get(code, [])
            if alias != display.lower()
            and ("," in display or squashed.startswith(alias.replace(" ", "")[:3]))
            and len(alias) > 3
        ]
        if candidates:
            display = _title(max(candidates, key=lambda a: (len(a), a)))
        names[code] = display
    return names


def _country_patterns(country_aliases: Dict[str, str]) -> List[Dict[str, Any]]:
    import pycountry

    stop_words = _stop_words()
    display = country_display_names(country_aliases)
    phrases: Dict[str, str] = {}  # lower-case phrase -> id
    orths: Dict[Tuple[str, ...], str] = {}  # exact-case token sequence -> id

    def add_phrase(text: str, cid: str) -> None:
        for variant in {text, _fold(text)}:
            key = variant.strip().lower()
            if not key:
                continue
            if key in CAPITALISED_ONLY_NAMES:
                orths[(_title(key),)] = cid
                orths[(key.upper(),)] = cid
            elif key in stop_words:
                # "us", "me", "in" ...: only the upper-case spelling ("US") is a country.
                orths[(key.upper(),)] = cid
            else:
                phrases.setdefault(key, cid)

    # Catalog aliases first: they are the project's decision where a spelling is shared.
    for alias, code in sorted((country_aliases or {}).items()):
        cid = display.get(str(code).upper())
        if cid is None:
            raise ValueError(f"country_aliases: {alias!r} maps to unknown code {code!r}")
        add_phrase(str(alias), cid)
        if len(str(alias)) <= 3 and str(alias).isalpha():  # "uk", "usa", "uae"
            orths[(str(alias).upper(),)] = cid

    for country in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        cid = display[country.alpha_2]
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                add_phrase(value, cid)
        add_phrase(cid, cid)
        if country.alpha_3 not in ALPHA3_WORDS:
            orths.setdefault((country.alpha_3,), cid)

    patterns = [
        {"label": LABEL_COUNTRY, "pattern": phrase, "id": cid}
        for phrase, cid in sorted(phrases.items())
    ]
    patterns += [
        {"label": LABEL_COUNTRY, "pattern": [{"ORTH": tok} for tok in toks], "id": cid}
        for toks, cid in sorted(orths.items())
    ]
    return patterns


# --------------------------------------------------------------------------- catalog
_UNIT_WORDS = {
    "gb": ["gb", "gig", "gigs", "gigabyte", "gigabytes"],
    "tb": ["tb", "terabyte", "terabytes"],
}
_MEMBERS_RE = re.compile(r"^up to (\d+) members$", re.IGNORECASE)
_SIZE_RE = re.compile(r"^(\d+)\s*(gb|tb)$", re.IGNORECASE)


def _tier_variants(name: str) -> List[str]:
    """"200 GB" -> "200 gb", "200gb", "200 gigs" ...; "Up to 3 members" -> "3 members" ..."""
    variants = {name.lower()}
    size = _SIZE_RE.match(name.strip())
    if size:
        number, unit = size.group(1), size.group(2).lower()
        for word in _UNIT_WORDS[unit]:
            variants.add(f"{number} {word}")
            variants.add(f"{number}{word}")
    members = _MEMBERS_RE.match(name.strip())
    if members:
        n = members.group(1)
        variants.update({f"{n} members", f"up to {n}", f"up to {n} people", f"{n} people"})
    return sorted(variants)


def _case_variants(
    patterns: List[Dict[str, Any]], tokenizer: Any
) -> List[Dict[str, Any]]:
    """Add spellings of phrase patterns that the tokenizer splits differently.

    The phrase matcher compares LOWER of tokens, but tokenisation itself depends on
    case: spaCy's English exceptions split "id" into "i" + "d" ("I'd") but leave "ID"
    whole, so "caller id plus" would never match "Caller ID Plus". For each phrase we
    add the original, Title and UPPER spellings whose token split differs.
    """
    out: List[Dict[str, Any]] = []
    seen = set()
    for pattern in patterns:
        text = pattern["pattern"]
        if not isinstance(text, str) or tokenizer is None:
            out.append(pattern)
            continue
        for variant in (text.lower(), text, _title(text), text.upper()):
            key = (pattern["label"], tuple(t.lower_ for t in tokenizer(variant)))
            if key not in seen:
                seen.add(key)
                out.append({**pattern, "pattern": variant})
    return out


def build_patterns(catalog: Dict[str, Any], tokenizer: Any = None) -> List[Dict[str, Any]]:
    """All entity-ruler patterns, in a stable order.

    ``tokenizer`` (the pipeline's own) lets case variants be added where the tokenizer
    splits them differently (see ``_case_variants``).
    """
    patterns: List[Dict[str, Any]] = []

    def phrase_patterns(label: str, items: Iterable[Tuple[str, str]]) -> None:
        seen: Dict[str, str] = {}
        for text, pid in items:
            key = str(text).strip().lower()
            if key and key not in seen:
                seen[key] = pid
        patterns.extend(
            {"label": label, "pattern": key, "id": pid} for key, pid in sorted(seen.items())
        )

    services = catalog.get("services") or []
    phrase_patterns(
        LABEL_SERVICE,
        [(s["name"], s["name"]) for s in services]
        + [(a, s["name"]) for s in services for a in s.get("aliases") or []],
    )
    plans = catalog.get("plans") or []
    phrase_patterns(
        LABEL_PLAN,
        [(p["name"], p["name"]) for p in plans]
        + [(a, p["name"]) for p in plans for a in p.get("aliases") or []]
        # "pay-per-minute" is tokenised "pay - per - minute": the hyphen-free spelling too.
        + [(p["name"].replace("-", " "), p["name"]) for p in plans],
    )
    phrase_patterns(
        LABEL_TIER,
        [(v, t["name"]) for s in services for t in s.get("tiers") or [] for v in _tier_variants(t["name"])],
    )
    patterns.extend(_country_patterns(catalog.get("country_aliases") or {}))
    patterns.append(
        {"label": LABEL_ACCOUNT, "pattern": [{"TEXT": {"REGEX": ACCOUNT_TOKEN_REGEX}}]}
    )
    patterns.append(
        {
            "label": LABEL_ACCOUNT,
            "pattern": [{"LOWER": "qc"}, {"TEXT": {"REGEX": ACCOUNT_DIGITS_REGEX}}],
        }
    )
    return _case_variants(patterns, tokenizer)


def build_nlp(catalog_path: Path | str, nlu_dir: Path | str | None = None):
    """The spaCy ``Language`` built from the catalog (not saved).

    ``nlu_dir`` (default: the repository's ``data/nlu``) is only hashed into the meta;
    ``build`` saves its known words beside the pipeline.
    """
    import pycountry
    import spacy

    catalog_path = Path(catalog_path)
    catalog = load_catalog(catalog_path)
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe(
        "entity_ruler",
        config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True, "validate": True},
    )
    ruler.add_patterns(build_patterns(catalog, nlp.tokenizer))
    nlp.meta.update(
        {
            "name": PIPELINE_NAME,
            "version": PIPELINE_VERSION,
            "description": "QuickConnect entity ruler built from the services' catalog and pycountry",
            "author": "QuickConnect assistant (bot/spacy_pipeline.py)",
            META_CATALOG_HASH: file_sha256(catalog_path),
            META_NLU_HASH: nlu_sha256(_nlu_dir(nlu_dir)),
            META_BUILDER_HASH: file_sha256(__file__),
            "qc_pycountry_version": getattr(pycountry, "__version__", "")
            or _dist_version("pycountry"),
        }
    )
    return nlp


def _dist_version(dist: str) -> str:
    try:
        from importlib.metadata import version

        return version(dist)
    except Exception:  # pragma: no cover
        return ""


def _nlu_dir(nlu_dir: Path | str | None) -> Path:
    path = Path(nlu_dir) if nlu_dir is not None else REPO_ROOT / DEFAULT_NLU
    if not path.is_dir():
        raise FileNotFoundError(f"NLU data directory not found: {path}")
    return path


def build(catalog_path: Path | str, out: Path | str, nlu_dir: Path | str | None = None) -> Path:
    """Build and save the pipeline to ``out``, with the known words of ``nlu_dir``
    (default: the repository's ``data/nlu``) in ``out/qc_known_words.json``."""
    out = Path(out)
    nlu = _nlu_dir(nlu_dir)
    nlp = build_nlp(catalog_path, nlu)
    out.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out)
    words = known_words_from_nlu(nlu)
    with open(out / KNOWN_WORDS_FILE, "w", encoding="utf-8") as fh:
        json.dump({"source": "data/nlu/*.yml, outside entity annotations", "words": words}, fh, indent=0)
        fh.write("\n")
    return out


def read_meta(model_path: Path | str) -> Dict[str, Any]:
    with open(Path(model_path) / "meta.json", encoding="utf-8") as fh:
        return json.load(fh)


def is_stale(
    model_path: Path | str, catalog_path: Path | str, nlu_dir: Path | str | None = None
) -> bool:
    """True if the saved pipeline is missing, has no known words, or was built from another
    catalog or by another version of this builder; with ``nlu_dir``, also if it was built
    from other NLU data. (The running NLU passes no ``nlu_dir``: it never reads ``data/``.)
    """
    try:
        meta = read_meta(model_path)
    except FileNotFoundError:
        return True
    if not (Path(model_path) / KNOWN_WORDS_FILE).is_file():
        return True
    if meta.get(META_CATALOG_HASH) != file_sha256(catalog_path):
        return True
    if meta.get(META_BUILDER_HASH) != file_sha256(__file__):
        return True
    return nlu_dir is not None and meta.get(META_NLU_HASH) != nlu_sha256(_nlu_dir(nlu_dir))


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--catalog", default=DEFAULT_CATALOG, help="catalog.yml path")
    parser.add_argument("--nlu", default=DEFAULT_NLU, help="NLU training data directory (known words)")
    parser.add_argument("--out", default=DEFAULT_OUT, help="output directory")
    parser.add_argument(
        "--check",
        action="store_true",
        help="only check that --out was built from --catalog and --nlu (exit 1 if stale)",
    )
    args = parser.parse_args(argv)
    if args.check:
        stale = is_stale(args.out, args.catalog, args.nlu)
        print(f"{args.out}: {'STALE' if stale else 'up to date'} for {args.catalog} and {args.nlu}")
        return 1 if stale else 0
    out = build(args.catalog, args.out, args.nlu)
    meta = read_meta(out)
    n_patterns = sum(1 for _ in open(out / "entity_ruler" / "patterns.jsonl", encoding="utf-8"))
    n_words = len(load_known_words(out))
    print(
        f"saved {out} ({n_patterns} patterns, {n_words} known words, "
        f"catalog sha256 {meta[META_CATALOG_HASH][:12]}, nlu sha256 {meta[META_NLU_HASH][:12]})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
