"""Agreements as lists and totals for the pages: each with its next payment and next report,
a licensor's money and recording deadlines. Read-only; visibility as in `access.visible_to`."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from openlicense.accounts.models import Organisation
from openlicense.agreements.models import (
    Agreement,
    EntryStatus,
    RecordingStatus,
    RecordingTask,
    ScheduleEntry,
)
from openlicense.agreements.service.access import visible_to
from openlicense.catalogue.models import Patent

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from openlicense.accounts.principal import Principal

UPCOMING_DAYS = 30
"""A licensor's "due soon": unpaid amounts falling due within this many days."""


@dataclass(frozen=True, slots=True)
class AgreementLine:
    agreement: Agreement
    patent_title_zh: str
    patent_title_en: str | None
    application_number: str
    licensor: str
    licensee: str
    next_payment: ScheduleEntry | None
    """The earliest unpaid amount (scheduled, with a known amount)."""
    next_report: ScheduleEntry | None
    """The earliest royalty period still awaiting its report."""


@dataclass(slots=True)
class LicensorTotals:
    by_status: dict[str, int] = field(default_factory=dict)
    overdue_minor: int = 0
    due_soon_minor: int = 0
    received_minor: int = 0
    recordings_open: int = 0
    recordings_overdue: int = 0


@dataclass(frozen=True, slots=True)
class RecordingLine:
    task: RecordingTask
    agreement_id: uuid.UUID
    agreement_number: str
    patent_title_zh: str
    licensee: str


async def agreement_lines(
    session: AsyncSession,
    principal: Principal,
    *,
    status: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[AgreementLine], int]:
    query = visible_to(principal, select(Agreement))
    if status:
        query = query.where(Agreement.status == status)
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = list(
        await session.scalars(
            query.options(selectinload(Agreement.entries))
            .order_by(Agreement.notified_at.desc(), Agreement.id)
            .limit(limit)
            .offset(offset)
        )
    )
    patents, orgs = await _names(session, rows)
    return [_line(a, patents[a.patent_id], orgs) for a in rows], total


async def _names(
    session: AsyncSession, rows: list[Agreement]
) -> tuple[dict[uuid.UUID, tuple[str, str | None, str]], dict[uuid.UUID, str]]:
    patent_ids = {a.patent_id for a in rows}
    org_ids = {a.licensor_organisation_id for a in rows} | {
        a.licensee_organisation_id for a in rows
    }
    patents = {
        pid: (zh, en, number)
        for pid, zh, en, number in (
            await session.execute(
                select(
                    Patent.id, Patent.title_zh, Patent.title_en, Patent.application_number
                ).where(Patent.id.in_(patent_ids))
            )
        ).all()
    }
    orgs = {
        oid: name
        for oid, name in (
            await session.execute(
                select(Organisation.id, Organisation.name).where(Organisation.id.in_(org_ids))
            )
        ).all()
    }
    return patents, orgs


def _line(
    agreement: Agreement, patent: tuple[str, str | None, str], orgs: dict[uuid.UUID, str]
) -> AgreementLine:
    unpaid = [e for e in agreement.entries if e.status is EntryStatus.SCHEDULED and e.amount_minor]
    reports = [e for e in agreement.entries if e.status is EntryStatus.AWAITING_REPORT]
    return AgreementLine(
        agreement=agreement,
        patent_title_zh=patent[0],
        patent_title_en=patent[1],
        application_number=patent[2],
        licensor=orgs.get(agreement.licensor_organisation_id, ""),
        licensee=orgs.get(agreement.licensee_organisation_id, ""),
        next_payment=min(unpaid, key=lambda e: e.due_date, default=None),
        next_report=min(reports, key=lambda e: e.due_date, default=None),
    )


async def licensor_totals(
    session: AsyncSession, organisation_id: uuid.UUID, *, today: datetime.date
) -> LicensorTotals:
    """A university's licences by state, money overdue / due soon / received, and 备案 tasks."""
    totals = LicensorTotals()
    mine = Agreement.licensor_organisation_id == organisation_id
    rows = await session.execute(
        select(Agreement.status, func.count()).where(mine).group_by(Agreement.status)
    )
    totals.by_status = {str(getattr(s, "value", s)): n for s, n in rows.all()}
    entries = await session.execute(
        select(
            ScheduleEntry.status,
            ScheduleEntry.due_date,
            ScheduleEntry.amount_minor,
            ScheduleEntry.paid_minor,
            ScheduleEntry.refunded_minor,
        )
        .join(Agreement, Agreement.id == ScheduleEntry.agreement_id)
        .where(mine)
    )
    soon = today + datetime.timedelta(days=UPCOMING_DAYS)
    for status, due, amount, paid, refunded in entries.all():
        totals.received_minor += (paid or 0) - (refunded or 0)
        if status is EntryStatus.SCHEDULED and amount:
            if due < today:
                totals.overdue_minor += amount
            elif due <= soon:
                totals.due_soon_minor += amount
    tasks = await session.execute(
        select(RecordingTask.due_date)
        .join(Agreement, Agreement.id == RecordingTask.agreement_id)
        .where(mine, RecordingTask.status == RecordingStatus.OPEN)
    )
    for (due,) in tasks.all():
        totals.recordings_open += 1
        totals.recordings_overdue += due < today
    return totals


async def recording_lines(
    session: AsyncSession, principal: Principal, *, open_only: bool = True, limit: int = 100
) -> list[RecordingLine]:
    """备案 tasks of the caller's agreements, earliest deadline first."""
    query = visible_to(
        principal,
        select(RecordingTask, Agreement.number, Patent.title_zh, Organisation.name)
        .join(Agreement, Agreement.id == RecordingTask.agreement_id)
        .join(Patent, Patent.id == Agreement.patent_id)
        .join(Organisation, Organisation.id == Agreement.licensee_organisation_id),
    )
    if open_only:
        query = query.where(RecordingTask.status == RecordingStatus.OPEN)
    rows = await session.execute(
        query.order_by(RecordingTask.due_date, RecordingTask.id).limit(limit)
    )
    return [
        RecordingLine(task, task.agreement_id, number, title, licensee)
        for task, number, title, licensee in rows.all()
    ]
