"""Unit of work: one transaction per use case; rolls back unless commit() was called.

Conflicts the database detects (a stale version, a unique index hit by a concurrent insert,
SQLite's busy lock) surface as the domain's ConcurrentChange.
"""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from ..adapters.repository import SqlAlchemyRepository
from ..domain.errors import ConcurrentChange


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
    except OperationalError as err:
        if "locked" not in str(err).lower():
            raise
        session.rollback()
        raise ConcurrentChange("The database was busy with another change; nothing was changed. "
                               "Please try again.") from err


class SqlAlchemyUnitOfWork(AbstractUnitOfWork):
    def __init__(self, session_factory):
        super().__init__()
        self.session_factory = session_factory

    def __enter__(self):
        self.session = self.session_factory()
        self.repo = SqlAlchemyRepository(self.session)
        return super().__enter__()

    def __exit__(self, *exc):
        try:
            super().__exit__(*exc)
        finally:
            self.session.close()

    def flush(self) -> None:
        with _conflicts_as_domain_errors(self.session):
            self.session.flush()

    def _commit(self) -> None:
        with _conflicts_as_domain_errors(self.session):
            self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
