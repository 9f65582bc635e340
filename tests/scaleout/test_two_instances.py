"""Two Rasa servers and two action servers sharing one PostgreSQL tracker store and one Redis lock
store (deploy/endpoints.postgres.yml), behind nginx (deploy/nginx/nginx.conf.template), with the
services on PostgreSQL: the deployment of README "Scaling out", on loopback.

Conversations run at the same time; each one's messages go in turn to Rasa 1, nginx, Rasa 2,
nginx, ... Checks: every message gets its reply, the tracker in PostgreSQL holds each conversation's
messages and replies in the order they were exchanged, and every change is applied exactly once.
Last, no secret at rest: no token, typed PIN or card number in any table of either PostgreSQL
database or in any log, and the migration scrubs a conversation stored the old way.

PostgreSQL, Redis and nginx come from Debian's packages (installed with apt-get when missing and
running as root). Without them the test is skipped, unless QC_REQUIRE_SCALEOUT=1 (CI), where it fails.
"""
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import aiohttp
import pytest

from bench.conversations import CHANGES, SCRIPT, account, post_args, run_load
import requests

from bench.stack import AGENT, ENDPOINTS_POSTGRES, MODEL, ROOT, Stack, Unavailable, ensure_debian_packages, free_port
from bot.lock_store import AtomicRedisLockStore
from tests.reliability.secrets_scan import NEVER_NEEDED, findings, patterns

CONVERSATIONS = 6
PIN = "0000"
REQUIRED = os.environ.get("QC_REQUIRE_SCALEOUT") == "1"


class RedisMonitor(threading.Thread):
    """Every command the Redis server runs (MONITOR), to see the lock store's keys."""

    def __init__(self, port: int):
        super().__init__(daemon=True)
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.sendall(b"MONITOR\r\n")
        self.seen = bytearray()

    def run(self) -> None:
        try:
            while chunk := self.sock.recv(65536):
                self.seen += chunk
        except OSError:
            pass

    def stop(self) -> str:
        self.sock.close()
        self.join(timeout=5)
        return self.seen.decode(errors="replace")


@pytest.fixture(scope="module")
def cluster():
    try:
        ensure_debian_packages("postgres", "redis", "nginx")
    except Unavailable as exc:
        if REQUIRED:
            pytest.fail(f"QC_REQUIRE_SCALEOUT=1 but the scale-out test cannot run: {exc}")
        pytest.skip(f"scale-out test skipped: {exc}")
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run scripts/train.sh (scripts/test.sh does)")
    keep = os.environ.get("QC_SCALEOUT_KEEP_LOGS")   # a directory: keep the processes' logs there
    with tempfile.TemporaryDirectory(prefix="qc-scaleout-") as tmp:
        stack = Stack(Path(keep or tmp))
        try:
            stack.postgres()
            stack.redis()
            stack.services(database_url=stack.pg_url("quickconnect"), bench_customers=CONVERSATIONS)
            action_ports = stack.action_servers(2)
            rasa_ports = [free_port(), free_port()]
            stack.nginx(rasa_ports, action_ports)
            stack.rasa_servers(2, ENDPOINTS_POSTGRES, ports=rasa_ports,
                               extra_env=stack.postgres_env(f"{stack.nginx_actions_url}/webhook"),
                               first_ready=stack.rasa_tables_exist)
            yield stack
        finally:
            stack.down()


def tracker_events(stack: Stack, sender: str) -> list:
    rows = stack.pg_query("rasa_tracker", "select type_name, action_name, data from events "
                                          "where sender_id = %s order by id", (sender,))
    return [(kind, action, json.loads(data)) for kind, action, data in rows]


def exchanges(events: list) -> list:
    """[(user text, [bot texts])] in tracker order; asserts each turn ends listening before the next."""
    turns, listening = [], True
    for kind, action, data in events:
        if kind == "user":
            assert listening, f"a user message was taken before the previous one was answered: {data.get('text')!r}"
            turns.append((data.get("text"), []))
            listening = False
        elif kind == "bot" and turns:
            turns[-1][1].append(data.get("text") or "")
        elif kind == "action" and action == "action_listen" and turns:
            listening = True
    return turns


def test_conversations_alternating_between_two_rasa_servers_and_nginx(cluster):
    urls = [cluster.rasa_urls[0], cluster.nginx_url, cluster.rasa_urls[1], cluster.nginx_url]
    tokens = [cluster.token(account_number=account(i), pin=PIN) for i in range(1, CONVERSATIONS + 1)]
    monitor = RedisMonitor(cluster.redis_port)
    monitor.start()
    result = run_load(urls, tokens, timeout=300, label="scaleout")
    commands = monitor.stop()

    # No message lost: each of the 10 x 6 messages got a non-empty reply, and the one expected.
    records = result["records"]
    assert len(records) == CONVERSATIONS * len(SCRIPT)
    assert result["errors"] == 0, (result["error_kinds"], [(r["url"], r["step"], r["status"]) for r in records if r["error"]][:8])
    assert result["unexpected_replies"] == 0, result["unexpected_examples"]
    assert {r["url"] for r in records} == set(urls)

    # In order: the PostgreSQL tracker holds each conversation's messages as sent, each followed by
    # exactly the reply that was returned for it.
    for sender in result["senders"]:
        turns = exchanges(tracker_events(cluster, sender))
        replies = [r["reply"] for r in sorted((r for r in records if r["sender"] == sender), key=lambda r: r["step"])]
        assert [t[0] for t in turns] == [text for text, _ in SCRIPT]
        assert ["\n".join(t[1]) for t in turns] == replies

    # Exactly once: each customer's add, cancel and plan change appear once in the audit log.
    agent = cluster.token(**AGENT)
    for i in range(1, CONVERSATIONS + 1):
        audit = Counter(a["action"] for a in cluster.get(f"/audit?account={account(i)}", agent))
        assert {c: audit[c] for c in CHANGES} == {c: 1 for c in CHANGES}, account(i)
        subs = {s["service"]["name"]: s["status"] for s in cluster.get(f"/customers/{account(i)}/subscriptions", agent)}
        assert subs["StreamMax TV"] == "cancelled" and subs["Hotspot Boost"] in ("pending_activation", "active")
        assert cluster.get(f"/customers/{account(i)}/plan", agent)["plan"]["name"] == "World Unlimited"

    # The conversations were locked in the shared Redis, under the configured key prefix.
    assert any(f'"quickconnect:lock:{s}"' in commands for s in result["senders"]), commands[-2000:]


async def _same_moment(urls, sender, texts):
    async with aiohttp.ClientSession() as session:
        async def send(url, text):
            async with session.post(**post_args(url, "quickconnect", sender, text, None),
                                    timeout=aiohttp.ClientTimeout(total=300)) as resp:
                assert resp.status == 200
                return "\n".join(m.get("text", "") for m in await resp.json())
        return await asyncio.gather(*(send(u, t) for u, t in zip(urls, texts)))


def test_two_messages_of_one_conversation_at_the_same_moment_on_both_servers_are_serialised(cluster):
    # Without the shared lock store both servers would read the same tracker and write over each
    # other; with Rasa's own RedisLockStore both could take ticket 0 (bot/lock_store.py).
    texts = ["whats the phone number for support", "how long does it take for a new service to get activated"]
    for n in range(3):
        sender = f"scaleout-race-{n}-{uuid.uuid4().hex[:12]}"
        replies = asyncio.run(_same_moment(cluster.rasa_urls, sender, texts))
        assert "1-800-123-4567" in replies[0] and "24 hours" in replies[1]
        turns = exchanges(tracker_events(cluster, sender))
        assert sorted(t[0] for t in turns) == sorted(texts)          # both kept, neither twice
        by_text = dict(zip(texts, replies))
        assert all("\n".join(bot) == by_text[user] for user, bot in turns)


def test_lock_tickets_taken_at_once_by_many_servers_are_all_different(cluster):
    """The lock store alone, hammered by 8 threads (as 8 servers would) for one conversation."""
    stores = [AtomicRedisLockStore(host="127.0.0.1", port=cluster.redis_port, db=1, key_prefix="quickconnect")
              for _ in range(8)]
    conversation = f"lock-race-{uuid.uuid4().hex[:12]}"
    barrier = threading.Barrier(len(stores))

    def take_tickets(store):
        barrier.wait()
        return [store.issue_ticket(conversation) for _ in range(25)]

    with ThreadPoolExecutor(len(stores)) as pool:
        tickets = [t for batch in pool.map(take_tickets, stores) for t in batch]
    assert sorted(tickets) == list(range(len(stores) * 25))        # none handed out twice

    lock = stores[0].get_lock(conversation)
    assert lock.now_serving == 0 and lock.is_locked(1)              # one at a time, in ticket order
    with ThreadPoolExecutor(len(stores)) as pool:
        list(pool.map(lambda t: stores[t % len(stores)].cleanup(conversation, t), tickets))
    assert stores[0].get_lock(conversation) is None                  # the last one out deleted it


def every_value(stack: Stack, db: str) -> dict:
    """{"<db>: <table>": [every value as text]} for every table of a PostgreSQL database."""
    tables = [t for (t,) in stack.pg_query(db, "select table_name from information_schema.tables "
                                               "where table_schema = 'public' and table_type = 'BASE TABLE'")]
    return {f"{db}: {t}": [str(v) for row in stack.pg_query(db, f'select * from "{t}"') for v in row if v is not None]
            for t in tables}


def scrub(stack: Stack) -> str:
    run = subprocess.run([sys.executable, "-m", "bot.scrub_tracker_store", "--url",
                          stack.pg_url("rasa_tracker", driver="postgresql")],
                         cwd=ROOT, env=stack.env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout


def test_no_token_or_typed_secret_in_postgresql_or_the_logs_and_the_migration_scrubs_old_rows(cluster):
    pin, agent_pin, cards = "8264", "5173", ["4539 1488 0343 6467", "5425-2334-3010-9903"]
    customer, agent = cluster.token(account_number=account(1), pin=PIN), cluster.token(**AGENT)
    sender = f"scaleout-secrets-{uuid.uuid4().hex[:12]}"

    def say(url, text, token, **extra):
        resp = requests.post(f"{url}/webhooks/quickconnect/webhook", headers={"Authorization": f"Bearer {token}"},
                             json={"sender": sender if token == customer else sender + "-agent", "message": text,
                                   **extra}, timeout=300)
        assert resp.status_code == 200
        return "\n".join(m.get("text") or "" for m in resp.json())

    # One conversation across both servers: secrets, a form left, and a question only the token answers.
    assert NEVER_NEEDED in say(cluster.rasa_urls[0], f"my pin is {pin}", customer)
    assert "Which service would you like to cancel" in say(cluster.rasa_urls[1], "i need to cancel one of my add ons", customer)
    assert NEVER_NEEDED in say(cluster.nginx_url, f"my card is {cards[0]}", customer)
    assert "Nothing was changed" in say(cluster.rasa_urls[0], "stop", customer)
    assert "Hotspot Boost" in say(cluster.rasa_urls[1], "what services do i have", customer)
    assert NEVER_NEEDED in say(cluster.rasa_urls[0], f"the customer says their pin is {agent_pin}, card {cards[1]}",
                               agent, account=account(2))
    history = requests.get(f"{cluster.rasa_urls[1]}/webhooks/quickconnect/history", params={"sender": sender},
                           headers={"Authorization": f"Bearer {customer}"}, timeout=60)
    assert history.status_code == 200 and "my pin is ****" in history.text   # the owner, after a reload

    # A conversation stored before the change (token in the metadata, the PIN in the text), then scrubbed.
    old = dict(json.loads(cluster.pg_query("rasa_tracker", "select data from events where sender_id = %s and "
                                                          "type_name = 'user' order by id limit 1", (sender,))[0][0]))
    old.update(text=f"my pin is {pin}", metadata={"token": customer})
    cluster.pg_query("rasa_tracker", "insert into events (sender_id, type_name, timestamp, data) "
                                     "values (%s, 'user', %s, %s) returning id", (sender + "-old", old["timestamp"], json.dumps(old)))
    first = scrub(cluster)
    assert "credentials removed: 1" in first and "PINs and passwords masked: 1" in first, first
    assert first.startswith("changed 1 of") and scrub(cluster).startswith("changed 0 of")

    places = {**every_value(cluster, "rasa_tracker"), **every_value(cluster, "quickconnect")}
    for log in cluster.workdir.glob("*.log"):
        places[f"log: {log.name}"] = log.read_text(errors="replace").splitlines()
    assert any("my pin is ****" in v for v in places["rasa_tracker: events"])   # not a vacuous scan
    found = findings(places, patterns([pin, agent_pin], [], cards, [customer, agent]))
    assert not found, found
