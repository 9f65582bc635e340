"""The continent of every country, from country_converter, built once per process (it is slow)."""
from __future__ import annotations

import threading

import pycountry

_lock = threading.Lock()
_continents: dict[str, str] | None = None


def continents() -> dict[str, str]:
    """Built once per process: `qc-services serve` builds it before taking requests. The lock
    makes requests that arrive together wait for one build instead of each doing its own."""
    global _continents
    if _continents is None:
        with _lock:
            if _continents is None:
                import country_converter as coco   # imported lazily: it loads pandas and a data table

                codes = [c.alpha_2 for c in pycountry.countries]
                regions = coco.CountryConverter().convert(names=codes, src="ISO2", to="continent", not_found=None)
                _continents = {code: region for code, region in zip(codes, regions) if isinstance(region, str)}
    return _continents
