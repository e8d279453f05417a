"""Full reindex: every indexable patent, into a fresh index swapped in atomically."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from sqlalchemy import delete, select

from openlicense.search.models import SearchOutbox

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from openlicense.search.engine import SearchEngine
    from openlicense.search.outbox import DocumentSource


async def reindex(
    session_maker: async_sessionmaker[AsyncSession],
    engine: SearchEngine,
    source: DocumentSource,
    *,
    today: datetime.date,
) -> int:
    """Outbox rows committed before the rebuild starts are covered by it and removed after the
    swap (exactly those rows, by id); rows committed later stay and are drained afterwards."""
    async with session_maker() as session:
        covered = list(
            await session.scalars(select(SearchOutbox.id).where(SearchOutbox.failed_at.is_(None)))
        )
    await engine.ensure_index()
    count = await engine.reindex(source.all_documents(session_maker, today=today))
    async with session_maker() as session, session.begin():
        for start in range(0, len(covered), 1000):
            chunk = covered[start : start + 1000]
            await session.execute(delete(SearchOutbox).where(SearchOutbox.id.in_(chunk)))
    return count
