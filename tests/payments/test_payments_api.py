"""Online payments through the API with the real Stripe SDK talking to an in-process fake Stripe
(tests/payments/fake_stripe.py), and webhooks signed with Stripe's real HMAC scheme."""

from __future__ import annotations

from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from licensing import Market, make_market
from openlicense.core.clock import FixedClock
from openlicense.payments.models import Payment, StripeEvent
from openlicense.payments.stripe_gateway import StripeGateway
from openlicense.settings import Settings
from payments.fake_stripe import FakeStripe
from payments.steps import reconcile_now, rows

PERIOD = {"licence_start": "2026-11-23", "licence_end": "2028-11-22"}
STAGED_TRIAL = {
    "type": "STAGED",
    "stages": [
        {"label": "试用期", "duration_months": 6, "standard": {"type": "FREE"}},
        {"label": "正式期", "standard": {"type": "LUMP_SUM", "amount_minor": 2_000_000}},
    ],
}
LUMP = {"type": "LUMP_SUM", "amount_minor": 5_000_000}


async def _checkout(market: Market, agreement_id: str, entry_key: str):  # type: ignore[no-untyped-def]
    return await market.client.post(
        f"/api/agreements/{agreement_id}/checkout",
        json={"entry_key": entry_key},
        headers=market.sme.headers,
    )


async def _deliver(market: Market, payload: bytes, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    return await market.client.post("/webhooks/stripe", content=payload, headers=headers)


async def _count(db_sessionmaker: async_sessionmaker, model) -> int:  # type: ignore[no-untyped-def]
    async with db_sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def test_trial_converts_through_stripe_and_a_webhook_delivered_three_times_records_once(
    market: Market, fake_stripe: FakeStripe, db_sessionmaker: async_sessionmaker
) -> None:
    agreement = (await market.accept((await market.declare(STAGED_TRIAL, **PERIOD))["id"])).json()
    assert agreement["status"] == "effective"  # the trial
    await market.travel_to("2027-05-23")  # trial ends: stage 2 is due

    checkout = await _checkout(market, agreement["id"], "stage-2-lump_sum")
    assert checkout.status_code == 201, checkout.text
    body = checkout.json()
    assert body["checkout_url"] and body["stripe_checkout_session_id"].startswith("cs_test_")
    created = fake_stripe.requests_to("POST", "/v1/checkout/sessions")[-1]
    assert created.headers.get(
        "Idempotency-Key", created.headers.get("idempotency-key", "")
    ).startswith("checkout:")

    fake_stripe.complete(body["stripe_checkout_session_id"])
    payload, headers = fake_stripe.event(
        "checkout.session.completed", body["stripe_checkout_session_id"]
    )
    for _ in range(3):
        delivered = await _deliver(market, payload, headers)
        assert delivered.status_code == 200, delivered.text
    final = await market.agreement(agreement["id"])
    assert final["status"] == "effective"
    entry = next(e for e in final["entries"] if e["key"] == "stage-2-lump_sum")
    assert entry["status"] == "paid" and entry["paid_minor"] == 2_000_000
    assert await _count(db_sessionmaker, StripeEvent) == 1
    payments = (
        await market.client.get(
            f"/api/agreements/{agreement['id']}/payments", headers=market.tto.headers
        )
    ).json()
    assert [(p["method"], p["status"]) for p in payments["payments"]] == [("stripe", "succeeded")]


async def test_checkout_retry_returns_the_same_session(
    market: Market, fake_stripe: FakeStripe
) -> None:
    agreement = (await market.accept((await market.declare(LUMP, **PERIOD))["id"])).json()
    first = (await _checkout(market, agreement["id"], "acceptance")).json()
    second = (await _checkout(market, agreement["id"], "acceptance")).json()
    assert first["stripe_checkout_session_id"] == second["stripe_checkout_session_id"]
    assert sum(fake_stripe.sessions_created_by_key.values()) == 1


async def test_payment_of_the_acceptance_amount_makes_the_licence_effective(
    market: Market, fake_stripe: FakeStripe
) -> None:
    agreement = (await market.accept((await market.declare(LUMP, **PERIOD))["id"])).json()
    assert agreement["status"] == "notified"
    session_id = (await _checkout(market, agreement["id"], "acceptance")).json()[
        "stripe_checkout_session_id"
    ]
    fake_stripe.complete(session_id)
    assert (
        await _deliver(market, *fake_stripe.event("checkout.session.completed", session_id))
    ).status_code == 200
    assert (await market.agreement(agreement["id"]))["status"] == "effective"


async def test_bad_or_missing_signature_is_400_and_stores_nothing(
    market: Market, fake_stripe: FakeStripe, db_sessionmaker: async_sessionmaker
) -> None:
    agreement = (await market.accept((await market.declare(LUMP, **PERIOD))["id"])).json()
    session_id = (await _checkout(market, agreement["id"], "acceptance")).json()[
        "stripe_checkout_session_id"
    ]
    fake_stripe.complete(session_id)
    payload, headers = fake_stripe.event("checkout.session.completed", session_id)
    forged = await _deliver(market, payload.replace(b"complete", b"completE"), headers)
    assert forged.status_code == 400 and forged.json()["code"] == "invalid_signature"
    wrong_key = await _deliver(
        market, *fake_stripe.event("checkout.session.completed", session_id, secret="whsec_other")
    )
    assert wrong_key.status_code == 400
    missing = await _deliver(market, payload, {"Content-Type": "application/json"})
    assert missing.status_code == 400
    assert await _count(db_sessionmaker, StripeEvent) == 0
    assert (await market.agreement(agreement["id"]))["status"] == "notified"


async def test_unhandled_event_types_are_acknowledged_and_ignored(
    market: Market, fake_stripe: FakeStripe, db_sessionmaker
) -> None:
    payload, headers = fake_stripe.event("customer.created", {"id": "cus_1", "object": "customer"})
    response = await _deliver(market, payload, headers)
    assert response.status_code == 200 and response.json()["outcome"] == "ignored"
    assert await _count(db_sessionmaker, StripeEvent) == 0


async def test_succeeded_after_refunded_ends_refunded(
    market: Market, fake_stripe: FakeStripe, db_sessionmaker: async_sessionmaker
) -> None:
    agreement = (await market.accept((await market.declare(LUMP, **PERIOD))["id"])).json()
    session_id = (await _checkout(market, agreement["id"], "acceptance")).json()[
        "stripe_checkout_session_id"
    ]
    session = fake_stripe.complete(session_id)
    intent_id = (
        session["payment_intent"]
        if isinstance(session["payment_intent"], str)
        else session["payment_intent"]["id"]
    )
    succeeded_early = fake_stripe.event("payment_intent.succeeded", intent_id)
    refund = fake_stripe.refund_all(intent_id)
    refunded = fake_stripe.event("charge.refunded", refund["charge"])
    # Stripe delivers out of order: the refund first, then the checkout, then the old success.
    assert (await _deliver(market, *refunded)).status_code == 200
    assert (
        await _deliver(market, *fake_stripe.event("checkout.session.completed", session_id))
    ).status_code == 200
    assert (await _deliver(market, *succeeded_early)).status_code == 200
    async with db_sessionmaker() as s:
        payment = await s.scalar(select(Payment))
    async with db_sessionmaker() as s:
        outcomes = [
            (e.type, e.outcome)
            for e in await s.scalars(select(StripeEvent).order_by(StripeEvent.created_at))
        ]
    assert payment.status.value == "refunded", outcomes
    assert payment.refunded_minor == 5_000_000
    final = await market.agreement(agreement["id"])
    entry = final["entries"][0]
    assert entry["status"] == "paid"  # it was paid; the refund is recorded against the item
    listing = (
        await market.client.get(
            f"/api/agreements/{agreement['id']}/payments", headers=market.sme.headers
        )
    ).json()
    assert listing["refunds"][0]["amount_minor"] == 5_000_000


async def test_stripe_unreachable_leaves_the_agreement_unchanged_with_a_retryable_error(
    market: Market, fake_stripe: FakeStripe, db_sessionmaker: async_sessionmaker
) -> None:
    agreement = (await market.accept((await market.declare(LUMP, **PERIOD))["id"])).json()
    fake_stripe.down()
    response = await _checkout(market, agreement["id"], "acceptance")
    assert response.status_code == 503
    assert response.json()["retryable"] is True
    # Only the intent is kept (holding the item's slot and the idempotency key), no session.
    (intent,) = await rows(db_sessionmaker, Payment, agreement["id"])
    assert (intent.status.value, intent.stripe_checkout_session_id) == ("pending", None)
    assert (await market.agreement(agreement["id"]))["status"] == "notified"
    fake_stripe.up()
    retried = await _checkout(market, agreement["id"], "acceptance")
    assert retried.status_code == 201
    assert retried.json()["id"] == str(intent.id)
    assert sum(fake_stripe.sessions_created_by_key.values()) == 1


async def test_reconciliation_applies_a_payment_whose_webhook_was_lost(
    market: Market,
    fake_stripe: FakeStripe,
    stripe_gateway: StripeGateway,
    online_settings: Settings,
    clock: FixedClock,
    db_sessionmaker: async_sessionmaker,
) -> None:
    agreement = (await market.accept((await market.declare(LUMP, **PERIOD))["id"])).json()
    session_id = (await _checkout(market, agreement["id"], "acceptance")).json()[
        "stripe_checkout_session_id"
    ]
    fake_stripe.complete(session_id)  # ... and the webhook never arrives
    assert (await market.agreement(agreement["id"]))["status"] == "notified"

    report = await reconcile_now(db_sessionmaker, stripe_gateway, online_settings, clock)
    assert (report.checked, report.changed, report.unchecked) == (1, 1, [])
    assert (await market.agreement(agreement["id"]))["status"] == "effective"


async def test_without_stripe_configured_checkout_is_refused_and_offline_works(
    client: AsyncTestClient, db_sessionmaker, clock
) -> None:
    market = await make_market(client, db_sessionmaker, clock)
    agreement = (await market.accept((await market.declare(LUMP, **PERIOD))["id"])).json()
    refused = await _checkout(market, agreement["id"], "acceptance")
    assert refused.status_code == 409 and refused.json()["code"] == "online_payments_disabled"
    assert (await client.post("/webhooks/stripe", content=b"{}")).status_code == 404
    assert (await market.pay(agreement["id"], "acceptance")).json()["status"] == "effective"
    payments = (
        await client.get(f"/api/agreements/{agreement['id']}/payments", headers=market.sme.headers)
    ).json()
    assert [(p["method"], p["status"]) for p in payments["payments"]] == [("offline", "succeeded")]
