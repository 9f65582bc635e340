"""Service-layer use cases over the fake unit of work: authorization, billing rows, audit rows."""
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from quickconnect import config
from quickconnect.clock import FixedClock
from quickconnect.domain.errors import (AlreadySubscribed, ConcurrentChange, Forbidden, InvalidRequest,
                                        NotSubscribed, UnknownAccount)
from quickconnect.service_layer import handlers
from quickconnect.service_layer.handlers import Actor
from quickconnect.service_layer.seed import seed


NOW = datetime(2026, 11, 21, 12, 0)
MARIA = Actor("QC-1001", "customer", "chat")
ANA = Actor("agent-ana", "agent", "agent_widget")




def _audit(uow):
    return uow.repo.audit()


def test_seed_through_the_fakes_is_idempotent(uow, clock):
    rows = len(uow.repo.rows)
    assert seed(uow, config.SEED_DIR, clock, say=lambda _line: None) is False
    assert len(uow.repo.rows) == rows


def test_cancel_writes_refund_fee_and_audit_and_commits_once(uow, clock):
    commits = uow.commits
    result = handlers.cancel_service(uow, clock, MARIA, "QC-1001", "StreamMax TV")
    assert uow.commits == commits + 1
    assert result["subscription"]["status"] == "cancelled"
    assert [(e["kind"], e["amount"]) for e in result["billing_entries"]] == [("refund", "-6.66"),
                                                                             ("cancellation_fee", "25.00")]
    [audit] = _audit(uow)
    assert (audit.actor, audit.role, audit.channel, audit.action) == ("QC-1001", "customer", "chat", "cancel_service")
    assert audit.before["status"] == "active" and audit.after["status"] == "cancelled"


def test_agent_acts_on_any_account_and_is_recorded(uow, clock):
    handlers.modify_service(uow, clock, ANA, "QC-1002", "device protection", "plus")
    [audit] = _audit(uow)
    assert (audit.actor, audit.role, audit.account_number) == ("agent-ana", "agent", "QC-1002")


def test_customer_cannot_touch_another_account_and_nothing_commits(uow, clock):
    commits = uow.commits
    with pytest.raises(Forbidden):
        handlers.cancel_service(uow, clock, MARIA, "QC-1002", "Visual Voicemail")
    with pytest.raises(UnknownAccount):
        handlers.list_subscriptions(uow, ANA, "QC-9999")
    assert uow.commits == commits and _audit(uow) == []


def test_impossible_changes_are_refused(uow, clock):
    with pytest.raises(AlreadySubscribed):
        handlers.add_service(uow, clock, MARIA, "QC-1001", "cloud backup", "2tb")
    with pytest.raises(NotSubscribed):
        handlers.cancel_service(uow, clock, MARIA, "QC-1001", "family locator")
    with pytest.raises(InvalidRequest):
        handlers.add_service(uow, clock, MARIA, "QC-1001", "family locator")     # which tier?
    with pytest.raises(ConcurrentChange):
        handlers.cancel_service(uow, clock, MARIA, "QC-1001", "streammax", expected_version=7)


def test_add_then_activation_notifies_the_customer(uow, clock):
    added = handlers.add_service(uow, clock, MARIA, "QC-1001", "Hotspot Boost", "10 GB")
    assert added["subscription"]["status"] == "pending_activation"
    assert added["subscription"]["activates_at"] == "2026-11-21T13:00:00Z"
    assert [(e["kind"], e["amount"]) for e in added["billing_entries"]] == [("prorated_charge", "1.67")]
    assert handlers.activate_due(uow, clock) == []                       # not yet due
    later = FixedClock(NOW + timedelta(hours=1))
    activated = handlers.activate_due(uow, later)
    assert [a["message"] for a in activated] == ["Your Hotspot Boost (10 GB) is now live."]
    notes = handlers.list_notifications(uow, MARIA, "QC-1001")
    assert notes[0]["message"] == "Your Hotspot Boost (10 GB) is now live." and notes[0]["read"] is False
    assert _audit(uow)[-1].role == "system"


def test_change_plan_now_and_next_cycle(uow, clock):
    now = handlers.change_plan(uow, clock, MARIA, "QC-1001", "World Unlimited", "now")
    assert [(e["kind"], e["amount"]) for e in now["billing_entries"]] == [("prorated_credit", "-5.00"),
                                                                          ("prorated_charge", "15.00")]
    current = handlers.current_plan(uow, clock, MARIA, "QC-1001")
    assert current["plan"]["code"] == "world_unlimited"
    assert [h["plan"]["code"] for h in current["history"]] == ["europe_saver", "world_unlimited"]
    nxt = handlers.change_plan(uow, clock, MARIA, "QC-1001", "americas saver", "next_cycle")
    assert nxt["plan"]["since"] == "2026-12-01" and nxt["billing_entries"] == []
    assert handlers.current_plan(uow, clock, MARIA, "QC-1001")["plan"]["code"] == "world_unlimited"
    december = FixedClock(datetime(2026, 12, 1, 9, 0))
    assert handlers.current_plan(uow, december, MARIA, "QC-1001")["plan"]["code"] == "americas_saver"


def test_current_plan_usage_counts_against_included_minutes(uow, clock):
    usage = handlers.current_plan(uow, clock, MARIA, "QC-1001")["usage"]
    # GB 42 + ES 65 + DE 18 inside Europe (125 of 300 used); IN 9 min at 0.20 = 1.80
    assert (usage["minutes"], usage["cost"], usage["minutes_remaining"]) == (134, "1.80", 175)


def test_recommendations_rank_and_compare_with_the_current_plan(uow, clock):
    rec = handlers.recommend_plans(uow, clock, MARIA, "QC-1001", ["UK", "India"], 300)
    assert rec["current_plan"]["code"] == "europe_saver" and rec["current_cost"] == "45.00"
    assert rec["options"][0]["plan"]["code"] == "asia_pacific_saver"
    assert (rec["options"][0]["monthly_cost"], rec["options"][0]["saving"]) == ("42.50", "2.50")


def test_follow_ups_must_be_in_the_future(uow, clock):
    with pytest.raises(InvalidRequest):
        handlers.schedule_follow_up(uow, clock, ANA, "QC-1001", NOW - timedelta(hours=1), "call", "check")
    made = handlers.schedule_follow_up(uow, clock, ANA, "QC-1001", NOW + timedelta(days=2), "call", "check plan")
    assert made["status"] == "scheduled" and made["created_by"] == "agent-ana"
    assert handlers.list_follow_ups(uow, MARIA, "QC-1001") == [made]


def test_agents_only_views(uow, clock):
    handlers.create_handoff(uow, clock, MARIA, "conv-1", None, "wants a person", "asked twice")
    with pytest.raises(Forbidden):
        handlers.list_handoffs(uow, MARIA)
    [handoff] = handlers.list_handoffs(uow, ANA, "waiting")
    assert handoff["account_number"] == "QC-1001"
    with pytest.raises(Forbidden):
        handlers.list_audit(uow, MARIA)


def test_seeded_usage_costs_follow_the_plan(uow):
    priya = uow.repo.customer("QC-1003")
    costs = {u.country_code: u.cost for u in uow.repo.usage(priya.id, date(2000, 1, 1), date(2100, 1, 1))}
    assert set(costs.values()) == {Decimal("0.00")}    # all within World Unlimited's fair use
