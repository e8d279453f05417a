"""Ledger entries (hash chain), signed checkpoints, and the auditors' access log."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from advanced_alchemy.base import UUIDv7AuditBase
from advanced_alchemy.types import JsonB
from sqlalchemy import BigInteger, ForeignKey, String, Text
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


class AuditAccess(UUIDv7AuditBase):
    """Every auditor read: who, what, when (visible to platform admins)."""

    __tablename__ = "audit_access_log"

    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), index=True)
    via_api_key: Mapped[bool] = mapped_column(default=False)
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(300))
    query: Mapped[str | None] = mapped_column(Text)
    status_code: Mapped[int]
