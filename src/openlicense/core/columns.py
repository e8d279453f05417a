"""Column helpers shared by every domain's models."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Enum


def str_enum(enum: type[StrEnum]) -> Enum:
    """Store a StrEnum as its value in a VARCHAR: portable across SQLite and PostgreSQL and
    cheap to extend (no ALTER TYPE)."""
    return Enum(
        enum,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )
