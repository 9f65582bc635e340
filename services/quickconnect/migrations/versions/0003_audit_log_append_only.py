"""audit_log is append-only in the database too: triggers refuse UPDATE and DELETE (and TRUNCATE
on PostgreSQL), so neither a bug nor someone with a SQL prompt can rewrite the history quietly

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 03:00:00

SQLite drops a table's triggers with the table: a later batch migration that rebuilds audit_log
there must create them again.
"""
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

REFUSED = "audit_log is append-only"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '{REFUSED}: % refused', TG_OP;
            END $$""")
        op.execute("CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log "
                   "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()")
        op.execute("CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
                   "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()")
        return
    for statement in ("UPDATE", "DELETE"):
        op.execute(f"CREATE TRIGGER audit_log_no_{statement.lower()} BEFORE {statement} ON audit_log "
                   f"BEGIN SELECT RAISE(ABORT, '{REFUSED}: {statement} refused'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER audit_log_no_update_delete ON audit_log")
        op.execute("DROP FUNCTION audit_log_append_only()")
        return
    op.execute("DROP TRIGGER audit_log_no_delete")
    op.execute("DROP TRIGGER audit_log_no_update")
