"""Read the ledger back from the database: recompute the chain, check and sign checkpoints."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from openlicense.audit.chain import Break, LedgerEvent, StoredEntry, verify
from openlicense.audit.keys import signing_key
from openlicense.audit.models import LedgerCheckpoint, LedgerEntry
from openlicense.audit.signing import (
    Checkpoint,
    key_id,
    public_key_pem,
    sign_checkpoint,
    verify_checkpoint,
    verify_ledger,
)

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from openlicense.settings import Settings

BATCH = 5000


@dataclass(frozen=True)
class ChainReport:
    entries: list[StoredEntry]
    checkpoints: list[Checkpoint]
    first_break: Break | None


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


async def verify_chain(session: AsyncSession, settings: Settings) -> ChainReport:
    """Recompute the whole chain from the database and check it against every signed
    checkpoint. Returns the entries too, for callers that compare other tables with them."""
    entries = await stored_entries(session)
    checkpoints = [
        to_checkpoint(r)
        for r in await session.scalars(select(LedgerCheckpoint).order_by(LedgerCheckpoint.seq))
    ]
    public = public_key_pem(signing_key(settings))
    broken = verify_ledger(entries, checkpoints, public) if checkpoints else verify(entries)
    return ChainReport(entries=entries, checkpoints=checkpoints, first_break=broken)


async def checkpoint(
    session: AsyncSession, settings: Settings, *, force: bool = False
) -> LedgerCheckpoint | None:
    """Sign the chain's tail if `checkpoint_every` entries were added since the last checkpoint."""
    tail = (
        await session.execute(
            select(LedgerEntry.seq, LedgerEntry.hash).order_by(LedgerEntry.seq.desc()).limit(1)
        )
    ).first()
    if tail is None:
        return None
    last = await session.scalar(
        select(LedgerCheckpoint.seq).order_by(LedgerCheckpoint.seq.desc()).limit(1)
    )
    if last is not None and (
        tail[0] <= last or (not force and tail[0] - last < settings.audit.checkpoint_every)
    ):
        return None
    if last is None and not force and tail[0] < settings.audit.checkpoint_every:
        return None
    key = signing_key(settings)
    signed = sign_checkpoint(
        key, seq=tail[0], hash=tail[1], created_at=datetime.datetime.now(datetime.UTC)
    )
    row = LedgerCheckpoint(
        seq=signed.seq,
        hash=signed.hash,
        signed_at=signed.created_at,
        key_id=signed.key_id,
        signature=signed.signature,
    )
    session.add(row)
    await session.flush()
    return row


def published_key(settings: Settings) -> dict[str, str]:
    key = signing_key(settings)
    return {"algorithm": "Ed25519", "key_id": key_id(key), "public_key_pem": public_key_pem(key)}


__all__ = ["ChainReport", "checkpoint", "published_key", "verify_chain", "verify_checkpoint"]
