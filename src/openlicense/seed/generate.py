"""Build the demo rows and insert the missing ones, in chunks, with SQLAlchemy Core.

Determinism: organisations and users come from one ``random.Random(SEED)``; patent i comes from its
own ``random.Random(f"{SEED}:patent:{i}")``, so its content depends only on i and ``today``, never
on N or on the chunk it falls in. Every row has a fixed ``uuid5`` id; a run first asks which ids
exist and inserts only the others, so running twice inserts nothing (and updates nothing, so
``updated_at`` does not move), and a larger N adds only patents N_old..N_new-1. A patent is seeded
whole (owners, declaration, withdrawal) in the same transaction as its row, one transaction per
chunk, so an interrupted run resumes cleanly.

Timestamps are derived from ``today`` (never the wall clock): organisations and users appear
about two years before it, listings and declarations on days in between.

Realism follows domain.md §1.4–1.5: about 60 % of the declarable patents carry a published open
licence, priced with every fee-standard type (free licences, lump sums of RMB 5,000–500,000,
instalments, 1–8 % royalties on net sales or ≤ 40 % of profit, entry fee plus royalty, staged
licences with a free six-month trial or rising rates). Each declaration passes the same rules
(1–12) as the API's publish step.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from openlicense.core.bulk import BulkTarget
from openlicense.seed.common import MAX_PATENTS
from openlicense.seed.data import DEMO_PASSWORD, DEMO_USERS
from openlicense.seed.organisations import (
    _insert_organisations,
    _insert_users,
    _organisations_and_users,
)
from openlicense.seed.patents import _Chunk, _missing, _World, _write_chunk
from openlicense.seed.workers import ChunkBuilder, chunk_builder

__all__ = ["DEMO_PASSWORD", "DEMO_USERS", "MAX_PATENTS", "SeedReport", "seed"]

CHUNK = 1_000
"""Patents per transaction (and per bulk insert)."""


_SQLITE_CACHE_KIB = -65_536
"""Negative = KiB (SQLite's convention): 64 MiB."""


@dataclass(frozen=True, slots=True)
class SeedReport:
    """Rows inserted by one run (0 everywhere when everything already existed)."""

    organisations: int = 0
    users: int = 0
    patents: int = 0
    patent_owners: int = 0
    declarations: int = 0
    withdrawals: int = 0


async def seed(
    session_maker: async_sessionmaker[AsyncSession],
    *,
    patents: int = 2000,
    today: dt.date,
    progress: Callable[[int], None] | None = None,
) -> SeedReport:
    """Insert the demo organisations, users and patents 0..patents-1 that are not there yet.

    ``today`` anchors every date (fees paid through, declaration days, timestamps); pass the same
    day to reproduce a database exactly. ``progress`` is called after each committed chunk with
    the number of patents that chunk handled (existing ones included), so the calls add up to
    ``patents``: pass it straight to a progress bar's ``advance``.
    """
    if not 0 <= patents <= MAX_PATENTS:
        raise ValueError(f"patents must be between 0 and {MAX_PATENTS}, got {patents}")
    orgs, users, enterprise_fields = _organisations_and_users(today)
    async with session_maker() as session:
        async with session.begin():
            new_orgs, org_ids = await _insert_organisations(session, orgs)
            new_users, user_ids = await _insert_users(session, users, org_ids)
        world = _World.build(today, orgs, enterprise_fields, org_ids, user_ids)
        target = BulkTarget.of(session.get_bind().dialect)
        with chunk_builder(world, target, patents) as builder:
            counts = await _seed_patents(session, builder, patents, progress)
    return SeedReport(organisations=new_orgs, users=new_users, **counts)


async def _seed_patents(
    session: AsyncSession,
    builder: ChunkBuilder,
    patents: int,
    progress: Callable[[int], None] | None,
) -> dict[str, int]:
    """Chunk by chunk, one transaction each: write the oldest chunk in flight, then ask which
    patents of the next chunk are missing and start building them (`builder.ahead` chunks in
    flight). No transaction is open while waiting for a chunk to be built."""
    counts = dict.fromkeys(("patents", "patent_owners", "declarations", "withdrawals"), 0)
    pending: deque[tuple[int, int, asyncio.Future[_Chunk]]] = deque()

    async def refill(next_start: int) -> int:
        while next_start < patents and len(pending) < builder.ahead:
            end = min(next_start + CHUNK, patents)
            pending.append(
                (next_start, end, builder.submit(await _missing(session, next_start, end)))
            )
            next_start = end
        return next_start

    async with session.begin():
        next_start = await refill(0)
    while pending:
        start, end, future = pending.popleft()
        chunk = await future
        async with session.begin(), _sqlite_cache(session):
            written = await _write_chunk(session, builder.world, builder.target, chunk)
            next_start = await refill(next_start)
        for key, n in written.items():
            counts[key] += n
        if progress is not None:
            progress(end - start)
    return counts


@asynccontextmanager
async def _sqlite_cache(session: AsyncSession) -> AsyncIterator[None]:
    """On SQLite, a 64 MiB page cache for the chunk (the default 2 MiB thrashes on the random
    uuid and application-number indexes once the tables grow), then the connection's own."""
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    previous = await session.scalar(text("PRAGMA cache_size"))
    await session.execute(text(f"PRAGMA cache_size={_SQLITE_CACHE_KIB}"))
    try:
        yield
    finally:
        await session.execute(text(f"PRAGMA cache_size={int(previous)}"))
