"""Read the ledger back from the database: recompute the chain, check and sign checkpoints."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import func, select, text

from openlicense.audit.chain import Break, LedgerEvent, StoredEntry, verify
from openlicense.audit.keyring import (
    KeyRecord,
    endorse,
    first_key,
    history_problem,
    verify_with_history,
)
from openlicense.audit.keys import signing_key
from openlicense.audit.ledger import ADVISORY_LOCK_KEY
from openlicense.audit.models import (
    AuditSubscription,
    CheckpointDelivery,
    LedgerCheckpoint,
    LedgerEntry,
    SigningKey,
)
from openlicense.audit.signing import (
    Checkpoint,
    key_id,
    public_key_pem,
    sign_checkpoint,
    verify_checkpoint,
    verify_ledger,
)

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from sqlalchemy.ext.asyncio import AsyncSession

    from openlicense.settings import Settings

BATCH = 5000


def to_stored(row: LedgerEntry) -> StoredEntry:
    occurred = (
        row.occurred_at if row.occurred_at.tzinfo else row.occurred_at.replace(tzinfo=datetime.UTC)
    )
    event = LedgerEvent(
        seq=row.seq,
        occurred_at=occurred,
        action=row.action,
        subject_type=row.subject_type,
        subject_id=row.subject_id,
        actor_id=row.actor_id,
        data=row.data,
    )
    return StoredEntry(event=event, prev_hash=row.prev_hash, hash=row.hash)


async def stored_entries(session: AsyncSession) -> list[StoredEntry]:
    """In seq order. Each entry's hash covers its seq, so rows renumbered or swapped in the
    database fail at the first moved seq; a deleted row leaves a gap."""
    entries: list[StoredEntry] = []
    last = 0
    while True:
        query = (
            select(LedgerEntry).where(LedgerEntry.seq > last).order_by(LedgerEntry.seq).limit(BATCH)
        )
        rows = list(await session.scalars(query))
        if not rows:
            return entries
        entries += [to_stored(r) for r in rows]
        last = rows[-1].seq


def to_checkpoint(row: LedgerCheckpoint) -> Checkpoint:
    signed = row.signed_at if row.signed_at.tzinfo else row.signed_at.replace(tzinfo=datetime.UTC)
    return Checkpoint(
        seq=row.seq, hash=row.hash, created_at=signed, key_id=row.key_id, signature=row.signature
    )


async def key_history(session: AsyncSession) -> list[KeyRecord]:
    """Every signing key, oldest first."""
    rows = await session.scalars(select(SigningKey).order_by(SigningKey.valid_from))
    return [
        KeyRecord(
            key_id=r.key_id,
            public_key_pem=r.public_key_pem,
            valid_from=_aware(r.valid_from),
            valid_until=_aware(r.valid_until) if r.valid_until else None,
            previous_key_id=r.previous_key_id,
            endorsement=r.endorsement,
        )
        for r in rows
    ]


@dataclass(frozen=True)
class ChainReport:
    entries: list[StoredEntry]
    checkpoints: list[Checkpoint]
    first_break: Break | None
    keys: list[KeyRecord] = field(default_factory=list)
    key_history_problem: str | None = None


async def verify_chain(session: AsyncSession, settings: Settings) -> ChainReport:
    """Recompute the whole chain from the database and check it against every signed
    checkpoint, each under the key of the key history valid when it was signed. Returns the
    entries too, for callers that compare other tables with them."""
    entries = await stored_entries(session)
    checkpoints = [
        to_checkpoint(r)
        for r in await session.scalars(select(LedgerCheckpoint).order_by(LedgerCheckpoint.seq))
    ]
    history = await key_history(session)
    problem = history_problem(history)
    if not history:  # no checkpoint was ever signed through the key history
        public = public_key_pem(signing_key(settings))
        broken = verify_ledger(entries, checkpoints, public) if checkpoints else verify(entries)
    else:
        broken = verify_with_history(entries, checkpoints, history)
    return ChainReport(entries, checkpoints, broken, history, problem)


class KeyRefused(RuntimeError):
    """The configured key may not sign: retired, or never endorsed (run `audit rotate-key`)."""


async def current_key(
    session: AsyncSession, settings: Settings, now: datetime.datetime
) -> Ed25519PrivateKey:
    """The configured signing key, if it is the key history's current key. The very first
    checkpoint enters it into the (empty) history, valid from its first signature."""
    key = signing_key(settings)
    kid = key_id(key)
    rows = list(await session.scalars(select(SigningKey).order_by(SigningKey.valid_from)))
    if not rows:
        earliest = await session.scalar(
            select(func.min(LedgerCheckpoint.signed_at)).where(LedgerCheckpoint.key_id == kid)
        )
        start = _aware(earliest) if earliest is not None else now
        session.add(_key_row(first_key(key.public_key(), start)))
        await session.flush()
        return key
    row = next((r for r in rows if r.key_id == kid), None)
    if row is None:
        raise KeyRefused(
            f"the configured signing key {kid} is not in the key history: introduce it with "
            "`openlicense audit rotate-key` (signed by the current key)"
        )
    if row.valid_until is not None:
        raise KeyRefused(
            f"the configured signing key {kid} was retired at {row.valid_until.isoformat()}: "
            "configure the current key (OPENLICENSE_AUDIT__SIGNING_KEY)"
        )
    return key


async def rotate_key(
    session: AsyncSession, settings: Settings, new_key: Ed25519PrivateKey, now: datetime.datetime
) -> KeyRecord:
    """Retire the configured (current) key and enter `new_key`, endorsed by it, valid from the
    same instant. The old key first signs a last checkpoint at `now` (nothing is left unsigned
    across the change) and is retired one microsecond later."""
    old = await current_key(session, settings, now)
    if key_id(new_key) == key_id(old):
        raise KeyRefused("the new key is the current key")
    await checkpoint(session, settings, force=True, now=now)
    retired = now + datetime.timedelta(microseconds=1)  # just after its last checkpoint
    row = await session.scalar(select(SigningKey).where(SigningKey.key_id == key_id(old)))
    if row is None:  # current_key entered it
        raise KeyRefused(f"key {key_id(old)} is missing from the key history")
    row.valid_until = retired
    record = endorse(old, new_key.public_key(), retired)
    session.add(_key_row(record))
    await session.flush()
    return record


def _key_row(record: KeyRecord) -> SigningKey:
    return SigningKey(
        key_id=record.key_id,
        public_key_pem=record.public_key_pem,
        valid_from=record.valid_from,
        valid_until=record.valid_until,
        previous_key_id=record.previous_key_id,
        endorsement=record.endorsement,
    )


def _aware(value: datetime.datetime) -> datetime.datetime:
    return value if value.tzinfo else value.replace(tzinfo=datetime.UTC)


async def checkpoint_due(
    session: AsyncSession, settings: Settings, now: datetime.datetime
) -> tuple[int, str] | None:
    """The tail (seq, hash) to sign now, or None: a checkpoint is due when `checkpoint_every`
    entries are unsigned, or when the oldest unsigned entry has waited
    `checkpoint_max_age_minutes` — whichever comes first."""
    tail = (
        await session.execute(
            select(LedgerEntry.seq, LedgerEntry.hash).order_by(LedgerEntry.seq.desc()).limit(1)
        )
    ).first()
    if tail is None:
        return None
    last = await session.scalar(select(func.max(LedgerCheckpoint.seq))) or 0
    if tail[0] <= last:
        return None
    if tail[0] - last >= settings.audit.checkpoint_every:
        return (tail[0], tail[1])
    oldest = await session.scalar(
        select(LedgerEntry.occurred_at).where(LedgerEntry.seq == last + 1)
    )
    waited = now - _aware(oldest) if oldest is not None else datetime.timedelta(0)
    if waited >= datetime.timedelta(minutes=settings.audit.checkpoint_max_age_minutes):
        return (tail[0], tail[1])
    return None


async def checkpoint(
    session: AsyncSession,
    settings: Settings,
    *,
    force: bool = False,
    now: datetime.datetime | None = None,
) -> LedgerCheckpoint | None:
    """Sign the chain's tail when a checkpoint is due (`checkpoint_due`), or whenever there are
    unsigned entries if `force`; queue its delivery to every subscribed office (same
    transaction). Serialised with other signers through the ledger's lock."""
    now = now or datetime.datetime.now(datetime.UTC)
    await _lock(session)
    if force:
        due = await _unsigned_tail(session)
    else:
        due = await checkpoint_due(session, settings, now)
    if due is None:
        return None
    key = await current_key(session, settings, now)
    signed = sign_checkpoint(key, seq=due[0], hash=due[1], created_at=now)
    row = LedgerCheckpoint(
        seq=signed.seq,
        hash=signed.hash,
        signed_at=signed.created_at,
        key_id=signed.key_id,
        signature=signed.signature,
    )
    session.add(row)
    await enqueue_deliveries(session, signed.seq)
    await session.flush()
    return row


async def _unsigned_tail(session: AsyncSession) -> tuple[int, str] | None:
    tail = (
        await session.execute(
            select(LedgerEntry.seq, LedgerEntry.hash).order_by(LedgerEntry.seq.desc()).limit(1)
        )
    ).first()
    last = await session.scalar(select(func.max(LedgerCheckpoint.seq))) or 0
    if tail is None or tail[0] <= last:
        return None
    return (tail[0], tail[1])


async def _lock(session: AsyncSession) -> None:
    """The chain's lock (PostgreSQL advisory lock; SQLite serialises writers anyway)."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY}
        )


async def enqueue_deliveries(session: AsyncSession, seq: int) -> None:
    """One outbox row per active subscription for the checkpoint at `seq`."""
    subscriptions = await session.scalars(
        select(AuditSubscription).where(
            AuditSubscription.active.is_(True), AuditSubscription.from_seq < seq
        )
    )
    session.add_all(
        CheckpointDelivery(subscription_id=s.id, checkpoint_seq=seq, attempts=0)
        for s in subscriptions
    )


def published_key(settings: Settings) -> dict[str, str]:
    key = signing_key(settings)
    return {"algorithm": "Ed25519", "key_id": key_id(key), "public_key_pem": public_key_pem(key)}


__all__ = [
    "ChainReport",
    "KeyRefused",
    "checkpoint",
    "checkpoint_due",
    "current_key",
    "key_history",
    "published_key",
    "rotate_key",
    "verify_chain",
    "verify_checkpoint",
]
