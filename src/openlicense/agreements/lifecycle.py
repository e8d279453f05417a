"""The lifecycle worker: applies time-driven transitions, idempotently (rules 17, 20, 21, 24).

For each live agreement, on `today`:
1. patent expired, lapsed or invalidated → ENDED; future obligations cancelled; an invalidation
   queues a fairness review (PL 47) — payments are not refunded automatically;
2. licence period over → ENDED;
3. PAID and the licence period has started → EFFECTIVE (+ recording task, rule 21);
4. a stage has started (e.g. a trial ended) → `stage-N-started` event;
5. an amount or report overdue → notice; past the grace period → SUSPENDED; suspended past the
   suspension period → TERMINATED with the arrears kept (rule 20). A licence never paid on
   acceptance lapses (TERMINATED) after the grace period.
A withdrawn declaration changes nothing here (rule 23). Every change is an event with a unique
key, so running the worker twice on the same day changes nothing the second time.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from openlicense.agreements.models import LIVE_STATUSES, Agreement, AgreementStatus
from openlicense.agreements.transitions import (
    UNPAID,
    become_effective,
    end_agreement,
    initial_paid,
    record_event,
    set_status,
)
from openlicense.catalogue.models import Declaration, DeclarationWithdrawal, LegalStatus, Patent
from openlicense.search.enqueue import enqueue
from openlicense.search.models import SearchOutbox

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from openlicense.settings import LifecycleSettings

BATCH = 200


@dataclass
class LifecycleReport:
    today: datetime.date
    examined: int = 0
    transitions: Counter[str] = field(default_factory=Counter)


async def run_lifecycle(
    session: AsyncSession, *, today: datetime.date, settings: LifecycleSettings
) -> LifecycleReport:
    """Apply every due transition. The caller owns the transaction."""
    report = LifecycleReport(today=today)
    if refreshed := await refresh_listings_due(session, today):
        report.transitions["search_refresh"] += refreshed
    last_id = None
    while True:
        batch = await _live_batch(session, after=last_id)
        if not batch:
            return report
        for agreement, patent in batch:
            report.examined += 1
            for change in apply_due_transitions(agreement, patent, today=today, settings=settings):
                report.transitions[change] += 1
        await session.flush()
        last_id = batch[-1][0].id


async def refresh_listings_due(session: AsyncSession, today: datetime.date) -> int:
    """Listings whose status turns with the calendar — a withdrawal taking effect today, a patent
    expired yesterday — get an outbox row, once a day (skipped while one is still pending)."""
    withdrawn = (
        select(Declaration.patent_id)
        .join(DeclarationWithdrawal)
        .where(DeclarationWithdrawal.effective_date == today)
    )
    expired = select(Patent.id).where(Patent.expiry_date == today - datetime.timedelta(days=1))
    pending = select(SearchOutbox.patent_id).where(SearchOutbox.reason == "declaration.status_due")
    ids = set(await session.scalars(withdrawn.union(expired))) - set(await session.scalars(pending))
    if ids:
        enqueue(session, ids, "declaration.status_due")
    return len(ids)


async def _live_batch(session: AsyncSession, *, after) -> list[tuple[Agreement, Patent]]:  # type: ignore[no-untyped-def]
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
    if session.bind.dialect.name == "postgresql":
        # Several workers may run: each takes agreements nobody else is processing.
        query = query.with_for_update(of=Agreement, skip_locked=True)
    return [(row[0], row[1]) for row in (await session.execute(query)).all()]


def apply_due_transitions(
    agreement: Agreement, patent: Patent, *, today: datetime.date, settings: LifecycleSettings
) -> list[str]:
    """The transitions due today for one agreement, applied in order; names of what changed."""
    changes: list[str] = []
    if ended := _end_if_patent_gone(agreement, patent, today):
        return [ended]
    if today > agreement.licence_end:
        end_agreement(agreement, AgreementStatus.ENDED, on=today, reason="licence_period_over")
        return ["ended"]
    if agreement.status is AgreementStatus.PAID and agreement.licence_start <= today:
        become_effective(agreement, on=today, recording_months=settings.recording_months)
        changes.append("effective")
    changes += _stage_starts(agreement, today)
    changes += _overdue(agreement, today, settings)
    return changes


def _end_if_patent_gone(agreement: Agreement, patent: Patent, today: datetime.date) -> str | None:
    if patent.legal_status is LegalStatus.VALID and patent.expiry_date >= today:
        return None
    reason = (
        "patent_expired"
        if patent.legal_status is LegalStatus.VALID
        else f"patent_{patent.legal_status.value}"
    )
    end_agreement(agreement, AgreementStatus.ENDED, on=today, reason=reason)
    if patent.legal_status is LegalStatus.INVALIDATED:
        agreement.fairness_review_required = True
        record_event(agreement, key="fairness-review", kind="fairness_review_queued", on=today)
    return reason


def _stage_starts(agreement: Agreement, today: datetime.date) -> list[str]:
    started = []
    for stage in agreement.snapshot.get("stages", [])[1:]:
        key = f"stage-{stage['index']}-started"
        if datetime.date.fromisoformat(stage["start"]) <= today and record_event(
            agreement, key=key, kind="stage_started", on=today, detail=stage
        ):
            started.append("stage_started")
    return started


def _overdue(agreement: Agreement, today: datetime.date, settings: LifecycleSettings) -> list[str]:
    overdue = [e for e in agreement.entries if e.status in UNPAID and e.due_date < today]
    changes = [
        "overdue_notice"
        for e in overdue
        if record_event(
            agreement,
            key=f"overdue-{e.key}",
            kind="overdue_notice",
            on=today,
            detail={"entry": e.key},
        )
    ]
    if not overdue:
        return changes
    oldest = min(e.due_date for e in overdue)
    days_late = (today - oldest).days
    status = agreement.status
    if (
        status is AgreementStatus.NOTIFIED
        and not initial_paid(agreement)
        and days_late > settings.grace_days
    ):
        end_agreement(
            agreement, AgreementStatus.TERMINATED, on=today, reason="not_paid_on_acceptance"
        )
        changes.append("terminated")
    elif status is AgreementStatus.EFFECTIVE and days_late > settings.grace_days:
        set_status(
            agreement,
            AgreementStatus.SUSPENDED,
            on=today,
            key=f"suspended-{oldest}",
            kind="suspended",
            reason="payment_overdue",
            detail={"entries": [e.key for e in overdue]},
        )
        changes.append("suspended")
    elif (
        status is AgreementStatus.SUSPENDED
        and days_late > settings.grace_days + settings.suspension_days
    ):
        end_agreement(
            agreement,
            AgreementStatus.TERMINATED,
            on=today,
            reason="payment_overdue",
            detail={"arrears": [{"entry": e.key, "amount_minor": e.amount_minor} for e in overdue]},
        )
        changes.append("terminated")
    return changes


def reinstate_if_current(agreement: Agreement, today: datetime.date) -> bool:
    """A suspended licence whose arrears are all paid becomes effective again."""
    if agreement.status is not AgreementStatus.SUSPENDED:
        return False
    if any(e.status in UNPAID and e.due_date < today for e in agreement.entries):
        return False
    set_status(
        agreement, AgreementStatus.EFFECTIVE, on=today, key=f"reinstated-{today}", kind="reinstated"
    )
    return True
