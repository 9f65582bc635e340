"""Money rules: billing cycles, daily pro-ration, minimum terms. Decimal, exact to the cent."""
from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value) -> Decimal:
    """A Decimal rounded to the cent, half up (never built from a float)."""
    if isinstance(value, float):
        raise TypeError("money is never a float")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Cycle:
    start: date
    end: date      # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def next_start(self) -> date:
        return self.end + timedelta(days=1)


def _month_shift(year: int, month: int, shift: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + shift
    return index // 12, index % 12 + 1


def _on_day(year: int, month: int, day: int) -> date:
    """The given day of a month, clamped to its last day (a cycle day 31 falls on 30 Apr, 28 Feb)."""
    return date(year, month, min(day, monthrange(year, month)[1]))


def cycle_for(cycle_day: int, today: date) -> Cycle:
    """The billing cycle containing today: it starts on the latest cycle day <= today."""
    if not 1 <= cycle_day <= 31:
        raise ValueError("cycle day must be 1..31")
    start = _on_day(today.year, today.month, cycle_day)
    if start > today:
        start = _on_day(*_month_shift(today.year, today.month, -1), cycle_day)
    next_start = _on_day(*_month_shift(start.year, start.month, 1), cycle_day)
    return Cycle(start, next_start - timedelta(days=1))


def days_remaining(cycle: Cycle, effective: date) -> int:
    """Days from the effective date to the end of the cycle, both included."""
    if not cycle.start <= effective <= cycle.end:
        raise ValueError(f"{effective} is outside the cycle {cycle.start}..{cycle.end}")
    return (cycle.end - effective).days + 1


def prorate(amount: Decimal, cycle: Cycle, effective: date) -> Decimal:
    """amount x days from effective to cycle end inclusive / days in the cycle, to the cent."""
    return money(Decimal(amount) * days_remaining(cycle, effective) / cycle.days)


def months_elapsed(started_on: date, today: date) -> int:
    """Whole months from started_on to today (15 Jan -> 14 Feb is 0, -> 15 Feb is 1)."""
    months = (today.year - started_on.year) * 12 + today.month - started_on.month
    # A start on the 31st completes its month on the last day of a shorter month.
    if today.day < started_on.day and today.day < monthrange(today.year, today.month)[1]:
        months -= 1
    return max(months, 0)


def within_minimum_term(started_on: date, today: date, minimum_term_months: int) -> bool:
    return minimum_term_months > 0 and months_elapsed(started_on, today) < minimum_term_months
