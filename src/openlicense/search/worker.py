"""The search engine's lifespan (open/close) and the outbox drain loop inside the server."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import TYPE_CHECKING

from openlicense.search.engine import make_engine
from openlicense.search.outbox import drain_once

if TYPE_CHECKING:
    from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
    from litestar import Litestar

    from openlicense.clock import Clock
    from openlicense.search.engine import SearchEngine
    from openlicense.settings import Settings

logger = logging.getLogger("openlicense.search")


def search_lifespan(
    settings: Settings,
    clock: Clock,
    db_config: SQLAlchemyAsyncConfig,
    engine: SearchEngine | None = None,
) -> Callable[[Litestar], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        search_engine = engine or make_engine(settings)
        app.state.search_engine = search_engine
        app.state.search_session_maker = db_config.create_session_maker()
        app.state.session_maker = app.state.search_session_maker  # for work outside a request
        with contextlib.suppress(Exception):  # an unreachable engine must not stop the API
            await search_engine.ensure_index()
        task = None
        if settings.search.worker_enabled:
            task = asyncio.create_task(_loop(app, settings, clock))
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if engine is None:
                await search_engine.close()

    return lifespan


async def _loop(app: Litestar, settings: Settings, clock: Clock) -> None:
    while True:
        try:
            report = await drain_once(
                app.state.search_session_maker,
                app.state.search_engine,
                settings=settings.search,
                now=clock.now(),
            )
            if report.failed:
                logger.warning("search outbox: %s rows postponed: %s", report.failed, report.error)
            if report.claimed and not report.failed:
                continue  # more may be waiting
        except Exception:
            logger.exception("search outbox drain failed")
        await asyncio.sleep(settings.search.worker_interval_seconds)
