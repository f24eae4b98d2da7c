"""Statements a hot path runs many times, compiled once and run on SQLite's own cursor.

SQLAlchemy's way from `connection.execute()` to the driver (the cache key, the parameters
processed one by one, the result set up, the events) cost a tenant's turn three times what
SQLite took to run its statements: a turn's few statements took 0.5 ms of CPU where the same
statements run on the driver took 0.13 ms. So on SQLite these run on the driver's cursor, inside
the connection's transaction, with SQLAlchemy's own compiled SQL, parameter order, type
conversions and column defaults: the rows written and read are the same as through
`connection.execute()`. Other databases (PostgreSQL) go through `connection.execute()` as before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.selectable import ExecutableReturnsRows
from sqlalchemy.types import TypeEngine

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True)
class _Compiled:
    """One statement as SQLite's driver takes it: the SQL, and how to make its parameters."""

    sql: str
    names: tuple[str, ...]  # the bound parameters, in the order the SQL takes them
    binds: tuple[Processor, ...]  # each parameter's conversion to what the driver stores
    defaults: Mapping[str, Any]  # what parameters a caller leaves out stand for
    results: tuple[Processor, ...]  # each result column's conversion back

    def values(self, parameters: Mapping[str, Any]) -> list[Any]:
        found = []
        for name, process in zip(self.names, self.binds, strict=True):
            value = parameters[name] if name in parameters else self.defaults[name]
            found.append(value if process is None else process(value))
        return found

    def row(self, raw: Sequence[Any]) -> tuple[Any, ...]:
        return tuple(
            value if process is None else process(value)
            for value, process in zip(raw, self.results, strict=True)
        )


class Prepared:
    """A Core statement (a select, or an insert or update with or without RETURNING) for a
    hot path; each method takes a connection in a transaction and the statement's parameters."""

    def __init__(self, statement: ExecutableReturnsRows) -> None:
        self.statement = statement
        self._compiled: dict[tuple[str, ...], _Compiled] = {}

    def rows(self, connection: Connection, parameters: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Every row the statement returns."""
        if not _on_driver(connection):
            return [tuple(row) for row in connection.execute(self.statement, parameters)]
        compiled = self._compile(connection, parameters)
        cursor = _run(connection, compiled, parameters)
        try:
            return [compiled.row(raw) for raw in cursor.fetchall()] if compiled.results else []
        finally:
            cursor.close()

    def first(
        self, connection: Connection, parameters: Mapping[str, Any]
    ) -> tuple[Any, ...] | None:
        """The first row, or None when there is none."""
        found = self.rows(connection, parameters)
        return found[0] if found else None

    def scalar(self, connection: Connection, parameters: Mapping[str, Any]) -> Any:
        """The first column of the first row, or None when there is no row."""
        row = self.first(connection, parameters)
        return None if row is None else row[0]

    def scalars(self, connection: Connection, many: Sequence[Mapping[str, Any]]) -> list[Any]:
        """The first column of the rows an insert of `many` rows returns, in their order (one
        statement for them all elsewhere; on SQLite one a row, which costs less than SQLAlchemy
        making one)."""
        if not _on_driver(connection):
            return list(connection.execute(self.statement, list(many)).scalars())
        return [self.scalar(connection, parameters) for parameters in many]

    def rowcount(self, connection: Connection, parameters: Mapping[str, Any]) -> int:
        """How many rows an update or delete matched."""
        if not _on_driver(connection):
            return int(connection.execute(self.statement, parameters).rowcount)
        cursor = _run(connection, self._compile(connection, parameters), parameters)
        try:
            return int(cursor.rowcount)
        finally:
            cursor.close()

    def _compile(self, connection: Connection, parameters: Mapping[str, Any]) -> _Compiled:
        keys = tuple(parameters)
        compiled = self._compiled.get(keys)
        if compiled is None:
            compiled = self._compiled[keys] = _compile(self.statement, connection, keys)
        return compiled


def _on_driver(connection: Connection) -> bool:
    return connection.dialect.name == "sqlite" and connection.dialect.paramstyle == "qmark"


def _compile(
    statement: ExecutableReturnsRows, connection: Connection, keys: tuple[str, ...]
) -> _Compiled:
    dialect = connection.dialect
    compiled = statement.compile(dialect=dialect, column_keys=list(keys))
    if not isinstance(compiled, SQLCompiler) or compiled.positiontup is None:
        raise TypeError(f"not a positional statement: {statement}")
    names = tuple(compiled.positiontup)
    binds = tuple(_bind_processor(compiled.binds[name].type, dialect) for name in names)
    # Values the statement holds itself (`.values(x=None)`), then column defaults.
    defaults = {
        name: compiled.binds[name].effective_value
        for name in names
        if not compiled.binds[name].required
    }
    for column in [*compiled.insert_prefetch, *compiled.update_prefetch]:
        default = column.default
        if default is None or not default.is_scalar:
            raise TypeError(f"{column} needs a default made at run time: pass a value for it")
        defaults[column.key] = default.arg  # type: ignore[attr-defined]
    results = tuple(
        column.type.dialect_impl(dialect).result_processor(dialect, None)
        for column in statement.exported_columns
    )
    return _Compiled(compiled.string, names, binds, defaults, results)


def _bind_processor(type_: TypeEngine[Any], dialect: Dialect) -> Processor:
    # The type as this dialect has it (SQLite's DATETIME writes its own text), as SQLAlchemy
    # itself converts parameters.
    return type_.dialect_impl(dialect).bind_processor(dialect)


def _run(connection: Connection, compiled: _Compiled, parameters: Mapping[str, Any]) -> Any:
    values = compiled.values(parameters)
    driver = connection.connection.driver_connection
    if driver is None:
        raise RuntimeError("the connection has no driver connection")
    try:
        return driver.execute(compiled.sql, values)
    except connection.dialect.loaded_dbapi.Error as error:
        # The errors SQLAlchemy would have raised (OperationalError, IntegrityError, ...),
        # without the values if the engine hides them from errors.
        raise DBAPIError.instance(
            compiled.sql,
            values,
            error,
            connection.dialect.loaded_dbapi.Error,
            hide_parameters=connection.engine.hide_parameters,
            dialect=connection.dialect,
        ) from error
