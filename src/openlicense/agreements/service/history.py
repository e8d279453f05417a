"""The one place an agreement's state changes: apply the rules' `Change`s, record each as an
event, and chain it into the audit ledger — in the caller's transaction."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from openlicense.agreements.models import (
    Agreement,
    AgreementEvent,
    EntryStatus,
    RecordingStatus,
    RecordingTask,
    ScheduleEntry,
)
from openlicense.agreements.rules import (
    AgreementFacts,
    Change,
    EntryFacts,
    StageFacts,
    cancelled_on_end as _cancelled,
)
from openlicense.audit import ledger
from openlicense.audit.ledger import LedgerRecord

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession


def facts_of(agreement: Agreement) -> AgreementFacts:
    """Needs `entries` and `events` loaded (or new)."""
    stages = agreement.snapshot.get("stages", [])
    return AgreementFacts(
        status=agreement.status,
        notified_on=agreement.notified_at.date(),
        licence_start=agreement.licence_start,
        licence_end=agreement.licence_end,
        entries=tuple(
            EntryFacts(
                key=e.key,
                due_date=e.due_date,
                amount_minor=e.amount_minor,
                status=e.status,
                period_start=e.period_start,
            )
            for e in agreement.entries
        ),
        stages=tuple(
            StageFacts(
                index=int(s["index"]), start=datetime.date.fromisoformat(s["start"]), detail=dict(s)
            )
            for s in stages
        ),
        event_keys=frozenset(e.key for e in agreement.events),
    )


def apply_changes(
    agreement: Agreement,
    changes: Iterable[Change],
    *,
    on: datetime.date,
    now: datetime.datetime,
    actor_id: uuid.UUID | None = None,
) -> list[AgreementEvent]:
    """Apply each change not yet recorded (its key is the guard) and return the new events."""
    recorded = {e.key for e in agreement.events}
    events: list[AgreementEvent] = []
    for change in changes:
        if change.key in recorded:
            continue
        recorded.add(change.key)
        frm = None
        if change.to is not None and change.to is not agreement.status:
            frm = agreement.status
            agreement.status = change.to
            agreement.status_reason = change.reason
        _effects(agreement, change, now)
        event = AgreementEvent(
            agreement_id=agreement.id,
            key=change.key,
            kind=change.kind,
            from_status=frm.value if frm else None,
            to_status=change.to.value if change.to else None,
            occurred_on=on,
            detail=dict(change.detail),
            actor_id=actor_id,
        )
        agreement.events.append(event)
        events.append(event)
    return events


def _effects(agreement: Agreement, change: Change, now: datetime.datetime) -> None:
    if change.key == "paid":
        agreement.paid_at = now
    if change.effective_on is not None:
        agreement.effective_on = change.effective_on
    if change.recording_due is not None:
        agreement.recording = RecordingTask(
            agreement_id=agreement.id, due_date=change.recording_due, status=RecordingStatus.OPEN
        )
    if change.ended_on is not None:
        agreement.ended_on = change.ended_on
        cancel = set(_cancelled(facts_of(agreement).entries, change.ended_on))
        for entry in agreement.entries:
            if entry.key in cancel:
                entry.status = EntryStatus.CANCELLED
    if change.fairness_review:
        agreement.fairness_review_required = True


def record(
    session: AsyncSession,
    agreement: Agreement,
    changes: Iterable[Change],
    *,
    on: datetime.date,
    now: datetime.datetime,
    actor_id: uuid.UUID | None = None,
) -> list[AgreementEvent]:
    """`apply_changes`, then each new event into the audit ledger."""
    events = apply_changes(agreement, changes, on=on, now=now, actor_id=actor_id)
    ledger.append(session, *(event_record(e, agreement) for e in events))
    return events


def event_record(event: AgreementEvent, agreement: Agreement) -> LedgerRecord:
    """`agreement.<kind>`: the change, and the agreement's whole state after it (`state`), so
    verification can compare every column the audit API serves with the chain."""
    return LedgerRecord(
        action=f"agreement.{event.kind}",
        subject_type="agreement",
        subject_id=str(event.agreement_id),
        actor_id=ledger.actor(event.actor_id),
        data={
            "key": event.key,
            "from": event.from_status,
            "to": event.to_status,
            "occurred_on": event.occurred_on.isoformat(),
            "detail": event.detail or {},
            "state": agreement_state(agreement),
        },
    )


def created_record(agreement: Agreement) -> LedgerRecord:
    return LedgerRecord(
        action="agreement.created",
        subject_type="agreement",
        subject_id=str(agreement.id),
        actor_id=ledger.actor(agreement.accepted_by_id),
        data={
            "number": agreement.number,
            "seal": agreement.seal,
            "declaration_id": str(agreement.declaration_id),
            "patent_id": str(agreement.patent_id),
            "licensor_organisation_id": str(agreement.licensor_organisation_id),
            "licensee_organisation_id": str(agreement.licensee_organisation_id),
            "status": agreement.status.value,
            "notified_at": _instant(agreement.notified_at),
            "state": agreement_state(agreement),
        },
    )


def agreement_state(agreement: Agreement) -> dict[str, Any]:
    """Every fact of the agreement the audit API serves (row, schedule, recording), JSON-safe and
    normalised so that the values computed before a flush equal those read back later. Needs
    `entries` and `recording` loaded (or new). `snapshot`, `text_zh` and `text_en` are covered by
    `seal`."""
    task = agreement.recording
    return {
        "number": agreement.number,
        "declaration_id": str(agreement.declaration_id),
        "patent_id": str(agreement.patent_id),
        "licensor_organisation_id": str(agreement.licensor_organisation_id),
        "licensee_organisation_id": str(agreement.licensee_organisation_id),
        "accepted_by_id": str(agreement.accepted_by_id),
        "status": agreement.status.value,
        "status_reason": agreement.status_reason,
        "notified_at": _instant(agreement.notified_at),
        "paid_at": _instant(agreement.paid_at),
        "effective_on": _day(agreement.effective_on),
        "ended_on": _day(agreement.ended_on),
        "licence_start": _day(agreement.licence_start),
        "licence_end": _day(agreement.licence_end),
        "currency": agreement.currency,
        "fee_type": agreement.fee_type,
        "has_trial": bool(agreement.has_trial),
        "notice_ip": agreement.notice_ip,
        "notice_user_agent": agreement.notice_user_agent,
        "seal": agreement.seal,
        "seal_version": agreement.seal_version or 1,
        "fairness_review_required": bool(agreement.fairness_review_required),
        "schedule": {e.key: entry_state(e) for e in agreement.entries},
        "recording": None if task is None else recording_state(task),
    }


def entry_state(entry: ScheduleEntry) -> dict[str, Any]:
    """A schedule item as served (`refunded_minor` is the payments' own record: `payment.*`)."""
    return {
        "kind": entry.kind,
        "due_date": _day(entry.due_date),
        "amount_minor": entry.amount_minor,
        "stage_index": entry.stage_index,
        "period_start": _day(entry.period_start),
        "period_end": _day(entry.period_end),
        "rate": None if entry.rate is None else _decimal(entry.rate),
        "base": entry.base,
        "description": entry.description,
        "status": entry.status.value,
        "paid_minor": entry.paid_minor,
        "paid_on": _day(entry.paid_on),
        "payment_reference": entry.payment_reference,
    }


def recording_state(task: RecordingTask) -> dict[str, Any]:
    return {
        "due_date": _day(task.due_date),
        "status": task.status.value,
        "filed_on": _day(task.filed_on),
        "cnipa_reference": task.cnipa_reference,
        "filed_by_party": task.filed_by_party,
    }


def event_state(event: AgreementEvent) -> dict[str, Any]:
    """An `agreement_events` row as its `agreement.<kind>` entry records it."""
    return {
        "kind": event.kind,
        "from": event.from_status,
        "to": event.to_status,
        "occurred_on": _day(event.occurred_on),
        "detail": ledger.json_safe(event.detail or {}),
    }


def _instant(value: datetime.datetime | None) -> str | None:
    return None if value is None else value.astimezone(datetime.UTC).isoformat()


def _day(value: datetime.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _decimal(value: Decimal) -> str:
    """One spelling per number, whatever scale the database hands back (`0.050000` → `0.05`)."""
    return format(Decimal(value).normalize(), "f")
