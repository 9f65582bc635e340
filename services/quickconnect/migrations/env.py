"""Alembic environment: the connection comes from `qc-services migrate` (config.attributes) or,
when run with the alembic CLI, from QC_DATABASE_URL."""
from alembic import context
from sqlalchemy import engine_from_config, pool

from quickconnect import config as qc_config
from quickconnect.adapters.orm import Base

target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = engine_from_config({"sqlalchemy.url": qc_config.load().database_url},
                                prefix="sqlalchemy.", poolclass=pool.NullPool)
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
