"""The activation worker, the seed command and the migrations, on a real database."""
from datetime import timedelta

import jwt
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from quickconnect import config
from quickconnect.adapters import orm
from quickconnect.clock import FixedClock
from quickconnect.entrypoints import cli
from quickconnect.entrypoints.worker import activate_once
from quickconnect.service_layer.seed import seed

from ..conftest import NOW
from .conftest import key


def test_activation_makes_due_services_live_and_notifies(client, services, maria, ana):
    client.post("/customers/QC-1001/subscriptions", headers={**maria, **key()},
                json={"service": "hotspot boost", "tier": "30gb"})
    assert activate_once(services) == []                                 # due in an hour
    services.clock = FixedClock(NOW + timedelta(hours=1))
    activated = activate_once(services)
    assert [a["message"] for a in activated] == ["Your Hotspot Boost (30 GB) is now live."]
    notes = client.get("/customers/QC-1001/notifications", headers=maria).json()
    assert [(n["kind"], n["message"]) for n in notes] == [("service_live", "Your Hotspot Boost (30 GB) is now live.")]
    subs = {s["service"]["code"]: s for s in client.get("/customers/QC-1001/subscriptions", headers=maria).json()}
    assert subs["hotspot_boost"]["status"] == "active"
    assert subs["hotspot_boost"]["activated_at"] == "2026-11-21T13:00:00Z"
    audit = client.get("/audit?account=QC-1001", headers=ana).json()
    assert (audit[-1]["actor"], audit[-1]["role"], audit[-1]["action"]) == ("system", "system", "activate_service")
    assert activate_once(services) == []                                 # nothing twice


def _row_counts(services) -> dict:
    with services.session_factory() as session:
        return {t.__tablename__: session.scalar(select(func.count()).select_from(t))
                for t in orm.Base.__subclasses__()}


def test_seed_is_idempotent(services):
    before = _row_counts(services)
    lines = []
    assert seed(services.uow(), config.SEED_DIR, services.clock, say=lines.append) is False
    assert _row_counts(services) == before
    assert lines[-1] == "seed: nothing to change, the database already holds this data"
    assert before["customers"] == 3 and before["services"] == 7 and before["plans"] == 5


def test_pins_are_stored_hashed(services):
    with services.session_factory() as session:
        hashes = session.scalars(select(orm.CustomerRow.pin_hash)).all()
    assert all(h.startswith("pbkdf2_sha256$") and "1234" not in h for h in hashes)


def test_migrations_match_the_models(services):
    with services.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), orm.Base.metadata)
    assert diff == []


def test_cli_migrate_seed_twice_and_token(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("QC_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("QC_JWT_SECRET", "cli-test-secret-cli-test-secret-cli")
    monkeypatch.setenv("QC_TODAY", "2026-11-21")
    assert cli.main(["migrate"]) == 0
    assert cli.main(["seed"]) == 0
    first = capsys.readouterr().out
    assert "customer QC-1001 (Maria Lopez): created" in first
    assert cli.main(["seed"]) == 0
    assert "nothing to change" in capsys.readouterr().out
    assert cli.main(["token", "--agent", "agent-ana"]) == 0
    claims = jwt.decode(capsys.readouterr().out.strip(), "cli-test-secret-cli-test-secret-cli", algorithms=["HS256"])
    assert (claims["sub"], claims["role"]) == ("agent-ana", "agent")
    assert cli.main(["token", "--customer", "QC-4040"]) == 1
    assert cli.main(["activate-due"]) == 0


def test_serve_refuses_an_unmigrated_database(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("QC_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    assert cli.main(["serve"]) == 1
    assert "qc-services migrate" in capsys.readouterr().err
