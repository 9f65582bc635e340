"""Country resolution: ISO codes, pycountry names, catalog aliases; fuzzy suggestions otherwise."""
from __future__ import annotations

import difflib
from dataclasses import dataclass

import pycountry

from .catalog import normalize
from .errors import UnknownCountry


@dataclass(frozen=True)
class Country:
    code: str       # ISO alpha-2
    name: str
    region: str     # continent (country_converter): the calling region


def display_name(country) -> str:
    return getattr(country, "common_name", None) or country.name


class CountryDirectory:
    """Built once from a continent table (alpha-2 -> continent) and the catalog's aliases."""

    def __init__(self, continents: dict[str, str], aliases: dict[str, str]):
        self.continents = continents
        self._by_code: dict[str, Country] = {}
        self._by_name: dict[str, str] = {}
        for c in pycountry.countries:
            if c.alpha_2 not in continents:
                continue
            self._by_code[c.alpha_2] = Country(c.alpha_2, display_name(c), continents[c.alpha_2])
            for name in (c.name, getattr(c, "official_name", None), getattr(c, "common_name", None)):
                if name:
                    self._by_name.setdefault(normalize(name), c.alpha_2)
        alpha3 = {c.alpha_3: c.alpha_2 for c in pycountry.countries}
        self._by_code_any = {**{k: v for k, v in alpha3.items() if v in self._by_code},
                             **{k: k for k in self._by_code}}
        # Aliases win over names: "america" means the USA here, not the continent.
        for alias, code in aliases.items():
            self._by_name[normalize(alias)] = code.upper()

    def all(self) -> list[Country]:
        return sorted(self._by_code.values(), key=lambda c: c.name)

    def get(self, code: str) -> Country:
        return self._by_code[code]

    def resolve(self, query: str) -> Country:
        text = str(query).strip()
        key = normalize(text)
        if key in self._by_name:
            return self._by_code[self._by_name[key]]
        if text.upper() in self._by_code_any:
            return self._by_code[self._by_code_any[text.upper()]]
        close = difflib.get_close_matches(key, list(self._by_name), n=5, cutoff=0.6)
        suggestions = list(dict.fromkeys(self._by_code[self._by_name[c]].name for c in close))
        raise UnknownCountry(f"'{text}' is not a country we know.", suggestions)
