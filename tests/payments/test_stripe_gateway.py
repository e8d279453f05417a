"""The Stripe gateway against the fake Stripe API, through the real SDK over HTTP."""

from __future__ import annotations

import asyncio
import datetime
import json
from dataclasses import replace
from types import SimpleNamespace

import pytest
from pydantic import SecretStr

from openlicense.app import make_payment_gateway as build_gateway
from openlicense.payments.errors import GatewayRejected, GatewayUnavailable, OnlinePaymentsDisabled
from openlicense.payments.gateway import CheckoutRequest, PaymentState, combine_states
from openlicense.payments.offline import OfflineGateway
from openlicense.payments.stripe_gateway import (
    HANDLED_EVENT_TYPES,
    StripeGateway,
    online_payments_enabled,
    payment_status_from_event,
    payment_status_from_object,
    stripe_client,
)
from payments.fake_stripe import FakeStripe, decode_params

# stripe 16.1's HTTPXClient posts the form as `data=str`, which httpx 0.28 deprecates.
pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")

AGREEMENT_ID = "0190f3a2-7c55-7000-8000-000000000001"


def checkout_request(**overrides: object) -> CheckoutRequest:
    defaults: dict[str, object] = {
        "agreement_id": AGREEMENT_ID,
        "agreement_number": "OL-2026-000042",
        "entry_key": "stage-2",
        "amount_minor": 1_250_000,
        "currency": "CNY",
        "description": "Stage 2 of 3, patent ZL201910000001.X",
        "success_url": "https://openlicense.test/agreements/1?paid={CHECKOUT_SESSION_ID}",
        "cancel_url": "https://openlicense.test/agreements/1",
        "customer_email": "finance@sme.test",
    }
    return CheckoutRequest(**{**defaults, **overrides})  # type: ignore[arg-type]


def stripe_settings(fake: FakeStripe, **overrides: object) -> SimpleNamespace:
    values: dict[str, object] = {
        "secret_key": SecretStr(fake.secret_key),
        "webhook_secret": SecretStr(fake.webhook_secret),
        "api_base": fake.api_base,
        "max_network_retries": 0,
        "payment_method_types": ["card", "alipay", "wechat_pay"],
    }
    return SimpleNamespace(stripe=SimpleNamespace(**{**values, **overrides}))


# -- creating a checkout ------------------------------------------------------------------------


async def test_checkout_sends_stripe_fields_when_created(
    fake_stripe: FakeStripe, stripe_gateway: StripeGateway
) -> None:
    request = checkout_request()

    checkout = await stripe_gateway.create_checkout(request)

    (sent,) = fake_stripe.requests_to("POST", "/v1/checkout/sessions")
    form = dict(sent.pairs)
    assert form["mode"] == "payment"
    assert form["line_items[0][quantity]"] == "1"
    assert form["line_items[0][price_data][currency]"] == "cny"
    assert form["line_items[0][price_data][unit_amount]"] == "1250000"
    assert form["line_items[0][price_data][product_data][name]"] == request.description
    assert [v for k, v in sent.pairs if k.startswith("payment_method_types")] == [
        "card",
        "alipay",
        "wechat_pay",
    ]
    assert form["payment_method_options[wechat_pay][client]"] == "web"
    expected_metadata = {
        "agreement_id": AGREEMENT_ID,
        "agreement_number": "OL-2026-000042",
        "entry_key": "stage-2",
    }
    assert sent.params["metadata"] == expected_metadata
    assert sent.params["payment_intent_data"]["metadata"] == expected_metadata
    assert form["client_reference_id"] == AGREEMENT_ID
    assert form["customer_email"] == "finance@sme.test"
    assert form["success_url"] == request.success_url
    assert form["cancel_url"] == request.cancel_url
    assert "expires_at" not in form
    assert sent.headers["idempotency-key"] == (f"checkout:{AGREEMENT_ID}:stage-2:1250000:CNY")
    assert sent.headers["authorization"] == f"Bearer {fake_stripe.secret_key}"
    assert checkout.session_id.startswith("cs_test_")
    assert checkout.url and checkout.session_id in checkout.url
    assert checkout.state is PaymentState.PENDING
    assert checkout.payment_intent_id is None  # Stripe creates it when the customer confirms
    assert checkout.expires_at is not None and checkout.expires_at.tzinfo is datetime.UTC


async def test_checkout_returns_same_session_when_retried(
    fake_stripe: FakeStripe, stripe_gateway: StripeGateway
) -> None:
    request = checkout_request()

    first = await stripe_gateway.create_checkout(request)
    again = await stripe_gateway.create_checkout(checkout_request())

    assert again == first
    assert fake_stripe.sessions_created_by_key[request.idempotency_key] == 1
    assert len(fake_stripe.sessions) == 1
    assert len(fake_stripe.requests_to("POST", "/v1/checkout/sessions")) == 2


async def test_checkout_creates_new_session_when_attempt_is_bumped(
    fake_stripe: FakeStripe, stripe_gateway: StripeGateway
) -> None:
    first = await stripe_gateway.create_checkout(checkout_request())
    fake_stripe.expire(first.session_id)

    second = await stripe_gateway.create_checkout(checkout_request(attempt=2))

    assert second.session_id != first.session_id
    assert second.state is PaymentState.PENDING
    assert checkout_request(attempt=2).idempotency_key.endswith(":CNY:2")


async def test_checkout_rejected_when_same_key_carries_other_parameters(
    stripe_gateway: StripeGateway,
) -> None:
    await stripe_gateway.create_checkout(checkout_request())

    with pytest.raises(GatewayRejected) as caught:
        await stripe_gateway.create_checkout(checkout_request(description="Changed"))

    assert caught.value.stripe_code == "idempotency_error"


@pytest.mark.parametrize("mode", ["refuse", "drop"])
async def test_checkout_unavailable_when_stripe_is_unreachable(
    fake_stripe: FakeStripe, stripe_gateway: StripeGateway, mode: str
) -> None:
    fake_stripe.down(mode)

    with pytest.raises(GatewayUnavailable) as caught:
        await stripe_gateway.create_checkout(checkout_request())

    assert "try again" in caught.value.detail
    assert caught.value.extra == {"retryable": True}
    assert caught.value.http_status == 503
    assert fake_stripe.sessions == {}

    fake_stripe.up()
    checkout = await stripe_gateway.create_checkout(checkout_request())
    assert checkout.state is PaymentState.PENDING


@pytest.mark.parametrize(
    ("status", "type_"), [(500, "api_error"), (503, "api_error"), (429, "rate_limit_error")]
)
async def test_checkout_unavailable_when_stripe_fails(
    fake_stripe: FakeStripe, stripe_gateway: StripeGateway, status: int, type_: str
) -> None:
    fake_stripe.fail_next(status, type_=type_)

    with pytest.raises(GatewayUnavailable):
        await stripe_gateway.create_checkout(checkout_request())

    assert await stripe_gateway.create_checkout(checkout_request())
    assert len(fake_stripe.sessions) == 1


async def test_checkout_retry_returns_landed_session_when_first_call_timed_out(
    fake_stripe: FakeStripe,
) -> None:
    client, http_client = fake_stripe.sdk_client(timeout=0.2)
    gateway = StripeGateway(client, http_client=http_client)
    fake_stripe.latency = 0.5
    try:
        with pytest.raises(GatewayUnavailable):
            await gateway.create_checkout(checkout_request())
        for _ in range(50):  # the request reached Stripe: the session exists, unseen
            if fake_stripe.sessions:
                break
            await asyncio.sleep(0.05)
        (landed,) = fake_stripe.sessions
        fake_stripe.latency = 0

        checkout = await gateway.create_checkout(checkout_request())
    finally:
        await gateway.close()

    assert checkout.session_id == landed
    assert fake_stripe.sessions_created_by_key[checkout_request().idempotency_key] == 1


async def test_checkout_rejected_when_amount_exceeds_stripe_maximum(
    stripe_gateway: StripeGateway,
) -> None:
    with pytest.raises(GatewayRejected) as caught:
        await stripe_gateway.create_checkout(checkout_request(amount_minor=100_000_000))

    assert caught.value.stripe_code == "amount_too_large"
    assert caught.value.stripe_status == 400
    assert caught.value.extra == {"retryable": False}


@pytest.mark.parametrize(
    ("status", "type_", "code"),
    [(402, "card_error", "card_declined"), (403, "invalid_request_error", None)],
)
async def test_checkout_rejected_when_stripe_answers_4xx(
    fake_stripe: FakeStripe,
    stripe_gateway: StripeGateway,
    status: int,
    type_: str,
    code: str | None,
) -> None:
    fake_stripe.fail_next(status, "Refused by the fake.", type_=type_, code=code)

    with pytest.raises(GatewayRejected) as caught:
        await stripe_gateway.create_checkout(checkout_request())

    assert caught.value.stripe_status == status
    assert "Refused by the fake." in caught.value.detail


async def test_checkout_rejected_when_api_key_is_wrong(fake_stripe: FakeStripe) -> None:
    gateway = StripeGateway.from_settings(
        stripe_settings(fake_stripe, secret_key=SecretStr("sk_test_wrong"))
    )
    try:
        with pytest.raises(GatewayRejected) as caught:
            await gateway.create_checkout(checkout_request())
    finally:
        await gateway.close()
    assert caught.value.stripe_status == 401


async def test_checkout_omits_wechat_options_when_methods_exclude_wechat(
    fake_stripe: FakeStripe,
) -> None:
    gateway = StripeGateway.from_settings(
        stripe_settings(fake_stripe, payment_method_types=["card"])
    )
    try:
        await gateway.create_checkout(checkout_request(customer_email=None))
    finally:
        await gateway.close()

    (sent,) = fake_stripe.requests_to("POST", "/v1/checkout/sessions")
    assert sent.params["payment_method_types"] == ["card"]
    assert "payment_method_options" not in sent.params
    assert "customer_email" not in sent.params


async def test_checkout_sends_expiry_when_requested(
    fake_stripe: FakeStripe, stripe_gateway: StripeGateway
) -> None:
    expires_at = datetime.datetime.now(datetime.UTC).replace(microsecond=0) + datetime.timedelta(
        hours=2
    )

    checkout = await stripe_gateway.create_checkout(checkout_request(expires_at=expires_at))

    assert checkout.expires_at == expires_at


# -- status for reconciliation ------------------------------------------------------------------


async def test_status_pending_when_session_is_open(stripe_gateway: StripeGateway) -> None:
    checkout = await stripe_gateway.create_checkout(checkout_request())

    status = await stripe_gateway.checkout_status(checkout.session_id)

    assert status.state is PaymentState.PENDING
    assert status.session_id == checkout.session_id
    assert status.payment_intent_id is None
    assert (status.amount_minor, status.amount_refunded_minor) == (1_250_000, 0)
    assert status.currency == "CNY"
    assert status.metadata["entry_key"] == "stage-2"


async def test_status_succeeded_when_session_is_paid(
    fake_stripe: FakeStripe, stripe_gateway: StripeGateway
) -> None:
    checkout = await stripe_gateway.create_checkout(checkout_request())
    fake_stripe.complete(checkout.session_id)

    status = await stripe_gateway.checkout_status(checkout.session_id)

    assert status.state is PaymentState.SUCCEEDED
    assert status.payment_intent_id is not None and status.payment_intent_id.startswith("pi_")
    assert fake_stripe.payment_intents[status.payment_intent_id]["metadata"] == status.metadata
    (sent,) = fake_stripe.requests_to("GET", f"/v1/checkout/sessions/{checkout.session_id}")
    assert sent.params["expand"] == ["payment_intent", "payment_intent.latest_charge"]


async def test_status_failed_when_payment_is_declined(
    fake_stripe: FakeStripe, stripe_gateway: StripeGateway
) -> None:
    checkout = await stripe_gateway.create_checkout(checkout_request())
    fake_stripe.fail(checkout.session_id)

    status = await stripe_gateway.checkout_status(checkout.session_id)

    assert status.state is PaymentState.FAILED
    assert fake_stripe.sessions[checkout.session_id]["status"] == "open"  # may still be paid


async def test_status_succeeded_when_paid_after_a_decline(
    fake_stripe: FakeStripe, stripe_gateway: StripeGateway
) -> None:
    checkout = await stripe_gateway.create_checkout(checkout_request())
    fake_stripe.fail(checkout.session_id)
    fake_stripe.complete(checkout.session_id)

    status = await stripe_gateway.checkout_status(checkout.session_id)

    assert status.state is PaymentState.SUCCEEDED


async def test_status_expired_when_session_expires(
    fake_stripe: FakeStripe, stripe_gateway: StripeGateway
) -> None:
    checkout = await stripe_gateway.create_checkout(checkout_request())
    fake_stripe.expire(checkout.session_id)

    status = await stripe_gateway.checkout_status(checkout.session_id)

    assert status.state is PaymentState.EXPIRED


async def test_status_follows_delayed_payment_when_it_settles_or_fails(
    fake_stripe: FakeStripe, stripe_gateway: StripeGateway
) -> None:
    settled = await stripe_gateway.create_checkout(checkout_request())
    failed = await stripe_gateway.create_checkout(checkout_request(entry_key="stage-3"))
    fake_stripe.complete(settled.session_id, delayed=True, payment_method="alipay")
    fake_stripe.complete(failed.session_id, delayed=True)

    assert (await stripe_gateway.checkout_status(settled.session_id)).state is PaymentState.PENDING

    fake_stripe.settle(settled.session_id)
    fake_stripe.fail(failed.session_id)

    assert (await stripe_gateway.checkout_status(settled.session_id)).state == "succeeded"
    assert (await stripe_gateway.checkout_status(failed.session_id)).state == "failed"


async def test_status_refunded_when_payment_is_fully_refunded(
    fake_stripe: FakeStripe, stripe_gateway: StripeGateway
) -> None:
    checkout = await stripe_gateway.create_checkout(checkout_request())
    fake_stripe.complete(checkout.session_id)
    intent_id = fake_stripe.sessions[checkout.session_id]["payment_intent"]
    fake_stripe.refund_all(intent_id)

    status = await stripe_gateway.checkout_status(checkout.session_id)

    assert status.state is PaymentState.REFUNDED
    assert status.amount_refunded_minor == status.amount_minor == 1_250_000


async def test_status_rejected_when_session_is_unknown(stripe_gateway: StripeGateway) -> None:
    with pytest.raises(GatewayRejected) as caught:
        await stripe_gateway.checkout_status("cs_test_missing")

    assert caught.value.stripe_status == 404


async def test_expire_checkout_closes_open_session_when_asked(
    fake_stripe: FakeStripe, stripe_gateway: StripeGateway
) -> None:
    checkout = await stripe_gateway.create_checkout(checkout_request())

    status = await stripe_gateway.expire_checkout(checkout.session_id)

    assert status.state is PaymentState.EXPIRED
    with pytest.raises(GatewayRejected):
        await stripe_gateway.expire_checkout(checkout.session_id)


# -- refunds ------------------------------------------------------------------------------------


async def paid_intent(fake: FakeStripe, gateway: StripeGateway) -> str:
    checkout = await gateway.create_checkout(checkout_request())
    fake.complete(checkout.session_id)
    return fake.sessions[checkout.session_id]["payment_intent"]


async def test_refund_records_reason_when_partial(
    fake_stripe: FakeStripe, stripe_gateway: StripeGateway
) -> None:
    intent_id = await paid_intent(fake_stripe, stripe_gateway)

    result = await stripe_gateway.refund(
        intent_id,
        amount_minor=250_000,
        reason="Fairness review after invalidation",
        idempotency_key="refund:stage-2:1",
    )

    assert result.refund_id.startswith("re_")
    assert (result.payment_intent_id, result.amount_minor, result.state) == (
        intent_id,
        250_000,
        "succeeded",
    )
    (sent,) = fake_stripe.requests_to("POST", "/v1/refunds")
    assert sent.params["metadata"] == {"reason": "Fairness review after invalidation"}
    assert "reason" not in sent.params  # Stripe's reason is an enum
    assert sent.headers["idempotency-key"] == "refund:stage-2:1"
    session_id = next(iter(fake_stripe.sessions))
    status = await stripe_gateway.checkout_status(session_id)
    assert (status.state, status.amount_refunded_minor) == (PaymentState.SUCCEEDED, 250_000)


async def test_refund_happens_once_when_retried(
    fake_stripe: FakeStripe, stripe_gateway: StripeGateway
) -> None:
    intent_id = await paid_intent(fake_stripe, stripe_gateway)

    results = [
        await stripe_gateway.refund(
            intent_id,
            amount_minor=1_250_000,
            reason="requested_by_customer",
            idempotency_key="refund:stage-2:1",
        )
        for _ in range(2)
    ]

    assert results[0] == results[1]
    assert len(fake_stripe.refunds) == 1
    assert fake_stripe.requests_to("POST", "/v1/refunds")[0].params["reason"] == (
        "requested_by_customer"
    )


async def test_refund_rejected_when_more_than_paid(
    fake_stripe: FakeStripe, stripe_gateway: StripeGateway
) -> None:
    intent_id = await paid_intent(fake_stripe, stripe_gateway)

    with pytest.raises(GatewayRejected) as caught:
        await stripe_gateway.refund(
            intent_id, amount_minor=1_250_001, reason="x", idempotency_key="refund:too-much"
        )

    assert caught.value.stripe_code == "amount_too_large"
    assert fake_stripe.refunds == {}


# -- mapping webhook objects --------------------------------------------------------------------


async def test_event_objects_map_to_states_when_taken_from_webhooks(
    fake_stripe: FakeStripe, stripe_gateway: StripeGateway
) -> None:
    checkout = await stripe_gateway.create_checkout(checkout_request())
    session = fake_stripe.complete(checkout.session_id)
    intent_id = session["payment_intent"]
    intent = fake_stripe.payment_intents[intent_id]

    assert payment_status_from_object(session).state is PaymentState.SUCCEEDED
    from_intent = payment_status_from_object(dict(intent))
    assert (from_intent.state, from_intent.metadata["entry_key"]) == ("succeeded", "stage-2")

    fake_stripe.refund_all(intent_id)
    charge = fake_stripe.charges[intent["latest_charge"]]
    from_charge = payment_status_from_object(charge)
    assert (from_charge.state, from_charge.payment_intent_id) == ("refunded", intent_id)
    # The PaymentIntent itself still says succeeded after a refund: only the charge tells.
    assert payment_status_from_object(dict(intent)).state is PaymentState.SUCCEEDED
    with pytest.raises(ValueError):
        payment_status_from_object({"object": "customer"})


# -- configuration and the offline method -------------------------------------------------------


async def test_offline_gateway_refuses_online_payment_when_used() -> None:
    gateway = OfflineGateway()

    with pytest.raises(OnlinePaymentsDisabled, match="bank transfer"):
        await gateway.create_checkout(checkout_request())
    with pytest.raises(OnlinePaymentsDisabled):
        await gateway.checkout_status("cs_test_x")
    with pytest.raises(OnlinePaymentsDisabled):
        await gateway.refund("pi_x", amount_minor=1, reason="x", idempotency_key="k")
    await gateway.close()
    assert gateway.name == "offline"


async def test_build_gateway_picks_offline_when_stripe_keys_are_missing(
    fake_stripe: FakeStripe,
) -> None:
    assert isinstance(build_gateway(SimpleNamespace()), OfflineGateway)
    only_key = stripe_settings(fake_stripe, webhook_secret=None)
    assert not online_payments_enabled(only_key)
    assert isinstance(build_gateway(only_key), OfflineGateway)
    blank = stripe_settings(fake_stripe, secret_key=SecretStr(" "))
    assert isinstance(build_gateway(blank), OfflineGateway)
    with pytest.raises(OnlinePaymentsDisabled):
        stripe_client(blank)


async def test_build_gateway_talks_to_api_base_when_stripe_is_configured(
    fake_stripe: FakeStripe,
) -> None:
    gateway = build_gateway(stripe_settings(fake_stripe))
    assert isinstance(gateway, StripeGateway) and gateway.name == "stripe"
    try:
        checkout = await gateway.create_checkout(checkout_request())
    finally:
        await gateway.close()

    assert checkout.session_id in fake_stripe.sessions


def test_idempotency_key_ignores_everything_but_the_charge_when_derived() -> None:
    request = checkout_request()

    assert request.idempotency_key == f"checkout:{AGREEMENT_ID}:stage-2:1250000:CNY"
    assert (
        replace(
            request, description="other", success_url="https://x.test/", customer_email=None
        ).idempotency_key
        == request.idempotency_key
    )
    assert replace(request, currency="cny").idempotency_key == request.idempotency_key
    assert replace(request, amount_minor=1).idempotency_key != request.idempotency_key


@pytest.mark.parametrize("overrides", [{"amount_minor": 0}, {"currency": "RMB1"}, {"attempt": 0}])
def test_checkout_request_refused_when_invalid(overrides: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        checkout_request(**overrides)


async def test_fake_event_carries_the_object_as_it_is_now_when_given_its_id(
    fake_stripe: FakeStripe, stripe_gateway: StripeGateway
) -> None:
    checkout = await stripe_gateway.create_checkout(checkout_request())
    fake_stripe.complete(checkout.session_id)

    payload, headers = fake_stripe.event("checkout.session.completed", checkout.session_id)

    event = json.loads(payload)
    assert event["id"].startswith("evt_") and event["livemode"] is False
    assert event["data"]["object"]["payment_status"] == "paid"
    assert "_intent_data" not in event["data"]["object"]
    assert headers["Stripe-Signature"].startswith("t=")


def test_fake_decodes_stripe_form_encoding_when_nested() -> None:
    pairs = [
        ("line_items[0][price_data][currency]", "cny"),
        ("line_items[0][quantity]", "1"),
        ("expand[]", "a"),
        ("expand[]", "b"),
        ("metadata[entry_key]", "stage-2"),
        ("mode", "payment"),
    ]

    assert decode_params(pairs) == {
        "line_items": [{"price_data": {"currency": "cny"}, "quantity": "1"}],
        "expand": ["a", "b"],
        "metadata": {"entry_key": "stage-2"},
        "mode": "payment",
    }


@pytest.mark.parametrize(
    ("current", "incoming", "expected"),
    [
        ("pending", "succeeded", "succeeded"),
        ("failed", "succeeded", "succeeded"),  # paid on a retry after a decline
        ("succeeded", "failed", "succeeded"),  # a late decline of an earlier attempt
        ("refunded", "succeeded", "refunded"),  # payment_intent.succeeded after charge.refunded
        ("succeeded", "refunded", "refunded"),
        ("expired", "pending", "expired"),
    ],
)
def test_combine_states_only_moves_forward_when_events_arrive_out_of_order(
    current: str, incoming: str, expected: str
) -> None:
    assert combine_states(PaymentState(current), PaymentState(incoming)) is PaymentState(expected)


async def test_event_status_follows_each_handled_type_when_delivered(
    fake_stripe: FakeStripe, stripe_gateway: StripeGateway
) -> None:
    paid = await stripe_gateway.create_checkout(checkout_request())
    failed = await stripe_gateway.create_checkout(checkout_request(entry_key="stage-3"))
    expired = await stripe_gateway.create_checkout(checkout_request(entry_key="stage-4"))
    fake_stripe.complete(paid.session_id)
    fake_stripe.complete(failed.session_id, delayed=True)
    fake_stripe.fail(failed.session_id)
    fake_stripe.expire(expired.session_id)
    paid_intent_id = fake_stripe.sessions[paid.session_id]["payment_intent"]
    failed_intent_id = fake_stripe.sessions[failed.session_id]["payment_intent"]
    refunded_charge_id = fake_stripe.payment_intents[paid_intent_id]["latest_charge"]

    def state(type_: str, object_id: str) -> str:
        payload, _ = fake_stripe.event(type_, object_id)
        return payment_status_from_event(json.loads(payload)).state

    assert state("checkout.session.completed", paid.session_id) == "succeeded"
    assert state("checkout.session.async_payment_succeeded", paid.session_id) == "succeeded"
    assert state("payment_intent.succeeded", paid_intent_id) == "succeeded"
    assert state("checkout.session.async_payment_failed", failed.session_id) == "failed"
    assert state("payment_intent.payment_failed", failed_intent_id) == "failed"
    assert state("checkout.session.expired", expired.session_id) == "expired"
    fake_stripe.refund_all(paid_intent_id)
    assert state("charge.refunded", refunded_charge_id) == "refunded"
    assert len(HANDLED_EVENT_TYPES) == 7
    with pytest.raises(ValueError, match="unhandled"):
        payment_status_from_event({"type": "customer.created", "data": {"object": {}}})


async def test_build_gateway_reads_app_settings_when_stripe_section_is_set(
    fake_stripe: FakeStripe,
) -> None:
    from openlicense.settings import Settings

    settings = Settings(
        stripe={
            "secret_key": fake_stripe.secret_key,
            "webhook_secret": fake_stripe.webhook_secret,
            "api_base": fake_stripe.api_base,
        },
        _env_file=None,  # type: ignore[call-arg]
    )
    gateway = build_gateway(settings)
    try:
        checkout = await gateway.create_checkout(checkout_request())
    finally:
        await gateway.close()

    assert gateway.name == "stripe"
    assert checkout.session_id in fake_stripe.sessions
    assert isinstance(build_gateway(Settings(_env_file=None)), OfflineGateway)  # type: ignore[call-arg]
