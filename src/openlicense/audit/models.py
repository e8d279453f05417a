"""Ledger entries (hash chain), signed checkpoints, the signing keys' history, and the
checkpoint deliveries to subscribed IP offices (an outbox)."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from advanced_alchemy.base import UUIDv7AuditBase
from advanced_alchemy.types import JsonB
from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
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


class SigningKey(UUIDv7AuditBase):
    """One checkpoint-signing key of the key history (audit/keyring.py): its validity period and,
    from the second key on, the previous key's endorsement. Inserted by the first checkpoint and
    by `openlicense audit rotate-key`; a key's row only ever gains its `valid_until`."""

    __tablename__ = "audit_signing_keys"

    key_id: Mapped[str] = mapped_column(String(32), unique=True)
    public_key_pem: Mapped[str] = mapped_column(Text)
    valid_from: Mapped[datetime.datetime]
    valid_until: Mapped[datetime.datetime | None]
    previous_key_id: Mapped[str | None] = mapped_column(String(32))
    endorsement: Mapped[str | None] = mapped_column(String(128))


class AuditSubscription(UUIDv7AuditBase):
    """An IP office that asked to receive every checkpoint by webhook (signed with `secret`)."""

    __tablename__ = "audit_subscriptions"

    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(128))
    """HMAC-SHA256 key of the `X-OpenLicense-Signature` header (shared with the office)."""
    active: Mapped[bool] = mapped_column(default=True)
    from_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    """Checkpoints with a seq above this are delivered (0: every checkpoint ever signed)."""


class CheckpointDelivery(UUIDv7AuditBase):
    """The outbox: one row per (subscription, checkpoint), delivered in seq order, exactly once
    per row; retried with back-off until the office answers 2xx."""

    __tablename__ = "audit_checkpoint_deliveries"
    __table_args__ = (
        UniqueConstraint("subscription_id", "checkpoint_seq"),
        Index("ix_audit_deliveries_pending", "delivered_at", "subscription_id", "checkpoint_seq"),
    )

    subscription_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("audit_subscriptions.id", ondelete="CASCADE")
    )
    checkpoint_seq: Mapped[int] = mapped_column(BigInteger)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime.datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    delivered_at: Mapped[datetime.datetime | None]
