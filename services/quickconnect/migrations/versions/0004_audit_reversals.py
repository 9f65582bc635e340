"""audit_log.reverses_id: an undo points at the audit entry of the change it reverses (unique:
a change is reversed at most once)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 10:00:00

On SQLite the batch migration rebuilds audit_log, which drops its append-only triggers
(migration 0003): they are created again here, in both directions.
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

REFUSED = "audit_log is append-only"


def _sqlite_triggers() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER IF NOT EXISTS audit_log_no_{statement.lower()} BEFORE {statement} "
                       f"ON audit_log BEGIN SELECT RAISE(ABORT, '{REFUSED}: {statement} refused'); END")


def upgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reverses_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_audit_log_reverses_id'), ['reverses_id'])
        batch_op.create_foreign_key(batch_op.f('fk_audit_log_reverses_id_audit_log'), 'audit_log',
                                    ['reverses_id'], ['id'])
    _sqlite_triggers()


def downgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_audit_log_reverses_id_audit_log'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_audit_log_reverses_id'), type_='unique')
        batch_op.drop_column('reverses_id')
    _sqlite_triggers()
