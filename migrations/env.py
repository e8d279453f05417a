"""Alembic environment (async). Target metadata is every model, imported from one module."""

from __future__ import annotations

import asyncio

from advanced_alchemy.types import GUID
from alembic import context
from sqlalchemy import JSON, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from openlicense.db.models import metadata

config = context.config


def _database_url() -> str:
    if url := config.attributes.get("database_url"):
        return str(url)
    engine = getattr(config, "engine", None)
    if engine is not None:
        return engine.url.render_as_string(hide_password=False)
    from openlicense.settings import Settings

    return Settings().database.url


def _render_item(type_: str, obj: object, autogen_context: object) -> str | bool:
    """Render advanced-alchemy's JsonB as itself rather than its per-dialect variant chain."""
    if type_ == "type" and isinstance(obj, JSON):
        return "sa.JsonB"
    return False


def _compare_type(
    _ctx, _inspected_col, _metadata_col, _inspected_type, metadata_type
) -> bool | None:  # type: ignore[no-untyped-def]
    """GUID is BINARY(16) on SQLite and reflects as NUMERIC; it is not a real type change."""
    if isinstance(metadata_type, GUID):
        return False
    return None


def _include_object(
    obj: object, name: str | None, type_: str, reflected: bool, _compare_to: object
) -> bool:
    """The job queue's tables (procrastinate's own schema, created by a migration of ours but
    not modelled) are not ours to compare."""
    return not (type_ == "table" and reflected and (name or "").startswith("procrastinate_"))


def _configure(**kwargs: object) -> None:
    context.configure(
        target_metadata=metadata,
        include_object=_include_object,
        render_item=_render_item,
        compare_type=_compare_type,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table.
        user_module_prefix="sa.",
        **kwargs,
    )


def run_migrations_offline() -> None:
    _configure(url=_database_url(), literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def _run_sync(connection: Connection) -> None:
    _configure(connection=connection)
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Fail fast rather than queue behind long transactions in production.
            connection.exec_driver_sql("SET LOCAL lock_timeout = '10s'")
        context.run_migrations()


async def run_migrations_online() -> None:
    engine: AsyncEngine = create_async_engine(_database_url(), poolclass=pool.NullPool)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run_sync)
    finally:
        await engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    asyncio.run(run_migrations_online())
