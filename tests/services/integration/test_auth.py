"""Who may do what: customers on their own account, agents anywhere, bad tokens nowhere."""
import time

import jwt
import pytest

from .conftest import SECRET, bearer, key


def test_token_endpoint_with_demo_credentials(client):
    r = client.post("/auth/token", json={"account_number": "QC-1001", "pin": "1234"})
    assert r.status_code == 200
    body = r.json()
    assert (body["role"], body["subject"], body["token_type"], body["expires_in"]) == ("customer", "QC-1001", "bearer", 3600)
    assert client.get("/customers/QC-1001", headers={"Authorization": f"Bearer {body['access_token']}"}).status_code == 200
    agent = client.post("/auth/token", json={"agent_id": "agent-ana", "password": "ana-demo-pass"}).json()
    assert (agent["role"], agent["name"]) == ("agent", "Ana Torres")


@pytest.mark.parametrize("body", [{"account_number": "QC-1001", "pin": "0000"},
                                  {"agent_id": "agent-ana", "password": "nope"},
                                  {"account_number": "QC-9999", "pin": "1234"}, {}])
def test_wrong_credentials_are_401(client, body):
    r = client.post("/auth/token", json=body)
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"


def _token(claims: dict, secret: str = SECRET) -> dict:
    return {"Authorization": "Bearer " + jwt.encode(claims, secret, algorithm="HS256")}


@pytest.mark.parametrize("headers", [
    {},                                                                        # no token
    bearer("QC-1001", ttl=-10),                                                # expired
    bearer("QC-1001", secret="forged-secret-forged-secret-forged-secret"),                                 # forged signature
    {"Authorization": "Bearer not-a-jwt"},
    _token({"sub": "QC-1001", "role": "admin", "iat": int(time.time()), "exp": int(time.time()) + 60}),
    _token({"sub": "QC-1001", "role": "customer"}),                            # no expiry
])
def test_bad_or_missing_tokens_are_401(client, headers):
    r = client.get("/customers/QC-1001/subscriptions", headers=headers)
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"


def test_customer_cannot_read_or_change_another_account(client, maria, ana):
    assert client.get("/customers/QC-1002/subscriptions", headers=maria).status_code == 403
    r = client.post("/customers/QC-1002/subscriptions/visual_voicemail/cancel", headers={**maria, **key()})
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    assert client.get("/audit", headers=ana).json() == []
    assert client.get("/customers/QC-1002/subscriptions", headers=ana).json()[0]["status"] == "active"


def test_agent_may_change_any_account_and_is_recorded_as_actor(client, ana):
    r = client.post("/customers/QC-1002/subscriptions/Visual Voicemail/cancel",
                    headers={**ana, **key(), "X-Channel": "agent_widget"})
    assert r.status_code == 200, r.text
    [row] = client.get("/audit?account=QC-1002", headers=ana).json()
    assert (row["actor"], row["role"], row["channel"], row["action"]) == ("agent-ana", "agent", "agent_widget", "cancel_service")
    assert row["before"]["status"] == "active" and row["after"]["status"] == "cancelled"


def test_agents_only_endpoints(client, maria, ana):
    assert client.get("/audit", headers=maria).status_code == 403
    assert client.get("/handoffs", headers=maria).status_code == 403
    assert client.get("/handoffs?status=waiting", headers=ana).status_code == 200
    assert client.get("/customers/QC-9999", headers=ana).json()["error"]["code"] == "unknown_account"
