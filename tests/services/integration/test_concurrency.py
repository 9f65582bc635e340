"""Two simultaneous changes to one subscription (or one customer's plan) cannot both apply.

PostgreSQL only: both transactions read the same version, meet at a barrier, then write; the
second UPDATE waits for the first to commit, matches no row and rolls back as concurrent_change.
"""
import threading
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from quickconnect.adapters import orm
from quickconnect.bootstrap import Services
from quickconnect.domain.errors import ConcurrentChange
from quickconnect.entrypoints.api import create_app
from quickconnect.entrypoints.idempotency import run_write
from quickconnect.service_layer import handlers
from quickconnect.service_layer.handlers import Actor
from quickconnect.service_layer.unit_of_work import SqlAlchemyUnitOfWork

from ..tally import TRIED
from .conftest import NO_PG, PG_URL, bearer

pytestmark = pytest.mark.skipif(not PG_URL, reason=NO_PG)
MARIA = Actor("QC-1001", "customer", "api")


class MeetBeforeWriting(SqlAlchemyUnitOfWork):
    """Waits at the barrier before its first flush, i.e. after reading and before writing."""

    def __init__(self, session_factory, barrier):
        super().__init__(session_factory)
        self.barrier, self.met = barrier, False

    def flush(self):
        if not self.met:
            self.met = True
            self.barrier.wait(timeout=20)
        super().flush()


def race(*calls):
    """Run the calls in parallel threads; return their results or exceptions, in order."""
    results = [None] * len(calls)

    def run(i, call):
        try:
            results[i] = call()
        except Exception as err:   # collected and asserted on by the test
            results[i] = err

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.fixture(autouse=True)
def _postgresql_only(database_url):
    if database_url.startswith("sqlite"):
        pytest.skip("proved on PostgreSQL; SQLite serialises all writers anyway")


def _uows(services):
    barrier = threading.Barrier(2)
    return [MeetBeforeWriting(services.session_factory, barrier) for _ in range(2)]


def test_two_simultaneous_tier_changes_only_one_applies(services, clock):
    a, b = _uows(services)
    results = race(lambda: handlers.modify_service(a, clock, MARIA, "QC-1001", "streammax_tv", "basic"),
                   lambda: handlers.modify_service(b, clock, MARIA, "QC-1001", "streammax_tv", "standard"))
    assert sorted(type(r).__name__ for r in results) == ["ConcurrentChange", "dict"]
    winner = next(r for r in results if isinstance(r, dict))
    [sub] = [s for s in handlers.list_subscriptions(services.uow(), MARIA, "QC-1001")
             if s["service"]["code"] == "streammax_tv"]
    assert (sub["tier"]["code"], sub["version"]) == (winner["subscription"]["tier"]["code"], 2)
    assert len(handlers.list_audit(services.uow(), Actor("agent-ana", "agent"), "QC-1001")) == 1


def test_two_simultaneous_cancels_refund_once(services, clock):
    a, b = _uows(services)
    results = race(lambda: handlers.cancel_service(a, clock, MARIA, "QC-1001", "streammax_tv"),
                   lambda: handlers.cancel_service(b, clock, MARIA, "QC-1001", "streammax_tv"))
    assert sum(isinstance(r, ConcurrentChange) for r in results) == 1
    refunds = [e for e in handlers.billing(services.uow(), MARIA, "QC-1001") if e["kind"] == "refund"]
    assert [e["amount"] for e in refunds] == ["-6.66"]


def test_two_simultaneous_plan_changes_only_one_applies(services, clock):
    a, b = _uows(services)
    results = race(lambda: handlers.change_plan(a, clock, MARIA, "QC-1001", "world_unlimited", "now"),
                   lambda: handlers.change_plan(b, clock, MARIA, "QC-1001", "americas_saver", "now"))
    assert sum(isinstance(r, ConcurrentChange) for r in results) == 1
    plan = handlers.current_plan(services.uow(), clock, MARIA, "QC-1001")
    assert len(plan["history"]) == 2
    assert len([e for e in plan["billing_history"] if e["kind"] == "prorated_credit"]) == 1


def test_two_simultaneous_adds_create_one_subscription(services, clock):
    start = threading.Barrier(2)

    def add(tier):
        start.wait(timeout=20)
        return handlers.add_service(services.uow(), clock, MARIA, "QC-1001", "hotspot_boost", tier)

    results = race(lambda: add("10gb"), lambda: add("30gb"))
    assert sorted(type(r).__name__ for r in results) in (["AlreadySubscribed", "dict"], ["ConcurrentChange", "dict"])
    live = [s for s in handlers.list_subscriptions(services.uow(), MARIA, "QC-1001")
            if s["service"]["code"] == "hotspot_boost"]
    assert len(live) == 1


def test_the_same_idempotency_key_at_once_applies_once_and_both_get_the_answer(services, clock):
    class Factory:
        """run_write's second unit of work is the one that writes: that one meets the other."""
        def __init__(self, writer):
            self.calls, self.writer = 0, writer

        def __call__(self):
            self.calls += 1
            return self.writer if self.calls == 2 else services.uow()

    def call(writer):
        return run_write(Factory(writer), clock, "customer:QC-1001", "same-key", "POST",
                         "/customers/QC-1001/subscriptions/streammax_tv/cancel", {}, 200,
                         lambda u: handlers.cancel_service(u, clock, MARIA, "QC-1001", "streammax_tv"))

    a, b = _uows(services)
    results = race(lambda: call(a), lambda: call(b))
    assert [r.status_code for r in results] == [200, 200], results
    assert results[0].body == results[1].body
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in results) == 1
    refunds = [e for e in handlers.billing(services.uow(), MARIA, "QC-1001") if e["kind"] == "refund"]
    assert len(refunds) == 1


@dataclass
class WritersMeet(Services):
    """Every unit of work the app opens waits at the barrier before its first write, so two
    requests both pass the "is this key stored?" check before either writes."""
    barrier: threading.Barrier = None

    def uow(self):
        return MeetBeforeWriting(self.session_factory, self.barrier)


TWICE = {   # the same request, sent twice at once: (path, body, status, audit action)
    "follow-up (insert only)": ("/customers/QC-1001/follow-ups",
                                {"due_at": "2026-12-01T10:00:00Z", "channel": "call", "note": "call me"}, 201,
                                "schedule_follow_up"),
    "cancel (versioned row)": ("/customers/QC-1001/subscriptions/streammax_tv/cancel", {}, 200, "cancel_service"),
    "plan change (versioned customer)": ("/customers/QC-1001/plan/change", {"plan": "world_unlimited"}, 200,
                                         "change_plan"),
}


def _count(services, table) -> int:
    with services.session_factory() as session:
        return session.scalar(select(func.count()).select_from(table))


@pytest.mark.parametrize("write", TWICE)
def test_the_same_request_twice_at_once_over_http_is_one_change_and_one_audit_entry(services, clock, write):
    path, body, status, action = TWICE[write]
    meeting = WritersMeet(services.settings, services.engine, services.session_factory, clock, threading.Barrier(2))
    headers = {**bearer("QC-1001"), "Idempotency-Key": "double-submit"}
    before = {t: _count(services, t) for t in (orm.FollowUpRow, orm.BillingEntryRow, orm.CustomerPlanRow)}
    with TestClient(create_app(meeting), raise_server_exceptions=False) as client:
        results = race(lambda: client.post(path, headers=headers, json=body),
                       lambda: client.post(path, headers=headers, json=body))
    assert [r.status_code for r in results] == [status, status], [r.text for r in results]
    assert results[0].json() == results[1].json()
    assert sorted(str(r.headers.get("Idempotent-Replayed")) for r in results) == ["None", "true"]
    audit = handlers.list_audit(services.uow(), Actor("agent-ana", "agent"), "QC-1001")
    assert [a["action"] for a in audit] == [action]
    assert _count(services, orm.IdempotencyKeyRow) == 1
    after = {t: _count(services, t) for t in before}
    expected_rows = {"follow-up (insert only)": {orm.FollowUpRow: 1},
                     "cancel (versioned row)": {orm.BillingEntryRow: 2},                 # refund and fee
                     "plan change (versioned customer)": {orm.CustomerPlanRow: 1, orm.BillingEntryRow: 2}}[write]
    assert {t: after[t] - before[t] for t in before} == {t: expected_rows.get(t, 0) for t in before}
    TRIED["double submission: the same write twice at once (HTTP, same key): one change, one audit entry"] += 1
