"""The steps every Stripe-calling use case shares, each a short transaction, with the Stripe call
between two of them and never inside one (see `transactions.py` for why)."""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING

from openlicense.agreements.rules import LifecycleConfig
from openlicense.core.errors import OpenLicenseError
from openlicense.payments.errors import GatewayRejected
from openlicense.payments.models import Payment, Refund
from openlicense.payments.rules import REFUND_REQUESTED
from openlicense.payments.service.book import PaymentBook
from openlicense.payments.service.transactions import Transactions

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from openlicense.core.clock import Clock
    from openlicense.payments.gateway import PaymentGateway, PaymentStatus
    from openlicense.settings import Settings

logger = logging.getLogger("openlicense.payments")


class PaymentFlow:
    def __init__(
        self,
        session_maker: async_sessionmaker[AsyncSession],
        *,
        gateway: PaymentGateway,
        clock: Clock,
        settings: Settings,
    ) -> None:
        self.tx = Transactions(session_maker)
        self.gateway = gateway
        self.clock = clock
        self.settings = settings
        self.lifecycle = LifecycleConfig.from_settings(settings.lifecycle)

    def book(self, session: AsyncSession) -> PaymentBook:
        return PaymentBook(session, clock=self.clock, lifecycle=self.lifecycle)

    async def apply_status(
        self,
        payment_id: uuid.UUID,
        status: PaymentStatus,
        *,
        dedupe: str,
        event_id: str | None = None,
    ) -> str:
        """Record what Stripe says about a payment (one transaction), then ask Stripe for any
        refund that decided (an overpayment's)."""
        async with self.tx.begin() as session:
            book = self.book(session)
            outcome = await book.apply(payment_id, status, dedupe=dedupe, event_id=event_id)
            refunds = list(book.refunds_to_send)
        await self.send_refunds(refunds)
        return outcome

    async def close_checkout(self, payment_id: uuid.UUID) -> str:
        """Expire the payment's Checkout Session at Stripe so it can take no more money, then
        record what Stripe says. Stripe refuses to expire a session that is no longer open (paid,
        processing, expired): then we ask what it is and apply that, so a payment made in the
        last seconds is found (and, if the item is settled, refunded as an overpayment).
        Raises the gateway's error when Stripe cannot be asked; the slot then stays taken."""
        async with self.tx.begin() as session:
            payment = await session.get_one(Payment, payment_id)
            session_id = payment.stripe_checkout_session_id
        if session_id is None:
            # Stripe has not confirmed the session yet: nobody has a page to pay on. The request
            # creating it closes it on return, seeing the item settled (or reconcile does).
            return "no_change"
        try:
            status = await self.gateway.expire_checkout(session_id)
        except GatewayRejected:
            status = await self.gateway.checkout_status(session_id)
        return await self.apply_status(
            payment_id, status, dedupe=f"close:{payment_id}:{status.state.value}"
        )

    async def send_refund(self, refund_id: uuid.UUID) -> Refund:
        """Ask Stripe for a requested refund with its stored idempotency key and record the
        answer. Safe to repeat at any time, concurrently too: Stripe returns the same refund for
        the same key, and recording it twice changes nothing. Raises the gateway's error."""
        async with self.tx.begin() as session:
            refund = await session.get_one(Refund, refund_id)
            if refund.status != REFUND_REQUESTED:
                return refund
            payment = await session.get_one(Payment, refund.payment_id)
        intent_id, key = payment.stripe_payment_intent_id, refund.stripe_idempotency_key
        if intent_id is None or key is None:
            async with self.tx.begin() as session:
                return await self.book(session).reject_refund(
                    refund_id, why="the payment has no Stripe PaymentIntent to refund"
                )
        try:
            result = await self.gateway.refund(
                intent_id,
                amount_minor=refund.amount_minor,
                reason=refund.reason,
                idempotency_key=key,
            )
        except GatewayRejected as err:
            async with self.tx.begin() as session:
                await self.book(session).reject_refund(refund_id, why=err.detail)
            await self._resync(payment)
            raise
        async with self.tx.begin() as session:
            return await self.book(session).record_refund_result(refund_id, result)

    async def send_refunds(self, refund_ids: list[uuid.UUID]) -> None:
        """Send refunds decided by the system (overpayments). Stripe down: they stay requested
        and `reconcile` sends them later, with the same keys."""
        for refund_id in refund_ids:
            try:
                await self.send_refund(refund_id)
            except OpenLicenseError as err:
                logger.warning("refund %s not sent yet: %s", refund_id, err.detail)

    async def _resync(self, payment: Payment) -> None:
        """After Stripe refused a refund (e.g. the charge was refunded in the dashboard
        meanwhile), read the payment again so what Stripe did is recorded. Best effort."""
        if payment.stripe_checkout_session_id is None:
            return
        try:
            status = await self.gateway.checkout_status(payment.stripe_checkout_session_id)
            await self.apply_status(payment.id, status, dedupe=f"resync:{payment.id}")
        except (OpenLicenseError, ValueError) as err:
            logger.warning("payment %s not re-read after a refused refund: %s", payment.id, err)
