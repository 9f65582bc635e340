"""Unit of work: one transaction per use case; rolls back unless commit() was called.

Conflicts the database detects (a stale version, a unique index hit by a concurrent insert)
surface as the domain's ConcurrentChange; a database that cannot be reached or stays locked past
its timeout (adapters/db.py UNAVAILABLE) as Unavailable, wherever in the use case it happens.
"""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..adapters.db import UNAVAILABLE
from ..adapters.repository import SqlAlchemyRepository
from ..domain.errors import ConcurrentChange, Unavailable

# A connection lost during COMMIT leaves the outcome unknown, hence "retry with the same key".
UNAVAILABLE_MESSAGE = ("The database is busy or unreachable right now; please try again in a moment "
                       "(a retry with the same Idempotency-Key is safe).")


class AbstractUnitOfWork:
    repo = None

    def __init__(self):
        # Hooks run inside the transaction just before it commits, with the use case's result
        # (the HTTP layer stores the idempotency key there, atomically with the change).
        self.before_commit = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.rollback()

    def commit(self, outcome=None):
        for hook in self.before_commit:
            hook(self, outcome)
        self._commit()
        return outcome

    def flush(self) -> None:
        """Make pending rows visible (ids, bumped versions) without committing."""

    def _commit(self) -> None:
        raise NotImplementedError

    def rollback(self) -> None:
        raise NotImplementedError


@contextmanager
def _conflicts_as_domain_errors(session):
    try:
        yield
    except (StaleDataError, IntegrityError) as err:
        session.rollback()
        raise ConcurrentChange("Someone else changed this at the same moment; nothing was "
                               "changed by this request. Please check and try again.") from err
    except UNAVAILABLE as err:
        raise Unavailable(UNAVAILABLE_MESSAGE) from err


class SqlAlchemyUnitOfWork(AbstractUnitOfWork):
    def __init__(self, session_factory):
        super().__init__()
        self.session_factory = session_factory

    def __enter__(self):
        self.session = self.session_factory()
        self.repo = SqlAlchemyRepository(self.session)
        return super().__enter__()

    def __exit__(self, exc_type, exc, tb):
        try:
            super().__exit__(exc_type, exc, tb)
        except UNAVAILABLE as err:      # the rollback failed too: the connection is gone
            exc = exc or err
        finally:
            self.session.close()
        if isinstance(exc, UNAVAILABLE):   # raised by a query inside the use case
            raise Unavailable(UNAVAILABLE_MESSAGE) from exc

    def flush(self) -> None:
        with _conflicts_as_domain_errors(self.session):
            self.session.flush()

    def _commit(self) -> None:
        with _conflicts_as_domain_errors(self.session):
            self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
