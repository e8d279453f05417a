"""Refunds honour `Idempotency-Key` (issue 11, defect 4): the same key is the same refund, four
identical concurrent requests make one refund at Stripe, and Stripe is sent a key derived from
the client's, the same on every attempt — so a lost response or an outage cannot refund twice."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker

from licensing import Market
from openlicense.core.clock import FixedClock
from openlicense.payments.models import Payment, Refund
from openlicense.payments.rules import stripe_refund_key
from openlicense.payments.stripe_gateway import StripeGateway
from openlicense.settings import Settings
from payments.fake_stripe import FakeStripe
from payments.steps import (
    RMB_13000,
    agreement_for,
    count,
    deliver_event,
    new_key,
    open_session,
    payments_of,
    reconcile_now,
    refund,
    rows,
)


@pytest.fixture
async def stripe_gateway(fake_stripe: FakeStripe) -> AsyncIterator[StripeGateway]:
    """A short client timeout, so a slow Stripe answer is lost the way a real timeout loses it."""
    client, http_client = fake_stripe.sdk_client(timeout=0.5)
    gateway = StripeGateway(client, http_client=http_client)
    yield gateway
    await gateway.close()


async def paid_online(market: Market, fake: FakeStripe) -> tuple[dict[str, Any], str]:
    agreement = await agreement_for(market, RMB_13000)
    session_id = await open_session(market, agreement["id"])
    fake.complete(session_id)
    await deliver_event(market, fake, "checkout.session.completed", session_id)
    (payment,) = (await payments_of(market, agreement["id"]))["payments"]
    return agreement, str(payment["id"])


def stripe_keys(fake: FakeStripe) -> list[str]:
    return [r.headers["idempotency-key"] for r in fake.requests_to("POST", "/v1/refunds")]


async def test_same_idempotency_key_twice_is_the_same_refund(
    market: Market, fake_stripe: FakeStripe, db_sessionmaker: async_sessionmaker
) -> None:
    agreement, payment_id = await paid_online(market, fake_stripe)
    key = new_key()

    first = await refund(market, payment_id, 300_000, key=key)
    again = await refund(market, payment_id, 300_000, key=key)

    assert (first.status_code, again.status_code) == (201, 200), again.text
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["status"] == "succeeded"
    assert len(fake_stripe.refunds) == 1
    assert stripe_keys(fake_stripe) == [stripe_refund_key(payment_id, key)]
    assert key not in stripe_keys(fake_stripe)[0]  # derived, not the client's key itself
    other = await refund(market, payment_id, 300_000, key=new_key())
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]
    assert len(fake_stripe.refunds) == 2
    (payment,) = await rows(db_sessionmaker, Payment, agreement["id"])
    assert payment.refunded_minor == 600_000


async def test_four_identical_concurrent_requests_make_one_refund(
    market: Market, fake_stripe: FakeStripe, db_sessionmaker: async_sessionmaker
) -> None:
    agreement, payment_id = await paid_online(market, fake_stripe)
    key = new_key()

    responses = await asyncio.gather(
        *(refund(market, payment_id, 1_300_000, key=key) for _ in range(4))
    )

    assert sorted(r.status_code for r in responses) == [200, 200, 200, 201], [
        r.text for r in responses
    ]
    assert len({r.json()["id"] for r in responses}) == 1
    assert len(fake_stripe.refunds) == 1
    assert set(stripe_keys(fake_stripe)) == {stripe_refund_key(payment_id, key)}
    (payment,) = await rows(db_sessionmaker, Payment, agreement["id"])
    assert (payment.status.value, payment.refunded_minor) == ("refunded", 1_300_000)


async def test_concurrent_requests_with_different_keys_cannot_refund_more_than_was_paid(
    market: Market, fake_stripe: FakeStripe, db_sessionmaker: async_sessionmaker
) -> None:
    _, payment_id = await paid_online(market, fake_stripe)

    responses = await asyncio.gather(
        *(refund(market, payment_id, 1_000_000, key=new_key()) for _ in range(3))
    )

    assert sorted(r.status_code for r in responses) == [201, 422, 422], [r.text for r in responses]
    assert sum(r["amount"] for r in fake_stripe.refunds.values()) == 1_000_000


async def test_same_key_for_a_different_refund_is_refused(
    market: Market, fake_stripe: FakeStripe
) -> None:
    _, payment_id = await paid_online(market, fake_stripe)
    key = new_key()
    assert (await refund(market, payment_id, 300_000, key=key)).status_code == 201

    changed = await refund(market, payment_id, 400_000, key=key)

    assert changed.status_code == 409 and changed.json()["code"] == "idempotency_key_reused"
    assert len(fake_stripe.refunds) == 1


@pytest.mark.parametrize("headers", [{}, {"Idempotency-Key": "short"}])
async def test_refund_without_a_usable_key_is_refused_and_changes_nothing(
    market: Market,
    fake_stripe: FakeStripe,
    db_sessionmaker: async_sessionmaker,
    headers: dict[str, str],
) -> None:
    _, payment_id = await paid_online(market, fake_stripe)

    response = await market.client.post(
        f"/api/payments/{payment_id}/refunds",
        json={"amount_minor": 300_000, "reason": "Fairness review"},
        headers={**market.tto.headers, **headers},
    )

    assert 400 <= response.status_code < 500, response.text
    assert "idempotency" in response.text.lower()
    assert fake_stripe.refunds == {}
    assert await count(db_sessionmaker, Refund) == 0


async def test_refund_whose_answer_was_lost_is_not_made_twice_when_retried(
    market: Market, fake_stripe: FakeStripe, db_sessionmaker: async_sessionmaker
) -> None:
    agreement, payment_id = await paid_online(market, fake_stripe)
    key = new_key()
    fake_stripe.latency = 1.0  # Stripe makes the refund, but answers after the client gave up

    lost = await refund(market, payment_id, 300_000, key=key)

    assert lost.status_code == 503 and lost.json()["retryable"] is True
    for _ in range(100):  # Stripe is still working on it
        if fake_stripe.refunds:
            break
        await asyncio.sleep(0.05)
    fake_stripe.latency = 0
    retried = await refund(market, payment_id, 300_000, key=key)
    assert retried.status_code == 200, retried.text
    assert retried.json()["status"] == "succeeded"
    assert len(fake_stripe.refunds) == 1
    assert set(stripe_keys(fake_stripe)) == {stripe_refund_key(payment_id, key)}
    (payment,) = await rows(db_sessionmaker, Payment, agreement["id"])
    assert payment.refunded_minor == 300_000


async def test_refund_requested_while_stripe_is_down_is_sent_by_reconcile(
    market: Market,
    fake_stripe: FakeStripe,
    stripe_gateway: StripeGateway,
    online_settings: Settings,
    clock: FixedClock,
    db_sessionmaker: async_sessionmaker,
) -> None:
    agreement, payment_id = await paid_online(market, fake_stripe)
    fake_stripe.down()
    assert (await refund(market, payment_id, 300_000, key=new_key())).status_code == 503
    (requested,) = await rows(db_sessionmaker, Refund, agreement["id"])
    assert requested.status == "requested"
    fake_stripe.up()

    report = await reconcile_now(db_sessionmaker, stripe_gateway, online_settings, clock)

    assert report.refunds_sent == 1
    (sent,) = await rows(db_sessionmaker, Refund, agreement["id"])
    assert (sent.id, sent.status) == (requested.id, "succeeded")
    assert len(fake_stripe.refunds) == 1
    listing = await payments_of(market, agreement["id"])
    assert listing["payments"][0]["refunded_minor"] == 300_000


async def test_offline_refund_with_the_same_key_is_recorded_once(
    market: Market, db_sessionmaker: async_sessionmaker
) -> None:
    agreement = await agreement_for(market, RMB_13000)
    assert (await market.pay(agreement["id"], "acceptance")).status_code == 200
    (payment,) = (await payments_of(market, agreement["id"]))["payments"]
    key = new_key()

    codes = [(await refund(market, payment["id"], 500_000, key=key)).status_code for _ in range(2)]

    assert codes == [201, 200]
    assert await count(db_sessionmaker, Refund) == 1
