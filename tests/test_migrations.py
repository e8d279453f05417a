"""The migrations build the schema the models describe, and can go down and up again."""

from __future__ import annotations

import asyncio

from openlicense.db.migrate import alembic_commands
from openlicense.settings import Settings


async def test_models_and_migrations_agree(settings: Settings) -> None:
    # alembic check raises if autogenerate would emit any operation.
    await asyncio.to_thread(alembic_commands(settings).check)


async def test_downgrade_to_base_and_upgrade_again(settings: Settings, engine) -> None:
    from sqlalchemy import inspect

    commands = alembic_commands(settings)
    await asyncio.to_thread(commands.downgrade, "base")
    async with engine.connect() as connection:
        tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
    assert "patents" not in tables
    await asyncio.to_thread(commands.upgrade, "head")
    async with engine.connect() as connection:
        tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
    assert {"patents", "declarations", "users", "organisations"} <= tables
