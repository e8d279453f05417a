"""Reconciliation: ask Stripe about every checkout that may still change and apply what it says,
close sessions still open on settled items, and send refunds Stripe has not confirmed yet.

Each session is handled on its own, in its own transactions: one that Stripe cannot answer for
(404, 5xx, timeout) is reported and the run goes on, so it never holds back the others."""

from __future__ import annotations

import logging
import uuid
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select

from openlicense.agreements.models import EntryStatus, ScheduleEntry
from openlicense.core.errors import OpenLicenseError
from openlicense.payments.gateway import PaymentState
from openlicense.payments.models import Payment, PaymentMethod, Refund
from openlicense.payments.rules import REFUND_REJECTED, REFUND_REQUESTED
from openlicense.payments.service.flow import PaymentFlow

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from openlicense.core.clock import Clock
    from openlicense.payments.gateway import PaymentGateway
    from openlicense.settings import Settings

logger = logging.getLogger("openlicense.payments")


@dataclass
class ReconcileReport:
    checked: int = 0
    """Sessions Stripe answered for."""
    changed: int = 0
    """…of which the answer changed something here."""
    closed: int = 0
    """Sessions still open on items already settled, expired at Stripe."""
    refunds_sent: int = 0
    """Requested refunds Stripe answered for in this run."""
    refunds_rejected: int = 0
    """Requested refunds rejected without reaching Stripe (no PaymentIntent to refund)."""
    unchecked: list[dict[str, str | None]] = field(default_factory=list)
    """What could not be checked this time, with the reason; the next run tries again."""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class _Session:
    payment_id: uuid.UUID
    session_id: str
    close: bool
    """Open on an item that is no longer due: expire it rather than only look at it."""


async def reconcile(
    session_maker: async_sessionmaker[AsyncSession],
    gateway: PaymentGateway,
    settings: Settings,
    clock: Clock,
) -> ReconcileReport:
    flow = PaymentFlow(session_maker, gateway=gateway, clock=clock, settings=settings)
    report = ReconcileReport()
    async with flow.tx.begin() as session:
        sessions = await _sessions_to_check(session)
        refunds = list(
            await session.scalars(
                select(Refund.id)
                .where(Refund.status == REFUND_REQUESTED)
                .order_by(Refund.created_at)
            )
        )
    for item in sessions:
        await _check(flow, item, report)
    for refund_id in refunds:
        await _send(flow, refund_id, report)
    return report


async def _sessions_to_check(session: AsyncSession) -> list[_Session]:
    rows = await session.execute(
        select(
            Payment.id,
            Payment.stripe_checkout_session_id,
            Payment.open_checkout_entry_id,
            ScheduleEntry.status,
        )
        .join(ScheduleEntry, ScheduleEntry.id == Payment.entry_id)
        .where(
            Payment.method == PaymentMethod.STRIPE,
            Payment.stripe_checkout_session_id.is_not(None),
            or_(
                Payment.status == PaymentState.PENDING,
                Payment.open_checkout_entry_id.is_not(None),
            ),
        )
        .order_by(Payment.created_at, Payment.id)
    )
    return [
        _Session(
            payment_id=payment_id,
            session_id=session_id,
            close=open_on is not None and entry_status is not EntryStatus.SCHEDULED,
        )
        for payment_id, session_id, open_on, entry_status in rows
    ]


async def _check(flow: PaymentFlow, item: _Session, report: ReconcileReport) -> None:
    try:
        if item.close:
            outcome = await flow.close_checkout(item.payment_id)
            report.closed += 1
        else:
            status = await flow.gateway.checkout_status(item.session_id)
            dedupe = (
                f"reconcile:{item.payment_id}:{status.state.value}:"
                f"{status.amount_minor}:{status.currency}"
            )
            outcome = await flow.apply_status(item.payment_id, status, dedupe=dedupe)
    except Exception as err:  # one session's failure must not stop (or undo) the others
        reason = err.detail if isinstance(err, OpenLicenseError) else f"{type(err).__name__}: {err}"
        logger.warning("reconcile: session %s not checked: %s", item.session_id, reason)
        report.unchecked.append(
            {"payment_id": str(item.payment_id), "session_id": item.session_id, "reason": reason}
        )
        return
    report.checked += 1
    if outcome == "applied":
        report.changed += 1


async def _send(flow: PaymentFlow, refund_id: uuid.UUID, report: ReconcileReport) -> None:
    try:
        refund = await flow.send_refund(refund_id)
    except Exception as err:  # reported like a session; the next run sends it again
        reason = err.detail if isinstance(err, OpenLicenseError) else f"{type(err).__name__}: {err}"
        report.unchecked.append({"refund_id": str(refund_id), "reason": reason})
        return
    if refund.stripe_refund_id is not None:
        report.refunds_sent += 1
    elif refund.status == REFUND_REJECTED:
        report.refunds_rejected += 1
    # else: no longer requested when this run came to it (another worker sent it)
