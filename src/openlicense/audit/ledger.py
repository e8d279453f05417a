"""Append to the tamper-evident ledger, in the caller's transaction. Knows no domain.

A service that changes an auditable fact says so where it changes it:

    ledger.append(session, LedgerRecord("declaration.published", "declaration", id, ...))

The record is queued on the session and chained when the transaction commits: the session
(`LedgerSession`, used by every session maker in `db/`) flushes the transaction's own rows, takes
the chain's lock, numbers and hashes the queued records after the current tail, and commits them
with everything else. So an entry commits or rolls back with the change it records, the chain
stays gap-free under concurrency, and the lock is held only for the last few milliseconds of a
transaction instead of all of it. Each domain builds its own records (what a record of its facts
contains is the domain's business); the ledger only numbers, chains and stores them."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from openlicense.audit import actions
from openlicense.audit.chain import GENESIS, LedgerEvent, entry_hash
from openlicense.audit.models import LedgerEntry

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

ADVISORY_LOCK_KEY = 0x6F6C6C67  # "ollg": serialises chaining on PostgreSQL
_PENDING = "openlicense.ledger_pending"


@dataclass(frozen=True, slots=True)
class LedgerRecord:
    """One auditable fact, as a domain states it. `data` is made JSON-safe on append."""

    action: str
    """Dotted `noun.verb`: `agreement.created`, `declaration.withdrawn`, `payment.succeeded` …"""
    subject_type: str
    subject_id: str
    actor_id: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)


class LedgerSession(Session):
    """A session that writes the ledger records queued on it when its transaction commits."""


class NotALedgerSession(RuntimeError):
    """A ledger record was appended to a session that would never write it (a wiring bug)."""


def actor(value: uuid.UUID | str | None) -> str | None:
    return None if value is None else str(value)


def append(session: AsyncSession | Session, *records: LedgerRecord) -> None:
    """Queue `records` for this transaction; they are chained, in order, when it commits."""
    sync = session.sync_session if hasattr(session, "sync_session") else session
    if not isinstance(sync, LedgerSession):
        raise NotALedgerSession("use a session from openlicense.db (sync_session_class)")
    safe = [
        LedgerRecord(r.action, r.subject_type, r.subject_id, r.actor_id, json_safe(dict(r.data)))
        for r in records
    ]
    for record in safe:
        if wrong := actions.problems(
            record.action, record.subject_type, record.subject_id, record.data
        ):
            raise actions.UnregisteredLedgerRecord("; ".join(wrong))
    sync.info.setdefault(_PENDING, []).extend(safe)


def pending(session: AsyncSession | Session) -> list[LedgerRecord]:
    """What this transaction will add to the ledger when it commits."""
    sync = session.sync_session if hasattr(session, "sync_session") else session
    return list(sync.info.get(_PENDING, []))


@event.listens_for(LedgerSession, "before_commit")
def _chain_pending(session: Session) -> None:
    records: list[LedgerRecord] = session.info.pop(_PENDING, [])
    if not records:
        return
    session.flush()  # the transaction's own rows first, before taking the chain's lock
    seq, prev = _tail(session)
    now = datetime.datetime.now(datetime.UTC)
    entries = []
    for record in records:
        seq += 1
        ledger_event = LedgerEvent(
            seq=seq,
            occurred_at=now,
            action=record.action,
            subject_type=record.subject_type,
            subject_id=record.subject_id,
            actor_id=record.actor_id,
            data=dict(record.data),
        )
        digest = entry_hash(prev, ledger_event)
        entries.append(
            LedgerEntry(
                seq=seq,
                occurred_at=now,
                action=record.action,
                subject_type=record.subject_type,
                subject_id=record.subject_id,
                actor_id=record.actor_id,
                data=dict(record.data),
                prev_hash=prev,
                hash=digest,
            )
        )
        prev = digest
    session.add_all(entries)  # flushed by the commit itself


@event.listens_for(LedgerSession, "after_rollback")
@event.listens_for(LedgerSession, "after_soft_rollback")
def _forget_pending(session: Session, *_: Any) -> None:
    session.info.pop(_PENDING, None)


def _tail(session: Session) -> tuple[int, str]:
    """The chain's last (seq, hash), under the chain's lock (PostgreSQL: an advisory lock held
    until this transaction ends; SQLite: the write lock the transaction already holds)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
    row = session.execute(
        select(LedgerEntry.seq, LedgerEntry.hash).order_by(LedgerEntry.seq.desc()).limit(1)
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
