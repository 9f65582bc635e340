"""Undo of the last change over HTTP, on SQLite and PostgreSQL: the three endpoints, their errors,
idempotency, the audit entry that points at the change, the dashboard's count; and on PostgreSQL
the same undo sent twice at once (one reversal) and two different undos at once (one applies)."""
import threading

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from quickconnect.adapters import orm
from quickconnect.entrypoints.api import create_app

from ..tally import TRIED
from .conftest import bearer, key
from .test_concurrency import WritersMeet, race

MARIA, ANA, SAM = bearer("QC-1001"), bearer("agent-ana", "agent"), bearer("sup-sam", "supervisor")
LAST, QUOTE, UNDO = ("/customers/QC-1001/changes/last", "/customers/QC-1001/changes/last/undo/quote",
                     "/customers/QC-1001/changes/last/undo")


def _cancel_tv(client, headers=MARIA, channel="web"):
    r = client.post("/customers/QC-1001/subscriptions/streammax_tv/cancel",
                    headers={**headers, **key(), "X-Channel": channel})
    assert r.status_code == 200, r.text
    return r.json()


def _error(r, status, code):
    assert r.status_code == status, r.text
    assert set(r.json()) == {"error"} and r.json()["error"]["code"] == code, r.text
    return r.json()["error"]["message"]


def _count(services, table) -> int:
    with services.session_factory() as session:
        return session.scalar(select(func.count()).select_from(table))


def test_last_change_quote_undo_and_the_audit_entry_that_points_at_it(client, services):
    assert client.get(LAST, headers=MARIA).json() == {
        "change": None, "undoable": False,
        "reason": {"code": "nothing_to_undo", "message": "There is no change on QC-1001 to undo."}}
    cancel = _cancel_tv(client)
    last = client.get(LAST, headers=MARIA).json()
    assert last["undoable"] is True and last["reason"] is None
    change = last["change"]
    assert {k: change[k] for k in ("action", "actor", "role", "channel", "description", "reverses")} == {
        "action": "cancel_service", "actor": "QC-1001", "role": "customer", "channel": "web",
        "description": "StreamMax TV (Premium) cancelled", "reverses": None}

    entries = _count(services, orm.BillingEntryRow)
    quote = client.post(QUOTE, headers=MARIA, json={"audit_id": change["audit_id"]})
    assert quote.status_code == 200, quote.text
    quote = quote.json()
    assert [(r["kind"], r["amount"]) for r in quote["reversals"]] == [("reversal", "6.66"), ("fee_waiver", "-25.00")]
    assert [r["reverses"]["id"] for r in quote["reversals"]] == [e["id"] for e in cancel["billing_entries"]]
    assert quote["net_adjustment"] == "-18.34"
    assert client.post(QUOTE, headers=MARIA).json() == quote          # no body: the last change
    assert _count(services, orm.BillingEntryRow) == entries                # a quote writes nothing

    headers = {**MARIA, "Idempotency-Key": "undo-1", "X-Channel": "web"}
    r = client.post(UNDO, headers=headers, json={"audit_id": change["audit_id"]})
    assert r.status_code == 200, r.text
    undone = r.json()
    assert undone["quote"] == quote
    assert undone["subscription"]["status"] == "active" and undone["plan"] is None
    assert [(e["kind"], e["amount"]) for e in undone["billing_entries"]] == [("reversal", "6.66"),
                                                                            ("fee_waiver", "-25.00")]
    # The same key again: the first answer, nothing written; another body with it: 409.
    entries += 2
    again = client.post(UNDO, headers=headers, json={"audit_id": change["audit_id"]})
    assert (again.status_code, again.headers.get("idempotent-replayed"), again.json()) == (200, "true", undone)
    _error(client.post(UNDO, headers=headers, json={}), 409, "idempotency_key_reused")
    assert _count(services, orm.BillingEntryRow) == entries

    billing = client.get("/customers/QC-1001/billing", headers=MARIA).json()
    touched = [e for e in billing if e["id"] in {x["id"] for x in cancel["billing_entries"] + undone["billing_entries"]}]
    assert sum(float(e["amount"]) * 100 for e in touched) == 0
    audit = client.get("/audit?account=QC-1001", headers=ANA).json()
    assert [(a["action"], a["reverses"], a["actor"], a["role"], a["channel"]) for a in audit] == [
        ("cancel_service", None, "QC-1001", "customer", "web"),
        ("undo_cancel_service", change["audit_id"], "QC-1001", "customer", "web")]
    assert undone["undo"] == {"audit_id": audit[1]["id"], "action": "undo_cancel_service",
                              "reverses": change["audit_id"]}
    assert audit[1]["before"]["status"] == "cancelled" and audit[1]["after"]["status"] == "active"

    # Now the last change is the undo: it cannot be undone.
    last = client.get(LAST, headers=MARIA).json()
    assert (last["undoable"], last["reason"]["code"], last["change"]["reverses"]) == (
        False, "undo_of_undo", change["audit_id"])
    _error(client.post(UNDO, headers={**MARIA, **key()}), 409, "undo_of_undo")
    TRIED["undo: change, quote, undo, replay over HTTP"] += 1


def test_every_refusal_is_a_4xx_with_a_code_and_writes_nothing(client, services):
    _error(client.post(QUOTE, headers=MARIA), 409, "nothing_to_undo")
    _error(client.post(UNDO, headers={**MARIA, **key()}), 409, "nothing_to_undo")
    client.post("/customers/QC-1001/plan/change", headers={**MARIA, **key()}, json={"plan": "world_unlimited"})
    _cancel_tv(client)
    plan_change, cancel = [a["id"] for a in client.get("/audit?account=QC-1001", headers=ANA).json()]
    rows = {t: _count(services, t) for t in (orm.AuditRow, orm.BillingEntryRow, orm.IdempotencyKeyRow)}
    message = _error(client.post(UNDO, headers={**MARIA, **key()}, json={"audit_id": plan_change}), 409,
                     "not_last_change")
    assert f"the last is #{cancel}" in message
    _error(client.post(UNDO, headers={**MARIA, **key()}, json={"audit_id": 424242}), 404, "unknown_change")
    _error(client.post(UNDO, headers={**MARIA, **key()}, json={"audit_id": 0}), 422, "invalid_request")
    _error(client.post(UNDO, headers={**MARIA, **key()}, json={"what": 1}), 422, "invalid_request")
    _error(client.post(UNDO, headers=MARIA), 400, "missing_idempotency_key")
    _error(client.post(UNDO, headers={**SAM, **key()}), 403, "forbidden")          # supervisors change nothing
    _error(client.post("/customers/QC-1002/changes/last/undo", headers={**MARIA, **key()}), 403, "forbidden")
    _error(client.get("/customers/QC-1002/changes/last", headers=MARIA), 403, "forbidden")
    _error(client.post(UNDO, headers=key()), 401, "unauthorized")
    assert {t: _count(services, t) for t in rows} == rows
    # Supervisors may read the last change and the quote, like every other quote.
    assert client.get(LAST, headers=SAM).json()["undoable"] is True
    assert client.post(QUOTE, headers=SAM).json()["net_adjustment"] == "-18.34"


def test_past_the_window_is_refused(client, services):
    _cancel_tv(client)
    services.clock.at = services.clock.at.replace(day=22, minute=1)        # 24 h and 1 minute later
    assert client.get(LAST, headers=MARIA).json()["reason"]["code"] == "undo_window_passed"
    message = _error(client.post(UNDO, headers={**MARIA, **key()}), 409, "undo_window_passed")
    assert "for 24 hours, until 2026-11-22 12:00 UTC" in message


def test_an_agent_undoes_a_customers_add_and_the_dashboard_counts_undos_by_type(client, services):
    r = client.post("/customers/QC-1002/subscriptions", headers={**bearer("QC-1002"), **key(), "X-Channel": "chat"},
                    json={"service": "hotspot_boost", "tier": "10gb"})
    assert r.status_code == 201, r.text
    r = client.post("/customers/QC-1002/changes/last/undo", headers={**ANA, **key(), "X-Channel": "agent_widget"})
    assert r.status_code == 200, r.text
    assert r.json()["subscription"]["status"] == "cancelled"
    assert [(e["kind"], e["amount"]) for e in r.json()["billing_entries"]] == [("reversal", "-4.00")]   # 5 x 24/30
    _cancel_tv(client, channel="web")
    assert client.post(UNDO, headers={**MARIA, **key(), "X-Channel": "web"}).status_code == 200
    summary = client.get("/dashboard/summary?from=2026-11-01&to=2026-11-30", headers=SAM).json()
    assert summary["undos"] == [{"change": "add_service", "count": 1}, {"change": "cancel_service", "count": 1}]
    assert summary["totals"]["undos"] == 2
    chat_only = client.get("/dashboard/summary?from=2026-11-01&to=2026-11-30&channel=agent_widget", headers=SAM)
    assert chat_only.json()["undos"] == [{"change": "add_service", "count": 1}]


# -- PostgreSQL: at once ------------------------------------------------------------------------

def _postgresql(services):
    if services.settings.dialect != "postgresql":
        pytest.skip("proved on PostgreSQL; SQLite serialises all writers anyway")


def test_the_same_undo_twice_at_once_is_one_reversal(client, services, clock):
    _postgresql(services)
    _cancel_tv(client)
    meeting = WritersMeet(services.settings, services.engine, services.session_factory, clock, threading.Barrier(2))
    headers = {**MARIA, "Idempotency-Key": "undo-double-submit", "X-Channel": "web"}
    entries = _count(services, orm.BillingEntryRow)
    with TestClient(create_app(meeting), raise_server_exceptions=False) as twin:
        results = race(lambda: twin.post(UNDO, headers=headers), lambda: twin.post(UNDO, headers=headers))
    assert [r.status_code for r in results] == [200, 200], [r.text for r in results]
    assert results[0].json() == results[1].json()
    assert sorted(str(r.headers.get("Idempotent-Replayed")) for r in results) == ["None", "true"]
    assert _count(services, orm.BillingEntryRow) == entries + 2            # one reversal and one waiver
    actions = [a["action"] for a in client.get("/audit?account=QC-1001", headers=ANA).json()]
    assert actions == ["cancel_service", "undo_cancel_service"]
    TRIED["double submission: the same undo twice at once (HTTP, same key): one reversal"] += 1


def test_two_different_undos_at_once_only_one_applies(client, services, clock):
    _postgresql(services)
    _cancel_tv(client)
    meeting = WritersMeet(services.settings, services.engine, services.session_factory, clock, threading.Barrier(2))
    entries = _count(services, orm.BillingEntryRow)
    with TestClient(create_app(meeting), raise_server_exceptions=False) as twin:
        results = race(lambda: twin.post(UNDO, headers={**MARIA, **key()}),
                       lambda: twin.post(UNDO, headers={**ANA, **key()}))
    assert sorted(r.status_code for r in results) == [200, 409], [r.text for r in results]
    assert next(r for r in results if r.status_code == 409).json()["error"]["code"] == "concurrent_change"
    assert _count(services, orm.BillingEntryRow) == entries + 2
    assert [a["action"] for a in client.get("/audit?account=QC-1001", headers=ANA).json()] == [
        "cancel_service", "undo_cancel_service"]
