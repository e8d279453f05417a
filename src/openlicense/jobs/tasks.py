"""The periodic tasks, each in its own transaction. The server's loops, the CLI and the admin
routes all run these same functions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from openlicense.agreements.rules import LifecycleConfig
from openlicense.agreements.service import LifecycleReport, run_lifecycle
from openlicense.audit.checkpoints import checkpoint
from openlicense.audit.delivery import DeliveryReport, deliver_due
from openlicense.catalogue.service.indexing import refresh_listings_due
from openlicense.catalogue.service.register import close_ended_listings
from openlicense.needs.service.confirmations import KIND as CONFIRM_KIND, remind_unconfirmed
from openlicense.notifications.mailer import MailReport, send_pending_mail
from openlicense.notifications.reminders import ReminderReport, run_reminders
from openlicense.payments.service import ReconcileReport, reconcile
from openlicense.search.outbox import DrainReport, drain, drain_once

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from openlicense.core.clock import Clock
    from openlicense.payments.gateway import PaymentGateway
    from openlicense.search.engine import SearchEngine
    from openlicense.search.outbox import DocumentSource
    from openlicense.settings import Settings


async def lifecycle_pass(
    session: AsyncSession, settings: Settings, clock: Clock, *, sign_checkpoint: bool = True
) -> LifecycleReport:
    """Today's agreement transitions and calendar-driven listing refreshes, in the caller's
    transaction, then a ledger checkpoint when `checkpoint_every` entries have accumulated."""
    today = clock.today()
    refreshed = await refresh_listings_due(session, today)
    closed = await close_ended_listings(session, today, clock.now())
    report = await run_lifecycle(
        session,
        today=today,
        now=clock.now(),
        config=LifecycleConfig.from_settings(settings.lifecycle),
    )
    if refreshed:
        report.transitions["search_refresh"] += refreshed
    if closed:
        report.transitions["listing_closed"] += closed
    if sign_checkpoint:
        await checkpoint(session, settings, now=clock.now())
    return report


async def run_lifecycle_once(
    session_maker: async_sessionmaker[AsyncSession],
    settings: Settings,
    clock: Clock,
    *,
    sign_checkpoint: bool = True,
    dry_run: bool = False,
) -> LifecycleReport:
    """One pass in its own transaction: all of today's transitions commit together or not at all
    (a dry run rolls them back and only reports them)."""
    async with session_maker() as session:
        await session.begin()
        report = await lifecycle_pass(
            session, settings, clock, sign_checkpoint=sign_checkpoint and not dry_run
        )
        if dry_run:
            await session.rollback()
        else:
            await session.commit()
        return report


async def drain_search_once(
    session_maker: async_sessionmaker[AsyncSession],
    engine: SearchEngine,
    source: DocumentSource,
    settings: Settings,
    clock: Clock,
) -> DrainReport:
    return await drain_once(
        session_maker, engine, source, settings=settings.search, now=clock.now()
    )


async def drain_search(
    session_maker: async_sessionmaker[AsyncSession],
    engine: SearchEngine,
    source: DocumentSource,
    settings: Settings,
    clock: Clock,
) -> DrainReport:
    return await drain(session_maker, engine, source, settings=settings.search, now=clock.now())


async def reconcile_payments_once(
    session_maker: async_sessionmaker[AsyncSession],
    gateway: PaymentGateway,
    settings: Settings,
    clock: Clock,
) -> ReconcileReport:
    """Ask Stripe about every checkout that may still change, close sessions open on settled
    items, resend refunds not yet confirmed. Each session in its own transactions; one Stripe
    cannot answer for is reported and the pass goes on."""
    return await reconcile(session_maker, gateway, settings, clock)


async def run_reminders_once(
    session_maker: async_sessionmaker[AsyncSession], clock: Clock
) -> ReminderReport:
    """Today's reminders, in their own transaction (each sent once: see notifications.reminders),
    the needs' half-year confirmations among them (needs.service.confirmations)."""
    async with session_maker() as session, session.begin():
        report = await run_reminders(session, clock.today())
        if confirmations := await remind_unconfirmed(session, clock.today()):
            report.sent[CONFIRM_KIND] += confirmations
        return report


async def send_mail_once(
    session_maker: async_sessionmaker[AsyncSession], settings: Settings
) -> MailReport:
    return await send_pending_mail(session_maker, settings.mail)


async def checkpoint_and_deliver(
    session_maker: async_sessionmaker[AsyncSession], settings: Settings, clock: Clock
) -> DeliveryReport:
    """Sign a checkpoint if one is due (every `checkpoint_every` entries or
    `checkpoint_max_age_minutes`, whichever first), then push what subscribed IP offices have
    not received yet, each office's checkpoints in seq order."""
    async with session_maker() as session, session.begin():
        await checkpoint(session, settings, now=clock.now())
    return await deliver_due(session_maker, settings, now=clock.now())
