"""Bulk inserts of plain rows, for the paths that write tens of thousands of them at once (demo
data, patent imports): ``COPY`` on PostgreSQL, one ``executemany`` of driver values elsewhere.

A Core ``insert(table)`` with a list of dicts spends most of its time in SQLAlchemy's per-value
bind processing (the UUID, UTC-datetime and enum type decorators) and, on PostgreSQL, in
multi-row ``INSERT`` statements. Here each column gets one converter, chosen once per table and
dialect, that gives the driver the same value SQLAlchemy's own processor would
(``tests/core/test_bulk.py`` checks that column by column); unknown types fall back to that
processor. Rows are written in the caller's transaction; nothing is committed.
"""

from __future__ import annotations

import datetime
import enum
import operator
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type hints
from sqlalchemy import Boolean, Column, Date, DateTime, Enum, Integer, String, Table, Text, select
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.sql.type_api import TypeEngine

__all__ = ["BulkTarget", "Prepared", "insert_rows", "prepare_rows", "write_rows"]

Converter = Callable[[Any], Any]

_UTC = datetime.UTC


@dataclass(frozen=True, slots=True)
class BulkTarget:
    """What converting rows for a database needs, small enough to send to another process (the
    demo data is built in worker processes): the dialect class and its JSON serializer."""

    dialect_class: type[Dialect]
    json_serializer: Callable[[Any], str] | None

    @classmethod
    def of(cls, dialect: Dialect) -> BulkTarget:
        # SQLAlchemy's own JSON type reads the same attribute to serialise a value.
        return cls(type(dialect), getattr(dialect, "_json_serializer", None))

    def dialect(self) -> Dialect:
        dialect = _DIALECTS.get(self)
        if dialect is None:
            make: Any = self.dialect_class  # the Dialect stub knows no keyword arguments
            dialect = _DIALECTS[self] = make(json_serializer=self.json_serializer)
        return dialect


_DIALECTS: dict[BulkTarget, Dialect] = {}


@dataclass(frozen=True, slots=True)
class Prepared:
    """Rows of one table as driver values, in ``columns`` order, ready for ``write_rows``."""

    table: str
    columns: tuple[str, ...]
    records: list[tuple[Any, ...]]


@dataclass(frozen=True, slots=True)
class _Plan:
    """How rows with a given set of keys become driver tuples for one table and dialect."""

    columns: tuple[str, ...]
    """Table columns written, in table order."""
    getter: Callable[[Mapping[str, Any]], Any]
    converters: tuple[tuple[int, Converter], ...]
    """(position, converter) for the columns whose values the driver cannot take as they are."""
    defaults: tuple[tuple[str, Callable[[], Any]], ...]
    """Columns missing from the rows that have a Python-side default, and how to make it."""

    def values(self, row: Mapping[str, Any]) -> tuple[Any, ...]:
        if self.defaults:
            row = {**row, **{name: make() for name, make in self.defaults}}
        values = self.getter(row)
        if len(self.columns) == 1:
            values = (values,)
        if not self.converters:
            return tuple(values)
        out = list(values)
        for position, convert in self.converters:
            out[position] = convert(out[position])
        return tuple(out)


def prepare_rows(
    table: Table, dialect: Dialect | BulkTarget, rows: Sequence[Mapping[str, Any]]
) -> Prepared:
    """``rows`` (dicts keyed by column, all with the same keys) as driver values. Columns left
    out get their Python-side default (``id``, ``created_at`` …) or, without one, the
    database's."""
    if isinstance(dialect, BulkTarget):
        dialect = dialect.dialect()
    if not rows:
        return Prepared(table.name, (), [])
    plan = _plan(table, dialect, frozenset(rows[0]))
    return Prepared(table.name, plan.columns, [plan.values(row) for row in rows])


async def write_rows(
    session: AsyncSession | AsyncConnection, table: Table, prepared: Prepared
) -> None:
    """Write prepared rows in the caller's transaction: ``COPY`` on PostgreSQL (asyncpg), one
    ``executemany`` elsewhere."""
    if not prepared.records:
        return
    connection = await session.connection() if isinstance(session, AsyncSession) else session
    dialect = connection.dialect
    if dialect.name == "postgresql" and dialect.driver == "asyncpg":
        await _copy(connection, table, prepared.columns, prepared.records)
        return
    names = ", ".join(dialect.identifier_preparer.quote(c) for c in prepared.columns)
    marks = ", ".join(_placeholders(dialect, len(prepared.columns)))
    table_name = dialect.identifier_preparer.format_table(table)
    await connection.exec_driver_sql(
        # Names come from the metadata, quoted by the dialect; values are bound.
        f"INSERT INTO {table_name} ({names}) VALUES ({marks})",  # noqa: S608
        prepared.records,
    )


async def insert_rows(
    session: AsyncSession | AsyncConnection, table: Table, rows: Sequence[Mapping[str, Any]]
) -> None:
    """Insert ``rows`` into ``table``: the same rows as ``session.execute(insert(table), rows)``,
    in the caller's transaction, several times faster for large batches."""
    if not rows:
        return
    connection = await session.connection() if isinstance(session, AsyncSession) else session
    await write_rows(connection, table, prepare_rows(table, connection.dialect, rows))


async def _copy(
    connection: AsyncConnection,
    table: Table,
    columns: Sequence[str],
    records: list[tuple[Any, ...]],
) -> None:
    # The asyncpg adapter opens the DBAPI transaction on its first statement: make sure it is
    # open, so the COPY runs inside the caller's transaction rather than in autocommit.
    await connection.execute(select(1))
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    if driver is None:  # pragma: no cover - a live connection always has one
        raise RuntimeError("no driver connection")
    try:
        await driver.copy_records_to_table(
            table.name, records=records, columns=list(columns), schema_name=table.schema
        )
    except asyncpg.IntegrityConstraintViolationError as exc:
        # What SQLAlchemy raises for the same error through its own statements.
        raise IntegrityError(f"COPY {table.name}", None, exc) from exc
    except asyncpg.PostgresError as exc:
        raise DBAPIError(f"COPY {table.name}", None, exc) from exc


def _placeholders(dialect: Dialect, count: int) -> list[str]:
    style = dialect.paramstyle
    if style == "qmark":
        return ["?"] * count
    if style in ("numeric", "numeric_dollar"):
        mark = "$" if style == "numeric_dollar" else ":"
        return [f"{mark}{n}" for n in range(1, count + 1)]
    if style in ("format", "pyformat"):
        return ["%s"] * count
    raise NotImplementedError(f"paramstyle {style!r}")


_PLANS: dict[tuple[Table, Dialect, frozenset[str]], _Plan] = {}


def _plan(table: Table, dialect: Dialect, keys: frozenset[str]) -> _Plan:
    cache_key = (table, dialect, keys)
    plan = _PLANS.get(cache_key)
    if plan is None:
        plan = _PLANS[cache_key] = _make_plan(table, dialect, keys)
    return plan


def _make_plan(table: Table, dialect: Dialect, keys: frozenset[str]) -> _Plan:
    unknown = keys - {c.key for c in table.columns}
    if unknown:
        raise KeyError(f"{table.name} has no column {', '.join(sorted(unknown))}")
    defaults = {}
    for column in table.columns:
        if column.key not in keys and (make := _default_maker(column)) is not None:
            defaults[column.key] = make
    written = [c for c in table.columns if c.key in keys or c.key in defaults]
    converters = []
    for position, column in enumerate(written):
        convert = _converter(column, dialect)
        if convert is not None:
            converters.append((position, convert))
    return _Plan(
        columns=tuple(c.name for c in written),
        getter=operator.itemgetter(*(c.key for c in written)),
        converters=tuple(converters),
        defaults=tuple(defaults.items()),
    )


def _default_maker(column: Column[Any]) -> Callable[[], Any] | None:
    """A column's Python-side default as a function of nothing (SQLAlchemy wraps a callable
    default to take an execution context, which none of ours uses); sequences and SQL
    expressions are left to the database."""
    default = column.default
    if default is None:
        return None
    arg = getattr(default, "arg", None)
    if default.is_callable:
        return lambda: arg(None)  # type: ignore[misc]  # SQLAlchemy types the callable loosely
    if default.is_scalar:
        return lambda: arg
    return None


def _converter(column: Column[Any], dialect: Dialect) -> Converter | None:
    """The driver value of a column's Python value, or None when it passes as it is."""
    column_type: TypeEngine[Any] = column.type
    fallback = column_type.dialect_impl(dialect).bind_processor(dialect)
    kind = type(column_type).__name__
    postgres = dialect.name == "postgresql"
    if kind == "GUID":
        return None if postgres else _guid_bytes(fallback)
    if kind == "DateTimeUTC":
        return _aware_utc if postgres else _sqlite_datetime(fallback)
    if isinstance(column_type, Enum):
        return _enum_value(fallback)
    if isinstance(column_type, Date) and not isinstance(column_type, DateTime):
        return None if postgres else _iso_date(fallback)
    if isinstance(column_type, Boolean):
        return None if postgres else _as_int
    if isinstance(column_type, String | Text | Integer) and fallback is None:
        return None
    return fallback  # JSON and anything else: SQLAlchemy's own processor


def _guid_bytes(fallback: Converter | None) -> Converter:
    def convert(value: Any) -> Any:
        if type(value) is uuid.UUID:
            return value.bytes
        return value if fallback is None or value is None else fallback(value)

    return convert


def _aware_utc(value: datetime.datetime | None) -> datetime.datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise TypeError("tzinfo is required")
    return value.astimezone(_UTC)


def _sqlite_datetime(fallback: Converter | None) -> Converter:
    def convert(value: Any) -> Any:
        if type(value) is datetime.datetime and value.tzinfo is not None:
            return value.astimezone(_UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
        return value if fallback is None or value is None else fallback(value)

    return convert


def _iso_date(fallback: Converter | None) -> Converter:
    def convert(value: Any) -> Any:
        if type(value) is datetime.date and value.year >= 1000:
            return value.isoformat()
        return value if fallback is None or value is None else fallback(value)

    return convert


def _enum_value(fallback: Converter | None) -> Converter:
    def convert(value: Any) -> Any:
        if isinstance(value, enum.Enum):
            return value.value
        return value if fallback is None or value is None else fallback(value)  # validates

    return convert


def _as_int(value: Any) -> Any:
    return None if value is None else int(value)
