"""Recompute the ledger chain, check signed checkpoints, and compare agreements with the ledger."""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from openlicense.agreements.contract import RenderedContract, seal
from openlicense.agreements.models import Agreement
from openlicense.audit.chain import LedgerEvent, StoredEntry, verify
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


@dataclass
class VerificationReport:
    ok: bool
    entries: int
    last_seq: int
    last_hash: str | None
    checkpoints: int
    first_break: dict[str, Any] | None = None
    agreements_checked: int = 0
    agreement_mismatches: list[dict[str, Any]] = field(default_factory=list)


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


async def verify_all(session: AsyncSession, settings: Settings) -> VerificationReport:
    entries = await stored_entries(session)
    checkpoints = [
        to_checkpoint(r)
        for r in await session.scalars(select(LedgerCheckpoint).order_by(LedgerCheckpoint.seq))
    ]
    public = public_key_pem(signing_key(settings))
    broken = verify_ledger(entries, checkpoints, public) if checkpoints else verify(entries)
    last = entries[-1] if entries else None
    report = VerificationReport(
        ok=broken is None,
        entries=len(entries),
        last_seq=last.event.seq if last else 0,
        last_hash=last.hash if last else None,
        checkpoints=len(checkpoints),
        first_break=asdict(broken) if broken else None,
    )
    report.agreements_checked, report.agreement_mismatches = await _check_agreements(
        session, entries
    )
    report.ok = report.ok and not report.agreement_mismatches
    return report


async def _check_agreements(
    session: AsyncSession, entries: list[StoredEntry]
) -> tuple[int, list[dict[str, Any]]]:
    """Each agreement row against the ledger: its sealed content must still hash to the seal the
    ledger recorded at creation, and its status must be the last status the ledger recorded."""
    created: dict[str, StoredEntry] = {}
    last_status: dict[str, tuple[StoredEntry, str]] = {}
    for entry in entries:
        event = entry.event
        if event.action == "agreement.created":
            created[event.subject_id] = entry
            last_status[event.subject_id] = (entry, event.data.get("status"))
        elif event.subject_type == "agreement" and event.data.get("to"):
            last_status[event.subject_id] = (entry, event.data["to"])
    mismatches: list[dict[str, Any]] = []
    checked = 0
    for agreement in await session.scalars(select(Agreement).order_by(Agreement.id)):
        checked += 1
        key = str(agreement.id)
        origin = created.get(key)
        if origin is None:
            mismatches.append(
                {
                    "agreement_id": key,
                    "number": agreement.number,
                    "seq": None,
                    "reason": "not_in_ledger",
                }
            )
            continue
        recomputed = seal(
            agreement.snapshot, RenderedContract(agreement.text_zh, agreement.text_en)
        )
        if recomputed != origin.event.data.get("seal") or agreement.seal != origin.event.data.get(
            "seal"
        ):
            mismatches.append(
                {
                    "agreement_id": key,
                    "number": agreement.number,
                    "seq": origin.event.seq,
                    "reason": "sealed_content_changed",
                }
            )
        entry, status = last_status[key]
        if status != agreement.status.value:
            mismatches.append(
                {
                    "agreement_id": key,
                    "number": agreement.number,
                    "seq": entry.event.seq,
                    "reason": "status_differs_from_ledger",
                    "ledger_status": status,
                    "row_status": agreement.status.value,
                }
            )
    ledger_ids = set(created)
    missing_rows = ledger_ids - {str(a) for a in await session.scalars(select(Agreement.id))}
    mismatches += [
        {
            "agreement_id": a,
            "number": created[a].event.data.get("number"),
            "seq": created[a].event.seq,
            "reason": "agreement_row_missing",
        }
        for a in sorted(missing_rows)
    ]
    return checked, mismatches


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


__all__ = ["VerificationReport", "checkpoint", "published_key", "verify_all", "verify_checkpoint"]
