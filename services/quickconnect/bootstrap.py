"""Wires settings, database, clock and unit of work once per process."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from . import config
from .adapters.db import make_engine, make_session_factory
from .clock import Clock
from .service_layer.unit_of_work import SqlAlchemyUnitOfWork


@dataclass
class Services:
    settings: config.Settings
    engine: Engine
    session_factory: sessionmaker
    clock: Clock

    def uow(self) -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(self.session_factory)


def bootstrap(settings: config.Settings | None = None, clock: Clock | None = None) -> Services:
    settings = settings or config.load()
    engine = make_engine(settings.database_url, settings.db_connect_timeout_seconds,
                         settings.db_busy_timeout_seconds, settings.db_statement_timeout_seconds)
    return Services(settings, engine, make_session_factory(engine), clock or Clock(settings.today))
