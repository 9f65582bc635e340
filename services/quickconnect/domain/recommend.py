"""Expected monthly cost of each calling plan for a calling pattern, cheapest first."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .catalog import Catalog, Plan
from .countries import Country
from .money import ZERO, money


@dataclass(frozen=True)
class PlanCost:
    plan: Plan
    monthly_cost: Decimal
    covers_all: bool
    breakdown: str


def _minutes(value: Decimal) -> str:
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:.1f}"


def plan_cost(catalog: Catalog, plan: Plan, countries: list[Country], monthly_minutes: int) -> PlanCost:
    """Monthly fee + minutes beyond the allowance at the overage (or pay-per-minute) rate +
    minutes to countries outside the plan at pay-per-minute rates. Minutes are split evenly
    across the countries; blocked countries cannot be called and cost nothing."""
    share = Decimal(monthly_minutes) / len(countries) if countries else ZERO
    blocked = [c for c in countries if c.code in catalog.blocked_countries]
    callable_ = [c for c in countries if c.code not in catalog.blocked_countries]
    inside = [c for c in callable_ if plan.includes(c.region)]
    outside = [c for c in callable_ if not plan.includes(c.region)]

    inside_minutes = share * len(inside)
    excess = max(inside_minutes - plan.allowance, ZERO)
    if excess and plan.overage_rate is not None:
        excess_cost = excess * plan.overage_rate
    else:
        # Beyond a fair-use limit each country's share of the excess is charged at its own rate.
        excess_cost = sum((excess / len(inside) * catalog.rate(c.region) for c in inside), ZERO)
    outside_cost = sum((share * catalog.rate(c.region) for c in outside), ZERO)
    total = money(plan.monthly_fee + excess_cost + outside_cost)

    parts = [f"${plan.monthly_fee} monthly fee"]
    if inside and plan.kind != "pay_per_minute":
        parts.append(f"{_minutes(inside_minutes)} min within the plan")
        if excess:
            parts.append(f"{_minutes(excess)} min beyond the {plan.allowance}-minute allowance "
                         f"(${money(excess_cost)})")
    if outside:
        label = "at pay-per-minute rates" if plan.kind == "pay_per_minute" else "outside the plan at pay-per-minute rates"
        parts.append(f"{_minutes(share * len(outside))} min {label} (${money(outside_cost)})")
    if blocked:
        parts.append("calls to " + ", ".join(c.name for c in blocked) + " are not available on any plan")
    covers_all = not blocked and (not outside or plan.kind == "pay_per_minute")
    return PlanCost(plan, total, covers_all, " + ".join(parts) + f" = ${total}")


def rank_plans(catalog: Catalog, countries: list[Country], monthly_minutes: int) -> list[PlanCost]:
    costs = [plan_cost(catalog, p, countries, monthly_minutes) for p in catalog.plans]
    return sorted(costs, key=lambda c: (c.monthly_cost, not c.covers_all, c.plan.name))
