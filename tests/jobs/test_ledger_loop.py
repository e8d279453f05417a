"""The in-app loop signs due checkpoints on schedule (`jobs.mode = in_app`), as the job queue's
`ledger.checkpoint` task does in `worker` mode; both run `tasks.checkpoint_and_deliver`."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from openlicense.audit import ledger
from openlicense.audit.ledger import LedgerRecord
from openlicense.audit.models import LedgerCheckpoint
from openlicense.core.clock import FixedClock
from openlicense.jobs.loops import background_loops
from openlicense.settings import Settings


async def test_the_in_app_loop_signs_a_checkpoint_when_one_is_due(
    db_sessionmaker: async_sessionmaker, settings: Settings, clock: FixedClock
) -> None:
    tuned = settings.model_copy(
        update={
            "audit": settings.audit.model_copy(
                update={"checkpoint_every": 1, "checkpoint_interval_seconds": 0.05}
            ),
            "lifecycle": settings.lifecycle.model_copy(
                update={"worker_enabled": True, "worker_interval_seconds": 3600}
            ),
            "search": settings.search.model_copy(update={"worker_enabled": False}),
            "stripe": settings.stripe.model_copy(update={"reconcile_worker_enabled": False}),
        }
    )
    async with db_sessionmaker.begin() as session:
        ledger.append(
            session,
            LedgerRecord(
                "organisation.verified", "organisation", "org-1", data={"name": "A", "kind": "u"}
            ),
        )
    unused: Any = None  # the search engine, documents and gateway: their loops are off
    lifespan = background_loops(tuned, clock, db_sessionmaker, unused, unused, unused)
    async with lifespan(unused):
        for _ in range(200):
            async with db_sessionmaker() as session:
                signed = await session.scalar(select(LedgerCheckpoint.seq))
            if signed is not None:
                break
            await asyncio.sleep(0.05)
    assert signed == 1
