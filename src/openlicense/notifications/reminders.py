"""Reminders: a scheduled pass that finds what falls due and tells the people concerned, once.

Each reminder has a key (kind, subject, due date) in `reminder_keys`, inserted with ON CONFLICT
DO NOTHING in the same transaction as its inbox rows: of two workers running the pass at once,
one inserts the key and writes the reminder, the other finds the key taken and writes nothing
(on PostgreSQL it waits for the first to commit, then skips; SQLite serialises the writers).

What is reminded (days before the due date, or after it for "overdue"):
trial ending 14 and 3 days · payment or royalty report due in 7 days, and overdue · recording due
in 30 days, and overdue · licence period ending in 30 days · a suspension or termination when it
happens."""

from __future__ import annotations

import datetime
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, select

from openlicense.accounts.models import User
from openlicense.agreements.models import Agreement, AgreementEvent, RecordingTask, ScheduleEntry
from openlicense.agreements.states import LIVE_STATUSES, EntryStatus, RecordingStatus
from openlicense.notifications.service import claim_reminder, notify

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

TRIAL_DAYS = (14, 3)
DUE_DAYS = 7
RECORDING_DAYS = 30
LICENCE_END_DAYS = 30
EVENT_LOOKBACK_DAYS = 7


@dataclass
class ReminderReport:
    sent: Counter[str] = field(default_factory=Counter)
    skipped: int = 0
    """Reminders another pass (or worker) had already sent."""

    def as_dict(self) -> dict[str, Any]:
        return {"sent": dict(self.sent), "skipped": self.skipped}


@dataclass(frozen=True, slots=True)
class _Due:
    kind: str
    agreement: Agreement
    due_date: datetime.date
    to: str
    """licensee, licensor or both."""
    data: dict[str, Any]
    key_subject: str


async def run_reminders(session: AsyncSession, today: datetime.date) -> ReminderReport:
    """One pass in the caller's transaction."""
    report = ReminderReport()
    dues = [
        *await _trials(session, today),
        *await _entries(session, today),
        *await _recordings(session, today),
        *await _licence_ends(session, today),
        *await _events(session, today),
    ]
    staff = await _staff(session, {o for d in dues for o in _orgs(d)})
    for due in dues:
        if not await claim_reminder(session, due.kind, due.key_subject, due.due_date):
            report.skipped += 1
            continue
        users = [u for org in _orgs(due) for u in staff.get(org, [])]
        data = {
            "agreement_number": due.agreement.number,
            "due_date": due.due_date.isoformat(),
            "days": (due.due_date - today).days,
            **due.data,
        }
        await notify(session, users, due.kind, ("agreement", due.agreement.id), data)
        report.sent[due.kind] += 1
    return report


def _orgs(due: _Due) -> list[uuid.UUID]:
    a = due.agreement
    return {
        "licensee": [a.licensee_organisation_id],
        "licensor": [a.licensor_organisation_id],
    }.get(due.to, [a.licensee_organisation_id, a.licensor_organisation_id])


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


async def _staff(
    session: AsyncSession, organisations: set[uuid.UUID]
) -> dict[uuid.UUID, list[uuid.UUID]]:
    if not organisations:
        return {}
    rows = await session.execute(
        select(User.organisation_id, User.id).where(
            User.organisation_id.in_(organisations), User.is_active.is_(True)
        )
    )
    found: dict[uuid.UUID, list[uuid.UUID]] = {}
    for org, user in rows.all():
        found.setdefault(org, []).append(user)
    return found


async def _trials(session: AsyncSession, today: datetime.date) -> list[_Due]:
    """The first paid stage's start is the trial's end (its schedule entry, stage_index 1)."""
    rows = await session.execute(
        select(Agreement, ScheduleEntry.due_date)
        .join(ScheduleEntry, ScheduleEntry.agreement_id == Agreement.id)
        .where(
            Agreement.has_trial.is_(True),
            Agreement.status.in_(LIVE_STATUSES),
            ScheduleEntry.stage_index == 1,
            ScheduleEntry.status != EntryStatus.CANCELLED,
            ScheduleEntry.due_date > today,
            ScheduleEntry.due_date <= today + datetime.timedelta(days=max(TRIAL_DAYS)),
        )
    )
    dues = []
    for agreement, trial_end in rows.all():
        left = (trial_end - today).days
        threshold = min(d for d in TRIAL_DAYS if left <= d)
        dues.append(
            _Due(
                "trial.ending",
                agreement,
                trial_end,
                "licensee",
                {},
                f"{agreement.id}:{threshold}",
            )
        )
    return dues


async def _entries(session: AsyncSession, today: datetime.date) -> list[_Due]:
    rows = await session.execute(
        select(Agreement, ScheduleEntry)
        .join(ScheduleEntry, ScheduleEntry.agreement_id == Agreement.id)
        .where(
            Agreement.status.in_(LIVE_STATUSES),
            ScheduleEntry.status.in_([EntryStatus.SCHEDULED, EntryStatus.AWAITING_REPORT]),
            ScheduleEntry.due_date <= today + datetime.timedelta(days=DUE_DAYS),
            # Amounts of zero (free stages) are nothing to remind about.
            and_(ScheduleEntry.amount_minor.is_(None) | (ScheduleEntry.amount_minor > 0)),
        )
    )
    dues = []
    for agreement, entry in rows.all():
        report = entry.status is EntryStatus.AWAITING_REPORT or (
            entry.amount_minor is None and entry.rate is not None
        )
        overdue = entry.due_date < today
        kind = ("report" if report else "payment") + (".overdue" if overdue else ".due")
        dues.append(
            _Due(
                kind,
                agreement,
                entry.due_date,
                "both" if overdue else "licensee",
                {"description": entry.description},
                str(entry.id),
            )
        )
    return dues


async def _recordings(session: AsyncSession, today: datetime.date) -> list[_Due]:
    rows = await session.execute(
        select(Agreement, RecordingTask.due_date)
        .join(RecordingTask, RecordingTask.agreement_id == Agreement.id)
        .where(
            Agreement.status.in_(LIVE_STATUSES),
            RecordingTask.status == RecordingStatus.OPEN,
            RecordingTask.due_date <= today + datetime.timedelta(days=RECORDING_DAYS),
        )
    )
    return [
        _Due(
            "recording.overdue" if due < today else "recording.due",
            a,
            due,
            "both",
            {},
            str(a.id),
        )
        for a, due in rows.all()
    ]


async def _licence_ends(session: AsyncSession, today: datetime.date) -> list[_Due]:
    rows = await session.scalars(
        select(Agreement).where(
            Agreement.status.in_(LIVE_STATUSES),
            Agreement.licence_end >= today,
            Agreement.licence_end <= today + datetime.timedelta(days=LICENCE_END_DAYS),
        )
    )
    return [_Due("licence.ending", a, a.licence_end, "both", {}, str(a.id)) for a in rows]


async def _events(session: AsyncSession, today: datetime.date) -> list[_Due]:
    """Suspensions and terminations the lifecycle pass recorded lately."""
    rows = await session.execute(
        select(Agreement, AgreementEvent)
        .join(AgreementEvent, AgreementEvent.agreement_id == Agreement.id)
        .where(
            AgreementEvent.to_status.in_(["suspended", "terminated"]),
            AgreementEvent.occurred_on >= today - datetime.timedelta(days=EVENT_LOOKBACK_DAYS),
        )
    )
    return [
        _Due(
            f"agreement.{event.to_status}",
            agreement,
            event.occurred_on,
            "both",
            {"reason": event.kind},
            str(event.id),
        )
        for agreement, event in rows.all()
    ]
