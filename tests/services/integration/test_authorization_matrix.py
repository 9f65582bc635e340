"""Every operation of the OpenAPI document x every kind of caller, with the exact status.

The operations are read from the app, so a new endpoint without a row in ROUTES fails
test_every_endpoint_has_a_case. A refused request answers with an error and nothing else, and
leaves every table exactly as it was. All callers of one operation run against one database:
the refused ones first, then the customer on their own account and the agent (who succeed).
"""
import base64
import json
import time

import jwt
import pytest
from sqlalchemy import delete, select

from quickconnect.adapters import orm
from quickconnect.entrypoints.api import create_app

from ..tally import TRIED
from .conftest import SECRET, bearer, key

OWN, OTHER, DELETED, UNKNOWN = "QC-1001", "QC-1002", "QC-1003", "QC-4040"


def _claims(sub: str, role: str) -> dict:
    now = int(time.time())
    return {"sub": sub, "role": role, "name": sub, "iat": now, "exp": now + 3600}


def _auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _tampered() -> dict:
    """Maria's genuine token with the payload swapped for an agent's, signature kept."""
    header, _, signature = jwt.encode(_claims(OWN, "customer"), SECRET, algorithm="HS256").split(".")
    payload = base64.urlsafe_b64encode(json.dumps(_claims(OWN, "agent")).encode()).rstrip(b"=").decode()
    return _auth(f"{header}.{payload}.{signature}")


# caller -> (headers, the account the request is about)
CALLERS = {
    "own": (bearer(OWN), OWN),
    "other": (bearer(OWN), OTHER),                       # customer A on account B
    "agent": (bearer("agent-ana", "agent"), OTHER),
    "supervisor": (bearer("sup-sam", "supervisor"), OTHER),   # reads what agents read, changes nothing
    "anonymous": ({}, OWN),
    "expired": (bearer(OWN, ttl=-10), OWN),
    "wrong_secret": (bearer("agent-ana", "agent", secret="not-the-secret-" * 3), OWN),
    "alg_none": (_auth(jwt.encode(_claims("agent-ana", "agent"), None, algorithm="none")), OWN),
    "tampered": (_tampered(), OWN),
    "deleted_account": (bearer(DELETED), DELETED),        # the account is deleted by _prepare
    "unknown_account": (bearer(UNKNOWN), UNKNOWN),
    "removed_agent": (bearer("agent-ben", "agent"), OTHER),   # agent-ben is removed by _prepare
}

OK = "ok"   # the operation's success status
# kind -> status per caller; every caller not listed gets 401 (bad, expired or orphaned token).
KINDS = {
    "public": {c: OK for c in CALLERS},                   # reads no token at all
    "account": {"own": OK, "other": 403, "agent": OK, "supervisor": OK, "anonymous": 401},
    "account write": {"own": OK, "other": 403, "agent": OK, "supervisor": 403, "anonymous": 401},
    "staff read": {"own": 403, "other": 403, "agent": OK, "supervisor": OK, "anonymous": 401},
    "agent only": {"own": 403, "other": 403, "agent": OK, "supervisor": 403, "anonymous": 401},
    # The customer's side of a handoff: the conversation id lets a visitor in, except to a
    # handoff about an account (then only that customer and agents); agents write by handoff id.
    "conversation read": {"own": OK, "other": 403, "agent": OK, "supervisor": OK, "anonymous": 403},
    "conversation write": {"own": OK, "other": 403, "agent": 403, "supervisor": 403, "anonymous": 403},
}

SUBSCRIBED = {OWN: ("streammax_tv", "basic"), OTHER: ("device_protection", "plus")}


def _sub(acct):
    return SUBSCRIBED.get(acct, ("streammax_tv", "basic"))


# (method, path) -> (kind, success status, build(acct, ctx) -> (url, json body or None))
ROUTES = {
    ("GET", "/health"): ("public", 200, lambda a, c: ("/health", None)),
    ("POST", "/auth/token"): ("public", 200, lambda a, c: ("/auth/token", {"account_number": OWN, "pin": "1234"})),
    ("GET", "/catalog/services"): ("public", 200, lambda a, c: ("/catalog/services", None)),
    ("GET", "/catalog/services/{service}"): ("public", 200, lambda a, c: ("/catalog/services/streammax_tv", None)),
    ("GET", "/catalog/plans"): ("public", 200, lambda a, c: ("/catalog/plans", None)),
    ("GET", "/catalog/plans/{plan}/coverage"): (
        "public", 200, lambda a, c: ("/catalog/plans/europe_saver/coverage", None)),
    ("GET", "/catalog/rates"): ("public", 200, lambda a, c: ("/catalog/rates?country=UK", None)),
    ("GET", "/catalog/countries/resolve"): ("public", 200, lambda a, c: ("/catalog/countries/resolve?q=uk", None)),
    ("GET", "/customers/{acct}"): ("account", 200, lambda a, c: (f"/customers/{a}", None)),
    ("GET", "/customers/{acct}/subscriptions"): ("account", 200, lambda a, c: (f"/customers/{a}/subscriptions", None)),
    ("POST", "/customers/{acct}/subscriptions"): (
        "account write", 201, lambda a, c: (f"/customers/{a}/subscriptions",
                                            {"service": "hotspot_boost", "tier": "10gb"})),
    ("POST", "/customers/{acct}/subscriptions/quote"): (
        "account", 200, lambda a, c: (f"/customers/{a}/subscriptions/quote",
                                      {"action": "add", "service": "hotspot_boost", "tier": "10gb"})),
    ("POST", "/customers/{acct}/subscriptions/{service}/modify"): (
        "account write", 200, lambda a, c: (f"/customers/{a}/subscriptions/{_sub(a)[0]}/modify", {"tier": _sub(a)[1]})),
    ("POST", "/customers/{acct}/subscriptions/{service}/cancel"): (
        "account write", 200, lambda a, c: (f"/customers/{a}/subscriptions/{_sub(a)[0]}/cancel", None)),
    ("GET", "/customers/{acct}/changes/last"): ("account", 200, lambda a, c: (f"/customers/{a}/changes/last", None)),
    ("POST", "/customers/{acct}/changes/last/undo/quote"): (
        "account", 200, lambda a, c: (f"/customers/{a}/changes/last/undo/quote", None)),
    ("POST", "/customers/{acct}/changes/last/undo"): (
        "account write", 200, lambda a, c: (f"/customers/{a}/changes/last/undo", {"audit_id": c["change"].get(a)})),
    ("GET", "/customers/{acct}/plan"): ("account", 200, lambda a, c: (f"/customers/{a}/plan", None)),
    ("GET", "/customers/{acct}/usage"): ("account", 200, lambda a, c: (f"/customers/{a}/usage?cycles=2", None)),
    ("GET", "/customers/{acct}/billing"): ("account", 200, lambda a, c: (f"/customers/{a}/billing", None)),
    ("POST", "/customers/{acct}/plan/quote"): (
        "account", 200, lambda a, c: (f"/customers/{a}/plan/quote", {"plan": "world_unlimited", "when": "now"})),
    ("POST", "/customers/{acct}/plan/change"): (
        "account write", 200, lambda a, c: (f"/customers/{a}/plan/change", {"plan": "world_unlimited", "when": "now"})),
    ("GET", "/customers/{acct}/plan/recommendations"): (
        "account", 200, lambda a, c: (f"/customers/{a}/plan/recommendations?countries=GB,IN&minutes=300", None)),
    ("POST", "/recommendations"): (
        "account", 200, lambda a, c: ("/recommendations",
                                      {"countries": ["GB"], "monthly_minutes": 100, "account_number": a})),
    ("POST", "/customers/{acct}/follow-ups"): (
        "account write", 201, lambda a, c: (f"/customers/{a}/follow-ups",
                                      {"due_at": "2026-12-01T10:00:00Z", "channel": "call", "note": "call back"})),
    ("GET", "/customers/{acct}/follow-ups"): ("account", 200, lambda a, c: (f"/customers/{a}/follow-ups", None)),
    ("GET", "/customers/{acct}/notifications"): ("account", 200, lambda a, c: (f"/customers/{a}/notifications", None)),
    ("POST", "/handoffs"): (
        "account write", 201, lambda a, c: ("/handoffs", {"conversation_id": f"new-{a}", "account_number": a,
                                                    "reason": "wants a person", "summary": "user: bill?"})),
    ("GET", "/handoffs"): ("staff read", 200, lambda a, c: ("/handoffs?status=waiting", None)),
    ("GET", "/handoffs/{handoff_id}"): ("staff read", 200, lambda a, c: (f"/handoffs/{c['handoff']}", None)),
    ("POST", "/handoffs/{handoff_id}/take"): ("agent only", 200, lambda a, c: (f"/handoffs/{c['handoff']}/take", None)),
    ("POST", "/handoffs/{handoff_id}/close"): (
        "agent only", 200, lambda a, c: (f"/handoffs/{c['handoff']}/close", None)),
    ("POST", "/handoffs/{handoff_id}/messages"): (
        "agent only", 201, lambda a, c: (f"/handoffs/{c['handoff']}/messages", {"text": "Hello, Ana here."})),
    ("GET", "/conversations/{conversation_id}/handoff"): (
        "conversation read", 200, lambda a, c: (f"/conversations/conv-{a}/handoff", None)),
    ("POST", "/conversations/{conversation_id}/handoff/messages"): (
        "conversation write", 201, lambda a, c: (f"/conversations/conv-{a}/handoff/messages", {"text": "thanks"})),
    ("GET", "/audit"): ("staff read", 200, lambda a, c: (f"/audit?account={a}", None)),
    ("GET", "/dashboard/summary"): ("staff read", 200, lambda a, c: ("/dashboard/summary?channel=chat", None)),
    ("GET", "/dashboard/export.csv"): ("staff read", 200, lambda a, c: ("/dashboard/export.csv?kind=review", None)),
}


def expected(kind: str, caller: str, ok: int) -> int:
    status = KINDS[kind].get(caller, 401)
    return ok if status == OK else status


def _operations(app) -> list:
    return sorted((method.upper(), path) for path, ops in app.openapi()["paths"].items() for method in ops)


def _snapshot(services) -> dict:
    with services.engine.connect() as conn:
        return {t.name: sorted(map(repr, conn.execute(select(t)))) for t in orm.Base.metadata.sorted_tables}


def _prepare(client, services) -> dict:
    """Handoffs for both accounts (Ana has taken Maria's), a change to undo on each (a plan change
    at the next cycle); QC-1003 and agent-ben are deleted after their tokens were issued."""
    ids, changes = {}, {}
    for acct in (OWN, OTHER):
        r = client.post(f"/customers/{acct}/plan/change", headers={**bearer(acct), **key()},
                        json={"plan": "americas_saver", "when": "next_cycle"})
        assert r.status_code == 200, r.text
    for entry in client.get("/audit", headers=bearer("agent-ana", "agent")).json():
        changes[entry["account_number"]] = entry["id"]
    for acct in (OWN, OTHER):
        r = client.post("/handoffs", headers={**bearer(acct), **key()},
                        json={"conversation_id": f"conv-{acct}", "reason": "wants a person", "summary": "s"})
        assert r.status_code == 201, r.text
        ids[acct] = r.json()["id"]
    r = client.post(f"/handoffs/{ids[OWN]}/take", headers={**bearer("agent-ana", "agent"), **key()})
    assert r.status_code == 200, r.text
    with services.engine.begin() as conn:
        customers = orm.CustomerRow.__table__
        gone = conn.scalar(select(customers.c.id).where(customers.c.account_number == DELETED))
        for table in reversed(orm.Base.metadata.sorted_tables):   # dependent rows first
            if "customer_id" in table.c:
                conn.execute(delete(table).where(table.c.customer_id == gone))
        conn.execute(delete(customers).where(customers.c.id == gone))
        conn.execute(delete(orm.AgentRow.__table__).where(orm.AgentRow.__table__.c.agent_id == "agent-ben"))
    return {"handoff": ids[OWN], "change": changes}


def test_every_endpoint_has_a_case(services):
    assert _operations(create_app(services)) == sorted(ROUTES)


@pytest.mark.parametrize("route", sorted(ROUTES), ids=" ".join)
def test_who_may_call_what(client, services, route):
    method, _ = route
    kind, ok, build = ROUTES[route]
    ctx = _prepare(client, services)
    refused_first = sorted(CALLERS, key=lambda c: expected(kind, c, ok) < 400)
    got, leaks = {}, []
    for caller in refused_first:
        headers, acct = CALLERS[caller]
        url, body = build(acct, ctx)
        want = expected(kind, caller, ok)
        before = _snapshot(services) if want >= 400 else None
        r = client.request(method, url, headers={**headers, **key()} if method == "POST" else headers, json=body)
        got[caller] = r.status_code
        if want >= 400:
            error = r.json().get("error", {})
            if set(r.json()) != {"error"} or error.get("code") != {401: "unauthorized", 403: "forbidden"}[want]:
                leaks.append((caller, r.text))
            if _snapshot(services) != before:
                leaks.append((caller, "the database changed"))
    assert got == {c: expected(kind, c, ok) for c in CALLERS}
    assert leaks == []
    TRIED["authorization: operation x caller cases, exact status"] += len(CALLERS)
    TRIED["authorization: refused requests, error only and database unchanged"] += sum(
        expected(kind, c, ok) >= 400 for c in CALLERS)
