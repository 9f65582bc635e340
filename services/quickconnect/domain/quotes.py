"""What a change costs before it is made: add, modify, cancel a service; change the calling plan."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from .catalog import Plan, Service, Tier
from .errors import SamePlan, SameTier
from .money import ZERO, Cycle, days_remaining, money, prorate, within_minimum_term


@dataclass(frozen=True)
class Fee:
    kind: str          # modification_fee | cancellation_fee
    amount: Decimal
    reason: str


@dataclass
class SubscriptionQuote:
    action: str
    service: Service
    from_tier: Tier | None
    to_tier: Tier | None
    cycle: Cycle
    effective_date: date
    days_remaining: int
    prorated_charge: Decimal = ZERO
    prorated_credit: Decimal = ZERO
    fees: list[Fee] = field(default_factory=list)
    refund: Decimal = ZERO
    activation_eta: datetime | None = None
    terms: list[str] = field(default_factory=list)
    tell_customer: list[str] = field(default_factory=list)

    @property
    def monthly_price_before(self) -> Decimal:
        return self.from_tier.monthly_price if self.from_tier else ZERO

    @property
    def monthly_price_after(self) -> Decimal:
        return self.to_tier.monthly_price if self.to_tier else ZERO

    @property
    def price_change(self) -> Decimal:
        return money(self.monthly_price_after - self.monthly_price_before)

    @property
    def net_adjustment(self) -> Decimal:
        """On the next bill: charge + fees - credit (the refund is the credit; negative = credit)."""
        return money(self.prorated_charge + sum((f.amount for f in self.fees), ZERO) - self.prorated_credit)


def _label(service: Service, tier: Tier) -> str:
    return f"{service.name} ({tier.name})" if len(service.tiers) > 1 else service.name


def _eta_text(eta: datetime) -> str:
    return eta.strftime("%Y-%m-%d %H:%M UTC")


def quote_add(service: Service, tier: Tier, cycle: Cycle, now: datetime, fee_terms) -> SubscriptionQuote:
    today = now.date()
    days = days_remaining(cycle, today)
    q = SubscriptionQuote("add", service, None, tier, cycle, today, days,
                          prorated_charge=prorate(tier.monthly_price, cycle, today),
                          activation_eta=now + timedelta(hours=service.activation_hours),
                          terms=service.terms(fee_terms))
    q.tell_customer = [
        f"{_label(service, tier)} will be added now and is pending activation: it will be live by "
        f"{_eta_text(q.activation_eta)} (within {service.activation_hours} hours), and you will be "
        f"notified when it is live.",
        f"This cycle you pay ${q.prorated_charge} for the remaining {days} of {cycle.days} days; "
        f"from {cycle.next_start} it is ${tier.monthly_price} a month.",
        *q.terms,
    ]
    return q


def quote_modify(service: Service, current: Tier, target: Tier, started_on: date, cycle: Cycle,
                 today: date, fee_terms) -> SubscriptionQuote:
    if current.code == target.code:
        raise SameTier(f"{service.name} is already on the {current.name} tier.")
    days = days_remaining(cycle, today)
    q = SubscriptionQuote("modify", service, current, target, cycle, today, days,
                          terms=service.terms(fee_terms))
    difference = target.monthly_price - current.monthly_price
    if difference > 0:
        q.prorated_charge = prorate(difference, cycle, today)
    else:
        q.prorated_credit = prorate(-difference, cycle, today)
    downgrade = difference < 0
    if downgrade and service.modification_fee > 0 and within_minimum_term(
            started_on, today, service.minimum_term_months):
        q.fees.append(Fee("modification_fee", service.modification_fee,
                          f"downgrade within the {service.minimum_term_months}-month minimum term "
                          f"(started {started_on})"))
    direction = "upgrade" if difference > 0 else "downgrade"
    q.tell_customer = [
        f"Your {service.name} changes from {current.name} (${current.monthly_price}/month) to "
        f"{target.name} (${target.monthly_price}/month) today, a {direction} of "
        f"${abs(q.price_change)} a month.",
        (f"For the remaining {days} of {cycle.days} days of this cycle you are charged "
         f"${q.prorated_charge}." if difference > 0 else
         f"For the remaining {days} of {cycle.days} days of this cycle you get a credit of "
         f"${q.prorated_credit}."),
        *[f"A {f.kind.replace('_', ' ')} of ${f.amount} applies: {f.reason}." for f in q.fees],
        f"Your next bill changes by ${q.net_adjustment} (negative is a credit).",
    ]
    return q


def quote_cancel(service: Service, tier: Tier, started_on: date, cycle: Cycle, today: date,
                 fee_terms) -> SubscriptionQuote:
    days = days_remaining(cycle, today)
    credit = prorate(tier.monthly_price, cycle, today)
    q = SubscriptionQuote("cancel", service, tier, None, cycle, today, days,
                          prorated_credit=credit, refund=credit, terms=service.terms(fee_terms))
    if service.cancellation_fee > 0 and within_minimum_term(started_on, today, service.minimum_term_months):
        q.fees.append(Fee("cancellation_fee", service.cancellation_fee,
                          f"cancelled within the {service.minimum_term_months}-month minimum term "
                          f"(started {started_on})"))
    q.tell_customer = [
        f"{_label(service, tier)} is cancelled today and stops at once.",
        f"You get a refund of ${q.refund} for the {days} unused days of this {cycle.days}-day cycle.",
        *[f"A {f.kind.replace('_', ' ')} of ${f.amount} applies: {f.reason}." for f in q.fees],
        f"Your next bill changes by ${q.net_adjustment} (negative is a credit). "
        f"There is nothing else you need to do.",
    ]
    return q


@dataclass
class PlanQuote:
    from_plan: Plan
    to_plan: Plan
    when: str                  # now | next_cycle
    effective_date: date
    cycle: Cycle
    days_remaining: int
    prorated_credit: Decimal
    prorated_charge: Decimal
    tell_customer: list[str] = field(default_factory=list)

    @property
    def net_adjustment(self) -> Decimal:
        return money(self.prorated_charge - self.prorated_credit)


def quote_plan_change(current: Plan, target: Plan, when: str, cycle: Cycle, today: date) -> PlanQuote:
    if current.code == target.code:
        raise SamePlan(f"You are already on {current.name}.")
    if when == "now":
        q = PlanQuote(current, target, when, today, cycle, days_remaining(cycle, today),
                      prorated_credit=prorate(current.monthly_fee, cycle, today),
                      prorated_charge=prorate(target.monthly_fee, cycle, today))
        q.tell_customer = [
            f"You switch from {current.name} to {target.name} today ({today}).",
            f"For the remaining {q.days_remaining} of {cycle.days} days you get a credit of "
            f"${q.prorated_credit} for {current.name} and a charge of ${q.prorated_charge} for "
            f"{target.name}: a net adjustment of ${q.net_adjustment} on your next bill.",
        ]
    else:
        q = PlanQuote(current, target, when, cycle.next_start, cycle, 0, ZERO, ZERO)
        q.tell_customer = [
            f"You switch from {current.name} to {target.name} at the start of your next billing "
            f"cycle, on {cycle.next_start}; there are no pro-rated charges.",
        ]
    q.tell_customer += [f"From then on the monthly fee is ${target.monthly_fee}.",
                        *target.restrictions,
                        "We will follow up by call or message to make sure the new plan suits you."]
    return q
