"""The half-year confirmation reminder (千校万企: enterprise needs are updated every half year).

An open need whose confirmation falls due (`rules.freshness` → "due") is reminded once, to the
staff of its enterprise (`need.confirm`, inbox and mail where chosen), with the day it stops
being shown. The reminder key (kind, need, due day) makes the pass safe to run on any number of
workers and any number of times a day (`notifications.service.claim_reminder`)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from openlicense.needs.models import Need
from openlicense.needs.rules import CONFIRM_EVERY, GRACE, confirm_due_at, hidden_after
from openlicense.needs.states import NeedStatus
from openlicense.notifications.service import claim_reminder, notify_staff

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

KIND = "need.confirm"


async def remind_unconfirmed(session: AsyncSession, today: datetime.date) -> int:
    """Remind the enterprises whose open needs are due for confirmation; returns how many
    needs were reminded in this pass (those reminded before are skipped)."""
    start = datetime.datetime.combine(today, datetime.time(), tzinfo=datetime.UTC)
    end = start + datetime.timedelta(days=1)
    due = await session.scalars(
        select(Need)
        .where(
            Need.status == NeedStatus.OPEN,
            Need.last_confirmed_at < end - CONFIRM_EVERY,  # due by the end of today
            Need.last_confirmed_at >= start - CONFIRM_EVERY - GRACE,  # not lapsed yet
        )
        .order_by(Need.last_confirmed_at, Need.id)
    )
    reminded = 0
    for need in due:
        due_day = confirm_due_at(need.last_confirmed_at).date()
        if not await claim_reminder(session, KIND, str(need.id), due_day):
            continue
        data = {"title": need.title, "hidden_on": hidden_after(need.last_confirmed_at).date()}
        await notify_staff(session, [need.organisation_id], KIND, ("need", need.id), data)
        reminded += 1
    return reminded
