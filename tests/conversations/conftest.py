"""Blind end-to-end conversations, written from the product description, the knowledge base and the
services' API only. Every conversation runs on a customer account of its own, seeded fresh with the
services' own seeding code; assertions read the services' final state through their HTTP API and
check facts (amounts, names) in the replies, never the assistant's wording.

The stack (services, action server, Rasa with the trained model) is the one of
tests/assistant/integration/conftest.py; the services' today is pinned to 2026-11-21 (a Saturday).

Customer shapes (copies of the demo customers of services/quickconnect/seed/demo.yml):
  maria  cycle day 1  (cycle 2026-11-01..30, 30 days, 10 left), Europe Saver since 260 days,
         StreamMax TV Premium since 120 days (2026-07-24), Cloud Backup 200 GB since 700 days
  james  cycle day 15 (cycle 2026-11-15..12-14, 30 days, 24 left), Pay-Per-Minute since 400 days,
         Device Protection Standard since 60 days (2026-09-22), Visual Voicemail since 300 days
  priya  cycle day 28 (cycle 2026-10-28..11-27, 31 days, 7 left), World Unlimited since 90 days,
         Hotspot Boost 30 GB since 200 days, Caller ID Plus Spam Shield pending since today
"""
import copy
import itertools
import json
import re
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import pytest
import requests

from tests.assistant.integration.conftest import ROOT, Chat, Stack, agent_token, stack  # noqa: F401 (fixtures)

SERVICES_PYTHON = ROOT / ".venv" / "services" / "bin" / "python"
SEED_SCRIPT = Path(__file__).with_name("seed_customer.py")
PIN = "7777"
TODAY = "2026-11-21"

SHAPES: Dict[str, dict] = {
    "maria": {
        "billing_cycle_day": 1, "uses_online_account": True,
        "plan": {"code": "europe_saver", "since_days_ago": 260},
        "subscriptions": [
            {"service": "streammax_tv", "tier": "premium", "status": "active", "started_days_ago": 120},
            {"service": "cloud_backup", "tier": "200gb", "status": "active", "started_days_ago": 700}],
        "usage": [["GB", 42, 3], ["ES", 65, 8], ["DE", 18, 12], ["IN", 9, 5]]},
    "james": {
        "billing_cycle_day": 15, "uses_online_account": False,
        "plan": {"code": "pay_per_minute", "since_days_ago": 400},
        "subscriptions": [
            {"service": "device_protection", "tier": "standard", "status": "active", "started_days_ago": 60},
            {"service": "visual_voicemail", "tier": "standard", "status": "active", "started_days_ago": 300}],
        "usage": [["NG", 120, 2], ["GB", 30, 4], ["US", 15, 6]]},
    "priya": {
        "billing_cycle_day": 28, "uses_online_account": True,
        "plan": {"code": "world_unlimited", "since_days_ago": 90},
        "subscriptions": [
            {"service": "hotspot_boost", "tier": "30gb", "status": "active", "started_days_ago": 200},
            {"service": "caller_id_plus", "tier": "spam_shield", "status": "pending_activation", "started_days_ago": 0}],
        "usage": [["IN", 310, 1], ["AU", 75, 3], ["SG", 40, 9]]},
}

_numbers = itertools.count(7001)
TRANSCRIPTS: List[Tuple[str, List[Tuple[str, str]]]] = []   # (test id, [(user text, reply)]) for later tallies
ACTIVE: Dict[str, list] = {}   # test id -> its conversations while it runs


class Account:
    def __init__(self, stack: Stack, number: str, shape: str):
        self.stack, self.number, self.shape = stack, number, shape
        self.token = stack.token(account_number=number, pin=PIN)

    def __repr__(self) -> str:
        return f"Account({self.number}, {self.shape})"


def seed_customers(stack: Stack, customers: List[dict]) -> None:
    subprocess.run([str(SERVICES_PYTHON), str(SEED_SCRIPT)], input=json.dumps(customers), text=True,
                   env=stack.env, cwd=ROOT, check=True, capture_output=True, timeout=120)


def make_account(stack: Stack, shape: str = "maria", add_subscriptions: Optional[List[dict]] = None,
                 subscriptions: Optional[List[dict]] = None, plan: Optional[dict] = None) -> Account:
    """Seed a fresh customer shaped like a demo customer (extra or other subscriptions, another plan)."""
    number = f"QC-{next(_numbers)}"
    customer = copy.deepcopy(SHAPES[shape])
    customer.update(account_number=number, name=f"Test Customer {number[3:]}", pin=PIN)
    if subscriptions is not None:
        customer["subscriptions"] = subscriptions
    customer["subscriptions"] += add_subscriptions or []
    if plan is not None:
        customer["plan"] = plan
    seed_customers(stack, [customer])
    return Account(stack, number, shape)


@pytest.fixture
def new_account(stack):
    """new_account("maria", add_subscriptions=[...]) -> a fresh Account of its own."""
    def make(shape: str = "maria", **kwargs) -> Account:
        return make_account(stack, shape, **kwargs)
    return make


class Services:
    """The services' state, read over HTTP with an agent's token (agents see every account)."""

    def __init__(self, stack: Stack, agent: str):
        self.stack, self.agent = stack, agent

    def get(self, path: str, **params):
        resp = requests.get(f"{self.stack.services_url}{path}", params=params,
                            headers={"Authorization": f"Bearer {self.agent}"}, timeout=10)
        resp.raise_for_status()
        return resp.json()

    def subscriptions(self, acct: str) -> List[dict]:
        return self.get(f"/customers/{acct}/subscriptions")

    def live(self, acct: str, service: str) -> Optional[dict]:
        """The subscription to a service that is not cancelled (pending or active), or None."""
        rows = [s for s in self.subscriptions(acct) if s["service"]["code"] == service and s["status"] != "cancelled"]
        assert len(rows) <= 1, rows
        return rows[0] if rows else None

    def plan(self, acct: str) -> dict:
        return self.get(f"/customers/{acct}/plan")

    def billing(self, acct: str) -> List[dict]:
        return self.get(f"/customers/{acct}/billing")

    def audit(self, acct: str) -> List[dict]:
        return self.get("/audit", account=acct)

    def follow_ups(self, acct: str) -> List[dict]:
        return self.get(f"/customers/{acct}/follow-ups")

    def handoffs(self) -> List[dict]:
        return self.get("/handoffs")

    def snapshot(self, acct: str) -> dict:
        """Everything a conversation could change on an account."""
        return {"subscriptions": self.subscriptions(acct), "plan": self.plan(acct)["history"],
                "billing": self.billing(acct), "follow_ups": self.follow_ups(acct), "audit": self.audit(acct)}


@pytest.fixture
def services(stack, agent_token) -> Services:
    return Services(stack, agent_token)


def reply_text(messages: List[dict]) -> str:
    """A reply as one string: the texts and the titles of any buttons."""
    parts = []
    for m in messages:
        if m.get("text"):
            parts.append(m["text"])
        for b in m.get("buttons") or []:
            parts.append(str(b.get("title", "")))
    return "\n".join(parts)


class Conversation:
    """One chat; every message goes through say(), which records (user text, reply)."""

    def __init__(self, stack: Stack, services: Services, token: str = "", accounts: Tuple[str, ...] = ()):
        self.stack, self.services = stack, services
        self.chat = Chat(stack, token)
        self.turns: List[Tuple[str, str]] = []
        # what was on each account before the conversation began
        self._billing_ids = {a: {e["id"] for e in services.billing(a)} for a in accounts}
        self._audit_ids = {a: {e["id"] for e in services.audit(a)} for a in accounts}

    @property
    def sender(self) -> str:
        return self.chat.sender

    def say(self, text: str) -> str:
        resp = self.chat.post(text)
        resp.raise_for_status()
        reply = reply_text(resp.json())
        self.turns.append((text, reply))
        return reply

    def new_billing(self, acct: str) -> List[dict]:
        return [e for e in self.services.billing(acct) if e["id"] not in self._billing_ids[acct]]

    def new_audit(self, acct: str) -> List[dict]:
        return [e for e in self.services.audit(acct) if e["id"] not in self._audit_ids[acct]
                and e["action"] not in ("take_handoff", "close_handoff")]

    def net_billing(self, acct: str) -> Decimal:
        return sum((Decimal(e["amount"]) for e in self.new_billing(acct)), Decimal("0.00"))

    def handoffs(self, acct: Optional[str] = None) -> List[dict]:
        return [h for h in self.services.handoffs()
                if h["conversation_id"] == self.sender or (acct is not None and h["account_number"] == acct)]


@pytest.fixture
def conversation(request, stack, services):
    """conversation(token, accounts...) starts a chat; accounts are those whose changes it measures."""
    made: List[Conversation] = []
    ACTIVE[request.node.nodeid] = made

    def start(token: str = "", *accounts: str) -> Conversation:
        c = Conversation(stack, services, token, accounts)
        made.append(c)
        return c
    yield start
    ACTIVE.pop(request.node.nodeid, None)
    for c in made:
        TRANSCRIPTS.append((request.node.nodeid, c.turns))


@pytest.fixture
def customer_chat(new_account, conversation):
    """customer_chat("maria") -> (account, conversation) for a fresh signed-in customer."""
    def start(shape: str = "maria", **kwargs):
        account = new_account(shape, **kwargs)
        return account, conversation(account.token, account.number)
    return start


@pytest.fixture
def agent_chat(agent_token, conversation):
    """agent_chat(account, ...) -> a conversation in the agent widget (agent-ana)."""
    def start(*accounts: str):
        return conversation(agent_token, *accounts)
    return start


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed conversation shows its transcript in the report."""
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        lines = [f"USER: {user}\nBOT:  {bot}" for c in ACTIVE.get(item.nodeid, []) for user, bot in c.turns]
        if lines:
            report.sections.append(("conversation", "\n".join(lines)))


# --- facts in replies --------------------------------------------------------------------------------

def money_in(amount: str, text: str) -> bool:
    """"$6.66" / "6.66" appears as an amount (not as part of a longer number)."""
    value = amount.lstrip("$")
    return re.search(rf"(?<![\d.]){re.escape(value)}(?![\d])", text) is not None


def assert_facts(text: str, *facts: str) -> None:
    """Each fact must appear in the text: a "$x.yy" amount, or a case-insensitive regular expression."""
    for fact in facts:
        if fact.startswith("$"):
            assert money_in(fact, text), f"{fact} not in reply:\n{text}"
        else:
            assert re.search(fact, text, re.IGNORECASE), f"{fact!r} not in reply:\n{text}"


def amounts(entries: List[dict]) -> List[Tuple[str, Decimal]]:
    """Billing entries as sorted (kind, amount) pairs."""
    return sorted((e["kind"], Decimal(e["amount"])) for e in entries)


def D(value: str) -> Decimal:
    return Decimal(value)


def assert_audit(entries: List[dict], action: str, actor: str, role: str, channel: str) -> None:
    mine = [e for e in entries if e["action"] == action]
    assert len(mine) == 1, f"expected one {action} entry, got {entries}"
    e = mine[0]
    assert (e["actor"], e["role"], e["channel"]) == (actor, role, channel), e


def assert_unchanged(c: Conversation, acct: str, before: dict) -> None:
    """Nothing a conversation can change on the account has changed."""
    after = c.services.snapshot(acct)
    assert after["subscriptions"] == before["subscriptions"]
    assert after["plan"] == before["plan"]
    assert after["billing"] == before["billing"]
    assert after["follow_ups"] == before["follow_ups"]
    assert c.new_audit(acct) == []



MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def date_fact(iso: str) -> str:
    """A regular expression for a date written as 2026-12-01, 1 December (2026), December 1, 1 Dec, Dec 1st."""
    year, month, day = (int(x) for x in iso.split("-"))
    name = MONTHS[month - 1]
    short = name[:3]
    d = rf"{day}(st|nd|rd|th)?"
    return (rf"{iso}|\b{d}\s+(of\s+)?({name}|{short})\b|\b({name}|{short})\.?\s+{d}\b"
            rf"|\b0?{day}/0?{month}/{year}\b")


def write_as_customer(account: Account, path: str, body: dict, key: str) -> dict:
    """A change the customer made themselves on the website (not through the assistant)."""
    resp = requests.post(f"{account.stack.services_url}/customers/{account.number}{path}", json=body,
                         headers={"Authorization": f"Bearer {account.token}", "Idempotency-Key": key,
                                  "X-Channel": "web"}, timeout=10)
    resp.raise_for_status()
    return resp.json()
