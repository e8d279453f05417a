"""Starting a Stripe Checkout for one amount due, with at most one open session per item.

The item's slot (`payments.open_checkout_entry_id`, unique) is taken by an intent row before
Stripe is called, and freed only when Stripe confirms the session can take no more money. A new
session after a decline or near expiry therefore expires the old one at Stripe first; if Stripe
cannot be asked, no new session is opened."""

from __future__ import annotations

import datetime
import logging
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from openlicense.agreements.models import Agreement, EntryStatus, ScheduleEntry
from openlicense.agreements.service import ensure_party, find_entry
from openlicense.audit import ledger
from openlicense.core.errors import Conflict, OpenLicenseError
from openlicense.payments.errors import GatewayRejected, OnlinePaymentsDisabled
from openlicense.payments.gateway import (
    Checkout,
    CheckoutRequest,
    PaymentState,
    PaymentStatus,
    combine_states,
)
from openlicense.payments.models import Payment, PaymentMethod
from openlicense.payments.service.book import PaymentBook, ensure_payable
from openlicense.payments.service.flow import PaymentFlow
from openlicense.payments.service.records import payment_record

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from openlicense.accounts.principal import Principal

logger = logging.getLogger("openlicense.payments")

MAX_STEPS = 4
"""Plan → close the old session → plan → create: more means Stripe keeps the old one open."""
REUSE_MARGIN = datetime.timedelta(minutes=5)
"""An open session this close to its expiry is replaced rather than handed out again."""


@dataclass(frozen=True)
class _Ready:
    payment: Payment


@dataclass(frozen=True)
class _CloseFirst:
    payment_id: uuid.UUID


@dataclass(frozen=True)
class _Create:
    payment_id: uuid.UUID
    request: CheckoutRequest


class CheckoutService(PaymentFlow):
    async def start_checkout(
        self, principal: Principal, agreement_id: uuid.UUID, entry_key: str
    ) -> Payment:
        """The item's open Checkout Session, or a new one. Retrying returns the same session:
        Stripe is asked with an idempotency key derived from the item and the attempt. If Stripe
        is unreachable the intent stays (with its key) and the caller gets a retryable 503."""
        if self.gateway.name == "offline":
            raise OnlinePaymentsDisabled()
        for _ in range(MAX_STEPS):
            try:
                plan = await self._plan(principal, agreement_id, entry_key)
            except IntegrityError:  # a concurrent request took the item's slot first
                continue
            if isinstance(plan, _Ready):
                return plan.payment
            if isinstance(plan, _CloseFirst):
                await self.close_checkout(plan.payment_id)
                continue
            return await self._create(plan)
        raise Conflict(
            "The previous checkout for this item is still open at Stripe; try again shortly.",
            code="checkout_in_progress",
            retryable=True,
        )

    async def returned(
        self, principal: Principal, session_id: str
    ) -> tuple[PaymentStatus, uuid.UUID] | None:
        """The buyer is back from Stripe Checkout: ask Stripe how it went and apply it now (the
        webhook would, a little later) with the same checks as the webhook and reconciliation.
        None when the session is not one of this licensee's."""
        async with self.tx.begin() as session:
            payment = await session.scalar(
                select(Payment).where(Payment.stripe_checkout_session_id == session_id)
            )
            if payment is None:
                return None
            agreement = await self.book(session).lock(payment.agreement_id)
            if agreement.licensee_organisation_id != principal.organisation_id:
                return None
            payment_id, agreement_id = payment.id, agreement.id
        status = await self.gateway.checkout_status(session_id)
        dedupe = f"return:{payment_id}:{status.state.value}:{status.amount_minor}:{status.currency}"
        await self.apply_status(payment_id, status, dedupe=dedupe)
        return status, agreement_id

    async def _plan(
        self, principal: Principal, agreement_id: uuid.UUID, entry_key: str
    ) -> _Ready | _CloseFirst | _Create:
        async with self.tx.begin() as session:
            book = self.book(session)
            agreement = await book.lock(agreement_id)
            ensure_party(principal, agreement, "licensee")
            entry = find_entry(agreement, entry_key)
            if entry.status is EntryStatus.PAID:
                raise Conflict(f"{entry.key} is already paid.", code="already_paid")
            ensure_payable(entry, agreement, entry.amount_minor)
            if await _processing(session, entry.id):
                raise Conflict(
                    f"A payment for {entry.key} is being processed; wait for its outcome.",
                    code="payment_processing",
                )
            current = await session.scalar(
                select(Payment).where(Payment.open_checkout_entry_id == entry.id)
            )
            if current is None:
                return await self._intent(book, principal, agreement, entry)
            if current.stripe_checkout_session_id is None:  # Stripe has not answered yet
                attempt = current.checkout_attempt or 1
                return _Create(current.id, self._request(agreement, entry, attempt))
            if current.status is PaymentState.PENDING and not self._ending(current):
                return _Ready(current)
            return _CloseFirst(current.id)  # declined, or about to expire: replace it

    async def _intent(
        self, book: PaymentBook, principal: Principal, agreement: Agreement, entry: ScheduleEntry
    ) -> _Create:
        """Take the item's slot with a payment row that holds the attempt (hence the key)."""
        attempts = await book.session.scalar(
            select(func.count())
            .select_from(Payment)
            .where(Payment.entry_id == entry.id, Payment.method == PaymentMethod.STRIPE)
        )
        attempt = (attempts or 0) + 1
        payment = Payment(
            agreement_id=agreement.id,
            entry_id=entry.id,
            entry_key=entry.key,
            method=PaymentMethod.STRIPE,
            status=PaymentState.PENDING,
            amount_minor=entry.amount_minor or 0,
            currency=agreement.currency,
            open_checkout_entry_id=entry.id,
            checkout_attempt=attempt,
            created_by_id=principal.user_id,
        )
        book.session.add(payment)
        ledger.append(book.session, payment_record(payment, action="payment.checkout_requested"))
        await book.session.flush()  # the unique slot: a concurrent intent fails here
        return _Create(payment.id, self._request(agreement, entry, attempt))

    async def _create(self, plan: _Create) -> Payment:
        try:
            checkout = await self.gateway.create_checkout(plan.request)
        except GatewayRejected as err:
            async with self.tx.begin() as session:
                await self.book(session).checkout_refused(plan.payment_id, why=err.detail)
            raise
        async with self.tx.begin() as session:
            payment, settled = await self._record_created(
                self.book(session), plan.payment_id, checkout
            )
        if settled:  # the item was settled (offline) while Stripe was creating the session
            try:
                await self.close_checkout(payment.id)
            except OpenLicenseError as err:  # reconcile closes it: open on a settled item
                logger.warning("checkout %s left open for reconcile: %s", payment.id, err.detail)
            raise Conflict("This item was settled meanwhile.", code="already_paid")
        return payment

    async def _record_created(
        self, book: PaymentBook, payment_id: uuid.UUID, checkout: Checkout
    ) -> tuple[Payment, bool]:
        """The session Stripe created, on its intent row; and whether the item is settled."""
        payment = await book.session.get_one(Payment, payment_id)
        agreement = await book.lock(payment.agreement_id)
        payment = await book.fresh_payment(payment_id)
        settled = find_entry(agreement, payment.entry_key).status is not EntryStatus.SCHEDULED
        if payment.stripe_checkout_session_id == checkout.session_id:
            return payment, settled  # a concurrent retry of the same attempt recorded it
        payment.stripe_checkout_session_id = checkout.session_id
        payment.checkout_url = checkout.url
        payment.expires_at = checkout.expires_at
        payment.stripe_payment_intent_id = checkout.payment_intent_id
        payment.status = combine_states(payment.status, checkout.state)
        ledger.append(book.session, payment_record(payment))
        await book.session.flush()
        return payment, settled

    def _request(self, agreement: Agreement, entry: ScheduleEntry, attempt: int) -> CheckoutRequest:
        """A pure function of the agreement, the item and the attempt: a retry sends identical
        parameters under the same idempotency key."""
        user_email = agreement.snapshot.get("notice", {}).get("user_email")
        return CheckoutRequest(
            agreement_id=str(agreement.id),
            agreement_number=agreement.number,
            entry_key=entry.key,
            amount_minor=entry.amount_minor or 0,
            currency=agreement.currency,
            description=f"{agreement.number} · {entry.description}"[:250],
            success_url=self.settings.stripe.success_url,
            cancel_url=self.settings.stripe.cancel_url,
            customer_email=user_email,
            attempt=attempt,
        )

    def _ending(self, payment: Payment) -> bool:
        return payment.expires_at is not None and (
            payment.expires_at <= self.clock.now() + REUSE_MARGIN
        )


async def _processing(session: AsyncSession, entry_id: uuid.UUID) -> bool:
    """A completed session whose payment has not settled yet (e.g. Alipay confirming)."""
    found = await session.scalar(
        select(Payment.id)
        .where(
            Payment.entry_id == entry_id,
            Payment.method == PaymentMethod.STRIPE,
            Payment.status == PaymentState.PENDING,
            Payment.open_checkout_entry_id.is_(None),
            Payment.stripe_checkout_session_id.is_not(None),
        )
        .limit(1)
    )
    return found is not None
