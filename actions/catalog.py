"""The services' catalog as the actions see it: cached for a few minutes, matched by name."""
import difflib
import re
import time
from typing import Dict, List, Optional, Tuple

from actions import config
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


def match(text: Optional[str], options: List[Dict]) -> Tuple[Optional[Dict], List[str]]:
    """The option `text` names (by code or name, ignoring case and punctuation), else the closest names."""
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
    names = {_norm(o["name"]): o["name"] for o in options}
    close = difflib.get_close_matches(wanted, list(names), n=3, cutoff=0.6)
    return None, [names[c] for c in close]
