"""The one place a payment or refund changes state, inside the caller's transaction (never
commits): apply what Stripe reports, settle an item at most once, turn money for an item already
settled into an overpayment with an automatic refund, reserve and record refunds. Every change
is appended to the ledger here, where it is made."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from openlicense.agreements.models import Agreement, EntryStatus, ScheduleEntry
from openlicense.agreements.service import AgreementReader, settle_entry
from openlicense.audit import ledger
from openlicense.core.errors import Conflict, Invalid, NotFound
from openlicense.payments.gateway import PaymentState, PaymentStatus, combine_states
from openlicense.payments.models import Payment, PaymentAnomaly, Refund, StripeEvent
from openlicense.payments.rules import (
    MAX_OVERPAYMENT_REFUNDS,
    PAID_STATES,
    REFUND_REJECTED,
    REFUND_REQUESTED,
    Due,
    counts_against_payment,
    mismatches,
    overpayment_key,
    overpayment_refund_key,
    refundable_minor,
    refunded_minor,
)
from openlicense.payments.service.records import anomaly_record, payment_record, refund_record
from openlicense.payments.stripe_gateway import payment_status_from_event

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from openlicense.agreements.rules import LifecycleConfig
    from openlicense.core.clock import Clock
    from openlicense.payments.gateway import RefundResult

CLOSED_SESSION_STATES = frozenset(
    {PaymentState.SUCCEEDED, PaymentState.REFUNDED, PaymentState.EXPIRED}
)
"""A session in one of these can take no more money (a decline leaves it open)."""


class PaymentBook(AgreementReader):
    def __init__(self, session: AsyncSession, *, clock: Clock, lifecycle: LifecycleConfig) -> None:
        super().__init__(session)
        self.clock = clock
        self.lifecycle = lifecycle
        self.refunds_to_send: list[uuid.UUID] = []
        """Refunds reserved in this transaction that Stripe must be asked for after commit."""

    # --- loading under lock ------------------------------------------------------------------

    async def lock(self, agreement_id: uuid.UUID) -> Agreement:
        """The agreement, locked (PostgreSQL: FOR UPDATE; SQLite: the transaction's write lock):
        every change to its payments is serialised behind it."""
        return await self.load(agreement_id, for_update=True)

    async def fresh_payment(self, payment_id: uuid.UUID) -> Payment:
        """Re-read after taking the agreement lock, so a change committed meanwhile is seen."""
        payment = await self.session.scalar(
            select(Payment)
            .where(Payment.id == payment_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        if payment is None:
            raise NotFound("No such payment.")
        return payment

    async def fresh_refund(self, refund_id: uuid.UUID) -> Refund:
        refund = await self.session.scalar(
            select(Refund)
            .where(Refund.id == refund_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        if refund is None:
            raise NotFound("No such refund.")
        return refund

    async def payment_for(self, status: PaymentStatus) -> Payment | None:
        if status.session_id:
            payment = await self.session.scalar(
                select(Payment).where(Payment.stripe_checkout_session_id == status.session_id)
            )
            if payment is not None:
                return payment
        if status.payment_intent_id:
            by_intent: Payment | None = await self.session.scalar(
                select(Payment).where(Payment.stripe_payment_intent_id == status.payment_intent_id)
            )
            return by_intent
        return None

    async def refunds_of(self, payment_id: uuid.UUID) -> list[Refund]:
        await self.session.flush()
        rows = await self.session.scalars(
            select(Refund).where(Refund.payment_id == payment_id).order_by(Refund.created_at)
        )
        return list(rows)

    # --- applying what Stripe reports --------------------------------------------------------

    async def apply(
        self, payment_id: uuid.UUID, status: PaymentStatus, *, dedupe: str, event_id: str | None
    ) -> str:
        """Apply `status` to the payment if it matches what is due; otherwise record an anomaly
        and change nothing. Returns `applied`, `no_change` or `anomaly`."""
        payment = await self.session.get_one(Payment, payment_id)
        agreement = await self.lock(payment.agreement_id)
        payment = await self.fresh_payment(payment_id)
        return await self._check_and_apply(payment, agreement, status, dedupe, event_id)

    async def _check_and_apply(
        self,
        payment: Payment,
        agreement: Agreement,
        status: PaymentStatus,
        dedupe: str,
        event_id: str | None,
    ) -> str:
        entry = _entry(agreement, payment.entry_id)
        expected = payment.amount_minor if payment.amount_minor == entry.amount_minor else None
        due = Due(str(agreement.id), entry.key, expected, agreement.currency)
        found = mismatches(due, status)
        if found:
            await self.record_anomaly(
                kind=found[0].kind,
                dedupe_key=f"{dedupe}:{found[0].kind}",
                agreement_id=agreement.id,
                payment_id=payment.id,
                event_id=event_id,
                detail={
                    "stripe_object": status.source,
                    "session_id": status.session_id,
                    "payment_intent_id": status.payment_intent_id,
                    "reported_state": status.state.value,
                    "mismatches": [
                        {"field": m.field, "expected": m.expected, "observed": m.observed}
                        for m in found
                    ],
                },
            )
            return "anomaly"
        return await self._apply(payment, agreement, entry, status)

    async def _apply(
        self, payment: Payment, agreement: Agreement, entry: ScheduleEntry, status: PaymentStatus
    ) -> str:
        before = _snapshot(payment)
        newly_linked = payment.stripe_payment_intent_id is None and bool(status.payment_intent_id)
        payment.stripe_payment_intent_id = (
            payment.stripe_payment_intent_id or status.payment_intent_id
        )
        if status.session_open is False or status.state in CLOSED_SESSION_STATES:
            payment.open_checkout_entry_id = None
        # Refunds are counted from refund rows; a "refunded" report first of all says "was paid".
        incoming = PaymentState.SUCCEEDED if status.state is PaymentState.REFUNDED else status.state
        payment.status = combine_states(payment.status, incoming)
        newly_paid = payment.status in PAID_STATES and payment.succeeded_at is None
        if newly_paid:
            payment.succeeded_at = self.clock.now()
            if entry.status is EntryStatus.SCHEDULED:
                payment.settled_entry_id = entry.id
            else:
                payment.overpayment = True
        if _snapshot(payment) != before:
            ledger.append(self.session, payment_record(payment))
            await self.session.flush()  # the unique settled_entry_id is enforced here
        if newly_paid and payment.settled_entry_id is not None:
            await self._settle(payment, agreement, entry)
        elif newly_paid:
            await self._overpaid(payment, agreement, entry)
        if payment.status in PAID_STATES:
            await self._external_refund(payment, agreement, status.amount_refunded_minor)
            await self.refund_overpayment(payment, entry)
        if newly_linked:
            await self._replay_unmatched(payment, agreement)
        return "no_change" if _snapshot(payment) == before else "applied"

    async def _settle(self, payment: Payment, agreement: Agreement, entry: ScheduleEntry) -> None:
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

    async def _overpaid(self, payment: Payment, agreement: Agreement, entry: ScheduleEntry) -> None:
        """Money for an item already settled (or no longer payable): never applied; recorded for
        the admin and refunded in full, automatically."""
        settled_by = await self.session.scalar(
            select(Payment.id).where(Payment.settled_entry_id == entry.id)
        )
        await self.record_anomaly(
            kind="overpayment",
            dedupe_key=f"overpayment:{payment.id}",
            agreement_id=agreement.id,
            payment_id=payment.id,
            event_id=None,
            detail={
                "entry_key": entry.key,
                "entry_status": entry.status.value,
                "amount_minor": payment.amount_minor,
                "currency": payment.currency,
                "settled_by_payment_id": str(settled_by) if settled_by else None,
                "refund": "automatic" if payment.stripe_payment_intent_id else "manual",
            },
        )  # the refund itself: `refund_overpayment`, once Stripe's refunds are accounted for

    async def refund_overpayment(self, payment: Payment, entry: ScheduleEntry) -> None:
        """Reserve an automatic refund of what is left of an overpayment, unless one is on its
        way already. Called again after Stripe refused one (the payment re-read first), so a
        partial refund made meanwhile elsewhere cannot leave the rest kept."""
        if not payment.overpayment or payment.stripe_payment_intent_id is None:
            return  # nothing to refund through: the overpayment anomaly asks the admin to act
        refunds = await self.refunds_of(payment.id)
        if any(r.status == REFUND_REQUESTED for r in refunds):
            return
        amount = refundable_minor(
            payment.amount_minor, ((r.amount_minor, r.status) for r in refunds)
        )
        attempt = 1 + sum(1 for r in refunds if (r.idempotency_key or "").startswith("overpayment"))
        if amount <= 0 or attempt > MAX_OVERPAYMENT_REFUNDS:
            return
        refund = await self.reserve_refund(
            payment,
            amount_minor=amount,
            reason=f"Overpayment: {entry.key} was already settled; refunded automatically.",
            idempotency_key=overpayment_key(attempt),
            stripe_idempotency_key=overpayment_refund_key(str(payment.id), attempt),
            requested_by_id=None,
        )
        self.refunds_to_send.append(refund.id)

    async def _external_refund(
        self, payment: Payment, agreement: Agreement, reported_minor: int
    ) -> None:
        """A refund Stripe reports that no refund row accounts for (made in the dashboard).
        Requested refunds count as accounted: Stripe's total may already include them."""
        reported = min(reported_minor, payment.amount_minor)
        refunds = await self.refunds_of(payment.id)
        accounted = sum(r.amount_minor for r in refunds if counts_against_payment(r.status))
        if reported <= accounted:
            return
        await self.add_refund(
            payment,
            amount_minor=reported - accounted,
            reason="Refund reported by Stripe (made outside openlicense).",
            status="succeeded",
        )
        await self.recount(payment, agreement)

    async def _replay_unmatched(self, payment: Payment, agreement: Agreement) -> None:
        """Events that arrived before we knew the payment's PaymentIntent (e.g. `charge.refunded`
        before `checkout.session.completed`) are applied once the link is known."""
        waiting = await self.session.scalars(
            select(StripeEvent).where(StripeEvent.outcome == "unknown_payment")
        )
        for stored in list(waiting):
            try:
                status = payment_status_from_event(stored.payload)
            except ValueError:
                continue
            if status.payment_intent_id == payment.stripe_payment_intent_id:
                stored.outcome = "applied_late"
                dedupe = f"event:{stored.stripe_event_id}"
                await self._check_and_apply(
                    payment, agreement, status, dedupe, stored.stripe_event_id
                )

    async def checkout_refused(self, payment_id: uuid.UUID, *, why: str) -> None:
        """Stripe refused to create the session (4xx): the attempt failed and frees the slot."""
        payment = await self.session.get_one(Payment, payment_id)
        await self.lock(payment.agreement_id)
        payment = await self.fresh_payment(payment_id)
        if payment.stripe_checkout_session_id is not None:
            return
        payment.open_checkout_entry_id = None
        payment.status = combine_states(payment.status, PaymentState.FAILED)
        payment.failure_reason = why[:300]
        ledger.append(self.session, payment_record(payment))

    # --- refunds -------------------------------------------------------------------------------

    async def add_refund(
        self,
        payment: Payment,
        *,
        amount_minor: int,
        reason: str,
        status: str,
        idempotency_key: str | None = None,
        stripe_idempotency_key: str | None = None,
        requested_by_id: uuid.UUID | None = None,
    ) -> Refund:
        refund = Refund(
            payment_id=payment.id,
            agreement_id=payment.agreement_id,
            entry_key=payment.entry_key,
            amount_minor=amount_minor,
            currency=payment.currency,
            reason=reason[:300],
            status=status,
            requested_by_id=requested_by_id,
            idempotency_key=idempotency_key,
            stripe_idempotency_key=stripe_idempotency_key,
        )
        self.session.add(refund)
        ledger.append(self.session, refund_record(refund))
        await self.session.flush()
        return refund

    async def reserve_refund(
        self,
        payment: Payment,
        *,
        amount_minor: int,
        reason: str,
        idempotency_key: str,
        stripe_idempotency_key: str,
        requested_by_id: uuid.UUID | None,
    ) -> Refund:
        """A refund Stripe is to be asked for: stored first (amount reserved, key fixed), sent
        after commit, so a crash or timeout in between can only lead to the same refund again."""
        return await self.add_refund(
            payment,
            amount_minor=amount_minor,
            reason=reason,
            status=REFUND_REQUESTED,
            idempotency_key=idempotency_key,
            stripe_idempotency_key=stripe_idempotency_key,
            requested_by_id=requested_by_id,
        )

    async def record_refund_result(self, refund_id: uuid.UUID, result: RefundResult) -> Refund:
        """Stripe's answer to a requested refund. A second answer (a concurrent sender, a retry)
        finds the refund recorded already and changes nothing."""
        refund = await self.session.get_one(Refund, refund_id)
        agreement = await self.lock(refund.agreement_id)
        refund = await self.fresh_refund(refund_id)
        if refund.status != REFUND_REQUESTED:
            return refund
        refund.stripe_refund_id, refund.status = result.refund_id, result.state
        ledger.append(self.session, refund_record(refund))
        await self.session.flush()
        await self.recount(await self.fresh_payment(refund.payment_id), agreement)
        return refund

    async def reject_refund(self, refund_id: uuid.UUID, *, why: str) -> Refund:
        """Stripe refused the refund: the reservation is released and the admin is told."""
        refund = await self.session.get_one(Refund, refund_id)
        await self.lock(refund.agreement_id)
        refund = await self.fresh_refund(refund_id)
        if refund.status != REFUND_REQUESTED:
            return refund
        refund.status = REFUND_REJECTED
        ledger.append(self.session, refund_record(refund))
        await self.record_anomaly(
            kind="refund_rejected",
            dedupe_key=f"refund-rejected:{refund.id}",
            agreement_id=refund.agreement_id,
            payment_id=refund.payment_id,
            event_id=None,
            detail={"refund_id": str(refund.id), "amount_minor": refund.amount_minor, "why": why},
        )
        return refund

    async def recount(self, payment: Payment, agreement: Agreement) -> None:
        """`refunded_minor` is the sum of the refunds Stripe took on; fully refunded → REFUNDED."""
        refunds = await self.refunds_of(payment.id)
        total = refunded_minor((r.amount_minor, r.status) for r in refunds)
        before = _snapshot(payment)
        payment.refunded_minor = total
        if payment.status is PaymentState.SUCCEEDED and total >= payment.amount_minor:
            payment.status = PaymentState.REFUNDED
        if payment.settled_entry_id is not None:
            _entry(agreement, payment.settled_entry_id).refunded_minor = total
        if _snapshot(payment) != before:
            ledger.append(self.session, payment_record(payment))

    # --- anomalies -----------------------------------------------------------------------------

    async def record_anomaly(
        self,
        *,
        kind: str,
        dedupe_key: str,
        agreement_id: uuid.UUID | None,
        payment_id: uuid.UUID | None,
        event_id: str | None,
        detail: dict[str, Any],
    ) -> PaymentAnomaly | None:
        """Store a finding for the admin, once per `dedupe_key` (a redelivered event or the next
        reconcile run finds it stored and adds nothing)."""
        await self.session.flush()
        if await self.session.scalar(
            select(PaymentAnomaly.id).where(PaymentAnomaly.dedupe_key == dedupe_key[:255])
        ):
            return None
        anomaly = PaymentAnomaly(
            kind=kind,
            agreement_id=agreement_id,
            payment_id=payment_id,
            stripe_event_id=event_id,
            dedupe_key=dedupe_key[:255],
            detail=detail,
        )
        self.session.add(anomaly)
        ledger.append(self.session, anomaly_record(anomaly))
        await self.session.flush()
        return anomaly


def _entry(agreement: Agreement, entry_id: uuid.UUID) -> ScheduleEntry:
    return next(e for e in agreement.entries if e.id == entry_id)


def _snapshot(payment: Payment) -> tuple[object, ...]:
    return (
        payment.status,
        payment.refunded_minor or 0,
        payment.open_checkout_entry_id,
        payment.stripe_payment_intent_id,
        payment.settled_entry_id,
        payment.overpayment,
    )


def ensure_payable(entry: ScheduleEntry, agreement: Agreement, amount_minor: int | None) -> None:
    """The item is due and `amount_minor` is all of it (one payment pays one item, in full)."""
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
