"""What each international call costs under a plan, in the order the calls were made."""
from __future__ import annotations

from decimal import Decimal

from .catalog import Catalog, Plan
from .countries import Country
from .money import ZERO, money


def call_costs(catalog: Catalog, plan: Plan, calls: list[tuple[Country, int]]) -> list[Decimal]:
    """Calls inside the plan use up its allowance first (included or fair-use minutes), then pay
    the overage rate (or the destination's pay-per-minute rate); calls outside pay per minute."""
    used = 0
    costs = []
    for country, minutes in calls:
        rate = catalog.rate(country.region)
        if not plan.includes(country.region):
            costs.append(money(rate * minutes))
            continue
        free = max(min(minutes, plan.allowance - used), 0)
        used += minutes
        extra = minutes - free
        costs.append(money((plan.overage_rate if plan.overage_rate is not None else rate) * extra) if extra else ZERO)
    return costs


def minutes_in_plan(plan: Plan, calls: list[tuple[Country, int]]) -> int:
    return sum(minutes for country, minutes in calls if plan.includes(country.region))
