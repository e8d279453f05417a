"""Settling one schedule item, however the money arrived (offline confirmation or Stripe).

Rule 17: once everything due at the start is paid, NOTIFIED → PAID, and EFFECTIVE from the
licence start; a suspended licence whose arrears are paid is reinstated (rule 20)."""

from __future__ import annotations

import datetime
import uuid

from openlicense.agreements.lifecycle import reinstate_if_current
from openlicense.agreements.models import Agreement, AgreementStatus, EntryStatus, ScheduleEntry
from openlicense.agreements.transitions import (
    become_effective,
    initial_paid,
    record_event,
    set_status,
)


def settle_entry(
    agreement: Agreement,
    entry: ScheduleEntry,
    *,
    amount_minor: int,
    paid_on: datetime.date,
    reference: str,
    actor_id: uuid.UUID | None,
    now: datetime.datetime,
    recording_months: int,
    method: str = "offline",
) -> None:
    today = now.date()
    entry.status = EntryStatus.PAID
    entry.paid_minor, entry.paid_on, entry.payment_reference = amount_minor, paid_on, reference
    entry.confirmed_by_id = actor_id
    record_event(
        agreement,
        key=f"payment-{entry.key}",
        kind="payment_confirmed",
        on=today,
        detail={
            "entry": entry.key,
            "amount_minor": amount_minor,
            "reference": reference,
            "method": method,
        },
        actor_id=actor_id,
    )
    if agreement.status is AgreementStatus.NOTIFIED and initial_paid(agreement):
        set_status(agreement, AgreementStatus.PAID, on=today, key="paid", kind="paid")
        agreement.paid_at = now
    if agreement.status is AgreementStatus.PAID and agreement.licence_start <= today:
        become_effective(agreement, on=today, recording_months=recording_months)
    reinstate_if_current(agreement, today)
