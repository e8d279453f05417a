"""Payment use cases: offline confirmation, Stripe checkout, webhook events, reconciliation,
refunds. Never commits; webhook events are stored and applied in one transaction."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from uuid_utils.compat import uuid7

from openlicense.agreements.models import Agreement, EntryStatus, ScheduleEntry
from openlicense.agreements.rules import LifecycleConfig
from openlicense.agreements.schemas import PaymentConfirmation
from openlicense.agreements.service import AgreementReader, ensure_party, find_entry, settle_entry
from openlicense.audit import ledger
from openlicense.audit.ledger import LedgerRecord
from openlicense.core.errors import Conflict, Invalid, NotFound
from openlicense.payments.gateway import (
    CheckoutRequest,
    PaymentGateway,
    PaymentState,
    PaymentStatus,
    combine_states,
)
from openlicense.payments.models import Payment, PaymentMethod, Refund, StripeEvent

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from openlicense.accounts.principal import Principal
    from openlicense.core.clock import Clock
    from openlicense.settings import Settings

PAID_STATES = (PaymentState.SUCCEEDED, PaymentState.REFUNDED)


class PaymentService(AgreementReader):
    def __init__(
        self, session: AsyncSession, *, gateway: PaymentGateway, clock: Clock, settings: Settings
    ) -> None:
        super().__init__(session)
        self.gateway = gateway
        self.clock = clock
        self.settings = settings
        self.lifecycle = LifecycleConfig.from_settings(settings.lifecycle)

    # --- offline (bank transfer) -------------------------------------------------------------

    async def confirm_offline(
        self, principal: Principal, agreement_id: uuid.UUID, data: PaymentConfirmation
    ) -> Agreement:
        """The licensor's TTO confirms "received, reference X" for one schedule item."""
        agreement = await self.load(agreement_id, for_update=True)
        ensure_party(principal, agreement, "licensor")
        entry = find_entry(agreement, data.entry_key)
        if entry.status is EntryStatus.PAID:
            if entry.payment_reference == data.reference and entry.paid_minor == data.amount_minor:
                return agreement  # the same confirmation again: nothing to do
            raise Conflict(f"{entry.key} is already paid.", code="already_paid")
        _ensure_payable(entry, agreement, data.amount_minor)
        payment = Payment(
            agreement_id=agreement.id,
            entry_id=entry.id,
            entry_key=entry.key,
            method=PaymentMethod.OFFLINE,
            status=PaymentState.SUCCEEDED,
            amount_minor=data.amount_minor,
            currency=agreement.currency,
            reference=data.reference,
            succeeded_at=self.clock.now(),
            created_by_id=principal.user_id,
        )
        self.session.add(payment)
        await settle_entry(
            self.session,
            agreement,
            entry,
            amount_minor=data.amount_minor,
            paid_on=data.received_on,
            reference=data.reference,
            actor_id=principal.user_id,
            now=self.clock.now(),
            config=self.lifecycle,
        )
        ledger.append(self.session, payment_record(payment))
        await self.session.flush()
        return agreement

    # --- online (Stripe Checkout) --------------------------------------------------------------

    async def start_checkout(
        self, principal: Principal, agreement_id: uuid.UUID, entry_key: str
    ) -> Payment:
        """One Checkout Session per amount due. Retrying returns the open session; Stripe is
        asked with an idempotency key derived from the item, so it never makes a second one.
        If Stripe is unreachable nothing is stored and the caller gets a retryable 503."""
        agreement = await self.load(agreement_id)
        ensure_party(principal, agreement, "licensee")
        entry = find_entry(agreement, entry_key)
        if entry.status is EntryStatus.PAID:
            raise Conflict(f"{entry.key} is already paid.", code="already_paid")
        _ensure_payable(entry, agreement, entry.amount_minor)
        open_payment = await self._open_checkout(entry)
        if open_payment is not None:
            return open_payment
        attempts = await self.session.scalar(
            select(func.count())
            .select_from(Payment)
            .where(Payment.entry_id == entry.id, Payment.method == PaymentMethod.STRIPE)
        )
        user_email = agreement.snapshot.get("notice", {}).get("user_email")
        checkout = await self.gateway.create_checkout(
            CheckoutRequest(
                agreement_id=str(agreement.id),
                agreement_number=agreement.number,
                entry_key=entry.key,
                amount_minor=entry.amount_minor or 0,
                currency=agreement.currency,
                description=f"{agreement.number} · {entry.description}"[:250],
                success_url=self.settings.stripe.success_url,
                cancel_url=self.settings.stripe.cancel_url,
                customer_email=user_email,
                attempt=(attempts or 0) + 1,
            )
        )
        existing = await self.session.scalar(
            select(Payment).where(Payment.stripe_checkout_session_id == checkout.session_id)
        )
        if existing is not None:
            return existing
        payment = Payment(
            agreement_id=agreement.id,
            entry_id=entry.id,
            entry_key=entry.key,
            method=PaymentMethod.STRIPE,
            status=checkout.state,
            amount_minor=entry.amount_minor or 0,
            currency=agreement.currency,
            stripe_checkout_session_id=checkout.session_id,
            stripe_payment_intent_id=checkout.payment_intent_id,
            checkout_url=checkout.url,
            expires_at=checkout.expires_at,
            created_by_id=principal.user_id,
        )
        self.session.add(payment)
        ledger.append(self.session, payment_record(payment))
        try:
            await self.session.flush()
        except IntegrityError as exc:  # a concurrent request stored the same session first
            raise Conflict(
                "A checkout for this item was just started; retry to get it.",
                code="checkout_in_progress",
            ) from exc
        return payment

    async def _open_checkout(self, entry: ScheduleEntry) -> Payment | None:
        now = self.clock.now()
        return await self.session.scalar(
            select(Payment).where(
                Payment.entry_id == entry.id,
                Payment.method == PaymentMethod.STRIPE,
                Payment.status == PaymentState.PENDING,
                or_(Payment.expires_at.is_(None), Payment.expires_at > now),
            )
        )

    # --- webhook events and reconciliation ---------------------------------------------------

    async def record_event(self, event: dict[str, Any], status: PaymentStatus | None) -> str:
        """Store the event under its id and apply it, in the caller's transaction.
        A duplicate or replayed event is recognised by its id and changes nothing."""
        event_id = str(event["id"])
        if await self.session.scalar(
            select(StripeEvent.id).where(StripeEvent.stripe_event_id == event_id)
        ):
            return "duplicate"
        outcome = await self.apply_status(status) if status is not None else "unreadable"
        self.session.add(
            StripeEvent(
                stripe_event_id=event_id,
                type=str(event.get("type")),
                stripe_created=int(event.get("created") or 0),
                payload=event,
                outcome=outcome,
            )
        )
        await self.session.flush()  # a concurrent delivery of the same id fails here → rolled back
        return outcome

    async def apply_status(self, status: PaymentStatus) -> str:
        payment = await self._payment_for(status)
        if payment is None:
            return "unknown_payment"
        return await self._apply_to(payment, status)

    async def _apply_to(self, payment: Payment, status: PaymentStatus) -> str:
        before = (payment.status, payment.refunded_minor)
        newly_linked = (
            payment.stripe_payment_intent_id is None and status.payment_intent_id is not None
        )
        payment.status = combine_states(payment.status, status.state)
        payment.stripe_payment_intent_id = (
            payment.stripe_payment_intent_id or status.payment_intent_id
        )
        payment.refunded_minor = max(payment.refunded_minor or 0, status.amount_refunded_minor)
        if payment.status in PAID_STATES and payment.succeeded_at is None:
            payment.succeeded_at = self.clock.now()
            await self._settle(payment)
        if payment.refunded_minor > before[1]:
            await self._record_external_refund(payment, payment.refunded_minor - before[1])
        if newly_linked:
            await self._replay_unmatched(payment)
        if (payment.status, payment.refunded_minor) == before:
            return "no_change"
        ledger.append(self.session, payment_record(payment))
        return "applied"

    async def _replay_unmatched(self, payment: Payment) -> None:
        """Events that arrived before we knew the payment's PaymentIntent (e.g. `charge.refunded`
        before `checkout.session.completed`) are applied once the link is known."""
        from openlicense.payments.stripe_gateway import payment_status_from_event

        waiting = await self.session.scalars(
            select(StripeEvent).where(StripeEvent.outcome == "unknown_payment")
        )
        for stored in waiting:
            status = payment_status_from_event(stored.payload)
            if status.payment_intent_id == payment.stripe_payment_intent_id:
                stored.outcome = "applied_late"
                await self._apply_to(payment, status)

    async def _payment_for(self, status: PaymentStatus) -> Payment | None:
        if status.session_id:
            payment = await self.session.scalar(
                select(Payment).where(Payment.stripe_checkout_session_id == status.session_id)
            )
            if payment is not None:
                return payment
        if status.payment_intent_id:
            return await self.session.scalar(
                select(Payment).where(Payment.stripe_payment_intent_id == status.payment_intent_id)
            )
        return None

    async def _settle(self, payment: Payment) -> None:
        agreement = await self.load(payment.agreement_id, for_update=True)
        entry = next(e for e in agreement.entries if e.id == payment.entry_id)
        if entry.status is EntryStatus.PAID:
            return  # also confirmed offline: the payment stays visible for the parties
        await settle_entry(
            self.session,
            agreement,
            entry,
            amount_minor=payment.amount_minor,
            paid_on=self.clock.today(),
            reference=payment.stripe_payment_intent_id
            or payment.stripe_checkout_session_id
            or str(payment.id),
            actor_id=None,
            now=self.clock.now(),
            config=self.lifecycle,
            method="stripe",
        )

    async def _record_external_refund(self, payment: Payment, amount_minor: int) -> None:
        """A refund seen in an event (e.g. made in the Stripe dashboard), recorded on its item."""
        entry = await self.session.get_one(ScheduleEntry, payment.entry_id)
        entry.refunded_minor = payment.refunded_minor
        refund = Refund(
            payment_id=payment.id,
            agreement_id=payment.agreement_id,
            entry_key=payment.entry_key,
            amount_minor=amount_minor,
            currency=payment.currency,
            reason="refund reported by Stripe",
            status="succeeded",
        )
        self.session.add(refund)
        ledger.append(self.session, refund_record(refund))

    async def reconcile(self) -> dict[str, int]:
        """Ask Stripe about every pending online payment and apply what it says, so a lost
        webhook cannot leave an agreement stuck."""
        pending = list(
            await self.session.scalars(
                select(Payment).where(
                    Payment.method == PaymentMethod.STRIPE, Payment.status == PaymentState.PENDING
                )
            )
        )
        counts = {"checked": 0, "changed": 0}
        for payment in pending:
            status = await self.gateway.checkout_status(payment.stripe_checkout_session_id or "")
            counts["checked"] += 1
            if await self.apply_status(status) == "applied":
                counts["changed"] += 1
        await self.session.flush()
        return counts

    # --- reading and refunds -------------------------------------------------------------------

    async def list_for(
        self, principal: Principal, agreement_id: uuid.UUID
    ) -> tuple[list[Payment], list[Refund]]:
        await self.get(principal, agreement_id)
        payments = await self.session.scalars(
            select(Payment).where(Payment.agreement_id == agreement_id).order_by(Payment.created_at)
        )
        refunds = await self.session.scalars(
            select(Refund).where(Refund.agreement_id == agreement_id).order_by(Refund.created_at)
        )
        return list(payments), list(refunds)

    async def refund(
        self, principal: Principal, payment_id: uuid.UUID, *, amount_minor: int, reason: str
    ) -> Refund:
        """The licensor refunds (part of) a payment, e.g. after a fairness review (PL 47)."""
        payment = await self.session.get(Payment, payment_id)
        if payment is None:
            raise NotFound("No such payment.")
        agreement = await self.load(payment.agreement_id, for_update=True)
        ensure_party(principal, agreement, "licensor")
        if payment.status is not PaymentState.SUCCEEDED:
            raise Conflict(
                f"Only a succeeded payment can be refunded (this one is {payment.status.value}).",
                code="not_refundable",
            )
        if amount_minor > payment.amount_minor - (payment.refunded_minor or 0):
            raise Invalid(
                "The refund is larger than what remains of the payment.", code="refund_too_large"
            )
        number = 1 + (
            await self.session.scalar(
                select(func.count()).select_from(Refund).where(Refund.payment_id == payment.id)
            )
            or 0
        )
        refund = Refund(
            payment_id=payment.id,
            agreement_id=payment.agreement_id,
            entry_key=payment.entry_key,
            amount_minor=amount_minor,
            currency=payment.currency,
            reason=reason,
            status="succeeded",
            requested_by_id=principal.user_id,
        )
        if payment.method is PaymentMethod.STRIPE and payment.stripe_payment_intent_id:
            result = await self.gateway.refund(
                payment.stripe_payment_intent_id,
                amount_minor=amount_minor,
                reason=reason,
                idempotency_key=f"refund:{payment.id}:{number}:{amount_minor}",
            )
            refund.stripe_refund_id, refund.status = result.refund_id, result.state
        payment.refunded_minor = (payment.refunded_minor or 0) + amount_minor
        if payment.refunded_minor >= payment.amount_minor:
            payment.status = PaymentState.REFUNDED
        entry = next(e for e in agreement.entries if e.id == payment.entry_id)
        entry.refunded_minor = payment.refunded_minor
        self.session.add(refund)
        ledger.append(self.session, refund_record(refund), payment_record(payment))
        await self.session.flush()
        return refund


def payment_record(payment: Payment) -> LedgerRecord:
    if payment.id is None:
        payment.id = uuid7()
    return LedgerRecord(
        action=f"payment.{payment.status.value}",
        subject_type="agreement",
        subject_id=str(payment.agreement_id),
        actor_id=ledger.actor(payment.created_by_id),
        data={
            "payment_id": str(payment.id),
            "entry_key": payment.entry_key,
            "method": payment.method.value,
            "amount_minor": payment.amount_minor,
            "refunded_minor": payment.refunded_minor or 0,
            "currency": payment.currency,
            "reference": payment.reference,
            "stripe_payment_intent_id": payment.stripe_payment_intent_id,
        },
    )


def refund_record(refund: Refund) -> LedgerRecord:
    if refund.id is None:
        refund.id = uuid7()
    return LedgerRecord(
        action="refund.recorded",
        subject_type="agreement",
        subject_id=str(refund.agreement_id),
        actor_id=ledger.actor(refund.requested_by_id),
        data={
            "refund_id": str(refund.id),
            "payment_id": str(refund.payment_id),
            "entry_key": refund.entry_key,
            "amount_minor": refund.amount_minor,
            "currency": refund.currency,
            "status": refund.status,
        },
    )


def _ensure_payable(entry: ScheduleEntry, agreement: Agreement, amount_minor: int | None) -> None:
    # Arrears stay payable after the licence ended or was terminated (rule 20).
    if entry.status is not EntryStatus.SCHEDULED or entry.amount_minor is None:
        raise Conflict(
            f"{entry.key} is not payable ({entry.status.value}).", code="entry_not_payable"
        )
    if amount_minor != entry.amount_minor:
        raise Invalid(
            f"{entry.key} is {entry.amount_minor} {agreement.currency} (minor units); "
            "partial payments are not accepted.",
            code="amount_mismatch",
        )
