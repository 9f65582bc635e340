"""The audit log is append-only in the database itself (migration 0003), on SQLite and PostgreSQL:
not only does the code never update or delete audit rows, the database refuses to."""
import pytest
from alembic import command
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from quickconnect.adapters import orm
from quickconnect.adapters.migrate import alembic_config, upgrade

from ..tally import TRIED
from .conftest import key


def _rows(services) -> list:
    with services.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(orm.AuditRow.__table__).order_by(orm.AuditRow.id))]


def _audited_change(client, maria) -> None:
    r = client.post("/customers/QC-1001/subscriptions/streammax_tv/cancel", headers={**maria, **key()})
    assert r.status_code == 200, r.text


def _attempts(services) -> list[str]:
    statements = ["UPDATE audit_log SET actor = 'someone-else'",
                  "UPDATE audit_log SET after = NULL WHERE id = (SELECT MIN(id) FROM audit_log)",
                  "DELETE FROM audit_log",
                  "DELETE FROM audit_log WHERE action = 'cancel_service'"]
    if services.settings.dialect == "postgresql":
        statements.append("TRUNCATE audit_log")
    return statements


def test_the_database_refuses_to_update_or_delete_audit_rows(client, services, maria):
    _audited_change(client, maria)
    before = _rows(services)
    assert len(before) == 1
    for statement in _attempts(services):
        with pytest.raises(DBAPIError, match="audit_log is append-only"):
            with services.engine.begin() as conn:
                conn.execute(text(statement))
        TRIED["audit log: UPDATE/DELETE/TRUNCATE refused by the database"] += 1
    assert _rows(services) == before
    # Appending still works: the next change is audited as usual.
    r = client.post("/customers/QC-1001/follow-ups", headers={**maria, **key()},
                    json={"due_at": "2026-12-01T10:00:00Z", "channel": "call", "note": "after the refusals"})
    assert r.status_code == 201 and len(_rows(services)) == 2


def test_the_orm_cannot_rewrite_an_audit_row_either(client, services, maria):
    _audited_change(client, maria)
    before = _rows(services)
    with services.session_factory() as session:
        row = session.scalars(select(orm.AuditRow)).one()
        row.after = {"status": "active"}
        with pytest.raises(DBAPIError, match="audit_log is append-only"):
            session.commit()
        session.rollback()
        session.delete(session.scalars(select(orm.AuditRow)).one())
        with pytest.raises(DBAPIError, match="audit_log is append-only"):
            session.commit()
    TRIED["audit log: UPDATE/DELETE/TRUNCATE refused by the database"] += 2
    assert _rows(services) == before


def test_the_migration_goes_down_and_up_again(client, services, maria):
    _audited_change(client, maria)
    cfg = alembic_config()
    with services.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0002")
    with services.engine.begin() as conn:      # without the triggers the row can be deleted
        conn.execute(text("DELETE FROM audit_log"))
    upgrade(services.engine)
    with services.engine.begin() as conn:
        conn.execute(text("INSERT INTO audit_log (at, actor, role, channel, action) "
                          "VALUES (CURRENT_TIMESTAMP, 'x', 'system', 'worker', 'probe')"))
    with pytest.raises(DBAPIError, match="audit_log is append-only"):
        with services.engine.begin() as conn:
            conn.execute(text("DELETE FROM audit_log"))
