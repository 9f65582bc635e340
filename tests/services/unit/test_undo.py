"""Undo of the last change, over the fake unit of work: every rule, and the money to the cent.

QC-1001 (cycle 2026-11-01..30, 10 days left on 2026-11-21): StreamMax TV Premium $19.99 since
2026-07-24 (12-month term, $5 modification and $25 cancellation fees), Europe Saver $15."""
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from quickconnect import config
from quickconnect.adapters import orm
from quickconnect.clock import FixedClock
from quickconnect.domain import undo
from quickconnect.domain.errors import (ChangedSince, Forbidden, NothingToUndo, NotLastChange, UndoOfUndo,
                                        UndoWindowPassed, UnknownChange)
from quickconnect.service_layer import handlers
from quickconnect.service_layer.handlers import Actor


NOW = datetime(2026, 11, 21, 12, 0)
MARIA = Actor("QC-1001", "customer", "web")
ANA = Actor("agent-ana", "agent", "agent_widget")




def _bill(uow, acct="QC-1001"):
    return handlers.billing(uow, MARIA if acct == "QC-1001" else ANA, acct)


def _total(entries) -> Decimal:
    return sum((Decimal(e["amount"]) for e in entries), Decimal("0.00"))


def _sub(uow, code, acct="QC-1001"):
    subs = [s for s in handlers.list_subscriptions(uow, ANA, acct) if s["service"]["code"] == code]
    return subs[0]


def _undo(uow, clock, actor=MARIA, acct="QC-1001", **kw):
    return handlers.undo_last_change(uow, clock, actor, acct, **kw)


def _nets_to_zero(change, undone):
    """The change's entries and the undo's entries cancel out exactly, pair by pair."""
    assert _total(change["billing_entries"]) + _total(undone["billing_entries"]) == Decimal("0.00")
    assert sorted(Decimal(e["amount"]) for e in change["billing_entries"]) == \
        sorted(-Decimal(e["amount"]) for e in undone["billing_entries"])


# -- the money ------------------------------------------------------------------------------------

def test_undo_of_a_cancellation_inside_the_minimum_term_charges_the_refund_back_and_waives_the_fee(uow, clock):
    before = _sub(uow, "streammax_tv")
    bill_before = _bill(uow)
    change = handlers.cancel_service(uow, clock, MARIA, "QC-1001", "streammax_tv")
    quote = handlers.quote_undo(uow, clock, MARIA, "QC-1001")
    assert [(r["kind"], r["amount"], r["reverses"]["kind"], r["reverses"]["amount"]) for r in quote["reversals"]] == [
        ("reversal", "6.66", "refund", "-6.66"), ("fee_waiver", "-25.00", "cancellation_fee", "25.00")]
    assert quote["net_adjustment"] == "-18.34"
    assert quote["bill"] == {"date": "2026-11-21", "cycle": {"start": "2026-11-01", "end": "2026-11-30", "days": 30}}
    assert quote["restores"]["status"] == "active" and quote["restores"]["started_on"] == "2026-07-24"
    assert quote["tell_customer"][-1].startswith("On your bill for the cycle 2026-11-01 to 2026-11-30 this nets "
                                                 "to a credit of $18.34")

    undone = _undo(uow, clock)
    assert [(e["kind"], e["amount"]) for e in undone["billing_entries"]] == [("reversal", "6.66"),
                                                                            ("fee_waiver", "-25.00")]
    _nets_to_zero(change, undone)
    assert undone["quote"] == quote
    after = _sub(uow, "streammax_tv")
    for k in ("id", "tier", "status", "started_on", "activated_at", "cancelled_on"):
        assert after[k] == before[k], k
    # The same minimum term: cancelling again is quoted exactly as the first time.
    again = handlers.quote_subscription(uow, clock, MARIA, "QC-1001", "cancel", "streammax_tv")
    assert (again["refund"], again["fees"][0]["amount"], again["net_adjustment"]) == ("6.66", "25.00", "18.34")
    assert _total(_bill(uow)) == _total(bill_before)


def test_undo_of_a_downgrade_with_a_modification_fee(uow, clock):
    change = handlers.modify_service(uow, clock, MARIA, "QC-1001", "streammax_tv", "basic")
    assert [(e["kind"], e["amount"]) for e in change["billing_entries"]] == [("prorated_credit", "-3.33"),
                                                                            ("modification_fee", "5.00")]
    undone = _undo(uow, clock)
    assert [(e["kind"], e["amount"]) for e in undone["billing_entries"]] == [("reversal", "3.33"),
                                                                            ("fee_waiver", "-5.00")]
    assert undone["quote"]["net_adjustment"] == "-1.67"
    _nets_to_zero(change, undone)
    sub = undone["subscription"]
    assert (sub["tier"]["code"], sub["monthly_price"], sub["started_on"], sub["status"]) == (
        "premium", "19.99", "2026-07-24", "active")


def test_undo_of_an_upgrade(uow, clock):
    change = handlers.modify_service(uow, clock, MARIA, "QC-1001", "cloud_backup", "2tb")   # 4.99 -> 9.99
    undone = _undo(uow, clock)
    assert [(e["kind"], e["amount"]) for e in undone["billing_entries"]] == [("reversal", "-1.67")]
    _nets_to_zero(change, undone)
    assert _sub(uow, "cloud_backup")["tier"]["code"] == "200gb"


def test_undo_of_a_mid_cycle_plan_change(uow, clock):
    history = handlers.current_plan(uow, clock, MARIA, "QC-1001")["history"]
    change = handlers.change_plan(uow, clock, MARIA, "QC-1001", "world_unlimited", "now")
    assert [(e["kind"], e["amount"]) for e in change["billing_entries"]] == [("prorated_credit", "-5.00"),
                                                                            ("prorated_charge", "15.00")]
    quote = handlers.quote_undo(uow, clock, MARIA, "QC-1001")
    assert quote["now"]["plan"]["code"] == "world_unlimited"
    assert quote["restores"] == {"plan": {"code": "europe_saver", "name": "Europe Saver", "monthly_fee": "15.00"},
                                 "since": history[0]["from"], "scheduled": None}
    undone = _undo(uow, clock)
    assert [(e["kind"], e["amount"]) for e in undone["billing_entries"]] == [("reversal", "5.00"),
                                                                            ("reversal", "-15.00")]
    assert undone["quote"]["net_adjustment"] == "-10.00"
    _nets_to_zero(change, undone)
    assert undone["plan"] == {"code": "europe_saver", "name": "Europe Saver", "monthly_fee": "15.00",
                              "kind": "regional", "since": history[0]["from"]}
    assert handlers.current_plan(uow, clock, MARIA, "QC-1001")["history"] == history


def test_undo_of_a_next_cycle_plan_change_drops_the_scheduled_change_and_moves_no_money(uow, clock):
    history = handlers.current_plan(uow, clock, MARIA, "QC-1001")["history"]
    change = handlers.change_plan(uow, clock, MARIA, "QC-1001", "world_unlimited", "next_cycle")
    assert change["billing_entries"] == []
    quote = handlers.quote_undo(uow, clock, MARIA, "QC-1001")
    assert quote["now"]["scheduled"]["from"] == "2026-12-01" and quote["restores"]["scheduled"] is None
    assert quote["reversals"] == [] and quote["net_adjustment"] == "0.00"
    assert "No money moves" in quote["tell_customer"][-1]
    undone = _undo(uow, clock)
    assert undone["billing_entries"] == []
    assert handlers.current_plan(uow, clock, MARIA, "QC-1001")["history"] == history


def test_undo_of_a_plan_change_that_replaced_a_scheduled_one_schedules_it_again(uow, clock):
    handlers.change_plan(uow, clock, MARIA, "QC-1001", "americas_saver", "next_cycle")
    scheduled = handlers.current_plan(uow, clock, MARIA, "QC-1001")["history"]
    handlers.change_plan(uow, clock, MARIA, "QC-1001", "world_unlimited", "now")   # drops the scheduled one
    quote = handlers.quote_undo(uow, clock, MARIA, "QC-1001")
    assert quote["restores"]["scheduled"]["plan"]["code"] == "americas_saver"
    assert any("scheduled again" in line for line in quote["tell_customer"])
    _undo(uow, clock)
    assert handlers.current_plan(uow, clock, MARIA, "QC-1001")["history"] == scheduled


def test_undo_of_an_add_before_activation_removes_it_without_fee_or_charge(uow, clock):
    change = handlers.add_service(uow, clock, MARIA, "QC-1001", "hotspot_boost", "10gb")
    assert [(e["kind"], e["amount"]) for e in change["billing_entries"]] == [("prorated_charge", "1.67")]
    undone = _undo(uow, clock)
    assert [(e["kind"], e["amount"]) for e in undone["billing_entries"]] == [("reversal", "-1.67")]
    _nets_to_zero(change, undone)
    assert (undone["subscription"]["status"], undone["subscription"]["cancelled_on"]) == ("cancelled", "2026-11-21")
    assert not any(e["kind"] == "cancellation_fee" for e in _bill(uow))
    # It never goes live: the activation worker leaves a cancelled subscription alone.
    assert handlers.activate_due(uow, FixedClock(NOW + timedelta(hours=2))) == []


def test_undo_of_an_add_after_activation_cancels_it_without_fee_and_refunds_the_whole_charge(uow, clock):
    change = handlers.add_service(uow, clock, MARIA, "QC-1001", "hotspot_boost", "30gb")
    later = FixedClock(NOW + timedelta(hours=3))
    [live] = handlers.activate_due(uow, later)
    assert live["subscription"]["status"] == "active"
    status = handlers.last_change(uow, later, MARIA, "QC-1001")
    assert status["undoable"] is True and status["change"]["action"] == "add_service"   # activation is no change
    quote = handlers.quote_undo(uow, later, MARIA, "QC-1001")
    assert any("went live" in line and "without a fee" in line for line in quote["tell_customer"])
    undone = _undo(uow, later)
    assert [(e["kind"], e["amount"]) for e in change["billing_entries"]] == [("prorated_charge", "3.33")]
    assert [(e["kind"], e["amount"]) for e in undone["billing_entries"]] == [("reversal", "-3.33")]
    _nets_to_zero(change, undone)
    assert undone["subscription"]["status"] == "cancelled"


def test_an_agent_undoes_on_any_account_and_the_audit_entry_points_at_the_change(uow, clock):
    change = handlers.modify_service(uow, clock, Actor("QC-1002", "customer", "chat"), "QC-1002",
                                     "device_protection", "plus")
    undone = _undo(uow, clock, ANA, "QC-1002")
    [first, second] = uow.repo.audit("QC-1002")
    assert (second.action, second.reverses_id, second.actor, second.role, second.channel) == (
        "undo_modify_service", first.id, "agent-ana", "agent", "agent_widget")
    assert undone["undo"] == {"audit_id": second.id, "action": "undo_modify_service", "reverses": first.id}
    assert second.before["tier"]["code"] == "plus" and second.after["tier"]["code"] == "standard"
    assert second.after["billing_entries"] == undone["billing_entries"]
    assert change["subscription"]["id"] == undone["subscription"]["id"]


# -- the rules ------------------------------------------------------------------------------------

def _refused(uow, call, error):
    rows, commits = len(uow.repo.rows), uow.commits
    with pytest.raises(error) as raised:
        call()
    assert (len(uow.repo.rows), uow.commits) == (rows, commits)     # nothing changed
    return raised.value


def test_nothing_to_undo(uow, clock):
    handlers.schedule_follow_up(uow, clock, MARIA, "QC-1001", NOW + timedelta(days=1), "call", "hi")  # no change
    err = _refused(uow, lambda: _undo(uow, clock), NothingToUndo)
    assert err.code == "nothing_to_undo"
    assert handlers.last_change(uow, clock, MARIA, "QC-1001") == {
        "change": None, "undoable": False,
        "reason": {"code": "nothing_to_undo", "message": "There is no change on QC-1001 to undo."}}


def test_the_window_is_24_hours_by_default_and_configurable(uow, clock):
    handlers.cancel_service(uow, clock, MARIA, "QC-1001", "streammax_tv")
    at_the_edge = FixedClock(NOW + timedelta(hours=24))
    assert handlers.quote_undo(uow, at_the_edge, MARIA, "QC-1001")["net_adjustment"] == "-18.34"
    too_late = FixedClock(NOW + timedelta(hours=24, seconds=1))
    err = _refused(uow, lambda: _undo(uow, too_late), UndoWindowPassed)
    assert "until 2026-11-22 12:00 UTC" in err.message
    _refused(uow, lambda: _undo(uow, FixedClock(NOW + timedelta(hours=2)), window_hours=1), UndoWindowPassed)
    status = handlers.last_change(uow, too_late, MARIA, "QC-1001")
    assert (status["undoable"], status["reason"]["code"]) == (False, "undo_window_passed")
    assert status["change"]["undo_until"] == "2026-11-22T12:00:00Z"
    assert config.load({}).undo_window_hours == 24 and config.load({"QC_UNDO_WINDOW_HOURS": "2"}).undo_window_hours == 2


def test_the_window_reaches_into_the_next_cycle_and_the_reversal_lands_on_that_bill(uow):
    late = FixedClock(datetime(2026, 11, 30, 20, 0))
    change = handlers.cancel_service(uow, late, MARIA, "QC-1001", "streammax_tv")
    next_day = FixedClock(datetime(2026, 12, 1, 9, 0))
    quote = handlers.quote_undo(uow, next_day, MARIA, "QC-1001")
    assert quote["bill"] == {"date": "2026-12-01", "cycle": {"start": "2026-12-01", "end": "2026-12-31", "days": 31}}
    _nets_to_zero(change, _undo(uow, next_day))


def test_only_the_last_change_and_an_earlier_one_named_is_refused(uow, clock):
    first = handlers.modify_service(uow, clock, MARIA, "QC-1001", "streammax_tv", "standard")
    handlers.cancel_service(uow, clock, MARIA, "QC-1001", "streammax_tv")      # the service changed again
    modify_id, cancel_id = [a.id for a in uow.repo.audit("QC-1001")]
    err = _refused(uow, lambda: _undo(uow, clock, audit_id=modify_id), NotLastChange)
    assert f"the last is #{cancel_id}" in err.message
    undone = _undo(uow, clock, audit_id=cancel_id)     # the last one, named: it comes back as Standard
    assert undone["subscription"]["tier"]["code"] == first["subscription"]["tier"]["code"] == "standard"


def test_an_unknown_or_another_accounts_audit_id_is_not_found(uow, clock):
    handlers.cancel_service(uow, clock, MARIA, "QC-1001", "streammax_tv")
    handlers.cancel_service(uow, clock, ANA, "QC-1002", "visual_voicemail")
    other = uow.repo.audit("QC-1002")[0].id
    _refused(uow, lambda: _undo(uow, clock, audit_id=other), UnknownChange)
    _refused(uow, lambda: _undo(uow, clock, audit_id=99999), UnknownChange)


def test_something_changed_since_outside_the_audited_changes(uow, clock):
    change = handlers.add_service(uow, clock, MARIA, "QC-1001", "hotspot_boost", "10gb")
    row = uow.repo.get(orm.SubscriptionRow, change["subscription"]["id"])
    row.status, row.cancelled_on = "cancelled", date(2026, 11, 21)     # e.g. removed by hand in the database
    err = _refused(uow, lambda: _undo(uow, clock), ChangedSince)
    assert err.code == "changed_since"
    assert handlers.last_change(uow, clock, MARIA, "QC-1001")["reason"]["code"] == "changed_since"


def test_a_cancelled_service_taken_again_cannot_be_brought_back_twice(uow, clock):
    handlers.cancel_service(uow, clock, MARIA, "QC-1001", "streammax_tv")
    handlers.add_service(uow, clock, MARIA, "QC-1001", "streammax_tv", "basic")
    cancel_id = uow.repo.audit("QC-1001")[0].id
    _refused(uow, lambda: _undo(uow, clock, audit_id=cancel_id), NotLastChange)
    assert _undo(uow, clock)["subscription"]["tier"]["code"] == "basic"    # the add is the last: it goes


def test_undoing_an_undo_is_refused(uow, clock):
    handlers.change_plan(uow, clock, MARIA, "QC-1001", "world_unlimited", "now")
    undone = _undo(uow, clock)
    err = _refused(uow, lambda: _undo(uow, clock), UndoOfUndo)
    assert "make the change again" in err.message
    _refused(uow, lambda: _undo(uow, clock, audit_id=undone["undo"]["audit_id"]), UndoOfUndo)
    status = handlers.last_change(uow, clock, MARIA, "QC-1001")
    assert status["change"]["reverses"] == uow.repo.audit("QC-1001")[0].id
    assert status["change"]["description"] == ("Undo of change #%d (Calling plan changed from Europe Saver to "
                                                "World Unlimited)" % status["change"]["reverses"])
    assert (status["undoable"], status["reason"]["code"]) == (False, "undo_of_undo")
    # A new change after an undo can be undone again.
    handlers.change_plan(uow, clock, MARIA, "QC-1001", "world_unlimited", "now")
    assert handlers.last_change(uow, clock, MARIA, "QC-1001")["undoable"] is True


def test_a_customer_undoes_only_their_own_account(uow, clock):
    handlers.cancel_service(uow, clock, ANA, "QC-1002", "visual_voicemail")
    _refused(uow, lambda: _undo(uow, clock, MARIA, "QC-1002"), Forbidden)
    _refused(uow, lambda: handlers.quote_undo(uow, clock, MARIA, "QC-1002"), Forbidden)
    _refused(uow, lambda: handlers.last_change(uow, clock, MARIA, "QC-1002"), Forbidden)
    # ...but they may undo an agent's change on their own account.
    james = Actor("QC-1002", "customer", "chat")
    assert _undo(uow, clock, james, "QC-1002")["subscription"]["status"] == "active"


# -- the domain -----------------------------------------------------------------------------------

def test_reversals_are_exact_negatives_with_their_kind():
    entries = [undo.Entry(1, "refund", Decimal("-6.66"), "r"), undo.Entry(2, "cancellation_fee", Decimal("25.00"), "f"),
               undo.Entry(3, "prorated_charge", Decimal("0.01"), "c"), undo.Entry(4, "prorated_credit", Decimal("-0.01"), "d")]
    out = undo.reversals(entries)
    assert [(r.kind, r.amount) for r in out] == [("reversal", Decimal("6.66")), ("fee_waiver", Decimal("-25.00")),
                                                 ("reversal", Decimal("-0.01")), ("reversal", Decimal("0.01"))]
    assert undo.net(out) == Decimal("-18.34")
    assert out[1].description == "Undo: cancellation fee waived (entry #2: f)"
