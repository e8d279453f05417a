"""Alembic migrations through advanced-alchemy's AlembicCommands (CLI and tests)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from advanced_alchemy.extensions.litestar import AlembicCommands

from openlicense.db import sqlalchemy_config

if TYPE_CHECKING:
    from openlicense.settings import Settings


def alembic_commands(settings: Settings) -> AlembicCommands:
    """Blocking commands that run their own event loop: call them outside one (or in a thread)."""
    return AlembicCommands(sqlalchemy_config=sqlalchemy_config(settings))
