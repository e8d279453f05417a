"""Payment refusals and gateway failures, each with its HTTP status and stable code."""

from __future__ import annotations

from openlicense.core.errors import OpenLicenseError


class GatewayUnavailable(OpenLicenseError):
    """Stripe unreachable, timing out or failing (5xx, 409, 429). Retrying is safe: a retry
    reuses the idempotency key."""

    status_code = 503
    code = "payment_gateway_unavailable"
    title = "Payment provider unavailable"

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(
            detail
            or "The payment provider could not be reached. Nothing was changed; "
            "please try again in a moment.",
            retryable=True,
        )


class GatewayRejected(OpenLicenseError):
    """Stripe refused the request (4xx): retrying the same request will not help."""

    status_code = 502
    code = "payment_gateway_rejected"
    title = "Payment provider refused the request"

    def __init__(
        self, detail: str, *, stripe_code: str | None = None, stripe_status: int | None = None
    ) -> None:
        super().__init__(detail, retryable=False)
        self.stripe_code = stripe_code
        self.stripe_status = stripe_status


class OnlinePaymentsDisabled(OpenLicenseError):
    status_code = 409
    code = "online_payments_disabled"
    title = "Online payment is not available"

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(
            detail
            or "Online payment is not configured; pay by bank transfer and the licensor "
            "confirms it."
        )


class BadSignature(OpenLicenseError):
    status_code = 400
    code = "invalid_signature"
    title = "Invalid webhook signature"


class InvalidEvent(OpenLicenseError):
    """A correctly signed body that is not a Stripe event we can read: nothing is stored, and
    Stripe will retry it (so a fix on our side still gets the event)."""

    status_code = 400
    code = "invalid_event"
    title = "Invalid webhook event"
