"""The lifecycle worker loop inside the server (lifespan), and the one-shot run for the CLI."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import TYPE_CHECKING

from openlicense.agreements.lifecycle import LifecycleReport, run_lifecycle
from openlicense.audit.verification import checkpoint

if TYPE_CHECKING:
    from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
    from litestar import Litestar

    from openlicense.clock import Clock
    from openlicense.settings import Settings

logger = logging.getLogger("openlicense.lifecycle")


async def run_once(
    db_config: SQLAlchemyAsyncConfig, settings: Settings, clock: Clock
) -> LifecycleReport:
    """One pass in its own transaction: all of today's transitions commit together or not at all."""
    async with db_config.create_session_maker()() as session, session.begin():
        report = await run_lifecycle(session, today=clock.today(), settings=settings.lifecycle)
        await checkpoint(session, settings)  # sign the ledger tail every `checkpoint_every` entries
        return report


def lifecycle_worker(
    settings: Settings, clock: Clock, db_config: SQLAlchemyAsyncConfig
) -> Callable[[Litestar], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        if not settings.lifecycle.worker_enabled:
            yield
            return
        task = asyncio.create_task(_loop(db_config, settings, clock))
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    return lifespan


async def _loop(db_config: SQLAlchemyAsyncConfig, settings: Settings, clock: Clock) -> None:
    while True:
        try:
            report = await run_once(db_config, settings, clock)
            if report.transitions:
                logger.info("lifecycle %s: %s", report.today, dict(report.transitions))
        except Exception:  # keep the loop alive; the next pass retries
            logger.exception("lifecycle pass failed")
        await asyncio.sleep(settings.lifecycle.worker_interval_seconds)
