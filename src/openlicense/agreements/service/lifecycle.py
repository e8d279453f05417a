"""The daily lifecycle pass over live agreements (rules 17, 20, 21, 24 in `agreements.rules`).

For each live agreement, on `today`, the pure rules decide what is due — the patent expired,
lapsed or was invalidated; the licence period is over; a paid licence starts; a stage starts; an
amount or report is overdue — and `history` applies and records it. A withdrawn declaration
changes nothing here (rule 23). Running the pass twice on one day changes nothing the second time.
"""

from __future__ import annotations

import datetime
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from openlicense.agreements.models import LIVE_STATUSES, Agreement
from openlicense.agreements.rules import LifecycleConfig, PatentState, due_changes
from openlicense.agreements.service import history
from openlicense.catalogue.models import Patent

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

BATCH = 200


@dataclass
class LifecycleReport:
    today: datetime.date
    examined: int = 0
    transitions: Counter[str] = field(default_factory=Counter)


async def run_lifecycle(
    session: AsyncSession,
    *,
    today: datetime.date,
    now: datetime.datetime,
    config: LifecycleConfig,
) -> LifecycleReport:
    """Apply every due transition. The caller owns the transaction."""
    report = LifecycleReport(today=today)
    last_id: uuid.UUID | None = None
    while True:
        batch = await _live_batch(session, after=last_id)
        if not batch:
            return report
        for agreement, patent in batch:
            report.examined += 1
            state = PatentState(
                legal_status=patent.legal_status.value, expiry_date=patent.expiry_date
            )
            changes = due_changes(history.facts_of(agreement), state, today, config)
            for event in history.record(session, agreement, changes, on=today, now=now):
                report.transitions[_name(event.kind, event.to_status)] += 1
        await session.flush()
        last_id = batch[-1][0].id


def _name(kind: str, to_status: str | None) -> str:
    """How the report counts a change (`ended`, `terminated`, `suspended`, `overdue_notice` …)."""
    if kind == "ended" and to_status == "terminated":
        return "terminated"
    return kind


async def _live_batch(
    session: AsyncSession, *, after: uuid.UUID | None
) -> list[tuple[Agreement, Patent]]:
    query = (
        select(Agreement, Patent)
        .join(Patent, Patent.id == Agreement.patent_id)
        .where(Agreement.status.in_(LIVE_STATUSES))
        .options(
            selectinload(Agreement.entries),
            selectinload(Agreement.recording),
            selectinload(Agreement.events),
        )
        .order_by(Agreement.id)
        .limit(BATCH)
    )
    if after is not None:
        query = query.where(Agreement.id > after)
    if session.get_bind().dialect.name == "postgresql":
        # Several workers may run: each takes agreements nobody else is processing.
        query = query.with_for_update(of=Agreement, skip_locked=True)
    return [(row[0], row[1]) for row in (await session.execute(query)).all()]
