"""An amount due is settled at most once: one open Checkout Session per item, the old one expired
at Stripe before a new one opens or an offline confirmation settles the item, a unique
settlement per item in the database, and money that slips through anyway refunded as an
overpayment (issue 11, defects 1 and 2). Real SDK → fake Stripe; webhooks signed like Stripe's."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker

from licensing import Market
from openlicense.agreements.models import ScheduleEntry
from openlicense.core.clock import FixedClock
from openlicense.payments.gateway import PaymentState
from openlicense.payments.models import Payment, PaymentMethod
from openlicense.payments.stripe_gateway import StripeGateway
from openlicense.settings import Settings
from payments.fake_stripe import FakeStripe
from payments.steps import (
    INSTALMENTS,
    RMB_13000,
    agreement_for,
    anomalies,
    checkout,
    deliver_event,
    entry,
    ledger_of,
    open_session,
    payments_of,
    reconcile_now,
    rows,
    succeeded_payments,
)


async def test_new_checkout_after_a_decline_expires_the_old_session_so_it_cannot_also_be_paid(
    market: Market,
    fake_stripe: FakeStripe,
    stripe_gateway: StripeGateway,
    online_settings: Settings,
    clock: FixedClock,
    db_sessionmaker: async_sessionmaker,
) -> None:
    agreement = await agreement_for(market, INSTALMENTS)
    first = await open_session(market, agreement["id"])
    fake_stripe.fail(first)  # the card is declined; Stripe keeps the page open
    await reconcile_now(db_sessionmaker, stripe_gateway, online_settings, clock)
    assert [p.status for p in await rows(db_sessionmaker, Payment, agreement["id"])] == [
        PaymentState.FAILED
    ]

    second = await open_session(market, agreement["id"])

    assert second != first
    assert fake_stripe.sessions[first]["status"] == "expired"
    assert fake_stripe.open_sessions(agreement["id"], "acceptance") == [second]
    with pytest.raises(ValueError, match="not open"):
        fake_stripe.complete(first)  # the customer can no longer pay the old page
    fake_stripe.complete(second)
    assert await deliver_event(market, fake_stripe, "checkout.session.completed", second) == (
        "applied"
    )
    paid = await succeeded_payments(db_sessionmaker, agreement["id"])
    assert [p.stripe_checkout_session_id for p in paid] == [second]
    assert (await entry(market, agreement["id"]))["status"] == "paid"


async def test_old_session_paid_just_before_a_new_checkout_settles_the_item_once(
    market: Market,
    fake_stripe: FakeStripe,
    stripe_gateway: StripeGateway,
    online_settings: Settings,
    clock: FixedClock,
    db_sessionmaker: async_sessionmaker,
) -> None:
    agreement = await agreement_for(market, INSTALMENTS)
    first = await open_session(market, agreement["id"])
    fake_stripe.fail(first)
    await reconcile_now(db_sessionmaker, stripe_gateway, online_settings, clock)
    fake_stripe.complete(first)  # a second card works on the same page; no webhook yet

    response = await checkout(market, agreement["id"])

    assert response.status_code == 409 and response.json()["code"] == "already_paid"
    assert len(fake_stripe.sessions) == 1  # no second session was opened
    assert await deliver_event(market, fake_stripe, "checkout.session.completed", first) == (
        "no_change"
    )
    paid = await succeeded_payments(db_sessionmaker, agreement["id"])
    assert [p.stripe_checkout_session_id for p in paid] == [first]
    assert (await entry(market, agreement["id"]))["paid_minor"] == 1_300_000


async def test_offline_confirmation_expires_the_open_session(
    market: Market, fake_stripe: FakeStripe, db_sessionmaker: async_sessionmaker
) -> None:
    agreement = await agreement_for(market, RMB_13000)
    session_id = await open_session(market, agreement["id"])

    confirmed = await market.pay(agreement["id"], "acceptance")

    assert confirmed.status_code == 200, confirmed.text
    assert fake_stripe.sessions[session_id]["status"] == "expired"
    with pytest.raises(ValueError, match="not open"):
        fake_stripe.complete(session_id)
    listing = await payments_of(market, agreement["id"])
    assert sorted((p["method"], p["status"]) for p in listing["payments"]) == [
        ("offline", "succeeded"),
        ("stripe", "expired"),
    ]
    assert await deliver_event(market, fake_stripe, "checkout.session.expired", session_id) == (
        "no_change"
    )


async def test_online_payment_in_the_seconds_before_an_offline_confirmation_is_refunded(
    market: Market, fake_stripe: FakeStripe, db_sessionmaker: async_sessionmaker
) -> None:
    agreement = await agreement_for(market, RMB_13000)
    session_id = await open_session(market, agreement["id"])
    fake_stripe.complete(session_id)  # paid at Stripe; the webhook is still on its way

    confirmed = await market.pay(agreement["id"], "acceptance")  # the bank transfer arrived too

    assert confirmed.status_code == 200, confirmed.text
    (stripe_refund,) = fake_stripe.refunds.values()
    intent_id = fake_stripe.sessions[session_id]["payment_intent"]
    assert (stripe_refund["payment_intent"], stripe_refund["amount"]) == (intent_id, 1_300_000)
    assert fake_stripe.money_for(agreement["id"]) == 0
    payments = {p.method: p for p in await rows(db_sessionmaker, Payment, agreement["id"])}
    online, offline = payments[PaymentMethod.STRIPE], payments[PaymentMethod.OFFLINE]
    assert (online.overpayment, online.status, online.refunded_minor) == (
        True,
        PaymentState.REFUNDED,
        1_300_000,
    )
    assert online.settled_entry_id is None and offline.settled_entry_id is not None
    item = await entry(market, agreement["id"])
    assert (item["paid_minor"], item["payment_reference"]) == (1_300_000, "BANK-acceptance")
    assert [a["kind"] for a in await anomalies(market)] == ["overpayment"]
    actions = [e.action for e in await ledger_of(db_sessionmaker, agreement["id"])]
    assert actions.count("agreement.payment_confirmed") == 1
    assert {"payment.succeeded", "refund.requested", "refund.succeeded", "payment.refunded"} <= {
        *actions
    }
    # The late webhooks change nothing: the refund is already accounted for.
    assert await deliver_event(market, fake_stripe, "checkout.session.completed", session_id) in (
        "no_change",
    )
    charge = fake_stripe.payment_intents[intent_id]["latest_charge"]
    assert await deliver_event(market, fake_stripe, "charge.refunded", charge) == "no_change"
    assert len(fake_stripe.refunds) == 1


async def test_session_left_open_by_a_stripe_outage_is_refunded_if_paid(
    market: Market, fake_stripe: FakeStripe, db_sessionmaker: async_sessionmaker
) -> None:
    agreement = await agreement_for(market, RMB_13000)
    session_id = await open_session(market, agreement["id"])
    fake_stripe.down()

    confirmed = await market.pay(agreement["id"], "acceptance")

    assert confirmed.status_code == 200, confirmed.text  # the bank transfer stands
    fake_stripe.up()
    fake_stripe.complete(session_id)  # the page was still open and the customer paid it
    outcome = await deliver_event(market, fake_stripe, "checkout.session.completed", session_id)

    assert outcome == "applied"
    assert fake_stripe.money_for(agreement["id"]) == 0  # refunded automatically
    assert len(await succeeded_payments(db_sessionmaker, agreement["id"])) == 2
    (settled,) = [
        p for p in await rows(db_sessionmaker, Payment, agreement["id"]) if p.settled_entry_id
    ]
    assert settled.method is PaymentMethod.OFFLINE


async def test_reconcile_expires_a_session_left_open_on_a_settled_item(
    market: Market,
    fake_stripe: FakeStripe,
    stripe_gateway: StripeGateway,
    online_settings: Settings,
    clock: FixedClock,
    db_sessionmaker: async_sessionmaker,
) -> None:
    agreement = await agreement_for(market, RMB_13000)
    session_id = await open_session(market, agreement["id"])
    fake_stripe.down()
    assert (await market.pay(agreement["id"], "acceptance")).status_code == 200
    fake_stripe.up()

    report = await reconcile_now(db_sessionmaker, stripe_gateway, online_settings, clock)

    assert (report.closed, report.unchecked) == (1, [])
    assert fake_stripe.sessions[session_id]["status"] == "expired"


async def test_concurrent_checkouts_for_one_item_open_one_session(
    market: Market, fake_stripe: FakeStripe
) -> None:
    agreement = await agreement_for(market, RMB_13000)

    responses = await asyncio.gather(*(checkout(market, agreement["id"]) for _ in range(4)))

    assert {r.status_code for r in responses} == {201}, [r.text for r in responses]
    assert len({r.json()["stripe_checkout_session_id"] for r in responses}) == 1
    assert len(fake_stripe.sessions) == 1


@pytest.mark.parametrize("column", ["settled_entry_id", "open_checkout_entry_id"])
async def test_database_refuses_a_second_payment_holding_an_item(
    market: Market, db_sessionmaker: async_sessionmaker, column: str
) -> None:
    agreement = await agreement_for(market, RMB_13000)
    (item,) = await rows(db_sessionmaker, ScheduleEntry, agreement["id"])
    entry_id = item.id

    def payment() -> Payment:
        return Payment(
            agreement_id=uuid.UUID(agreement["id"]),
            entry_id=entry_id,
            entry_key="acceptance",
            method=PaymentMethod.OFFLINE,
            status=PaymentState.SUCCEEDED,
            amount_minor=1_300_000,
            currency="CNY",
            **{column: entry_id},
        )

    async with db_sessionmaker.begin() as session:
        session.add(payment())
    with pytest.raises(IntegrityError):
        async with db_sessionmaker.begin() as session:
            session.add(payment())
