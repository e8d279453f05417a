"""Keep the search index in step with the database through an outbox.

Writers call `enqueue` in their own transaction, so a rolled-back change never reaches the index
and a committed one is never lost. `drain_once` takes a batch of pending rows, locks their
patents (PostgreSQL: `FOR UPDATE SKIP LOCKED`, so concurrent drainers never handle the same
patent), rebuilds each patent's document from the database *now*, writes to the engine and
deletes the rows. If the engine is unreachable the rows stay, with a backoff, and are retried;
after `outbox_max_attempts` they are parked (`failed_at`) for an operator."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, cast, runtime_checkable

from sqlalchemy import delete, func, select, update

from openlicense.search.documents import PatentDocument
from openlicense.search.engine import SearchUnavailable
from openlicense.search.models import SearchOutbox

if TYPE_CHECKING:
    from sqlalchemy import CursorResult
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from openlicense.search.engine import SearchEngine
    from openlicense.settings import SearchSettings

MAX_BACKOFF = datetime.timedelta(minutes=10)


@runtime_checkable
class DocumentSource(Protocol):
    """Where documents come from (the catalogue implements it; `app.py` wires it in)."""

    async def lock(self, session: AsyncSession, ids: set[uuid.UUID]) -> set[uuid.UUID]:
        """Lock these subjects for this transaction; return those locked (others are busy)."""

    async def documents(
        self, session: AsyncSession, ids: Iterable[uuid.UUID], *, today: datetime.date
    ) -> tuple[list[PatentDocument], list[str]]:
        """Current documents to upsert, and ids no longer indexable (to delete)."""

    def all_documents(
        self, session_maker: async_sessionmaker[AsyncSession], *, today: datetime.date
    ) -> AsyncIterator[list[PatentDocument]]:
        """Every indexable document, in batches (full reindex)."""


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
    session_maker: async_sessionmaker[AsyncSession],
    engine: SearchEngine,
    source: DocumentSource,
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
        patent_ids = await source.lock(session, {r.patent_id for r in rows})
        rows = [r for r in rows if r.patent_id in patent_ids]  # others are another drainer's
        report.claimed = len(rows)
        upserts, deletions = await source.documents(session, patent_ids, today=now.date())
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
    session_maker: async_sessionmaker[AsyncSession],
    engine: SearchEngine,
    source: DocumentSource,
    *,
    settings: SearchSettings,
    now: datetime.datetime,
) -> DrainReport:
    """Drain until nothing is due or the engine fails (`openlicense search sync`)."""
    total = DrainReport()
    while True:
        report = await drain_once(session_maker, engine, source, settings=settings, now=now)
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


def _postpone(
    rows: Sequence[SearchOutbox], error: str, now: datetime.datetime, max_attempts: int
) -> None:
    for row in rows:
        row.attempts += 1
        row.last_error = error[:1000]
        row.next_attempt_at = now + backoff(row.attempts)
        if row.attempts >= max_attempts:
            row.failed_at = now


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
    return cast("CursorResult[Any]", result).rowcount or 0
