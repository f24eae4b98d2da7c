"""The database engine and sessions, tuned for SQLite (embedded) and PostgreSQL (server)."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, SQLModel

_WRITE = "frontdoor_write"  # execution option: this transaction will write
_writer_locks: dict[str, threading.Lock] = {}
_writer_locks_guard = threading.Lock()
_engine_writer_locks: weakref.WeakKeyDictionary[Engine, threading.Lock] = (
    weakref.WeakKeyDictionary()
)
BUSY_TIMEOUT_MS = 30_000  # how long a SQLite writer waits for another process's transaction
SQLITE_BUSY = 5
# Set by without_waiting(): the next write_connection on SQLite must not wait for the lock.
_first_write_waits: ContextVar[bool] = ContextVar("frontdoor_first_write_waits", default=True)


class WriterBusy(Exception):  # noqa: N818 - a condition the caller handles, not an error
    """Another writer holds SQLite's write lock, and the caller asked not to wait for it."""


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets WAL, foreign keys, and writers that take turns."""
    if not url.startswith("sqlite"):
        # Up to the 40 threads that serve sync routes, so no request waits on the pool.
        return create_engine(
            url, pool_pre_ping=True, pool_size=10, max_overflow=30, hide_parameters=True
        )
    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": 30},
        pool_size=8,
        max_overflow=32,
        # The connection used last goes out first: SQLite drops a connection's page cache when
        # another connection wrote since, so turns (one writer after another) going round the
        # pool re-read their pages every time.
        pool_use_lifo=True,
        # A database error never carries a statement's values (a tenant's words) into the log.
        hide_parameters=True,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, say when transactions begin (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A writer takes the write lock up front: a read-then-write transaction in WAL mode
        # would otherwise fail with SQLITE_BUSY instead of waiting its turn. Readers never wait.
        if connection.connection.driver_connection.in_transaction:
            return  # write_connection began it on the driver: SQLAlchemy's transaction joins it
        immediate = connection.get_execution_options().get(_WRITE)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _writer_lock(engine: Engine) -> threading.Lock | nullcontext[None]:
    if engine.dialect.name != "sqlite":
        return nullcontext()
    return _sqlite_writer_lock(engine)


def _sqlite_writer_lock(engine: Engine) -> threading.Lock:
    # Engines on one file share its lock. Each engine keeps it, as writing its URL out again
    # on every write cost a turn as much as an SQL statement.
    lock = _engine_writer_locks.get(engine)
    if lock is None:
        with _writer_locks_guard:
            lock = _writer_locks.setdefault(str(engine.url), threading.Lock())
        _engine_writer_locks[engine] = lock
    return lock


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session in one write transaction, committed at the end, rolled back on error.

    On SQLite, writers in this process queue on a lock and are served in turn (SQLite's own
    busy handler makes waiters sleep and poll: p99 latency fell from 1.5 s to tens of ms in
    bench/flow.py); other processes still wait on SQLite's busy timeout.
    """
    with _writer_lock(engine), Session(engine, expire_on_commit=False) as session:
        session.connection(execution_options={_WRITE: True})  # begins the transaction
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
        session.commit()


@contextmanager
def write_connection(engine: Engine) -> Iterator[Connection]:
    """A Core connection in one write transaction, committed at the end, rolled back on error:
    write_session without the Session, whose set-up and bookkeeping cost a tenant's turn more
    than its statements did. The writers' lock and BEGIN IMMEDIATE are the same.

    On SQLite the transaction is begun and ended on the driver's own connection (SQLAlchemy's
    transaction bookkeeping cost a turn more than SQLite's work in it); a Session made with
    session_in(), or a statement run through SQLAlchemy, joins it.
    """
    if engine.dialect.name != "sqlite":
        with engine.connect() as connection:
            connection.execution_options(**{_WRITE: True})
            with connection.begin():
                yield connection
        return
    lock = _sqlite_writer_lock(engine)
    waits = _first_write_waits.get()
    if not waits:
        _first_write_waits.set(True)  # only the first write in a without_waiting() block
    if not lock.acquire(blocking=waits):
        raise WriterBusy("another writer in this process")
    try:
        with engine.connect() as connection:
            _begin_immediate(connection, waits)
            try:
                yield connection
            except BaseException:
                if connection.in_transaction():
                    connection.rollback()
                else:
                    _on_driver(connection, lambda driver: driver.rollback())
                raise
            if connection.in_transaction():
                connection.commit()
            else:
                _on_driver(connection, lambda driver: driver.commit())
    finally:
        lock.release()


@contextmanager
def without_waiting() -> Iterator[None]:
    """The first write_connection on SQLite in this block raises WriterBusy, before it does
    anything, when another writer holds the write lock (in this process or another) rather
    than waiting for it; later ones wait as usual."""
    token = _first_write_waits.set(False)
    try:
        yield
    finally:
        _first_write_waits.reset(token)


def _begin_immediate(connection: Connection, waits: bool) -> None:
    if waits:
        _on_driver(connection, lambda driver: driver.execute("BEGIN IMMEDIATE"))
        return
    driver = connection.connection.driver_connection
    if driver is None:
        raise RuntimeError("the connection has no driver connection")
    driver.execute("PRAGMA busy_timeout=0")
    try:
        driver.execute("BEGIN IMMEDIATE")
    except connection.dialect.loaded_dbapi.Error as error:
        if getattr(error, "sqlite_errorcode", None) == SQLITE_BUSY:
            raise WriterBusy("another process is writing") from error
        raise DBAPIError.instance(
            None, None, error, connection.dialect.loaded_dbapi.Error, dialect=connection.dialect
        ) from error
    finally:
        driver.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def _on_driver(connection: Connection, call: Callable[[Any], object]) -> None:
    """Calls the driver's connection, raising SQLAlchemy's errors as SQLAlchemy would."""
    dbapi_error = connection.dialect.loaded_dbapi.Error
    try:
        call(connection.connection.driver_connection)
    except dbapi_error as error:
        raise DBAPIError.instance(
            None, None, error, dbapi_error, dialect=connection.dialect
        ) from error


def session_in(connection: Connection) -> Session:
    """An ORM session inside the connection's transaction, which stays the connection's to
    commit or roll back (the session only writes what it holds into it when flushed)."""
    if not connection.in_transaction():
        connection.begin()  # on a write_connection: joins the transaction already begun
    return Session(bind=connection, expire_on_commit=False, join_transaction_mode="rollback_only")


def session_scope(engine: Engine) -> Iterator[Session]:
    """A session for one request (reads; writes go through write_session)."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


def table_of(model: type[SQLModel]) -> Table:
    """The Core table behind a model. Hot paths write through it: the ORM's bookkeeping cost
    more than the statements themselves on every inbound message."""
    table = model.__table__  # type: ignore[attr-defined]  # set by SQLModel's metaclass
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not a table model")
    return table


def skipping_duplicates(dialect: str, model: type[SQLModel]) -> Any:
    """INSERT … ON CONFLICT DO NOTHING for `dialect`: a unique key refuses a second row."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table_of(model)).on_conflict_do_nothing()


def insert_or_skip(session: Session, model: type[SQLModel]) -> Any:
    """The same, for the database `session` talks to."""
    return skipping_duplicates(session.get_bind().dialect.name, model)


def escape_like(term: str) -> str:
    """`term` for a LIKE pattern (with escape="\\"): its own % and _ match only themselves."""
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
