"""Keep the search index in step with the database through an outbox.

Writers call `enqueue` in their own transaction, so a rolled-back change never reaches the index
and a committed one is never lost. `drain_once` takes a batch of pending rows, locks their
patents (PostgreSQL: `FOR UPDATE SKIP LOCKED`, so concurrent drainers never handle the same
patent), rebuilds each patent's document from the database *now*, writes to the engine and
deletes the rows. If the engine is unreachable the rows stay, with a backoff, and are retried;
after `outbox_max_attempts` they are parked (`failed_at`) for an operator."""

from __future__ import annotations

import asyncio
import datetime
import uuid
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from openlicense.accounts.models import Organisation
from openlicense.catalogue.models import (
    Declaration,
    DeclarationStatus,
    DeclarationWithdrawal,
    ListingStatus,
    Patent,
)
from openlicense.search.documents import PatentDocument, build_document
from openlicense.search.engine import SearchUnavailable
from openlicense.search.models import SearchOutbox

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from openlicense.search.engine import SearchEngine
    from openlicense.settings import SearchSettings

MAX_BACKOFF = datetime.timedelta(minutes=10)


@dataclass
class DrainReport:
    claimed: int = 0
    upserted: int = 0
    deleted: int = 0
    failed: int = 0
    error: str | None = None


def backoff(attempts: int) -> datetime.timedelta:
    return min(datetime.timedelta(seconds=2**attempts), MAX_BACKOFF)


async def drain_once(
    session_maker: async_sessionmaker,
    engine: SearchEngine,
    *,
    settings: SearchSettings,
    now: datetime.datetime,
) -> DrainReport:
    """One batch, one transaction. Returns what happened; never raises for engine outages."""
    report = DrainReport()
    async with session_maker() as session, session.begin():
        rows = await _claim(session, settings.outbox_batch_size, now)
        if not rows:
            return report
        patent_ids = await _lock_patents(session, {r.patent_id for r in rows})
        rows = [r for r in rows if r.patent_id in patent_ids]  # others are another drainer's
        report.claimed = len(rows)
        upserts, deletions = await documents_for(session, patent_ids, today=now.date())
        try:
            if upserts:
                await engine.upsert(upserts)
            if deletions:
                await engine.delete(deletions)
        except SearchUnavailable as exc:
            _postpone(rows, str(exc), now, settings.outbox_max_attempts)
            report.failed, report.error = len(rows), str(exc)
            return report
        await session.execute(delete(SearchOutbox).where(SearchOutbox.id.in_([r.id for r in rows])))
        report.upserted, report.deleted = len(upserts), len(deletions)
    return report


async def drain(
    session_maker: async_sessionmaker,
    engine: SearchEngine,
    *,
    settings: SearchSettings,
    now: datetime.datetime,
) -> DrainReport:
    """Drain until nothing is due or the engine fails (`openlicense search sync`)."""
    total = DrainReport()
    while True:
        report = await drain_once(session_maker, engine, settings=settings, now=now)
        total.claimed += report.claimed
        total.upserted += report.upserted
        total.deleted += report.deleted
        total.failed += report.failed
        total.error = report.error or total.error
        if report.claimed == 0 or report.failed:
            return total


async def _claim(session: AsyncSession, limit: int, now: datetime.datetime) -> list[SearchOutbox]:
    query = (
        select(SearchOutbox)
        .where(
            SearchOutbox.failed_at.is_(None),
            (SearchOutbox.next_attempt_at.is_(None)) | (SearchOutbox.next_attempt_at <= now),
        )
        .order_by(SearchOutbox.id)
        .limit(limit)
    )
    if session.bind.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(await session.scalars(query))


async def _lock_patents(session: AsyncSession, ids: set[uuid.UUID]) -> set[uuid.UUID]:
    query = select(Patent.id).where(Patent.id.in_(ids))
    if session.bind.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    locked = set(await session.scalars(query))
    # A patent deleted since (cascade removes its rows) cannot be locked; nothing to do for it.
    return locked


def _postpone(
    rows: Sequence[SearchOutbox], error: str, now: datetime.datetime, max_attempts: int
) -> None:
    for row in rows:
        row.attempts += 1
        row.last_error = error[:1000]
        row.next_attempt_at = now + backoff(row.attempts)
        if row.attempts >= max_attempts:
            row.failed_at = now


async def documents_for(
    session: AsyncSession, patent_ids: Iterable[uuid.UUID], *, today: datetime.date
) -> tuple[list[PatentDocument], list[str]]:
    """Current documents for these patents; ids to delete for patents no longer indexable."""
    patents = list(await session.scalars(select(Patent).where(Patent.id.in_(list(patent_ids)))))
    declarations = await _latest_public_declarations(session, [p.id for p in patents])
    universities = await _organisations(session, {p.owner_organisation_id for p in patents})
    upserts, deletions = [], []
    for patent in patents:
        if patent.listing_status is ListingStatus.RETIRED:
            deletions.append(str(patent.id))
            continue
        upserts.append(
            build_document(
                patent,
                universities[patent.owner_organisation_id],
                declarations.get(patent.id),
                today=today,
            )
        )
    return upserts, deletions


async def _latest_public_declarations(
    session: AsyncSession, patent_ids: list[uuid.UUID]
) -> dict[uuid.UUID, Declaration]:
    # One joined query instead of a selectinload: reindexing reads ~100k of these.
    rows = await session.execute(
        select(Declaration, DeclarationWithdrawal)
        .outerjoin(DeclarationWithdrawal, DeclarationWithdrawal.declaration_id == Declaration.id)
        .where(
            Declaration.patent_id.in_(patent_ids),
            Declaration.status.in_([DeclarationStatus.PUBLISHED, DeclarationStatus.WITHDRAWN]),
        )
        .order_by(Declaration.patent_id, Declaration.version.desc())
    )
    latest: dict[uuid.UUID, Declaration] = {}
    for declaration, withdrawal in rows.all():
        set_committed_value(declaration, "withdrawal", withdrawal)
        latest.setdefault(declaration.patent_id, declaration)
    return latest


async def _organisations(
    session: AsyncSession, ids: set[uuid.UUID]
) -> dict[uuid.UUID, Organisation]:
    return {
        o.id: o for o in await session.scalars(select(Organisation).where(Organisation.id.in_(ids)))
    }


async def all_documents(
    session_maker: async_sessionmaker, *, today: datetime.date, batch: int = 2000
) -> AsyncIterator[list[PatentDocument]]:
    """Every indexable patent's document, in batches (for a full reindex). The next batch is
    read from the database while the engine indexes the current one."""
    queue: asyncio.Queue[list[PatentDocument] | None] = asyncio.Queue(maxsize=2)

    async def produce() -> None:
        last: uuid.UUID | None = None
        try:
            while True:
                async with session_maker() as session:
                    query = (
                        select(Patent.id)
                        .where(Patent.listing_status != ListingStatus.RETIRED)
                        .order_by(Patent.id)
                        .limit(batch)
                    )
                    if last is not None:
                        query = query.where(Patent.id > last)
                    ids = list(await session.scalars(query))
                    if not ids:
                        return
                    docs, _ = await documents_for(session, ids, today=today)
                last = ids[-1]
                await queue.put(docs)
        finally:
            await queue.put(None)

    producer = asyncio.create_task(produce())
    try:
        while (docs := await queue.get()) is not None:
            yield docs
        await producer  # re-raise a database error instead of ending quietly
    finally:
        producer.cancel()


async def pending_count(session: AsyncSession) -> tuple[int, int]:
    """(pending, parked) outbox rows, for health and the CLI."""
    pending = await session.scalar(
        select(func.count()).select_from(SearchOutbox).where(SearchOutbox.failed_at.is_(None))
    )
    parked = await session.scalar(
        select(func.count()).select_from(SearchOutbox).where(SearchOutbox.failed_at.is_not(None))
    )
    return pending or 0, parked or 0


async def retry_parked(session: AsyncSession) -> int:
    result = await session.execute(
        update(SearchOutbox)
        .where(SearchOutbox.failed_at.is_not(None))
        .values(failed_at=None, attempts=0, next_attempt_at=None)
    )
    return result.rowcount or 0
