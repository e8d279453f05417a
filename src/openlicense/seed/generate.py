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

import datetime as dt
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from openlicense.seed.common import MAX_PATENTS
from openlicense.seed.data import DEMO_PASSWORD, DEMO_USERS
from openlicense.seed.organisations import (
    _insert_organisations,
    _insert_users,
    _organisations_and_users,
)
from openlicense.seed.patents import _insert_patents, _World

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
    counts = dict.fromkeys(("patents", "patent_owners", "declarations", "withdrawals"), 0)
    async with session_maker() as session:
        async with session.begin():
            new_orgs, org_ids = await _insert_organisations(session, orgs)
            new_users, user_ids = await _insert_users(session, users, org_ids)
        world = _World.build(today, orgs, enterprise_fields, org_ids, user_ids)
        for start in range(0, patents, CHUNK):
            end = min(start + CHUNK, patents)
            async with session.begin(), _sqlite_cache(session):
                for key, n in (await _insert_patents(session, world, start, end)).items():
                    counts[key] += n
            if progress is not None:
                progress(end - start)
    return SeedReport(organisations=new_orgs, users=new_users, **counts)


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
