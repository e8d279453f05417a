"""Pure payment rules: does what Stripe reports match what is due, how much of a payment may still
be refunded, and the idempotency keys sent to Stripe. Facts in, decisions out; no I/O."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from openlicense.payments.gateway import PaymentState, PaymentStatus

PAID_STATES = frozenset({PaymentState.SUCCEEDED, PaymentState.REFUNDED})

REFUND_REQUESTED = "requested"
"""Our refund row before Stripe has answered: its amount is reserved, not yet refunded."""
REFUND_REJECTED = "rejected"
"""Stripe refused the refund (4xx): nothing was refunded."""
REFUND_COUNTED = frozenset({"succeeded", "pending", "requires_action"})
"""Refund states in which Stripe has taken the refund on: the money is (being) returned."""


@dataclass(frozen=True, slots=True)
class Due:
    """What one payment is for: the agreement, its item, the amount and the currency."""

    agreement_id: str
    entry_key: str
    amount_minor: int | None
    currency: str


@dataclass(frozen=True, slots=True)
class Mismatch:
    kind: str
    """`amount_mismatch`, `currency_mismatch` or `metadata_mismatch`."""
    field: str
    expected: str
    observed: str


def mismatches(due: Due, status: PaymentStatus) -> list[Mismatch]:
    """Every way in which Stripe's report differs from what is due. An empty list is the only
    case in which a report may change a payment.

    A charge carries no metadata of ours, so only its amount and currency are compared; a
    Checkout Session or PaymentIntent must also name the agreement and the item."""
    found: list[Mismatch] = []
    if due.amount_minor is None or status.amount_minor != due.amount_minor:
        found.append(
            Mismatch("amount_mismatch", "amount", str(due.amount_minor), str(status.amount_minor))
        )
    if status.currency != due.currency.upper():
        found.append(Mismatch("currency_mismatch", "currency", due.currency, status.currency))
    if status.source != "charge":
        for name, expected in (("agreement_id", due.agreement_id), ("entry_key", due.entry_key)):
            observed = status.metadata.get(name)
            if observed != expected:
                found.append(
                    Mismatch("metadata_mismatch", f"metadata.{name}", expected, str(observed))
                )
    return found


def refundable_minor(amount_minor: int, refunds: Iterable[tuple[int, str]]) -> int:
    """What may still be refunded of a payment, given its refunds as (amount, status): counted
    and requested refunds both take from it, so concurrent requests cannot over-refund."""
    taken = sum(amount for amount, status in refunds if counts_against_payment(status))
    return max(amount_minor - taken, 0)


def counts_against_payment(refund_status: str) -> bool:
    return refund_status in REFUND_COUNTED or refund_status == REFUND_REQUESTED


def refunded_minor(refunds: Iterable[tuple[int, str]]) -> int:
    """What has been refunded (or is being returned by Stripe) of a payment."""
    return sum(amount for amount, status in refunds if status in REFUND_COUNTED)


def stripe_refund_key(payment_id: str, client_key: str) -> str:
    """The idempotency key sent to Stripe for a refund asked for with `client_key`: derived from
    it and scoped to the payment, so a retry of the same request can only return the same refund,
    and the same client key on another payment is another refund."""
    digest = hashlib.sha256(client_key.encode()).hexdigest()[:40]
    return f"refund:{payment_id}:{digest}"


def overpayment_refund_key(payment_id: str, attempt: int) -> str:
    return f"overpayment-refund:{payment_id}:{attempt}"


MAX_OVERPAYMENT_REFUNDS = 3
"""Automatic refunds tried per overpayment (a later one refunds what a refused one left, e.g.
after a partial refund in the dashboard); beyond that the anomaly is the admin's to settle."""


def overpayment_key(attempt: int) -> str:
    """The refund row's own key for the automatic refund of an overpayment."""
    return f"overpayment-{attempt}"
