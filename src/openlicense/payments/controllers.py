"""HTTP routes for payments: offline confirmation, Stripe checkout, the webhook, refunds, and the
admin's list of payment anomalies.

Handlers that call Stripe get services built on the `session_maker` (short transactions of their
own, none open while Stripe answers) and leave the request's session unused."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

from litestar import Controller, Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, HeaderParameter, JSONBody, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from openlicense.accounts.guards import allow, public
from openlicense.accounts.models import Role
from openlicense.agreements.schemas import AgreementRead, PaymentConfirmation
from openlicense.core.clock import Clock
from openlicense.core.errors import NotFound
from openlicense.payments.errors import BadSignature, InvalidEvent
from openlicense.payments.gateway import PaymentGateway
from openlicense.payments.schemas import (
    CheckoutRead,
    CheckoutStart,
    InvalidEventEnvelope,
    PaymentAnomalyPage,
    PaymentAnomalyRead,
    PaymentRead,
    PaymentsOfAgreement,
    RefundRead,
    RefundRequest,
    parse_event,
)
from openlicense.payments.service import (
    CheckoutService,
    OfflineService,
    PaymentFlow,
    PaymentReader,
    RefundService,
    WebhookService,
)
from openlicense.payments.signatures import InvalidSignature, verify_webhook
from openlicense.payments.stripe_gateway import HANDLED_EVENT_TYPES
from openlicense.settings import Settings

AnyRequest = Request[Any, Any, Any]
readers = allow(Role.TTO_OFFICER, Role.ENTERPRISE_MEMBER, Role.AUDITOR, Role.ADMIN, api_keys=True)
IdempotencyKey = Annotated[
    str,
    HeaderParameter(
        name="Idempotency-Key",
        min_length=8,
        max_length=128,
        description="Retrying with the same key returns the same refund; Stripe is sent a key "
        "derived from it.",
    ),
]


async def provide_payment_reader(db_session: NamedDependency[AsyncSession]) -> PaymentReader:
    return PaymentReader(db_session)


Flow = TypeVar("Flow", bound=PaymentFlow)


def _provider(service: type[Flow]) -> Callable[..., Awaitable[Flow]]:
    """The DI provider of a payment use case: each opens its own short transactions."""

    async def provide(
        session_maker: NamedDependency[async_sessionmaker[AsyncSession]],
        payment_gateway: NamedDependency[PaymentGateway],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
    ) -> Flow:
        return service(session_maker, gateway=payment_gateway, clock=clock, settings=settings)

    return provide


provide_checkout = _provider(CheckoutService)
provide_offline_payments = _provider(OfflineService)
provide_refunds = _provider(RefundService)
provide_webhooks = _provider(WebhookService)


class AgreementPaymentController(Controller):
    path = "/api/agreements/{agreement_id:uuid}"
    tags = ["payments"]

    @post("/payments", guards=[allow(Role.TTO_OFFICER)], status_code=200)
    async def confirm_offline_payment(
        self,
        request: AnyRequest,
        agreement_id: FromPath[uuid.UUID],
        data: JSONBody[PaymentConfirmation],
        offline_payments: NamedDependency[OfflineService],
    ) -> AgreementRead:
        """The licensor's TTO confirms a bank transfer ("received, reference X") — the offline
        method, always available. An open Stripe checkout for the item is expired."""
        return AgreementRead.model_validate(
            await offline_payments.confirm_offline(request.user, agreement_id, data)
        )

    @post("/checkout", guards=[allow(Role.ENTERPRISE_MEMBER)], status_code=201)
    async def start_checkout(
        self,
        request: AnyRequest,
        agreement_id: FromPath[uuid.UUID],
        data: JSONBody[CheckoutStart],
        checkout: NamedDependency[CheckoutService],
    ) -> CheckoutRead:
        """Pay one amount due online: returns the Stripe Checkout URL (card, Alipay, WeChat Pay).
        Calling again returns the same open session; after a decline the old session is expired
        before a new one opens. 409 when online payment is not set up or the item is paid;
        503 (retry) when Stripe cannot be reached."""
        return CheckoutRead.model_validate(
            await checkout.start_checkout(request.user, agreement_id, data.entry_key)
        )

    @get("/payments", guards=[readers])
    async def list_payments(
        self,
        request: AnyRequest,
        agreement_id: FromPath[uuid.UUID],
        payment_reader: NamedDependency[PaymentReader],
    ) -> PaymentsOfAgreement:
        """Every payment and refund of the agreement, for both parties and auditors."""
        rows, refunds = await payment_reader.list_for(request.user, agreement_id)
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
    refunds: NamedDependency[RefundService],
    idempotency_key: IdempotencyKey,
) -> Response[RefundRead]:
    """Refund all or part of a payment (e.g. after the fairness review of an invalidated patent).
    Required `Idempotency-Key`: the same key returns the same refund (200) instead of making
    another; the same key with a different amount or reason is a 409."""
    refund, created = await refunds.refund(
        request.user,
        payment_id,
        amount_minor=data.amount_minor,
        reason=data.reason,
        idempotency_key=idempotency_key,
    )
    return Response(RefundRead.model_validate(refund), status_code=201 if created else 200)


@get("/api/payments/anomalies", guards=[allow(Role.ADMIN)], tags=["payments"])
async def list_payment_anomalies(
    payment_reader: NamedDependency[PaymentReader],
    limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
    offset: Annotated[int, QueryParameter(ge=0, le=100_000)] = 0,
    kind: Annotated[str | None, QueryParameter(max_length=40)] = None,
) -> PaymentAnomalyPage:
    """What Stripe reported that was not applied: amounts, currencies or metadata that do not
    match what is due, unreadable events, overpayments (refunded automatically), refused
    refunds. Newest first."""
    rows, total = await payment_reader.anomalies(limit=limit, offset=offset, kind=kind)
    return PaymentAnomalyPage(
        items=[PaymentAnomalyRead.model_validate(a) for a in rows], total=total
    )


@post(
    "/webhooks/stripe", guards=[public], status_code=200, tags=["payments"], exclude_from_auth=True
)
async def stripe_webhook(
    request: AnyRequest,
    settings: NamedDependency[Settings],
    webhooks: NamedDependency[WebhookService],
) -> dict[str, str]:
    """Stripe → openlicense. The signature is checked on the raw body (bad or missing → 400,
    nothing stored), then the envelope (unreadable → 400 `invalid_event`). Handled event types
    are stored once under their id and applied if they match what is due; others are
    acknowledged and ignored."""
    secret = settings.stripe.webhook_secret
    if not settings.stripe.enabled or secret is None:
        raise NotFound("Online payments are not configured.")  # an empty secret must never verify
    body = await request.body()
    try:
        event = verify_webhook(
            body, request.headers.get("stripe-signature"), secret.get_secret_value()
        )
    except InvalidSignature as exc:
        raise BadSignature(str(exc)) from exc
    try:
        envelope = parse_event(event)
    except InvalidEventEnvelope as exc:
        raise InvalidEvent(str(exc)) from exc
    if envelope.type not in HANDLED_EVENT_TYPES:
        return {"received": "true", "outcome": "ignored"}
    outcome = await webhooks.receive(envelope, event)
    return {"received": "true", "outcome": outcome}


router = Router(
    path="/",
    route_handlers=[
        AgreementPaymentController,
        refund_payment,
        list_payment_anomalies,
        stripe_webhook,
    ],
)
