"""The database engine and sessions, tuned for SQLite (embedded) and PostgreSQL (server)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.pool import QueuePool
from sqlmodel import Session


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets WAL, foreign keys and one writer at a time."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)
    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    # One connection per process: SQLite has one writer at a time anyway, and threads waiting
    # in the pool's queue are served in turn, where SQLite's busy handler would make them
    # sleep and poll (p99 latency fell from 1.5 s to tens of ms in bench/flow.py).
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": 30},
        poolclass=QueuePool,
        pool_size=1,
        max_overflow=0,
        pool_timeout=60,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, say when transactions begin (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Take the write lock up front: a read-then-write transaction in WAL mode would
        # otherwise fail with SQLITE_BUSY instead of waiting its turn.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def session_scope(engine: Engine) -> Iterator[Session]:
    """A session for one request, closed afterwards."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


def insert_or_skip(session: Session, table: type[Any]) -> Any:
    """INSERT … ON CONFLICT DO NOTHING on either database: a unique key refuses a second row."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table).on_conflict_do_nothing()
