"""What the ledger records about payments, refunds and anomalies (each change, where it is made)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from uuid_utils.compat import uuid7

from openlicense.audit import ledger
from openlicense.audit.ledger import LedgerRecord

if TYPE_CHECKING:
    from openlicense.payments.models import Payment, PaymentAnomaly, Refund


def payment_record(payment: Payment, *, action: str | None = None) -> LedgerRecord:
    """`payment.<status>` unless `action` names the change (e.g. `payment.checkout_requested`).
    `data.status` is always the payment's status after the change."""
    _assign_id(payment)
    return LedgerRecord(
        action=action or f"payment.{payment.status.value}",
        subject_type="agreement",
        subject_id=str(payment.agreement_id),
        actor_id=ledger.actor(payment.created_by_id),
        data={
            "payment_id": str(payment.id),
            "entry_key": payment.entry_key,
            "method": payment.method.value,
            "status": payment.status.value,
            "amount_minor": payment.amount_minor,
            "refunded_minor": payment.refunded_minor or 0,
            "currency": payment.currency,
            "reference": payment.reference,
            "settled": payment.settled_entry_id is not None,
            "overpayment": bool(payment.overpayment),
            "checkout_attempt": payment.checkout_attempt,
            "stripe_checkout_session_id": payment.stripe_checkout_session_id,
            "stripe_payment_intent_id": payment.stripe_payment_intent_id,
            "succeeded_at": _instant(payment.succeeded_at),
        },
    )


def refund_record(refund: Refund) -> LedgerRecord:
    """`refund.<status>`: requested (amount reserved), then Stripe's answer, or rejected."""
    _assign_id(refund)
    return LedgerRecord(
        action=f"refund.{refund.status}",
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
            "reason": refund.reason,
            "stripe_refund_id": refund.stripe_refund_id,
        },
    )


def anomaly_record(anomaly: PaymentAnomaly) -> LedgerRecord:
    _assign_id(anomaly)
    known = anomaly.agreement_id is not None
    return LedgerRecord(
        action="payment.anomaly_recorded",
        subject_type="agreement" if known else "payment_anomaly",
        subject_id=str(anomaly.agreement_id if known else anomaly.id),
        data={
            "anomaly_id": str(anomaly.id),
            "kind": anomaly.kind,
            "payment_id": str(anomaly.payment_id) if anomaly.payment_id else None,
            "stripe_event_id": anomaly.stripe_event_id,
            "detail": anomaly.detail,
        },
    )


def _instant(value: datetime.datetime | None) -> str | None:
    return None if value is None else value.astimezone(datetime.UTC).isoformat()


def _assign_id(row: Any) -> None:
    """Rows get their key on flush; a record made before that needs it now."""
    if row.id is None:
        row.id = uuid7()
