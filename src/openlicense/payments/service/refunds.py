"""Refunds asked for by the licensor, honouring the client's `Idempotency-Key`: the same key on
the same payment is the same refund, however often and however concurrently it is sent."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from openlicense.agreements.service import ensure_party
from openlicense.core.errors import Conflict, Invalid, NotFound
from openlicense.payments.gateway import PaymentState
from openlicense.payments.models import Payment, PaymentMethod, Refund
from openlicense.payments.rules import REFUND_REQUESTED, refundable_minor, stripe_refund_key
from openlicense.payments.service.flow import PaymentFlow

if TYPE_CHECKING:
    from openlicense.accounts.principal import Principal
    from openlicense.payments.service.book import PaymentBook


class RefundService(PaymentFlow):
    async def refund(
        self,
        principal: Principal,
        payment_id: uuid.UUID,
        *,
        amount_minor: int,
        reason: str,
        idempotency_key: str,
    ) -> tuple[Refund, bool]:
        """Refund (part of) a payment, e.g. after a fairness review (PL 47). Returns the refund
        and whether this call created it.

        The refund row (amount reserved, Stripe key derived from `idempotency_key`) is committed
        before Stripe is called, so a retry — after a timeout, a crash, or by a concurrent
        duplicate — finds it and at most re-sends the same key: Stripe makes one refund."""
        refund, created = await self._reserve_once(
            principal, payment_id, amount_minor, reason, idempotency_key
        )
        if refund.status == REFUND_REQUESTED:
            refund = await self.send_refund(refund.id)
        return refund, created

    async def _reserve_once(
        self,
        principal: Principal,
        payment_id: uuid.UUID,
        amount_minor: int,
        reason: str,
        key: str,
    ) -> tuple[Refund, bool]:
        try:
            return await self._reserve(principal, payment_id, amount_minor, reason, key)
        except IntegrityError:  # a concurrent request with the same key stored it first
            return await self._reserve(principal, payment_id, amount_minor, reason, key)

    async def _reserve(
        self,
        principal: Principal,
        payment_id: uuid.UUID,
        amount_minor: int,
        reason: str,
        key: str,
    ) -> tuple[Refund, bool]:
        async with self.tx.begin() as session:
            book = self.book(session)
            found = await session.get(Payment, payment_id)
            if found is None:
                raise NotFound("No such payment.")
            agreement = await book.lock(found.agreement_id)
            ensure_party(principal, agreement, "licensor")
            payment = await book.fresh_payment(payment_id)
            existing = await session.scalar(
                select(Refund).where(Refund.payment_id == payment.id, Refund.idempotency_key == key)
            )
            if existing is not None:
                if (existing.amount_minor, existing.reason) != (amount_minor, reason):
                    raise Conflict(
                        "This Idempotency-Key was already used for a different refund.",
                        code="idempotency_key_reused",
                    )
                return existing, False
            await _check_refundable(book, payment, amount_minor)
            if payment.method is PaymentMethod.OFFLINE:  # returned by bank: record it as done
                refund = await book.add_refund(
                    payment,
                    amount_minor=amount_minor,
                    reason=reason,
                    status="succeeded",
                    idempotency_key=key,
                    requested_by_id=principal.user_id,
                )
                await book.recount(payment, agreement)
                return refund, True
            refund = await book.reserve_refund(
                payment,
                amount_minor=amount_minor,
                reason=reason,
                idempotency_key=key,
                stripe_idempotency_key=stripe_refund_key(str(payment.id), key),
                requested_by_id=principal.user_id,
            )
            return refund, True


async def _check_refundable(book: PaymentBook, payment: Payment, amount_minor: int) -> None:
    if payment.status is not PaymentState.SUCCEEDED or payment.overpayment:
        state = "an overpayment" if payment.overpayment else payment.status.value
        raise Conflict(
            f"Only a succeeded payment can be refunded (this one is {state}).",
            code="not_refundable",
        )
    if payment.method is PaymentMethod.STRIPE and payment.stripe_payment_intent_id is None:
        raise Conflict("Stripe has not linked this payment to a charge yet.", code="not_refundable")
    refunds = await book.refunds_of(payment.id)
    if amount_minor > refundable_minor(
        payment.amount_minor, ((r.amount_minor, r.status) for r in refunds)
    ):
        raise Invalid(
            "The refund is larger than what remains of the payment.", code="refund_too_large"
        )
