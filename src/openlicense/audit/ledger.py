"""Append to the tamper-evident ledger, in the caller's transaction. Knows no domain.

A service that changes an auditable fact says so where it changes it:

    await ledger.append(session, LedgerRecord("declaration.published", "declaration", id, ...))

The entry is added to the caller's session, so it commits or rolls back with the change it
records. Each domain builds its own records (what a record of its facts contains is the domain's
business); the ledger only numbers, chains and stores them."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, text

from openlicense.audit.chain import GENESIS, LedgerEvent, entry_hash
from openlicense.audit.models import LedgerEntry

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

ADVISORY_LOCK_KEY = 0x6F6C6C67  # "ollg": serialises appends on PostgreSQL
_TAIL = "openlicense.ledger_tail"


@dataclass(frozen=True, slots=True)
class LedgerRecord:
    """One auditable fact, as a domain states it. `data` is made JSON-safe on append."""

    action: str
    """Dotted `noun.verb`: `agreement.created`, `declaration.withdrawn`, `payment.succeeded` …"""
    subject_type: str
    subject_id: str
    actor_id: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)


def actor(value: uuid.UUID | str | None) -> str | None:
    return None if value is None else str(value)


async def append(session: AsyncSession, *records: LedgerRecord) -> list[LedgerEntry]:
    """Chain `records` after the current tail, in order. Returns the stored entries.

    On PostgreSQL an advisory transaction lock serialises appends, so two transactions never
    link to the same predecessor; SQLite serialises writers itself."""
    if not records:
        return []
    seq, prev = await _tail(session)
    now = datetime.datetime.now(datetime.UTC)
    entries = []
    for record in records:
        seq += 1
        event = LedgerEvent(
            seq=seq,
            occurred_at=now,
            action=record.action,
            subject_type=record.subject_type,
            subject_id=record.subject_id,
            actor_id=record.actor_id,
            data=json_safe(dict(record.data)),
        )
        digest = entry_hash(prev, event)
        entries.append(
            LedgerEntry(
                seq=seq,
                occurred_at=now,
                action=event.action,
                subject_type=event.subject_type,
                subject_id=event.subject_id,
                actor_id=event.actor_id,
                data=event.data,
                prev_hash=prev,
                hash=digest,
            )
        )
        prev = digest
    session.add_all(entries)
    session.info[_TAIL] = (session.sync_session.get_transaction(), seq, prev)
    return entries


async def _tail(session: AsyncSession) -> tuple[int, str]:
    """The chain's last (seq, hash). Cached per transaction: a later append in the same
    transaction continues from what the earlier one wrote (and holds the lock already)."""
    cached = session.info.get(_TAIL)
    if cached is not None and cached[0] is session.sync_session.get_transaction():
        return cached[1], cached[2]
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY}
        )
    row = (
        await session.execute(
            select(LedgerEntry.seq, LedgerEntry.hash).order_by(LedgerEntry.seq.desc()).limit(1)
        )
    ).first()
    return (row[0], row[1]) if row else (0, GENESIS)


def json_safe(value: Any) -> Any:
    """JSON-able without floats (canonical JSON refuses them): ids, dates and decimals as text."""
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, float | Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, datetime.date):  # datetimes too
        return value.isoformat()
    if hasattr(value, "value") and isinstance(value.value, str):  # enums
        return value.value
    return value
