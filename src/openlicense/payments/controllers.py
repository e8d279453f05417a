"""HTTP routes for payments: offline confirmation, Stripe checkout, the webhook, refunds."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from openlicense.accounts.guards import allow, public
from openlicense.accounts.models import Role
from openlicense.agreements.schemas import AgreementRead, PaymentConfirmation
from openlicense.core.clock import Clock
from openlicense.core.errors import NotFound
from openlicense.payments.errors import BadSignature
from openlicense.payments.gateway import PaymentGateway
from openlicense.payments.schemas import (
    CheckoutRead,
    CheckoutStart,
    PaymentRead,
    PaymentsOfAgreement,
    RefundRead,
    RefundRequest,
)
from openlicense.payments.service import PaymentService
from openlicense.payments.signatures import InvalidSignature, verify_webhook
from openlicense.payments.stripe_gateway import HANDLED_EVENT_TYPES, payment_status_from_event
from openlicense.settings import Settings

AnyRequest = Request[Any, Any, Any]
readers = allow(Role.TTO_OFFICER, Role.ENTERPRISE_MEMBER, Role.AUDITOR, Role.ADMIN, api_keys=True)


async def provide_payment_service(
    db_session: NamedDependency[AsyncSession],
    payment_gateway: NamedDependency[PaymentGateway],
    clock: NamedDependency[Clock],
    settings: NamedDependency[Settings],
) -> PaymentService:
    return PaymentService(db_session, gateway=payment_gateway, clock=clock, settings=settings)


class AgreementPaymentController(Controller):
    path = "/api/agreements/{agreement_id:uuid}"
    tags = ["payments"]

    @post("/payments", guards=[allow(Role.TTO_OFFICER)], status_code=200)
    async def confirm_offline_payment(
        self,
        request: AnyRequest,
        agreement_id: FromPath[uuid.UUID],
        data: JSONBody[PaymentConfirmation],
        payments: NamedDependency[PaymentService],
    ) -> AgreementRead:
        """The licensor's TTO confirms a bank transfer ("received, reference X") — the offline
        method, always available."""
        return AgreementRead.model_validate(
            await payments.confirm_offline(request.user, agreement_id, data)
        )

    @post("/checkout", guards=[allow(Role.ENTERPRISE_MEMBER)], status_code=201)
    async def start_checkout(
        self,
        request: AnyRequest,
        agreement_id: FromPath[uuid.UUID],
        data: JSONBody[CheckoutStart],
        payments: NamedDependency[PaymentService],
    ) -> CheckoutRead:
        """Pay one amount due online: returns the Stripe Checkout URL (card, Alipay, WeChat Pay).
        Calling again returns the same open session. 409 when online payment is not set up;
        503 (retry) when Stripe cannot be reached — nothing is changed then."""
        return CheckoutRead.model_validate(
            await payments.start_checkout(request.user, agreement_id, data.entry_key)
        )

    @get("/payments", guards=[readers])
    async def list_payments(
        self,
        request: AnyRequest,
        agreement_id: FromPath[uuid.UUID],
        payments: NamedDependency[PaymentService],
    ) -> PaymentsOfAgreement:
        """Every payment and refund of the agreement, for both parties and auditors."""
        rows, refunds = await payments.list_for(request.user, agreement_id)
        return PaymentsOfAgreement(
            payments=[PaymentRead.model_validate(p) for p in rows],
            refunds=[RefundRead.model_validate(r) for r in refunds],
        )


@post(
    "/api/payments/{payment_id:uuid}/refunds",
    guards=[allow(Role.TTO_OFFICER)],
    status_code=201,
    tags=["payments"],
)
async def refund_payment(
    request: AnyRequest,
    payment_id: FromPath[uuid.UUID],
    data: JSONBody[RefundRequest],
    payments: NamedDependency[PaymentService],
) -> RefundRead:
    """Refund all or part of a payment (e.g. after the fairness review of an invalidated patent)."""
    refund = await payments.refund(
        request.user, payment_id, amount_minor=data.amount_minor, reason=data.reason
    )
    return RefundRead.model_validate(refund)


@post(
    "/webhooks/stripe", guards=[public], status_code=200, tags=["payments"], exclude_from_auth=True
)
async def stripe_webhook(
    request: AnyRequest,
    settings: NamedDependency[Settings],
    payments: NamedDependency[PaymentService],
) -> dict[str, str]:
    """Stripe → openlicense. The signature is checked on the raw body (bad or missing → 400,
    nothing stored). Handled event types are stored once under their id and applied in the same
    transaction; others are acknowledged and ignored."""
    if not settings.stripe.enabled:
        raise NotFound("Online payments are not configured.")  # an empty secret must never verify
    body = await request.body()
    try:
        event = verify_webhook(
            body,
            request.headers.get("stripe-signature"),
            settings.stripe.webhook_secret.get_secret_value(),  # type: ignore[union-attr]
        )
    except InvalidSignature as exc:
        raise BadSignature(str(exc)) from exc
    if event.get("type") not in HANDLED_EVENT_TYPES:
        return {"received": "true", "outcome": "ignored"}
    try:
        status = payment_status_from_event(event)
    except (KeyError, ValueError, TypeError):
        status = None
    outcome = await payments.record_event(event, status)
    return {"received": "true", "outcome": outcome}


router = Router(
    path="/",
    route_handlers=[AgreementPaymentController, refund_payment, stripe_webhook],
)
