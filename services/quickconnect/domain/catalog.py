"""The catalog as plain values: services with tiers, calling plans, rates; lookup by code or name."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from decimal import Decimal

from .errors import UnknownPlan, UnknownService, UnknownTier


def normalize(name: str) -> str:
    """'StreamMax_TV ', 'streammax-tv' and 'streammax tv' all compare equal."""
    return re.sub(r"[\s_\-]+", " ", str(name)).strip().lower()


def _lookup(query: str, items, error_cls, what: str):
    key = normalize(query)
    names: dict[str, object] = {}
    for item in items:
        for name in (item.code, item.name, *getattr(item, "aliases", ())):
            names.setdefault(normalize(name), item)
    if key in names:
        return names[key]
    close = difflib.get_close_matches(key, list(names), n=5, cutoff=0.6)
    suggestions = list(dict.fromkeys(names[c].name for c in close)) or [i.name for i in items]
    raise error_cls(f"There is no {what} called '{query}'.", suggestions)


@dataclass(frozen=True)
class Tier:
    code: str
    name: str
    monthly_price: Decimal


@dataclass(frozen=True)
class Service:
    code: str
    name: str
    description: str
    activation_hours: int
    minimum_term_months: int
    modification_fee: Decimal
    cancellation_fee: Decimal
    tiers: tuple[Tier, ...]
    aliases: tuple[str, ...] = ()

    def tier(self, query: str) -> Tier:
        try:
            return _lookup(query, self.tiers, UnknownTier, f"{self.name} tier")
        except UnknownTier as err:
            err.suggestions = [t.name for t in self.tiers]   # a service has few tiers: name them all
            raise

    def terms(self, fee_terms: dict[str, str]) -> list[str]:
        months = self.minimum_term_months
        terms = []
        if self.modification_fee > 0 and months:
            terms.append(fee_terms["modification"].format(fee=f"${self.modification_fee}", months=months))
        if self.cancellation_fee > 0 and months:
            terms.append(fee_terms["cancellation"].format(fee=f"${self.cancellation_fee}", months=months))
        if not terms:
            terms.append(fee_terms["none"])
        return terms


@dataclass(frozen=True)
class Plan:
    code: str
    name: str
    kind: str                          # unlimited | pay_per_minute | regional
    monthly_fee: Decimal
    included_minutes: int | None
    fair_use_minutes: int | None
    overage_rate: Decimal | None
    regions: tuple[str, ...] | None    # continents for a regional plan; None = everywhere
    restrictions: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()

    def includes(self, region: str) -> bool:
        """Whether calls to a country in this region count against the plan's minutes."""
        if self.kind == "unlimited":
            return True
        if self.kind == "regional":
            return region in (self.regions or ())
        return False

    @property
    def allowance(self) -> int:
        """Minutes a cycle before overage or pay-per-minute rates apply."""
        return self.included_minutes or self.fair_use_minutes or 0


@dataclass
class Catalog:
    services: list[Service]
    plans: list[Plan]
    pay_per_minute_rates: dict[str, Decimal]
    blocked_countries: frozenset[str]
    country_aliases: dict[str, str]
    fee_terms: dict[str, str] = field(default_factory=dict)

    def service(self, query: str) -> Service:
        return _lookup(query, self.services, UnknownService, "service")

    def plan(self, query: str) -> Plan:
        return _lookup(query, self.plans, UnknownPlan, "calling plan")

    def rate(self, region: str) -> Decimal:
        return self.pay_per_minute_rates[region]
