"""Authorization through the chat: every account-touching request, from everyone who should not
reach account QC-1003, leaves QC-1003 unread and unchanged. The agent, who may, is the control."""
import time

import jwt
import pytest
import requests

from tests.assistant.integration.conftest import Chat, customer_token
from tests.reliability.tally import tally

VICTIM = "QC-1003"   # Priya: World Unlimited, Hotspot Boost 30GB, Caller ID Plus pending
REQUESTS = [
    "show the plan on QC-1003",
    "what services does QC-1003 have",
    "show usage for QC-1003",
    "cancel hotspot boost on QC-1003",
    "add family locator to account QC-1003",
    "upgrade hotspot boost to 50gb on QC-1003",
    "switch QC-1003 to the europe saver plan",
    "book a follow up call for QC-1003 tomorrow at 10am",
]
PRIVATE = ["World Unlimited", "30GB", "30 GB", "Priya"]


def minted(stack, sub, role="customer", secret=None, ttl=600):
    now = int(time.time())
    return jwt.encode({"sub": sub, "role": role, "name": "x", "iat": now, "exp": now + ttl},
                      secret or stack.env["QC_JWT_SECRET"], algorithm="HS256")


def victim_state(stack, agent_token):
    return {path: stack.get(f"/customers/{VICTIM}{path}", agent_token)
            for path in ("/subscriptions", "/plan", "/billing", "/follow-ups")}


def callers(stack):
    return {
        "another customer (QC-1001)": customer_token(stack, "QC-1001"),
        "anonymous": "",
        "expired token": minted(stack, VICTIM, ttl=-60),
        "forged signature": minted(stack, VICTIM, secret="forged-secret-forged-secret-forged-0123"),
        "token for an account that does not exist": minted(stack, "QC-9999"),
        "token for an agent that does not exist": minted(stack, "agent-gone", role="agent"),
    }


@pytest.mark.parametrize("caller", ["another customer (QC-1001)", "anonymous", "expired token", "forged signature",
                                    "token for an account that does not exist",
                                    "token for an agent that does not exist"])
def test_nobody_but_the_owner_and_agents_reaches_an_account_through_the_chat(stack, agent_token, caller):
    before = victim_state(stack, agent_token)
    audit_before = len(stack.get(f"/audit?account={VICTIM}", agent_token))
    token = callers(stack)[caller]
    for text in REQUESTS:
        chat = Chat(stack, token)
        resp = chat.post(text)
        if resp.status_code == 401:           # refused at the channel: nothing reached the assistant
            assert caller in ("expired token", "forged signature")
            continue
        assert resp.status_code == 200
        replies = [m.get("text") or "" for m in resp.json()]
        for _ in range(2):                    # and say yes to whatever was offered
            r = chat.post("yes")
            replies += [m.get("text") or "" for m in r.json()] if r.ok else []
        leaked = [p for p in PRIVATE if any(p in reply for reply in replies)]
        assert not leaked, (caller, text, replies)
    assert victim_state(stack, agent_token) == before
    assert len(stack.get(f"/audit?account={VICTIM}", agent_token)) == audit_before
    tally("chat authorization cases refused (caller x account request)", len(REQUESTS))


def test_the_agent_control_case_does_reach_the_account(stack, agent_token):
    reply = Chat(stack, agent_token).say("show the plan on QC-1003")
    assert "World Unlimited" in reply
    tally("chat authorization cases allowed (agent)")


def test_the_history_of_a_conversation_is_its_owners_only(stack):
    owner = customer_token(stack, "QC-1003")
    chat = Chat(stack, owner)
    chat.say("show my plan")
    url = f"{stack.rasa_url}/webhooks/quickconnect/history"
    for token, status in ((owner, 200), (customer_token(stack, "QC-1002"), 403), ("", 403),
                          (minted(stack, VICTIM, ttl=-60), 401)):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        assert requests.get(url, params={"sender": chat.sender}, headers=headers, timeout=30).status_code == status
    tally("history authorization cases", 4)
