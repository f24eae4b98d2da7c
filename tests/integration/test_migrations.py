"""Alembic migrations match the models exactly, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import Engine, inspect

from backend.store.migrate import drift, upgrade


def test_migrated_database_has_no_drift_from_the_models(engine: Engine) -> None:
    assert drift(engine) == []


def test_upgrading_twice_is_harmless(engine: Engine) -> None:
    upgrade(engine)
    assert {"call", "contact", "conversation", "message", "evidence", "support_request"} <= set(
        inspect(engine).get_table_names()
    )
