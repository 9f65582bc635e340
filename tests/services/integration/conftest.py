"""A migrated, seeded database per test: a copied SQLite file, or a PostgreSQL database cloned
from a template (when QC_TEST_POSTGRES_URL is set). Migrations and seed run once per session."""
import os
import shutil
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from quickconnect import config
from quickconnect.adapters.migrate import upgrade
from quickconnect.bootstrap import bootstrap
from quickconnect.clock import FixedClock
from quickconnect.entrypoints.api import create_app
from quickconnect.entrypoints.auth import issue_token
from quickconnect.service_layer.seed import seed

from ..conftest import NOW

PG_URL = os.environ.get("QC_TEST_POSTGRES_URL")
SECRET = "test-secret-for-the-quickconnect-services"
NO_PG = "QC_TEST_POSTGRES_URL is not set: PostgreSQL tests skipped"
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(not PG_URL, reason=NO_PG))]


def settings_for(url: str) -> config.Settings:
    return config.Settings(database_url=url, jwt_secret=SECRET, token_ttl_seconds=3600, today=None,
                           host="127.0.0.1", port=0, activation_interval_seconds=60)


def migrate_and_seed(url: str) -> None:
    services = bootstrap(settings_for(url), FixedClock(NOW))
    upgrade(services.engine)
    seed(services.uow(), config.SEED_DIR, services.clock, say=lambda _line: None)
    services.engine.dispose()


def _admin():
    return create_engine(PG_URL, isolation_level="AUTOCOMMIT")


def _pg_url(name: str) -> str:
    return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("template") / "quickconnect.db"
    migrate_and_seed(f"sqlite:///{path}")
    return str(path)


@pytest.fixture(scope="session")
def pg_template():
    name = f"qc_template_{uuid.uuid4().hex[:8]}"
    admin = _admin()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    migrate_and_seed(_pg_url(name))
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    if request.param == "sqlite":
        path = tmp_path / "quickconnect.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    template = request.getfixturevalue("pg_template")
    name = f"qc_test_{uuid.uuid4().hex[:8]}"
    admin = _admin()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    yield _pg_url(name)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def services(database_url, clock):
    services = bootstrap(settings_for(database_url), clock)
    yield services
    services.engine.dispose()


@pytest.fixture
def client(services):
    with TestClient(create_app(services), raise_server_exceptions=False) as client:
        yield client


def bearer(subject: str, role: str = "customer", secret: str = SECRET, ttl: int = 3600) -> dict:
    return {"Authorization": f"Bearer {issue_token(secret, ttl, subject, role, subject)}"}


@pytest.fixture
def maria():
    return bearer("QC-1001")


@pytest.fixture
def ana():
    return bearer("agent-ana", "agent")


def key(name: str = "") -> dict:
    return {"Idempotency-Key": name or uuid.uuid4().hex}
