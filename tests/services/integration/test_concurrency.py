"""Two simultaneous changes to one subscription (or one customer's plan) cannot both apply.

PostgreSQL only: both transactions read the same version, meet at a barrier, then write; the
second UPDATE waits for the first to commit, matches no row and rolls back as concurrent_change.
"""
import threading

import pytest

from quickconnect.domain.errors import ConcurrentChange
from quickconnect.entrypoints.idempotency import run_write
from quickconnect.service_layer import handlers
from quickconnect.service_layer.handlers import Actor
from quickconnect.service_layer.unit_of_work import SqlAlchemyUnitOfWork

from .conftest import NO_PG, PG_URL

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
