"""State changes of an agreement, each recorded as an idempotent event (rules 17, 20, 21, 24).

Pure-ish helpers over loaded models (`entries`, `recording` and `events` must be loaded or new):
no queries, no commits, so the acceptance service and the lifecycle worker share them."""

from __future__ import annotations

import datetime
from typing import Any

from openlicense.agreements.models import (
    Agreement,
    AgreementEvent,
    AgreementStatus,
    EntryStatus,
    RecordingStatus,
    RecordingTask,
    ScheduleEntry,
)
from openlicense.catalogue.rules import add_months

UNPAID = (EntryStatus.SCHEDULED, EntryStatus.AWAITING_REPORT)


def record_event(
    agreement: Agreement,
    *,
    key: str,
    kind: str,
    on: datetime.date,
    frm: AgreementStatus | None = None,
    to: AgreementStatus | None = None,
    detail: dict[str, Any] | None = None,
    actor_id: Any = None,
) -> AgreementEvent | None:
    """`key` is unique per agreement: applying the same transition twice records it once."""
    if has_event(agreement, key):
        return None
    event = AgreementEvent(
        agreement_id=agreement.id,
        key=key,
        kind=kind,
        from_status=frm.value if frm else None,
        to_status=to.value if to else None,
        occurred_on=on,
        detail=detail or {},
        actor_id=actor_id,
    )
    agreement.events.append(event)
    return event


def has_event(agreement: Agreement, key: str) -> bool:
    return any(e.key == key for e in agreement.events)


def initial_items(agreement: Agreement) -> list[ScheduleEntry]:
    """What must be paid before the licence may take effect (rule 17): everything due on or
    before the later of acceptance and licence start."""
    threshold = max(agreement.notified_at.date(), agreement.licence_start)
    return [e for e in agreement.entries if e.due_date <= threshold and e.amount_minor]


def initial_paid(agreement: Agreement) -> bool:
    return all(e.status is EntryStatus.PAID for e in initial_items(agreement))


def set_status(
    agreement: Agreement,
    to: AgreementStatus,
    *,
    on: datetime.date,
    key: str,
    kind: str,
    reason: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    frm = agreement.status
    agreement.status = to
    agreement.status_reason = reason
    record_event(agreement, key=key, kind=kind, on=on, frm=frm, to=to, detail=detail)


def become_effective(agreement: Agreement, *, on: datetime.date, recording_months: int) -> None:
    """Only now may the licensee use the patent, and only now does recording fall due (rule 21)."""
    set_status(agreement, AgreementStatus.EFFECTIVE, on=on, key="effective", kind="effective")
    agreement.effective_on = on
    agreement.recording = RecordingTask(
        agreement_id=agreement.id,
        due_date=add_months(on, recording_months),
        status=RecordingStatus.OPEN,
    )


def end_agreement(
    agreement: Agreement,
    to: AgreementStatus,
    *,
    on: datetime.date,
    reason: str,
    detail: dict[str, Any] | None = None,
) -> int:
    """End the licence and cancel obligations that fall after `on` (rule 24: future royalties
    end). Arrears stay recorded (rule 20). Returns the number of cancelled entries."""
    set_status(
        agreement, to, on=on, key=f"ended-{reason}", kind="ended", reason=reason, detail=detail
    )
    agreement.ended_on = on
    cancelled = 0
    for entry in agreement.entries:
        starts = entry.period_start or entry.due_date
        if entry.status in UNPAID and starts > on:
            entry.status = EntryStatus.CANCELLED
            cancelled += 1
    return cancelled
