"""Engines and sessions for SQLite files and PostgreSQL, from one URL.

Every wait on the database is bounded (connect, pooled connection, lock, statement), so a locked
or vanished database turns into an error the API answers with 503, never a hung request.
"""
from __future__ import annotations

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import sessionmaker

# Errors that mean "cannot reach or use the database right now", not "this request is wrong":
# connection refused or lost, a lock held past the busy/lock timeout, a statement past its timeout,
# no free pooled connection in time. The unit of work reports them as Unavailable (503).
UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeout)


def make_engine(url: str, connect_timeout: float = 3.0, busy_timeout: float = 3.0,
                statement_timeout: float = 5.0) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, pool_timeout=connect_timeout,
                               connect_args={"check_same_thread": False, "timeout": busy_timeout})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")   # readers do not block the writer
            cursor.close()

        return engine
    options = f"-c statement_timeout={int(statement_timeout * 1000)} -c lock_timeout={int(busy_timeout * 1000)}"
    # libpq takes whole seconds (and treats anything below 2 as 2).
    return create_engine(url, pool_pre_ping=True, pool_timeout=connect_timeout,
                         connect_args={"connect_timeout": max(1, round(connect_timeout)), "options": options})


def make_session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(bind=engine, expire_on_commit=False)
