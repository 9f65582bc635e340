"""Quotes and writes over HTTP: exact amounts, idempotent replays, validation that writes nothing."""
import pytest

from .conftest import key

CANCEL_TV = "/customers/QC-1001/subscriptions/streammax_tv/cancel"


def _counts(client, ana):
    return (len(client.get("/audit", headers=ana).json()),
            len(client.get("/customers/QC-1001/billing", headers=ana).json()),
            [s["status"] for s in client.get("/customers/QC-1001/subscriptions", headers=ana).json()])


def test_quote_then_cancel_with_the_exact_refund(client, maria):
    quote = client.post("/customers/QC-1001/subscriptions/quote", headers=maria,
                        json={"action": "cancel", "service": "StreamMax TV"}).json()
    assert (quote["days_remaining"], quote["refund"], quote["net_adjustment"]) == (10, "6.66", "18.34")
    assert quote["fees"] == [{"kind": "cancellation_fee", "amount": "25.00",
                              "reason": "cancelled within the 12-month minimum term (started 2026-07-24)"}]
    r = client.post(CANCEL_TV, headers={**maria, **key()})
    assert r.status_code == 200
    assert r.json()["quote"] == quote
    assert [(e["kind"], e["amount"]) for e in r.json()["billing_entries"]] == [("refund", "-6.66"),
                                                                               ("cancellation_fee", "25.00")]
    billing = client.get("/customers/QC-1001/billing", headers=maria).json()
    assert [e["amount"] for e in billing if e["kind"] == "refund"] == ["-6.66"]


def test_replay_returns_the_first_response_and_changes_nothing(client, maria, ana):
    headers = {**maria, **key("cancel-tv-1")}
    first = client.post(CANCEL_TV, headers=headers)
    before = _counts(client, ana)
    second = client.post(CANCEL_TV, headers=headers)
    assert (second.status_code, second.json()) == (first.status_code, first.json())
    assert second.headers["Idempotent-Replayed"] == "true"
    assert _counts(client, ana) == before
    assert before[0] == 1       # one audit row


def test_same_key_different_request_is_409(client, maria, ana):
    client.post("/customers/QC-1001/subscriptions", headers={**maria, **key("k1")},
                json={"service": "hotspot_boost", "tier": "10gb"})
    before = _counts(client, ana)
    for path, body in [("/customers/QC-1001/subscriptions", {"service": "hotspot_boost", "tier": "30gb"}),
                       (CANCEL_TV, {})]:
        r = client.post(path, headers={**maria, **key("k1")}, json=body)
        assert r.status_code == 409 and r.json()["error"]["code"] == "idempotency_key_reused"
    assert _counts(client, ana) == before


def test_the_same_key_from_another_caller_is_a_different_request(client, maria, ana):
    client.post("/customers/QC-1001/follow-ups", headers={**maria, **key("shared")},
                json={"due_at": "2026-12-01T10:00:00Z", "channel": "call", "note": "how is the plan?"})
    r = client.post("/customers/QC-1001/follow-ups", headers={**ana, **key("shared")},
                    json={"due_at": "2026-12-02T10:00:00Z", "channel": "message", "note": "second"})
    assert r.status_code == 201
    assert len(client.get("/customers/QC-1001/follow-ups", headers=maria).json()) == 2


@pytest.mark.parametrize("method, path, body, status, code", [
    ("post", "/customers/QC-1001/subscriptions", {"service": "Streem TV", "tier": "basic"}, 404, "unknown_service"),
    ("post", "/customers/QC-1001/subscriptions", {"service": "hotspot boost", "tier": "99gb"}, 404, "unknown_tier"),
    ("post", "/customers/QC-1001/subscriptions", {"service": "cloud backup", "tier": "2tb"}, 409, "already_subscribed"),
    ("post", "/customers/QC-1001/subscriptions/family_locator/cancel", {}, 409, "not_subscribed"),
    ("post", "/customers/QC-1001/subscriptions/streammax_tv/modify", {"tier": "premium"}, 409, "same_tier"),
    ("post", "/customers/QC-1001/subscriptions/streammax_tv/modify", {"tier": "basic", "expected_version": 9},
     409, "concurrent_change"),
    ("post", "/customers/QC-1001/plan/change", {"plan": "Galaxy Saver", "when": "now"}, 404, "unknown_plan"),
    ("post", "/customers/QC-1001/plan/change", {"plan": "europe saver", "when": "now"}, 409, "same_plan"),
    ("post", "/customers/QC-1001/plan/change", {"plan": "europe saver", "when": "someday"}, 422, "invalid_request"),
    ("post", "/customers/QC-1001/subscriptions", {"service": "hotspot", "colour": "red"}, 422, "invalid_request"),
    ("post", "/customers/QC-1001/subscriptions", {"service": 7}, 422, "invalid_request"),
    ("post", "/customers/QC-1001/follow-ups", {"due_at": "2020-01-01T00:00:00Z", "channel": "call", "note": "x"},
     422, "invalid_request"),
    ("post", "/customers/QC-1001/follow-ups", {"due_at": "tomorrow", "channel": "call", "note": "x"},
     422, "invalid_request"),
    ("post", "/handoffs", {"conversation_id": "c1", "account_number": "QC-1002", "reason": "r", "summary": "s"},
     403, "forbidden"),
])
def test_invalid_writes_are_4xx_and_write_nothing(client, maria, ana, method, path, body, status, code):
    before = _counts(client, ana)
    r = getattr(client, method)(path, headers={**maria, **key()}, json=body)
    assert (r.status_code, r.json()["error"]["code"]) == (status, code), r.text
    assert r.json()["error"]["message"]
    assert _counts(client, ana) == before


def test_unknown_names_come_with_suggestions(client, maria):
    r = client.post("/customers/QC-1001/subscriptions", headers={**maria, **key()}, json={"service": "streemax"})
    assert "StreamMax TV" in r.json()["error"]["suggestions"]
    r = client.get("/catalog/rates?country=Germny")
    assert (r.status_code, r.json()["error"]["code"]) == (404, "unknown_country")
    assert "Germany" in r.json()["error"]["suggestions"]


def test_malformed_json_and_missing_key(client, maria, ana):
    before = _counts(client, ana)
    r = client.post("/customers/QC-1001/subscriptions", headers={**maria, **key(), "Content-Type": "application/json"},
                    content=b'{"service": "hotspot",')
    assert (r.status_code, r.json()["error"]["code"]) == (422, "invalid_request")
    r = client.post("/customers/QC-1001/subscriptions", headers=maria, json={"service": "hotspot", "tier": "10gb"})
    assert (r.status_code, r.json()["error"]["code"]) == (400, "missing_idempotency_key")
    r = client.post(CANCEL_TV, headers={**maria, "Idempotency-Key": "x" * 201})
    assert r.status_code == 422
    assert _counts(client, ana) == before


def test_plan_change_mid_cycle_with_exact_proration(client, maria):
    quote = client.post("/customers/QC-1001/plan/quote", headers=maria,
                        json={"plan": "World Unlimited", "when": "now"}).json()
    assert (quote["effective_date"], quote["days_remaining"]) == ("2026-11-21", 10)
    assert (quote["prorated_credit"], quote["prorated_charge"], quote["net_adjustment"]) == ("5.00", "15.00", "10.00")
    r = client.post("/customers/QC-1001/plan/change", headers={**maria, **key()},
                    json={"plan": "World Unlimited", "when": "now"})
    assert r.status_code == 200 and r.json()["quote"] == quote
    assert [(e["kind"], e["amount"]) for e in r.json()["billing_entries"]] == [("prorated_credit", "-5.00"),
                                                                               ("prorated_charge", "15.00")]
    plan = client.get("/customers/QC-1001/plan", headers=maria).json()
    assert plan["plan"]["code"] == "world_unlimited"
    assert [h["to"] for h in plan["history"]] == ["2026-11-20", None]


def test_modify_add_and_reads(client, maria):
    r = client.post("/customers/QC-1001/subscriptions/StreamMax TV/modify", headers={**maria, **key()},
                    json={"tier": "basic", "expected_version": 1})
    assert r.status_code == 200
    assert (r.json()["subscription"]["version"], r.json()["quote"]["net_adjustment"]) == (2, "1.67")
    r = client.post("/customers/QC-1001/subscriptions", headers={**maria, **key()},
                    json={"service": "Device Protection", "tier": "Plus"})
    assert r.status_code == 201
    assert r.json()["subscription"]["status"] == "pending_activation"
    assert r.json()["quote"]["activation_eta"] == "2026-11-22T12:00:00Z"
    rec = client.get("/customers/QC-1001/plan/recommendations?countries=UK,India&minutes=300", headers=maria).json()
    assert (rec["options"][0]["plan"]["code"], rec["options"][0]["saving"]) == ("asia_pacific_saver", "2.50")
    usage = client.get("/customers/QC-1001/usage?cycles=2", headers=maria).json()
    assert [c["minutes"] for c in usage["cycles"]] == [134, 0]
    assert client.get("/health").json()["status"] == "ok"


def test_handoff_by_customer_lands_in_the_agents_queue(client, maria, ana):
    r = client.post("/handoffs", headers={**maria, **key()},
                    json={"conversation_id": "conv-9", "reason": "asked for a person", "summary": "billing question"})
    assert r.status_code == 201 and r.json()["status"] == "waiting"
    queue = client.get("/handoffs?status=waiting", headers=ana).json()
    assert [(h["conversation_id"], h["account_number"]) for h in queue] == [("conv-9", "QC-1001")]


def test_general_recommendations_need_no_token_but_an_account_does(client, maria):
    r = client.post("/recommendations", json={"countries": ["Spain", "France"], "monthly_minutes": 200})
    assert r.status_code == 200
    assert (r.json()["options"][0]["plan"]["code"], r.json()["current_plan"]) == ("europe_saver", None)
    body = {"countries": ["IN"], "monthly_minutes": 100, "account_number": "QC-1001"}
    assert client.post("/recommendations", json=body).status_code == 401
    assert client.post("/recommendations", json=body, headers=maria).json()["current_plan"]["code"] == "europe_saver"
    assert client.post("/recommendations", json={**body, "account_number": "QC-1002"}, headers=maria).status_code == 403
    r = client.post("/recommendations", json={"countries": ["Atlantis"], "monthly_minutes": 10})
    assert (r.status_code, r.json()["error"]["code"]) == (404, "unknown_country")


def test_a_visitor_without_login_can_ask_for_a_person_but_not_about_an_account(client, ana):
    r = client.post("/handoffs", headers={**key(), "X-Channel": "chat"},
                    json={"conversation_id": "visitor-1", "reason": "wants a person", "summary": "faq"})
    assert r.status_code == 201 and r.json()["account_number"] is None
    assert ("visitor-1", None) in [(h["conversation_id"], h["account_number"])
                                   for h in client.get("/handoffs?status=waiting", headers=ana).json()]
    r = client.post("/handoffs", headers=key(), json={"conversation_id": "visitor-2", "account_number": "QC-1001",
                                                      "reason": "r", "summary": "s"})
    assert (r.status_code, r.json()["error"]["code"]) == (401, "unauthorized")
