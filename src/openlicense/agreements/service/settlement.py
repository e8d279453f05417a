"""Settling one schedule item, however the money arrived (offline confirmation or Stripe).

Rule 17: once everything due at the start is paid, NOTIFIED → PAID, and EFFECTIVE from the
licence start; rule 20: a suspended licence whose arrears are paid is reinstated."""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING

from openlicense.agreements.models import Agreement, EntryStatus, ScheduleEntry
from openlicense.agreements.rules import Change, LifecycleConfig, after_payment
from openlicense.agreements.service import history

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession


async def settle_entry(
    session: AsyncSession,
    agreement: Agreement,
    entry: ScheduleEntry,
    *,
    amount_minor: int,
    paid_on: datetime.date,
    reference: str,
    actor_id: uuid.UUID | None,
    now: datetime.datetime,
    config: LifecycleConfig,
    method: str = "offline",
) -> None:
    today = now.date()
    entry.status = EntryStatus.PAID
    entry.paid_minor, entry.paid_on, entry.payment_reference = amount_minor, paid_on, reference
    entry.confirmed_by_id = actor_id
    confirmed = Change(
        rule=17,
        key=f"payment-{entry.key}",
        kind="payment_confirmed",
        detail={
            "entry": entry.key,
            "amount_minor": amount_minor,
            "reference": reference,
            "method": method,
        },
    )
    history.record(session, agreement, [confirmed], on=today, now=now, actor_id=actor_id)
    follow_up = after_payment(history.facts_of(agreement), today, config)
    history.record(session, agreement, follow_up, on=today, now=now)
