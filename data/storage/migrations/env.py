"""Alembic environment: runs on a connection handed in by data.storage.db, or a URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from data.storage.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    """Run migrations on the connection given in ``config.attributes`` or a new one."""
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        msg = "no database: pass a connection in config.attributes or set sqlalchemy.url"
        raise RuntimeError(msg)
    engine = create_engine(url)
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    msg = "offline (SQL script) migrations are not supported; run ssp init-db"
    raise RuntimeError(msg)
run_migrations_online()
