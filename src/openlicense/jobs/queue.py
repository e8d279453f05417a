"""The PostgreSQL job queue (procrastinate) behind `openlicense worker`.

Each periodic task is deferred by every worker for each scheduled time, and the database keeps
one job per (task, time): with any number of app and worker processes, a scheduled run executes
exactly once. A `queueing_lock` keeps a slow run from piling up the next ones."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from procrastinate import App, PsycopgConnector
from sqlalchemy.engine import make_url

from openlicense.jobs.tasks import (
    checkpoint_and_deliver,
    drain_search_once,
    reconcile_payments_once,
    run_lifecycle_once,
    run_reminders_once,
    send_mail_once,
)

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from openlicense.core.clock import Clock
    from openlicense.payments.gateway import PaymentGateway
    from openlicense.search.engine import SearchEngine
    from openlicense.search.outbox import DocumentSource
    from openlicense.settings import Settings


@dataclass(frozen=True)
class Resources:
    """What the tasks of one worker process share."""

    settings: Settings
    clock: Clock
    session_maker: async_sessionmaker[AsyncSession]
    search_engine: SearchEngine
    documents: DocumentSource
    payment_gateway: PaymentGateway | None = None


def libpq_dsn(url: str) -> str:
    """`postgresql+asyncpg://u:p@h/db` → `postgresql://u:p@h/db` for psycopg."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise ValueError("the job queue needs PostgreSQL (OPENLICENSE_DATABASE__URL)")
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def build_queue(resources: Resources) -> App:
    settings = resources.settings
    queue = App(connector=PsycopgConnector(conninfo=libpq_dsn(settings.database.url)))

    @queue.periodic(cron=settings.jobs.search_cron)
    @queue.task(name="search.drain", queueing_lock="search.drain", lock="search.drain")
    async def search_drain(timestamp: int) -> None:
        await drain_search_once(
            resources.session_maker,
            resources.search_engine,
            resources.documents,
            settings,
            resources.clock,
        )

    @queue.periodic(cron=settings.jobs.lifecycle_cron)
    @queue.task(name="lifecycle.pass", queueing_lock="lifecycle.pass", lock="lifecycle.pass")
    async def lifecycle_pass(timestamp: int) -> None:
        await run_lifecycle_once(
            resources.session_maker, settings, resources.clock, sign_checkpoint=False
        )

    @queue.periodic(cron=settings.jobs.checkpoint_cron)
    @queue.task(name="ledger.checkpoint", queueing_lock="ledger.checkpoint", lock="ledger")
    async def ledger_checkpoint(timestamp: int) -> None:
        await checkpoint_and_deliver(resources.session_maker, settings, resources.clock)

    @queue.periodic(cron=settings.jobs.reminders_cron)
    @queue.task(name="notifications.reminders", queueing_lock="reminders", lock="reminders")
    async def reminders(timestamp: int) -> None:
        await run_reminders_once(resources.session_maker, resources.clock)

    @queue.periodic(cron=settings.jobs.mail_cron)
    @queue.task(name="notifications.mail", queueing_lock="mail", lock="mail")
    async def mail(timestamp: int) -> None:
        await send_mail_once(resources.session_maker, settings)

    if resources.payment_gateway is not None and settings.stripe.reconcile_worker_enabled:
        gateway = resources.payment_gateway

        @queue.periodic(cron=settings.jobs.reconcile_cron)
        @queue.task(name="payments.reconcile", queueing_lock="payments.reconcile", lock="payments")
        async def payments_reconcile(timestamp: int) -> None:
            await reconcile_payments_once(
                resources.session_maker, gateway, settings, resources.clock
            )

    return queue


async def run_queue_worker(resources: Resources, *, concurrency: int) -> None:
    """Run one worker of the PostgreSQL job queue until it is stopped (SIGINT/SIGTERM)."""
    queue = build_queue(resources)
    async with queue.open_async():
        await queue.run_worker_async(concurrency=concurrency, install_signal_handlers=True)
