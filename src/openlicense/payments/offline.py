"""The offline method: the licensee pays by bank transfer and the licensor confirms it by hand."""

from __future__ import annotations

from openlicense.payments.errors import OnlinePaymentsDisabled
from openlicense.payments.gateway import Checkout, CheckoutRequest, PaymentStatus, RefundResult


class OfflineGateway:
    """The default when Stripe is not configured: every online operation is refused, so the
    service falls back to confirmation by the licensor."""

    name = "offline"

    async def create_checkout(self, request: CheckoutRequest) -> Checkout:
        raise OnlinePaymentsDisabled()

    async def checkout_status(self, session_id: str) -> PaymentStatus:
        raise OnlinePaymentsDisabled()

    async def expire_checkout(self, session_id: str) -> PaymentStatus:
        raise OnlinePaymentsDisabled()

    async def refund(
        self, payment_intent_id: str, *, amount_minor: int, reason: str, idempotency_key: str
    ) -> RefundResult:
        raise OnlinePaymentsDisabled()

    async def close(self) -> None:
        return None
