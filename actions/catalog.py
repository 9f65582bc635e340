"""The services' catalog as the actions see it: cached for a few minutes, matched by name."""
import difflib
import re
import time
from typing import Dict, List, Optional, Tuple

from actions import config
from bot import names
from actions.api.services import ServicesClient

_cache: Dict[str, Tuple[float, List[Dict]]] = {}


def _cached(kind: str, fetch) -> List[Dict]:
    hit = _cache.get(kind)
    if hit and time.monotonic() - hit[0] < config.CATALOG_CACHE_SECONDS:
        return hit[1]
    value = fetch()
    _cache[kind] = (time.monotonic(), value)
    return value


def services(client: ServicesClient) -> List[Dict]:
    return _cached("services", client.catalog_services)


def plans(client: ServicesClient) -> List[Dict]:
    return _cached("plans", client.catalog_plans)


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def match(text: Optional[str], options: List[Dict], kind: Optional[str] = None) -> Tuple[Optional[Dict], List[str]]:
    """The option `text` names (by code or name, ignoring case and punctuation, or, for a `kind` of
    "service" or "plan", by an alias or a typo through the NLU's own matcher), else the closest names."""
    if not text:
        return None, []
    wanted = _norm(str(text))
    if not wanted:
        return None, []
    for option in options:
        if wanted in (_norm(option["code"]), _norm(option["name"])):
            return option, []
    # "premium tier", "the 200gb one": a single option whose name is inside the answer
    inside = [o for o in options if _norm(o["name"]) and _norm(o["name"]) in wanted]
    if len(inside) == 1:
        return inside[0], []
    if kind:
        found = names.default_matcher().best(str(text), kind)
        named = [o for o in options if found and o["name"] == found[0]]
        if named:
            return named[0], []
    names_by_norm = {_norm(o["name"]): o["name"] for o in options}
    close = difflib.get_close_matches(wanted, list(names_by_norm), n=3, cutoff=0.6)
    return None, [names_by_norm[c] for c in close]


# "the middle tier", "the cheapest one", "top tier": a tier named by its place in the price order
_POSITIONS = [
    (re.compile(r"\b(cheapest|lowest|smallest|first|bottom|entry)\b", re.I), 0),
    (re.compile(r"\b(middle|mid|medium|second)\b", re.I), 1),
    (re.compile(r"\b(top|highest|biggest|largest|most expensive|best|last|max(imum)?)\b", re.I), -1),
]


def _words(text: str) -> set:
    return set(re.findall(r"[a-z0-9]+", re.sub(r"(\d)\s+(gb|tb)\b", r"\1\2", text.lower())))


def tier_in_text(text: str, tiers: List[Dict]) -> Optional[Dict]:
    """The one tier a sentence names, by name ("2tb", "up to 6") or by place ("the middle tier")."""
    if not text or not tiers:
        return None
    said = _words(text)
    names = [_words(t["name"]) for t in tiers]
    shared = set.intersection(*names) if len(names) > 1 else set()
    # a tier is named when the words that tell it from the others are all there ("6" of "Up to 6 members")
    named_here = [t for t, own in zip(tiers, names) if own - shared and own - shared <= said]
    if named_here:
        return named_here[0] if len(named_here) == 1 else None
    ordered = sorted(tiers, key=lambda t: float(t["monthly_price"]))
    for pattern, index in _POSITIONS:
        if pattern.search(text) and (index != 1 or len(ordered) == 3):
            return ordered[index]
    return None
