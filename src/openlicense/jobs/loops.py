"""The background loops inside `openlicense serve`: the lifecycle pass, the search outbox,
ledger checkpoints with their delivery to subscribed IP offices, and payment reconciliation."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import TYPE_CHECKING

from openlicense.jobs.tasks import (
    checkpoint_and_deliver,
    drain_search_once,
    reconcile_payments_once,
    run_lifecycle_once,
    run_reminders_once,
    send_mail_once,
)

if TYPE_CHECKING:
    from litestar import Litestar
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from openlicense.core.clock import Clock
    from openlicense.payments.gateway import PaymentGateway
    from openlicense.search.engine import SearchEngine
    from openlicense.search.outbox import DocumentSource
    from openlicense.settings import Settings

logger = logging.getLogger("openlicense.jobs")


Step = Callable[[], Awaitable[float]]
"""One pass of a loop; returns the seconds to wait before the next."""


def background_loops(
    settings: Settings,
    clock: Clock,
    session_maker: async_sessionmaker[AsyncSession],
    engine: SearchEngine,
    source: DocumentSource,
    gateway: PaymentGateway,
) -> Callable[[Litestar], AbstractAsyncContextManager[None]]:
    """A lifespan that runs the enabled loops while the app serves."""
    loops: list[tuple[str, Step]] = []
    if settings.jobs.mode == "in_app":
        loops += _catalogue_loops(settings, clock, session_maker, engine, source)
        loops += _money_and_mail_loops(settings, clock, session_maker, gateway)

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        tasks = [asyncio.create_task(_forever(name, step)) for name, step in loops]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    return lifespan


def _catalogue_loops(
    settings: Settings,
    clock: Clock,
    session_maker: async_sessionmaker[AsyncSession],
    engine: SearchEngine,
    source: DocumentSource,
) -> list[tuple[str, Step]]:
    async def lifecycle() -> float:
        report = await run_lifecycle_once(session_maker, settings, clock)
        if report.transitions:
            logger.info("lifecycle %s: %s", report.today, dict(report.transitions))
        return settings.lifecycle.worker_interval_seconds

    async def search() -> float:
        report = await drain_search_once(session_maker, engine, source, settings, clock)
        if report.failed:
            logger.warning("search outbox: %s rows postponed: %s", report.failed, report.error)
        if report.claimed and not report.failed:
            return 0  # more may be waiting
        return settings.search.worker_interval_seconds

    async def ledger() -> float:
        report = await checkpoint_and_deliver(session_maker, settings, clock)
        if report.failed:
            logger.warning("checkpoint deliveries postponed: %s", report.errors)
        return settings.audit.checkpoint_interval_seconds

    loops: list[tuple[str, Step]] = []
    if settings.lifecycle.worker_enabled:
        loops += [("lifecycle", lifecycle), ("ledger checkpoints", ledger)]
    if settings.search.worker_enabled:
        loops.append(("search outbox", search))
    return loops


def _money_and_mail_loops(
    settings: Settings,
    clock: Clock,
    session_maker: async_sessionmaker[AsyncSession],
    gateway: PaymentGateway,
) -> list[tuple[str, Step]]:
    async def payments() -> float:
        report = await reconcile_payments_once(session_maker, gateway, settings, clock)
        if report.changed or report.closed or report.refunds_sent or report.refunds_rejected:
            logger.info("payments reconciled: %s", report.as_dict())
        if report.unchecked:
            logger.warning("payments: %s not checked: %s", len(report.unchecked), report.unchecked)
        return settings.stripe.reconcile_interval_seconds

    async def reminders() -> float:
        report = await run_reminders_once(session_maker, clock)
        if report.sent:
            logger.info("reminders: %s", report.as_dict())
        return settings.mail.reminders_interval_seconds

    async def mail() -> float:
        report = await send_mail_once(session_maker, settings)
        if report.failed:
            logger.warning("mail: %s not sent (retried later)", report.failed)
        return settings.mail.worker_interval_seconds

    loops: list[tuple[str, Step]] = []
    if settings.stripe.reconcile_worker_enabled and gateway.name == "stripe":
        loops.append(("payments reconcile", payments))
    if settings.mail.worker_enabled:
        loops += [("reminders", reminders), ("mail", mail)]
    return loops


async def run_loops_forever(
    settings: Settings,
    clock: Clock,
    session_maker: async_sessionmaker[AsyncSession],
    engine: SearchEngine,
    source: DocumentSource,
    gateway: PaymentGateway,
) -> None:
    """`openlicense worker` without a job queue (SQLite): the same loops, outside the app."""
    in_worker = settings.model_copy(
        update={"jobs": settings.jobs.model_copy(update={"mode": "in_app"})}
    )
    async with background_loops(in_worker, clock, session_maker, engine, source, gateway)(None):  # type: ignore[arg-type]  # the lifespan ignores its app
        await asyncio.Event().wait()


async def _forever(name: str, step: Callable[[], Awaitable[float]]) -> None:
    while True:
        try:
            pause = await step()
        except Exception:  # keep the loop alive; the next pass retries
            logger.exception("%s pass failed", name)
            pause = 5.0
        await asyncio.sleep(pause)
