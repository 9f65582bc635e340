"""Two Rasa servers and two action servers sharing one PostgreSQL tracker store and one Redis lock
store (deploy/endpoints.postgres.yml), behind nginx (deploy/nginx/nginx.conf.template), with the
services on PostgreSQL: the deployment of README "Scaling out", on loopback.

Conversations run at the same time; each one's messages go in turn to Rasa 1, nginx, Rasa 2,
nginx, ... Checks: every message gets its reply, the tracker in PostgreSQL holds each conversation's
messages and replies in the order they were exchanged, and every change is applied exactly once.

PostgreSQL, Redis and nginx come from Debian's packages (installed with apt-get when missing and
running as root). Without them the test is skipped, unless QC_REQUIRE_SCALEOUT=1 (CI), where it fails.
"""
import asyncio
import json
import os
import socket
import tempfile
import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import aiohttp
import pytest

from bench.conversations import CHANGES, SCRIPT, account, post_args, run_load
from bench.stack import AGENT, ENDPOINTS_POSTGRES, MODEL, Stack, Unavailable, ensure_debian_packages, free_port
from bot.lock_store import AtomicRedisLockStore

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
