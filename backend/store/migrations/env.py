"""Alembic environment: runs migrations on the engine handed over by backend.migrate."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from sqlmodel import SQLModel
from sqlmodel.sql.sqltypes import AutoString

import backend.models  # noqa: F401 - registers every table

engine = context.config.attributes["engine"]


def render_item(kind: str, item: Any, autogen_context: Any) -> str | Literal[False]:
    """Writes SQLModel's AutoString as plain sa.String, so migrations need no SQLModel."""
    if kind == "type" and isinstance(item, AutoString):
        return f"sa.String(length={item.length})" if item.length else "sa.String()"
    return False


with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        compare_type=True,
        render_as_batch=True,  # SQLite alters tables by copying them
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
