"""The continent of every country, from country_converter, built once per process (it is slow)."""
from __future__ import annotations

from functools import lru_cache

import pycountry


@lru_cache(maxsize=1)
def continents() -> dict[str, str]:
    import country_converter as coco   # imported lazily: it loads pandas and a data table

    codes = [c.alpha_2 for c in pycountry.countries]
    regions = coco.CountryConverter().convert(names=codes, src="ISO2", to="continent", not_found=None)
    return {code: region for code, region in zip(codes, regions) if isinstance(region, str)}
