"""The payment gateway port: what the payments service asks of Stripe (or of the offline method).

Both implementations speak in plain dataclasses, so nothing outside `stripe_gateway.py` touches a
Stripe object, and the service can be tested against any gateway.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable


class PaymentState(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    """The attempt failed (declined, async payment failed); the amount is still due."""
    EXPIRED = "expired"
    REFUNDED = "refunded"
    """Fully refunded. A partial refund leaves SUCCEEDED with `amount_refunded_minor` > 0."""


_PRECEDENCE = {
    PaymentState.PENDING: 0,
    PaymentState.FAILED: 1,
    PaymentState.EXPIRED: 2,
    PaymentState.SUCCEEDED: 3,
    PaymentState.REFUNDED: 4,
}


def combine_states(current: PaymentState, incoming: PaymentState) -> PaymentState:
    """The state after applying `incoming` to `current`, whatever order events arrive in.

    A payment only moves forward (pending < failed < expired < succeeded < refunded): a late
    `payment_intent.succeeded` cannot undo a refund, nor an old decline undo a payment, while a
    retry after a decline still succeeds."""
    return max(current, incoming, key=_PRECEDENCE.__getitem__)


@dataclass(frozen=True)
class CheckoutRequest:
    """One amount due (a schedule entry) to be paid through a hosted checkout page."""

    agreement_id: str
    agreement_number: str
    entry_key: str
    amount_minor: int
    currency: str
    """ISO 4217 as stored on the agreement ("CNY"); the Stripe gateway sends it lower-case."""
    description: str
    success_url: str
    cancel_url: str
    customer_email: str | None = None
    attempt: int = 1
    """Bump only after the previous checkout for this entry is known EXPIRED or FAILED for good:
    Stripe replays a key's first response for 24 h, so attempt 1's key returns the dead session."""
    expires_at: datetime.datetime | None = None
    """Must be the same on every retry of one attempt (derive it, don't take `now()`): Stripe
    refuses a reused idempotency key whose parameters differ."""

    def __post_init__(self) -> None:
        if self.amount_minor <= 0:
            raise ValueError("a checkout needs a positive amount")
        if len(self.currency) != 3 or not self.currency.isalpha():
            raise ValueError(f"not an ISO 4217 currency code: {self.currency!r}")
        if self.attempt < 1:
            raise ValueError("attempt counts from 1")

    @property
    def idempotency_key(self) -> str:
        """Derived only from what identifies the charge, so a retry can never charge twice."""
        key = (
            f"checkout:{self.agreement_id}:{self.entry_key}:"
            f"{self.amount_minor}:{self.currency.upper()}"
        )
        return key if self.attempt == 1 else f"{key}:{self.attempt}"

    @property
    def metadata(self) -> dict[str, str]:
        """What ties a Stripe object back to its agreement and schedule entry."""
        return {
            "agreement_id": self.agreement_id,
            "agreement_number": self.agreement_number,
            "entry_key": self.entry_key,
        }


@dataclass(frozen=True)
class Checkout:
    session_id: str
    url: str | None
    payment_intent_id: str | None
    """Usually None at creation: Stripe creates the PaymentIntent when the customer confirms."""
    state: PaymentState
    expires_at: datetime.datetime | None


@dataclass(frozen=True)
class PaymentStatus:
    """What Stripe says about one payment, read from a Checkout Session, a PaymentIntent or a
    Charge (retrieved, or the object of a webhook event)."""

    session_id: str | None
    payment_intent_id: str | None
    state: PaymentState
    amount_minor: int
    amount_refunded_minor: int
    currency: str
    """Upper-case ISO 4217, as on the agreement."""
    metadata: dict[str, str] = field(default_factory=dict)
    source: str = "checkout.session"
    """The Stripe object it was read from: `checkout.session`, `payment_intent` or `charge`
    (a charge carries no metadata of ours)."""
    session_open: bool | None = None
    """Whether the Checkout Session can still take money; None when the object is not a session."""


@dataclass(frozen=True)
class RefundResult:
    refund_id: str
    payment_intent_id: str
    amount_minor: int
    state: str
    """Stripe's refund status: pending, requires_action, succeeded, failed or canceled."""


@runtime_checkable
class PaymentGateway(Protocol):
    name: str
    """"stripe" or "offline"."""

    async def create_checkout(self, request: CheckoutRequest) -> Checkout: ...

    async def checkout_status(self, session_id: str) -> PaymentStatus: ...

    async def expire_checkout(self, session_id: str) -> PaymentStatus: ...

    async def refund(
        self, payment_intent_id: str, *, amount_minor: int, reason: str, idempotency_key: str
    ) -> RefundResult: ...

    async def close(self) -> None: ...


def secret_value(value: Any) -> str | None:
    """A SecretStr, str or None from settings, as a str; blank counts as unset."""
    if value is None:
        return None
    raw = value.get_secret_value() if hasattr(value, "get_secret_value") else str(value)
    return raw.strip() or None
