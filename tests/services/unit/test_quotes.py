"""Quotes for add, modify, cancel and plan changes, with fees inside and outside the minimum term."""
from datetime import date, datetime
from decimal import Decimal

import pytest

from quickconnect.domain.errors import SamePlan, SameTier, UnknownService, UnknownTier
from quickconnect.domain.money import Cycle
from quickconnect.domain.quotes import quote_add, quote_cancel, quote_modify, quote_plan_change

from .catalog_fixture import real_catalog

NOV = Cycle(date(2026, 11, 1), date(2026, 11, 30))
TODAY = date(2026, 11, 21)
D = Decimal


@pytest.fixture
def catalog():
    return real_catalog()


def test_cancel_inside_the_minimum_term_refunds_unused_days_and_charges_the_fee(catalog):
    tv = catalog.service("StreamMax TV")
    q = quote_cancel(tv, tv.tier("premium"), date(2026, 7, 24), NOV, TODAY, catalog.fee_terms)
    assert (q.days_remaining, q.refund, q.prorated_credit) == (10, D("6.66"), D("6.66"))
    assert [(f.kind, f.amount) for f in q.fees] == [("cancellation_fee", D("25.00"))]
    assert q.net_adjustment == D("18.34")
    assert any("refund of $6.66" in line for line in q.tell_customer)


def test_cancel_outside_the_minimum_term_has_no_fee(catalog):
    tv = catalog.service("streammax_tv")
    q = quote_cancel(tv, tv.tier("Premium"), date(2025, 11, 21), NOV, TODAY, catalog.fee_terms)
    assert q.fees == [] and q.net_adjustment == D("-6.66")


def test_downgrade_inside_the_term_pays_the_modification_fee_upgrade_does_not(catalog):
    tv = catalog.service("streammax")
    down = quote_modify(tv, tv.tier("premium"), tv.tier("basic"), date(2026, 7, 24), NOV, TODAY, catalog.fee_terms)
    assert (down.price_change, down.prorated_credit, down.prorated_charge) == (D("-10.00"), D("3.33"), D("0.00"))
    assert [(f.kind, f.amount) for f in down.fees] == [("modification_fee", D("5.00"))]
    assert down.net_adjustment == D("1.67")
    up = quote_modify(tv, tv.tier("basic"), tv.tier("premium"), date(2026, 7, 24), NOV, TODAY, catalog.fee_terms)
    assert (up.prorated_charge, up.fees, up.net_adjustment) == (D("3.33"), [], D("3.33"))
    outside = quote_modify(tv, tv.tier("premium"), tv.tier("basic"), date(2025, 1, 1), NOV, TODAY, catalog.fee_terms)
    assert outside.fees == []


def test_same_tier_and_unknown_names_are_refused_with_suggestions(catalog):
    tv = catalog.service("StreamMax TV")
    with pytest.raises(SameTier):
        quote_modify(tv, tv.tier("basic"), tv.tier("basic"), TODAY, NOV, TODAY, catalog.fee_terms)
    with pytest.raises(UnknownTier) as err:
        tv.tier("platinum")
    assert err.value.suggestions == ["Basic", "Standard", "Premium"]
    with pytest.raises(UnknownService) as err:
        catalog.service("Streem Max")
    assert "StreamMax TV" in err.value.suggestions


def test_add_charges_the_rest_of_the_cycle_and_gives_the_activation_time(catalog):
    hotspot = catalog.service("hotspot")
    q = quote_add(hotspot, hotspot.tier("30 GB"), NOV, datetime(2026, 11, 21, 12, 0), catalog.fee_terms)
    assert (q.prorated_charge, q.net_adjustment) == (D("3.33"), D("3.33"))
    assert q.activation_eta == datetime(2026, 11, 21, 13, 0)
    assert q.terms == ["No modification or cancellation fees apply to this service."]


@pytest.mark.parametrize("effective, credit, charge, net", [
    (date(2026, 11, 1), "15.00", "45.00", "30.00"),     # day 1: a whole cycle of each
    (date(2026, 11, 21), "5.00", "15.00", "10.00"),     # mid-cycle: 10 of 30 days
    (date(2026, 11, 30), "0.50", "1.50", "1.00"),       # last day: 1 of 30 days
])
def test_plan_change_now_credits_the_old_fee_and_charges_the_new(catalog, effective, credit, charge, net):
    q = quote_plan_change(catalog.plan("Europe Saver"), catalog.plan("World Unlimited"), "now", NOV, effective)
    assert (q.prorated_credit, q.prorated_charge, q.net_adjustment) == (D(credit), D(charge), D(net))
    assert q.effective_date == effective


def test_plan_change_in_a_31_day_cycle_to_a_cheaper_plan():
    catalog = real_catalog()
    dec = Cycle(date(2026, 12, 1), date(2026, 12, 31))
    q = quote_plan_change(catalog.plan("asia pacific saver"), catalog.plan("americas saver"), "now", dec,
                          date(2026, 12, 10))
    # 22/31 x 20.00 = 14.1935 -> 14.19; 22/31 x 12.00 = 8.5161 -> 8.52
    assert (q.prorated_credit, q.prorated_charge, q.net_adjustment) == (D("14.19"), D("8.52"), D("-5.67"))


def test_plan_change_next_cycle_has_no_proration(catalog):
    q = quote_plan_change(catalog.plan("ppm"), catalog.plan("europe saver"), "next_cycle", NOV, TODAY)
    assert q.effective_date == date(2026, 12, 1)
    assert (q.prorated_credit, q.prorated_charge, q.net_adjustment) == (D("0.00"), D("0.00"), D("0.00"))
    with pytest.raises(SamePlan):
        quote_plan_change(catalog.plan("ppm"), catalog.plan("pay_per_minute"), "now", NOV, TODAY)


@pytest.mark.parametrize("service, started, cancel_fee", [
    ("streammax_tv", date(2025, 11, 22), "25.00"),      # one day short of 12 months
    ("streammax_tv", date(2025, 11, 21), None),         # exactly 12 months: outside the term
    ("device_protection", date(2026, 6, 1), "15.00"),   # 5 of 6 months
    ("device_protection", date(2026, 5, 21), None),
    ("caller_id_plus", date(2026, 9, 1), "5.00"),
    ("caller_id_plus", date(2026, 8, 21), None),
    ("family_locator", date(2026, 11, 1), None),        # no cancellation fee at all
    ("cloud_backup", date(2026, 11, 20), None),
])
def test_cancellation_fee_per_catalog_terms(service, started, cancel_fee):
    catalog = real_catalog()
    svc = catalog.service(service)
    q = quote_cancel(svc, svc.tiers[0], started, NOV, TODAY, catalog.fee_terms)
    assert [f.amount for f in q.fees] == ([D(cancel_fee)] if cancel_fee else [])


def test_family_locator_downgrade_fee_inside_three_months_only():
    catalog = real_catalog()
    fl = catalog.service("Family Locator")
    big, small = fl.tier("up_to_6"), fl.tier("up to 3 members")
    inside = quote_modify(fl, big, small, date(2026, 9, 22), NOV, TODAY, catalog.fee_terms)
    outside = quote_modify(fl, big, small, date(2026, 8, 21), NOV, TODAY, catalog.fee_terms)
    assert [f.amount for f in inside.fees] == [D("2.00")] and outside.fees == []
    # 3.00 a month less for 10 of 30 days = 1.00 credit; plus the 2.00 fee
    assert (inside.prorated_credit, inside.net_adjustment) == (D("1.00"), D("1.00"))
