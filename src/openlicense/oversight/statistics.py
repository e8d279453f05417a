"""Statistics for IP offices and the 千校万企 indicators, on a date range.

Counts come from plain queries; the SME test (accounts.sme) and trial conversion are applied in
Python over the agreements of the range, which keeps every rule in one place."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from openlicense.accounts import rules as sme
from openlicense.accounts.models import Organisation
from openlicense.agreements.models import Agreement, EntryStatus, RecordingStatus
from openlicense.catalogue.models import Declaration, DeclarationStatus, Patent

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

GroupBy = Literal["quarter", "university", "province", "technology_field", "fee_type"]


@dataclass
class Bucket:
    patents_declared: int = 0
    active_declarations: int = 0
    licences_granted: int = 0
    smes_served: set[str] = field(default_factory=set)
    trial_licences: int = 0
    trial_conversions: int = 0
    amount_agreed_minor: int = 0
    amount_paid_minor: int = 0
    recordings_overdue: int = 0

    def as_row(self, key: str) -> dict[str, Any]:
        return {
            "group": key,
            "patents_declared": self.patents_declared,
            "active_declarations": self.active_declarations,
            "licences_granted": self.licences_granted,
            "distinct_smes_served": len(self.smes_served),
            "trial_licences": self.trial_licences,
            "trial_conversions": self.trial_conversions,
            "amount_agreed_minor": self.amount_agreed_minor,
            "amount_paid_minor": self.amount_paid_minor,
            "recordings_overdue": self.recordings_overdue,
        }


def quarter(day: datetime.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


async def statistics(
    session: AsyncSession,
    *,
    group_by: GroupBy,
    date_from: datetime.date,
    date_to: datetime.date,
    today: datetime.date,
) -> list[dict[str, Any]]:
    """Declarations by announcement date and agreements by notice date within [from, to]."""
    orgs = {o.id: o for o in await session.scalars(select(Organisation))}
    buckets: dict[str, Bucket] = defaultdict(Bucket)

    def key_for(day: datetime.date, university_id: Any, field_: str, fee_type: str) -> str:
        if group_by == "quarter":
            return quarter(day)
        if group_by == "university":
            return orgs[university_id].name
        if group_by == "province":
            return orgs[university_id].province or "unknown"
        if group_by == "fee_type":
            return fee_type
        return field_

    declarations = await session.execute(
        select(Declaration, Patent.owner_organisation_id, Patent.technology_field)
        .join(Patent, Patent.id == Declaration.patent_id)
        .where(Declaration.announcement_date.between(date_from, date_to))
    )
    declared: dict[str, set[Any]] = defaultdict(set)
    for declaration, university_id, technology_field in declarations.all():
        bucket_key = key_for(
            declaration.announcement_date, university_id, technology_field, declaration.fee_type
        )
        declared[bucket_key].add(declaration.patent_id)
        if declaration.status is DeclarationStatus.PUBLISHED:
            buckets[bucket_key].active_declarations += 1
    for bucket_key, patents in declared.items():
        buckets[bucket_key].patents_declared = len(patents)

    agreements = await session.execute(
        select(Agreement, Patent.technology_field)
        .join(Patent, Patent.id == Agreement.patent_id)
        .where(
            Agreement.notified_at >= _start(date_from),
            Agreement.notified_at < _start(date_to + datetime.timedelta(days=1)),
        )
        .options(selectinload(Agreement.entries), selectinload(Agreement.recording))
    )
    for agreement, technology_field in agreements.all():
        bucket = buckets[
            key_for(
                agreement.notified_at.date(),
                agreement.licensor_organisation_id,
                technology_field,
                agreement.fee_type,
            )
        ]
        _add_agreement(bucket, agreement, orgs[agreement.licensee_organisation_id], today)
    return [buckets[k].as_row(k) for k in sorted(buckets)]


def _add_agreement(
    bucket: Bucket, agreement: Agreement, licensee: Organisation, today: datetime.date
) -> None:
    if agreement.effective_on is not None:  # granted = it took effect at some point
        bucket.licences_granted += 1
        if sme.is_sme(licensee.industry, licensee.headcount, licensee.annual_revenue_minor):
            bucket.smes_served.add(str(licensee.id))
    if agreement.has_trial:
        bucket.trial_licences += 1
        if any(
            (e.stage_index or 1) > 1 and e.status is EntryStatus.PAID for e in agreement.entries
        ):
            bucket.trial_conversions += 1
    for entry in agreement.entries:
        if entry.status is not EntryStatus.CANCELLED:
            bucket.amount_agreed_minor += entry.amount_minor or 0
        bucket.amount_paid_minor += (entry.paid_minor or 0) - (entry.refunded_minor or 0)
    task = agreement.recording
    if task is not None and task.status is RecordingStatus.OPEN and task.due_date < today:
        bucket.recordings_overdue += 1


async def indicators(
    session: AsyncSession, *, date_from: datetime.date, date_to: datetime.date
) -> dict[str, Any]:
    """千校万企: universities with at least one licence; enterprises served per university."""
    rows = await session.execute(
        select(
            Agreement.licensor_organisation_id,
            Agreement.licensee_organisation_id,
            Organisation.name,
        )
        .join(Organisation, Organisation.id == Agreement.licensor_organisation_id)
        .where(
            Agreement.effective_on.is_not(None),
            Agreement.notified_at >= _start(date_from),
            Agreement.notified_at < _start(date_to + datetime.timedelta(days=1)),
        )
    )
    served: dict[str, set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    for licensor, licensee, name in rows.all():
        served[str(licensor)].add(str(licensee))
        names[str(licensor)] = name
    universities = await session.scalar(
        select(func.count()).select_from(Organisation).where(Organisation.kind == "university")
    )
    return {
        "universities_total": universities or 0,
        "universities_with_licence": len(served),
        "enterprises_served": len(set().union(*served.values())) if served else 0,
        "enterprises_served_per_university": [
            {"university_id": u, "university": names[u], "enterprises": len(e)}
            for u, e in sorted(served.items(), key=lambda item: (-len(item[1]), names[item[0]]))
        ],
    }


def _start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)
