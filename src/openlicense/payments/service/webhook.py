"""The Stripe webhook inbox: each event stored once under its id and applied in the same
transaction; refunds it decides (overpayments) are sent to Stripe after that commits."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from openlicense.payments.models import StripeEvent
from openlicense.payments.service.flow import PaymentFlow
from openlicense.payments.stripe_gateway import payment_status_from_event

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from openlicense.payments.gateway import PaymentStatus
    from openlicense.payments.schemas import StripeEventIn
    from openlicense.payments.service.book import PaymentBook


class WebhookService(PaymentFlow):
    async def receive(self, event: StripeEventIn, payload: dict[str, Any]) -> str:
        """Store and apply one verified event of a handled type; returns the outcome (applied,
        no_change, duplicate, unknown_payment, anomaly, unreadable). Never raises for what
        the event contains: an unreadable or mismatching event is recorded as an anomaly."""
        try:
            status: PaymentStatus | None = payment_status_from_event(payload)
            problem = None
        except ValueError as err:
            status, problem = None, str(err)[:300]
        try:
            async with self.tx.begin() as session:
                book = self.book(session)
                outcome = await self._record(book, event, payload, status, problem)
                refunds = list(book.refunds_to_send)
        except IntegrityError:
            # PostgreSQL: a concurrent delivery of the same event inserted it first.
            async with self.tx.begin() as session:
                if await _stored(session, event.id):
                    return "duplicate"
            raise
        await self.send_refunds(refunds)
        return outcome

    async def _record(
        self,
        book: PaymentBook,
        event: StripeEventIn,
        payload: dict[str, Any],
        status: PaymentStatus | None,
        problem: str | None,
    ) -> str:
        if await _stored(book.session, event.id):
            return "duplicate"
        stored = StripeEvent(
            stripe_event_id=event.id,
            type=event.type,
            stripe_created=event.created,
            payload=payload,
            outcome="received",
        )
        book.session.add(stored)
        await book.session.flush()  # claims the id: a concurrent duplicate fails here
        if status is None:
            await book.record_anomaly(
                kind="unreadable_event",
                dedupe_key=f"event:{event.id}",
                agreement_id=None,
                payment_id=None,
                event_id=event.id,
                detail={"type": event.type, "problem": problem},
            )
            outcome = "unreadable"
        else:
            payment = await book.payment_for(status)
            outcome = (
                "unknown_payment"
                if payment is None
                else await book.apply(
                    payment.id, status, dedupe=f"event:{event.id}", event_id=event.id
                )
            )
        stored.outcome = outcome
        return outcome


async def _stored(session: AsyncSession, event_id: str) -> bool:
    found = await session.scalar(
        select(StripeEvent.id).where(StripeEvent.stripe_event_id == event_id)
    )
    return found is not None
