"""Alembic environment: runs on the connection `db.migrate` hands over."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from screening import models  # noqa: F401  (registers the tables on SQLModel.metadata)

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only through db.migrate
    raise RuntimeError("run migrations through screening.db.migrate")

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things in place
)
with context.begin_transaction():
    context.run_migrations()
