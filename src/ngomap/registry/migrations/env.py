"""Alembic's entry point, run programmatically by ngomap.registry.db.migrate."""

from __future__ import annotations

from alembic import context

from ngomap.registry.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - ngomap always hands over a connection
    raise RuntimeError("run migrations through `ngomap registry init`")
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
