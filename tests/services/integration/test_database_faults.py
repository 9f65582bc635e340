"""A locked, unreachable or vanished database: the API answers a clear 503 `unavailable` at once
(every wait is bounded), writes nothing, and serves again without a restart once the fault clears.

Nothing here depends on timing: each lock is held until the test releases it and each outage lasts
until the test ends it; the short timeouts only make the refusals come quickly.
"""
import shutil
import sqlite3
from dataclasses import replace

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from quickconnect.adapters import orm
from quickconnect.bootstrap import bootstrap
from quickconnect.entrypoints.api import create_app

from ..tally import TRIED
from .conftest import NO_PG, PG_URL, bearer, key, settings_for
from .tcp_proxy import CuttableProxy

MARIA = bearer("QC-1001")
WRITES = [   # (path, body, status once the database is back)
    ("/customers/QC-1001/subscriptions/streammax_tv/cancel", None, 200),
    ("/customers/QC-1001/subscriptions", {"service": "hotspot_boost", "tier": "10gb"}, 201),
    ("/customers/QC-1001/plan/change", {"plan": "world_unlimited", "when": "now"}, 200),
    ("/customers/QC-1001/follow-ups", {"due_at": "2026-12-01T10:00:00Z", "channel": "call", "note": "hi"}, 201),
]
READS = ["/health", "/catalog/services", "/customers/QC-1001/subscriptions", "/customers/QC-1001/plan"]


def _client(url: str, clock, **timeouts) -> TestClient:
    services = bootstrap(replace(settings_for(url), **timeouts), clock)
    return TestClient(create_app(services), raise_server_exceptions=False)


def _rows(url: str) -> dict:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = {t.name: sorted(map(repr, conn.execute(select(t)))) for t in orm.Base.metadata.sorted_tables}
    engine.dispose()
    return rows


def _assert_unavailable(r, what: str) -> None:
    assert r.status_code == 503, (what, r.status_code, r.text)
    assert r.json()["error"]["code"] == "unavailable" and r.headers["Retry-After"] == "2", what


def _writes_refused_then_applied_once(client, url: str, keys: list[str], fault: str, release) -> None:
    before = _rows(url)
    for (path, body, _), k in zip(WRITES, keys):
        _assert_unavailable(client.post(path, headers={**MARIA, **key(k)}, json=body), path)
        TRIED[f"database faults: {fault}: writes answered 503, nothing written"] += 1
    assert _rows(url) == before
    release()
    for (path, body, status), k in zip(WRITES, keys):     # the same keys: nothing was stored
        r = client.post(path, headers={**MARIA, **key(k)}, json=body)
        assert (r.status_code, r.headers.get("Idempotent-Replayed")) == (status, None), (path, r.text)
    audit = client.get("/audit?account=QC-1001", headers=bearer("agent-ana", "agent")).json()
    assert len(audit) == len(WRITES)
    TRIED[f"database faults: {fault}: recovered without restart"] += 1


def _hold_write_locks(url: str):
    """Another writer holding the locks Maria's changes need, until close() is called."""
    if url.startswith("sqlite"):
        holder = sqlite3.connect(make_url(url).database, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")      # the one SQLite write lock
        return holder
    holder = psycopg.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False))
    holder.execute("SELECT 1 FROM customers WHERE account_number = 'QC-1001' FOR UPDATE")
    holder.execute("SELECT 1 FROM subscriptions WHERE customer_id = "
                   "(SELECT id FROM customers WHERE account_number = 'QC-1001') FOR UPDATE")
    return holder


def test_a_write_lock_held_past_the_timeout_gives_503_and_writes_nothing(database_url, clock):
    with _client(database_url, clock, db_busy_timeout_seconds=0.2) as client:
        holder = _hold_write_locks(database_url)
        try:
            for path in READS:     # readers are not blocked by a writer (WAL / MVCC)
                assert client.get(path, headers=MARIA).status_code == 200, path
            keys = [f"locked-{i}" for i in range(len(WRITES))]
            _writes_refused_then_applied_once(client, database_url, keys, "write lock held past the timeout",
                                              release=holder.close)
        finally:
            holder.close()


@pytest.mark.skipif(not PG_URL, reason=NO_PG)
def test_a_statement_past_its_timeout_gives_503(database_url, clock):
    if database_url.startswith("sqlite"):
        pytest.skip("statement_timeout is PostgreSQL's (SQLite's waits are bounded by the busy timeout)")
    with _client(database_url, clock, db_busy_timeout_seconds=600, db_statement_timeout_seconds=0.2) as client:
        holder = _hold_write_locks(database_url)
        try:
            keys = [f"slow-{i}" for i in range(len(WRITES))]
            _writes_refused_then_applied_once(client, database_url, keys, "statement past its timeout",
                                              release=holder.close)
        finally:
            holder.close()


def test_postgresql_stopped_then_back(database_url, clock):
    if database_url.startswith("sqlite"):
        pytest.skip("a server that stops is PostgreSQL's fault; SQLite's is below")
    real = make_url(database_url)
    proxy = CuttableProxy(real.host, real.port)
    proxy.restore()
    via_proxy = real.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    try:
        with _client(via_proxy, clock) as client:
            assert client.get("/customers/QC-1001", headers=MARIA).status_code == 200   # pooled connections
            proxy.cut()
            for path in READS:   # even the token check cannot sign anyone out while the database is away
                _assert_unavailable(client.get(path, headers=MARIA), path)
            _assert_unavailable(client.post("/auth/token", json={"account_number": "QC-1001", "pin": "1234"}),
                                "/auth/token")
            TRIED["database faults: PostgreSQL stopped: reads answered 503"] += len(READS) + 1
            keys = [f"gone-{i}" for i in range(len(WRITES))]
            _writes_refused_then_applied_once(client, database_url, keys, "PostgreSQL stopped",
                                              release=proxy.restore)
            assert client.get("/health").json() == {"status": "ok", "database": "postgresql"}
    finally:
        proxy.cut()


def test_an_unreachable_database_then_there(database_url, clock, tmp_path):
    if database_url.startswith("sqlite"):
        path = tmp_path / "not-yet" / "quickconnect.db"     # a directory that is not there (yet)
        url = f"sqlite:///{path}"

        def arrive():
            path.parent.mkdir()
            shutil.copy(make_url(database_url).database, path)
    else:
        proxy = CuttableProxy(make_url(database_url).host, make_url(database_url).port)   # not listening yet
        url = make_url(database_url).set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        arrive = proxy.restore
    with _client(url, clock) as client:
        for path_ in READS:
            _assert_unavailable(client.get(path_, headers=MARIA), path_)
        for path_, body, _ in WRITES:
            _assert_unavailable(client.post(path_, headers={**MARIA, **key()}, json=body), path_)
        TRIED["database faults: unreachable URL: requests answered 503"] += len(READS) + len(WRITES)
        arrive()
        for path_ in READS:
            assert client.get(path_, headers=MARIA).status_code == 200, path_
        TRIED["database faults: unreachable URL: recovered without restart"] += 1
    if not url.startswith("sqlite"):
        proxy.cut()


def test_every_wait_on_the_database_is_bounded(services):
    """The defaults (docs/API.md): 3 s to connect or get a pooled connection, 3 s for a lock,
    5 s for a statement."""
    assert services.engine.pool.timeout() == 3
    with services.engine.connect() as conn:
        if services.settings.dialect == "sqlite":
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 3000
        else:
            assert conn.execute(text("SHOW statement_timeout")).scalar() == "5s"
            assert conn.execute(text("SHOW lock_timeout")).scalar() == "3s"
            assert conn.connection.dbapi_connection.info.get_parameters()["connect_timeout"] == "3"
