"""The Stripe gateway: Checkout Sessions, their status for reconciliation, and refunds.

The SDK is used only through an injected `StripeClient` (never `stripe.api_key = …`), with its
async methods over the HTTPX client, and every Stripe error is turned into a gateway error here.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import stripe

from openlicense.payments.errors import (
    GatewayRejected,
    GatewayUnavailable,
    OnlinePaymentsDisabled,
)
from openlicense.payments.gateway import (
    Checkout,
    CheckoutRequest,
    PaymentState,
    PaymentStatus,
    RefundResult,
    secret_value,
)

DEFAULT_PAYMENT_METHOD_TYPES = ("card", "alipay", "wechat_pay")
DEFAULT_TIMEOUT_SECONDS = 10.0
DEFAULT_MAX_NETWORK_RETRIES = 2
"""The SDK retries connection errors, 409 and 5xx with the same idempotency key."""
STATUS_EXPAND = ["payment_intent", "payment_intent.latest_charge"]
STRIPE_REFUND_REASONS = frozenset({"duplicate", "fraudulent", "requested_by_customer"})
HANDLED_EVENT_TYPES = frozenset(
    {
        "checkout.session.completed",
        "checkout.session.async_payment_succeeded",
        "checkout.session.async_payment_failed",
        "checkout.session.expired",
        "payment_intent.succeeded",
        "payment_intent.payment_failed",
        "charge.refunded",
    }
)
"""The webhook allowlist: every other event type is acknowledged and ignored."""


def stripe_client(
    settings: Any,
    *,
    http_client: stripe.HTTPClient | None = None,
    max_network_retries: int | None = None,
) -> stripe.StripeClient:
    """A client from `settings.stripe` (`secret_key`, optional `api_base` for a fake Stripe)."""
    stripe_settings = getattr(settings, "stripe", None)
    secret_key = secret_value(getattr(stripe_settings, "secret_key", None))
    if secret_key is None:
        raise OnlinePaymentsDisabled()
    api_base = getattr(stripe_settings, "api_base", None)
    if max_network_retries is None:
        max_network_retries = getattr(
            stripe_settings, "max_network_retries", DEFAULT_MAX_NETWORK_RETRIES
        )
    if http_client is None:
        http_client = stripe.HTTPXClient(
            timeout=getattr(stripe_settings, "timeout_seconds", DEFAULT_TIMEOUT_SECONDS)
        )
    return stripe.StripeClient(
        secret_key,
        base_addresses={"api": api_base.rstrip("/")} if api_base else None,
        http_client=http_client,
        max_network_retries=max_network_retries,
    )


class StripeGateway:
    name = "stripe"

    def __init__(
        self,
        client: stripe.StripeClient,
        *,
        payment_method_types: Sequence[str] = DEFAULT_PAYMENT_METHOD_TYPES,
        http_client: stripe.HTTPClient | None = None,
    ) -> None:
        """`http_client`, when given, is the one inside `client`; `close()` closes it."""
        self._client = client
        self._payment_method_types = tuple(payment_method_types)
        self._http_client = http_client

    @classmethod
    def from_settings(cls, settings: Any) -> StripeGateway:
        stripe_settings = getattr(settings, "stripe", None)
        http_client = stripe.HTTPXClient(
            timeout=getattr(stripe_settings, "timeout_seconds", DEFAULT_TIMEOUT_SECONDS)
        )
        methods = getattr(stripe_settings, "payment_method_types", None)
        return cls(
            stripe_client(settings, http_client=http_client),
            payment_method_types=DEFAULT_PAYMENT_METHOD_TYPES if methods is None else methods,
            http_client=http_client,
        )

    def checkout_params(self, request: CheckoutRequest) -> dict[str, Any]:
        """The Checkout Session parameters: a pure function of the request, so that a retry
        sends identical parameters under the same idempotency key."""
        params: dict[str, Any] = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": request.currency.lower(),  # Stripe's codes are lower-case
                        "unit_amount": request.amount_minor,
                        "product_data": {"name": request.description},
                    },
                }
            ],
            "metadata": request.metadata,
            "payment_intent_data": {
                "metadata": request.metadata,
                "description": f"{request.agreement_number} {request.description}",
            },
            "client_reference_id": request.agreement_id,
            "success_url": request.success_url,
            "cancel_url": request.cancel_url,
        }
        if self._payment_method_types:  # empty: let Stripe pick (dynamic payment methods)
            params["payment_method_types"] = list(self._payment_method_types)
        if "wechat_pay" in self._payment_method_types:
            # Checkout refuses WeChat Pay unless told which client shows the QR code.
            params["payment_method_options"] = {"wechat_pay": {"client": "web"}}
        if request.customer_email:
            params["customer_email"] = request.customer_email
        if request.expires_at is not None:
            params["expires_at"] = int(request.expires_at.timestamp())
        return params

    async def create_checkout(self, request: CheckoutRequest) -> Checkout:
        with _stripe_errors("creating the checkout session"):
            session = await self._client.v1.checkout.sessions.create_async(
                self.checkout_params(request),  # type: ignore[arg-type]  # a plain dict for the SDK TypedDict
                options={"idempotency_key": request.idempotency_key},
            )
        return checkout_from_session(session.to_dict())

    async def checkout_status(self, session_id: str) -> PaymentStatus:
        with _stripe_errors("reading the checkout session"):
            session = await self._client.v1.checkout.sessions.retrieve_async(
                session_id, {"expand": STATUS_EXPAND}
            )
        return payment_status_from_object(session.to_dict())

    async def expire_checkout(self, session_id: str) -> PaymentStatus:
        """Close an open session before offering a new attempt, so the old page cannot also be
        paid. Stripe refuses (GatewayRejected) a session that is no longer open."""
        with _stripe_errors("expiring the checkout session"):
            session = await self._client.v1.checkout.sessions.expire_async(
                session_id, {"expand": STATUS_EXPAND}
            )
        return payment_status_from_object(session.to_dict())

    async def refund(
        self, payment_intent_id: str, *, amount_minor: int, reason: str, idempotency_key: str
    ) -> RefundResult:
        if amount_minor <= 0:
            raise ValueError("a refund needs a positive amount")
        params: dict[str, Any] = {
            "payment_intent": payment_intent_id,
            "amount": amount_minor,
            "metadata": {"reason": reason[:500]},  # Stripe caps metadata values at 500 chars
        }
        if reason in STRIPE_REFUND_REASONS:  # Stripe's `reason` is an enum; ours is free text
            params["reason"] = reason
        with _stripe_errors("creating the refund"):
            refund = await self._client.v1.refunds.create_async(
                params,  # type: ignore[arg-type]  # a plain dict for the SDK TypedDict
                options={"idempotency_key": idempotency_key},
            )
        data = refund.to_dict()
        return RefundResult(
            refund_id=_text(data, "id", required=True) or "",
            payment_intent_id=_id(data.get("payment_intent")) or payment_intent_id,
            amount_minor=_amount(data, "amount"),
            state=(_text(data, "status") or "pending")[:24],
        )

    async def close(self) -> None:
        if self._http_client is not None:
            await self._http_client.close_async()  # type: ignore[no-untyped-call]  # untyped in stripe 16


@contextmanager
def _stripe_errors(action: str) -> Iterator[None]:
    try:
        yield
    except stripe.StripeError as err:
        if _retryable(err):
            raise GatewayUnavailable(
                f"The payment provider is unavailable while {action}; nothing was changed. "
                "Please try again in a moment."
            ) from err
        if isinstance(err, stripe.IdempotencyError):
            raise GatewayRejected(
                f"Stripe refused {action}: the idempotency key was already used with different "
                "parameters.",
                stripe_code="idempotency_error",
                stripe_status=err.http_status,
            ) from err
        raise GatewayRejected(
            f"Stripe refused {action}: {err.user_message or 'no reason given'}",
            stripe_code=err.code,
            stripe_status=err.http_status,
        ) from err


def _retryable(err: stripe.StripeError) -> bool:
    if isinstance(err, stripe.APIConnectionError | stripe.RateLimitError):
        return True
    status = err.http_status
    if status is None or status < 400:  # e.g. an unreadable response body
        return isinstance(err, stripe.APIError)
    return status >= 500 or status == 409  # 409: a concurrent request with the same key


class UnreadableStripeObject(ValueError):
    """A Stripe object whose fields do not have the types and ranges Stripe documents."""


MAX_AMOUNT_MINOR = 10**12
"""Far above any charge Stripe accepts (eight digits): a larger figure is not a real amount."""


def checkout_from_session(session: Mapping[str, Any]) -> Checkout:
    return Checkout(
        session_id=_text(session, "id", required=True) or "",
        url=_text(session, "url"),
        payment_intent_id=_id(session.get("payment_intent")),
        state=_session_state(session),
        expires_at=_timestamp(session, "expires_at"),
    )


def payment_status_from_event(event: Mapping[str, Any]) -> PaymentStatus:
    """The payment status a verified webhook event reports (see HANDLED_EVENT_TYPES).
    Raises `UnreadableStripeObject` (a ValueError) when the object is not what Stripe sends."""
    event_type = event.get("type")
    if event_type not in HANDLED_EVENT_TYPES:
        raise ValueError(f"unhandled event type: {event_type!r}")
    data = event.get("data")
    obj = data.get("object") if isinstance(data, Mapping) else None
    if not isinstance(obj, Mapping):
        raise UnreadableStripeObject("the event carries no object")
    status = payment_status_from_object(obj)
    if (
        event_type == "checkout.session.async_payment_failed"
        and status.state is PaymentState.PENDING
    ):
        # The session only says complete + unpaid, like one still processing: the type decides.
        return replace(status, state=PaymentState.FAILED)
    return status


def payment_status_from_object(obj: Mapping[str, Any]) -> PaymentStatus:
    """The payment status a Checkout Session, PaymentIntent or Charge shows (as retrieved, or as
    `data.object` of a webhook event), so webhooks and reconciliation apply one mapping. Every
    field is checked for its type and range first."""
    kind = obj.get("object")
    if kind == "checkout.session":
        return _from_session(obj)
    if kind == "payment_intent":
        return _from_payment_intent(obj)
    if kind == "charge":
        return _from_charge(obj)
    raise UnreadableStripeObject(f"not a payment object: {str(kind)[:40]!r}")


def _from_session(session: Mapping[str, Any]) -> PaymentStatus:
    intent = _expanded(session.get("payment_intent"))
    charge = _expanded(intent.get("latest_charge")) if intent else None
    return PaymentStatus(
        session_id=_text(session, "id", required=True),
        payment_intent_id=_id(session.get("payment_intent")),
        state=_session_state(session),
        amount_minor=_amount(session, "amount_total"),
        amount_refunded_minor=_amount(charge, "amount_refunded") if charge else 0,
        currency=_currency(session),
        metadata=_metadata(session) or (_metadata(intent) if intent else {}),
        source="checkout.session",
        session_open=session.get("status") == "open",
    )


def _session_state(session: Mapping[str, Any]) -> PaymentState:
    intent = _expanded(session.get("payment_intent"))
    if intent is not None and _fully_refunded(_expanded(intent.get("latest_charge"))):
        return PaymentState.REFUNDED
    status, paid = session.get("status"), session.get("payment_status")
    if status == "complete" and paid in ("paid", "no_payment_required"):
        return PaymentState.SUCCEEDED
    if intent is not None and intent.get("status") == "succeeded":
        return PaymentState.SUCCEEDED
    if status == "expired":
        return PaymentState.EXPIRED
    if intent is not None and _intent_failed(intent):
        return PaymentState.FAILED
    return PaymentState.PENDING


def _from_payment_intent(intent: Mapping[str, Any]) -> PaymentStatus:
    charge = _expanded(intent.get("latest_charge"))
    if _fully_refunded(charge):
        state = PaymentState.REFUNDED
    elif intent.get("status") == "succeeded":
        state = PaymentState.SUCCEEDED
    elif _intent_failed(intent):
        state = PaymentState.FAILED
    else:
        state = PaymentState.PENDING
    return PaymentStatus(
        session_id=None,
        payment_intent_id=_text(intent, "id", required=True),
        state=state,
        amount_minor=_amount(intent, "amount"),
        amount_refunded_minor=_amount(charge, "amount_refunded") if charge else 0,
        currency=_currency(intent),
        metadata=_metadata(intent),
        source="payment_intent",
    )


def _from_charge(charge: Mapping[str, Any]) -> PaymentStatus:
    """A charge (e.g. `charge.refunded`) carries no checkout metadata: find the payment by
    `payment_intent_id`."""
    status = charge.get("status")
    if _fully_refunded(charge):
        state = PaymentState.REFUNDED
    elif status == "succeeded":
        state = PaymentState.SUCCEEDED
    elif status == "failed":
        state = PaymentState.FAILED
    else:
        state = PaymentState.PENDING
    amount = _amount(charge, "amount")
    refunded = _amount(charge, "amount_refunded")
    if refunded > amount:
        raise UnreadableStripeObject("a charge cannot refund more than it charged")
    return PaymentStatus(
        session_id=None,
        payment_intent_id=_id(charge.get("payment_intent")),
        state=state,
        amount_minor=amount,
        amount_refunded_minor=refunded,
        currency=_currency(charge),
        metadata=_metadata(charge),
        source="charge",
    )


def _intent_failed(intent: Mapping[str, Any]) -> bool:
    # A fresh intent also sits in requires_payment_method; only one with an error has failed.
    status = intent.get("status")
    return status == "canceled" or (
        status == "requires_payment_method" and bool(intent.get("last_payment_error"))
    )


def _fully_refunded(charge: Mapping[str, Any] | None) -> bool:
    if not charge:
        return False
    amount = _amount(charge, "amount")
    return charge.get("refunded") is True or (
        amount > 0 and _amount(charge, "amount_refunded") >= amount
    )


def _expanded(value: Any) -> Mapping[str, Any] | None:
    return value if isinstance(value, Mapping) else None


def _id(value: Any) -> str | None:
    if isinstance(value, Mapping):
        value = value.get("id")
    if value is None:
        return None
    if not isinstance(value, str) or not 0 < len(value) <= 255:
        raise UnreadableStripeObject("an object id is not a string of at most 255 characters")
    return value


def _text(obj: Mapping[str, Any], name: str, *, required: bool = False) -> str | None:
    value = obj.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not 0 < len(value) <= 2048:
        raise UnreadableStripeObject(f"`{name}` is not a string")
    return value


def _amount(obj: Mapping[str, Any], name: str) -> int:
    """A non-negative integer amount in minor units (absent counts as 0, as Stripe omits it)."""
    value = obj.get(name)
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_AMOUNT_MINOR:
        raise UnreadableStripeObject(f"`{name}` is not an amount in minor units")
    return value


def _currency(obj: Mapping[str, Any]) -> str:
    value = obj.get("currency")
    if not isinstance(value, str) or len(value) != 3 or not value.isascii() or not value.isalpha():
        raise UnreadableStripeObject("`currency` is not an ISO 4217 code")
    return value.upper()


def _timestamp(obj: Mapping[str, Any], name: str) -> datetime.datetime | None:
    value = obj.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**36:
        raise UnreadableStripeObject(f"`{name}` is not a Unix timestamp")
    return datetime.datetime.fromtimestamp(value, datetime.UTC)


def _metadata(obj: Mapping[str, Any]) -> dict[str, str]:
    value = obj.get("metadata")
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise UnreadableStripeObject("`metadata` is not a map of strings")
    return dict(value)


def online_payments_enabled(settings: Any) -> bool:
    """Stripe is used only when both keys are set: without the webhook secret no payment could
    ever be confirmed."""
    stripe_settings = getattr(settings, "stripe", None)
    return bool(
        secret_value(getattr(stripe_settings, "secret_key", None))
        and secret_value(getattr(stripe_settings, "webhook_secret", None))
    )
