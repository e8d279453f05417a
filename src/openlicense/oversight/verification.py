"""Verify the ledger and compare every agreement row with it: what `openlicense audit verify`
and `GET /api/audit/ledger/verify` report."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from openlicense.agreements.contract import RenderedContract, seal
from openlicense.agreements.models import Agreement
from openlicense.audit.chain import StoredEntry
from openlicense.audit.checkpoints import verify_chain

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from openlicense.settings import Settings


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


async def verify_all(session: AsyncSession, settings: Settings) -> VerificationReport:
    chain = await verify_chain(session, settings)
    entries = chain.entries
    last = entries[-1] if entries else None
    report = VerificationReport(
        ok=chain.first_break is None,
        entries=len(entries),
        last_seq=last.event.seq if last else 0,
        last_hash=last.hash if last else None,
        checkpoints=len(chain.checkpoints),
        first_break=asdict(chain.first_break) if chain.first_break else None,
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
    created, last_status = _ledger_view(entries)
    mismatches: list[dict[str, Any]] = []
    checked = 0
    for agreement in await session.scalars(select(Agreement).order_by(Agreement.id)):
        checked += 1
        origin = created.get(str(agreement.id))
        if origin is None:
            mismatches.append(_mismatch(agreement, None, "not_in_ledger"))
            continue
        mismatches += _compare(agreement, origin, last_status[str(agreement.id)])
    rows = {str(a) for a in await session.scalars(select(Agreement.id))}
    mismatches += [
        {
            "agreement_id": a,
            "number": created[a].event.data.get("number"),
            "seq": created[a].event.seq,
            "reason": "agreement_row_missing",
        }
        for a in sorted(set(created) - rows)
    ]
    return checked, mismatches


Latest = tuple[StoredEntry, str | None]


def _ledger_view(
    entries: list[StoredEntry],
) -> tuple[dict[str, StoredEntry], dict[str, Latest]]:
    """Per agreement: its `agreement.created` entry, and the last status the ledger recorded."""
    created: dict[str, StoredEntry] = {}
    last_status: dict[str, Latest] = {}
    for entry in entries:
        event = entry.event
        if event.action == "agreement.created":
            created[event.subject_id] = entry
            last_status[event.subject_id] = (entry, event.data.get("status"))
        elif event.subject_type == "agreement" and event.data.get("to"):
            last_status[event.subject_id] = (entry, event.data["to"])
    return created, last_status


def _compare(agreement: Agreement, origin: StoredEntry, latest: Latest) -> list[dict[str, Any]]:
    out = []
    recorded = origin.event.data.get("seal")
    recomputed = seal(agreement.snapshot, RenderedContract(agreement.text_zh, agreement.text_en))
    if recomputed != recorded or agreement.seal != recorded:
        out.append(_mismatch(agreement, origin.event.seq, "sealed_content_changed"))
    entry, status = latest
    if status != agreement.status.value:
        out.append(
            _mismatch(
                agreement,
                entry.event.seq,
                "status_differs_from_ledger",
                ledger_status=status,
                row_status=agreement.status.value,
            )
        )
    return out


def _mismatch(agreement: Agreement, seq: int | None, reason: str, **extra: Any) -> dict[str, Any]:
    return {
        "agreement_id": str(agreement.id),
        "number": agreement.number,
        "seq": seq,
        "reason": reason,
        **extra,
    }
