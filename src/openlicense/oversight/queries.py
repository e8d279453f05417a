"""Read-only queries of the audit API: filtered, cursor-paginated, stable order."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, Select, String, cast, exists, select, tuple_
from sqlalchemy.orm import aliased, selectinload

from openlicense.accounts.models import Organisation
from openlicense.agreements.models import Agreement, RecordingStatus, RecordingTask
from openlicense.audit.models import LedgerEntry
from openlicense.catalogue.models import Declaration, Patent
from openlicense.core.cursor import decode_cursor, encode_cursor
from openlicense.oversight.errors import InvalidFilter

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

Licensor = aliased(Organisation, name="licensor")
Licensee = aliased(Organisation, name="licensee")


@dataclass(frozen=True)
class AgreementFilters:
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    university_id: uuid.UUID | None = None
    enterprise_id: uuid.UUID | None = None
    province: str | None = None
    patent_id: uuid.UUID | None = None
    ipc_class: str | None = None
    fee_type: str | None = None
    status: str | None = None
    recording_status: str | None = None  # open | filed | overdue | none


AgreementRow = tuple[Agreement, Organisation, Organisation, Patent]


def agreements_query(filters: AgreementFilters, *, today: datetime.date) -> Select[AgreementRow]:
    query = (
        select(Agreement, Licensor, Licensee, Patent)
        .join(Licensor, Licensor.id == Agreement.licensor_organisation_id)
        .join(Licensee, Licensee.id == Agreement.licensee_organisation_id)
        .join(Patent, Patent.id == Agreement.patent_id)
    )
    f = filters
    if f.date_from:
        query = query.where(Agreement.notified_at >= _start(f.date_from))
    if f.date_to:
        query = query.where(Agreement.notified_at < _start(f.date_to + datetime.timedelta(days=1)))
    if f.university_id:
        query = query.where(Agreement.licensor_organisation_id == f.university_id)
    if f.enterprise_id:
        query = query.where(Agreement.licensee_organisation_id == f.enterprise_id)
    if f.province:
        query = query.where(Licensor.province == f.province)
    if f.patent_id:
        query = query.where(Agreement.patent_id == f.patent_id)
    if f.ipc_class:
        # IPC codes are stored as a JSON list; match the class prefix portably.
        query = query.where(_ipc_class_clause(f.ipc_class))
    if f.fee_type:
        query = query.where(Agreement.fee_type == f.fee_type)
    if f.status:
        query = query.where(Agreement.status == f.status)
    if f.recording_status:
        query = query.where(_recording_clause(f.recording_status, today))
    return query


def _ipc_class_clause(ipc_class: str) -> ColumnElement[bool]:
    return cast(Patent.ipc_codes, String).like(f'%"{ipc_class.upper()}%')


def _recording_clause(status: str, today: datetime.date) -> ColumnElement[bool]:
    task = select(RecordingTask.id).where(RecordingTask.agreement_id == Agreement.id)
    if status == "none":
        return ~exists(task)
    if status == "filed":
        return exists(task.where(RecordingTask.status == RecordingStatus.FILED))
    if status == "open":
        return exists(task.where(RecordingTask.status == RecordingStatus.OPEN))
    if status == "overdue":
        return exists(
            task.where(RecordingTask.status == RecordingStatus.OPEN, RecordingTask.due_date < today)
        )
    raise InvalidFilter("recording_status must be open, filed, overdue or none.")


def _start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)


async def agreement_page(
    session: AsyncSession,
    filters: AgreementFilters,
    *,
    today: datetime.date,
    limit: int,
    cursor: str | None,
) -> tuple[list[tuple[Agreement, Organisation, Organisation, Patent]], str | None]:
    query = agreements_query(filters, today=today).options(selectinload(Agreement.recording))
    if cursor:
        at, ident = decode_cursor(cursor, datetime.datetime, uuid.UUID)
        query = query.where(tuple_(Agreement.notified_at, Agreement.id) > (at, ident))
    rows = [
        tuple(r)
        for r in (
            await session.execute(
                query.order_by(Agreement.notified_at, Agreement.id).limit(limit + 1)
            )
        ).all()
    ]
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = (
        encode_cursor(rows[-1][0].notified_at.isoformat(), rows[-1][0].id) if more else None
    )
    return rows, next_cursor


async def agreement_row(
    session: AsyncSession, agreement_id: uuid.UUID, *, today: datetime.date
) -> tuple[Agreement, Organisation, Organisation, Patent]:
    query = agreements_query(AgreementFilters(), today=today).where(Agreement.id == agreement_id)
    row = (await session.execute(query.options(selectinload(Agreement.recording)))).first()
    if row is None:
        from openlicense.core.errors import NotFound

        raise NotFound("No such agreement.")
    return row[0], row[1], row[2], row[3]


async def stream_agreements(
    session: AsyncSession, filters: AgreementFilters, *, today: datetime.date, batch: int = 2000
) -> AsyncIterator[tuple[Agreement, Organisation, Organisation, Patent]]:
    """Keyset-paged, so memory stays flat however many rows an export has."""
    cursor: str | None = None
    while True:
        rows, cursor = await agreement_page(
            session, filters, today=today, limit=batch, cursor=cursor
        )
        for row in rows:
            yield row
        if cursor is None:
            return


async def declaration_page(
    session: AsyncSession,
    *,
    patent_id: uuid.UUID | None,
    university_id: uuid.UUID | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[Declaration], str | None]:
    query = (
        select(Declaration)
        .join(Patent, Patent.id == Declaration.patent_id)
        .options(selectinload(Declaration.withdrawal))
    )
    query = query.where(Declaration.status != "draft")
    if patent_id:
        query = query.where(Declaration.patent_id == patent_id)
    if university_id:
        query = query.where(Patent.owner_organisation_id == university_id)
    if cursor:
        (ident,) = decode_cursor(cursor, uuid.UUID)
        query = query.where(Declaration.id > ident)
    rows = list(await session.scalars(query.order_by(Declaration.id).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (encode_cursor(rows[-1].id) if more else None)


async def recording_page(
    session: AsyncSession,
    *,
    overdue_only: bool,
    today: datetime.date,
    limit: int,
    cursor: str | None,
) -> tuple[list[tuple[RecordingTask, Agreement]], str | None]:
    query = select(RecordingTask, Agreement).join(
        Agreement, Agreement.id == RecordingTask.agreement_id
    )
    if overdue_only:
        query = query.where(
            RecordingTask.status == RecordingStatus.OPEN, RecordingTask.due_date < today
        )
    if cursor:
        due, ident = decode_cursor(cursor, datetime.date, uuid.UUID)
        query = query.where(tuple_(RecordingTask.due_date, RecordingTask.id) > (due, ident))
    rows = [
        tuple(r)
        for r in (
            await session.execute(
                query.order_by(RecordingTask.due_date, RecordingTask.id).limit(limit + 1)
            )
        ).all()
    ]
    more = len(rows) > limit
    rows = rows[:limit]
    cursor_next = encode_cursor(rows[-1][0].due_date.isoformat(), rows[-1][0].id) if more else None
    return rows, cursor_next


async def ledger_page(
    session: AsyncSession, *, after_seq: int, limit: int, up_to_seq: int | None = None
) -> list[LedgerEntry]:
    query = select(LedgerEntry).where(LedgerEntry.seq > after_seq)
    if up_to_seq is not None:
        query = query.where(LedgerEntry.seq <= up_to_seq)
    return list(await session.scalars(query.order_by(LedgerEntry.seq).limit(limit)))


async def stream_ledger(
    session: AsyncSession, *, batch: int = 5000, up_to_seq: int | None = None
) -> AsyncIterator[LedgerEntry]:
    """Seq 1 to the end (or to `up_to_seq`), keyset-paged so memory stays flat."""
    after = 0
    while True:
        rows = await ledger_page(session, after_seq=after, limit=batch, up_to_seq=up_to_seq)
        for row in rows:
            yield row
        if len(rows) < batch:
            return
        after = rows[-1].seq
