"""Ledger entries (hash chain) and signed checkpoints."""

from __future__ import annotations

import datetime
from typing import Any

from advanced_alchemy.base import UUIDv7AuditBase
from advanced_alchemy.types import JsonB
from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column


class LedgerEntry(UUIDv7AuditBase):
    """One event of the tamper-evident ledger. `hash` = SHA-256 over `prev_hash` and the
    canonical event (audit/chain.py); rows are only ever inserted."""

    __tablename__ = "ledger_entries"

    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    occurred_at: Mapped[datetime.datetime]
    action: Mapped[str] = mapped_column(String(60), index=True)
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str] = mapped_column(String(64), index=True)
    actor_id: Mapped[str | None] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JsonB)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class LedgerCheckpoint(UUIDv7AuditBase):
    """A signed statement "the chain up to `seq` hashes to `hash`" (Ed25519, platform key)."""

    __tablename__ = "ledger_checkpoints"

    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    hash: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime.datetime]
    key_id: Mapped[str] = mapped_column(String(32))
    signature: Mapped[str] = mapped_column(String(128))
