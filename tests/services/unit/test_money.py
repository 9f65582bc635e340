"""Billing cycles, pro-ration and minimum terms, with exact amounts."""
from datetime import date
from decimal import Decimal

import pytest

from quickconnect.domain.money import (Cycle, cycle_for, days_remaining, money, months_elapsed, prorate,
                                       within_minimum_term)


@pytest.mark.parametrize("day, today, start, end, days", [
    (1, date(2026, 11, 21), date(2026, 11, 1), date(2026, 11, 30), 30),     # 30-day cycle
    (1, date(2026, 12, 1), date(2026, 12, 1), date(2026, 12, 31), 31),      # 31-day, first day
    (1, date(2026, 2, 28), date(2026, 2, 1), date(2026, 2, 28), 28),        # 28-day, last day
    (1, date(2028, 2, 10), date(2028, 2, 1), date(2028, 2, 29), 29),        # leap year
    (15, date(2026, 11, 21), date(2026, 11, 15), date(2026, 12, 14), 30),
    (15, date(2026, 11, 14), date(2026, 10, 15), date(2026, 11, 14), 31),   # day before the cycle day
    (28, date(2027, 1, 5), date(2026, 12, 28), date(2027, 1, 27), 31),      # across a year end
    (31, date(2026, 4, 30), date(2026, 4, 30), date(2026, 5, 30), 31),      # 31 clamps to 30 Apr
    (31, date(2026, 3, 15), date(2026, 2, 28), date(2026, 3, 30), 31),      # ... and to 28 Feb
    (30, date(2026, 2, 28), date(2026, 2, 28), date(2026, 3, 29), 30),
    (31, date(2026, 2, 27), date(2026, 1, 31), date(2026, 2, 27), 28),      # Jan 31 .. Feb 27
])
def test_cycle_for(day, today, start, end, days):
    cycle = cycle_for(day, today)
    assert (cycle.start, cycle.end, cycle.days) == (start, end, days)
    assert cycle.start <= today <= cycle.end


def test_cycles_tile_the_calendar_without_gaps():
    for day in (1, 15, 28, 29, 30, 31):
        cycle = cycle_for(day, date(2026, 1, 1))
        for _ in range(30):
            following = cycle_for(day, cycle.next_start)
            assert following.start == cycle.next_start and 28 <= following.days <= 31
            cycle = following


NOV = Cycle(date(2026, 11, 1), date(2026, 11, 30))     # 30 days
DEC = Cycle(date(2026, 12, 1), date(2026, 12, 31))     # 31 days
FEB = Cycle(date(2026, 2, 1), date(2026, 2, 28))       # 28 days


@pytest.mark.parametrize("cycle, effective, amount, expected", [
    (NOV, date(2026, 11, 1), "19.99", "19.99"),        # day 1: the whole cycle
    (NOV, date(2026, 11, 21), "19.99", "6.66"),        # 10/30 x 19.99 = 6.663
    (NOV, date(2026, 11, 30), "19.99", "0.67"),        # last day: 1/30 x 19.99 = 0.6663
    (NOV, date(2026, 11, 16), "45.00", "22.50"),       # 15/30
    (DEC, date(2026, 12, 1), "14.99", "14.99"),
    (DEC, date(2026, 12, 17), "14.99", "7.25"),        # 15/31 x 14.99 = 7.2532
    (DEC, date(2026, 12, 31), "15.00", "0.48"),        # 1/31 x 15 = 0.4838
    (FEB, date(2026, 2, 15), "9.99", "5.00"),          # 14/28 x 9.99 = 4.995 -> half up
    (FEB, date(2026, 2, 28), "12.00", "0.43"),         # 1/28 x 12 = 0.4285
    (FEB, date(2026, 2, 1), "12.00", "12.00"),
])
def test_prorate_exact_to_the_cent(cycle, effective, amount, expected):
    assert prorate(Decimal(amount), cycle, effective) == Decimal(expected)


def test_prorate_rounds_half_up_not_to_even():
    assert money(Decimal("0.125")) == Decimal("0.13")
    assert money(Decimal("0.135")) == Decimal("0.14")
    assert prorate(Decimal("0.25"), Cycle(date(2026, 11, 1), date(2026, 11, 2)), date(2026, 11, 2)) == Decimal("0.13")


def test_money_refuses_floats_and_dates_outside_the_cycle():
    with pytest.raises(TypeError):
        money(0.1)
    with pytest.raises(ValueError):
        days_remaining(NOV, date(2026, 12, 1))


@pytest.mark.parametrize("started, today, months", [
    (date(2026, 1, 15), date(2026, 2, 14), 0),
    (date(2026, 1, 15), date(2026, 2, 15), 1),
    (date(2025, 11, 21), date(2026, 11, 20), 11),
    (date(2025, 11, 21), date(2026, 11, 21), 12),
    (date(2026, 1, 31), date(2026, 2, 28), 1),        # a month ending on a shorter month's last day
    (date(2026, 7, 24), date(2026, 11, 21), 3),
])
def test_months_elapsed(started, today, months):
    assert months_elapsed(started, today) == months


def test_minimum_term_boundaries():
    assert within_minimum_term(date(2025, 11, 22), date(2026, 11, 21), 12)       # one day short
    assert not within_minimum_term(date(2025, 11, 21), date(2026, 11, 21), 12)   # exactly 12 months
    assert not within_minimum_term(date(2026, 11, 21), date(2026, 11, 21), 0)    # no term
