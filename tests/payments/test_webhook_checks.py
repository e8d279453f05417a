"""The webhook applies a payment only when it matches what is due, and no signed payload can make
it answer 500 (issue 11, defects 3 and 7): a mismatch is an anomaly for the admin that changes no
state; an unreadable envelope is a 400 that stores nothing; concurrent duplicate deliveries of one
event are answered 200 and applied once, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import copy
import json
import time
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker

from licensing import Market
from openlicense.core.clock import FixedClock
from openlicense.payments.gateway import PaymentState
from openlicense.payments.models import Payment, PaymentAnomaly, StripeEvent
from openlicense.payments.signatures import sign_payload
from openlicense.payments.stripe_gateway import StripeGateway
from openlicense.settings import Settings
from payments.fake_stripe import FakeStripe
from payments.steps import (
    RMB_13000,
    agreement_for,
    anomalies,
    count,
    deliver,
    deliver_event,
    entry,
    ledger_of,
    open_session,
    reconcile_now,
    rows,
    succeeded_payments,
)


def signed(fake: FakeStripe, body: bytes) -> tuple[bytes, dict[str, str]]:
    """A body signed exactly as Stripe signs, whatever it contains."""
    signature = sign_payload(body, fake.webhook_secret, timestamp=int(time.time()))
    return body, {"Stripe-Signature": signature, "Content-Type": "application/json"}


def event_body(obj: dict[str, Any], **envelope: Any) -> dict[str, Any]:
    return {
        "id": "evt_odd_0001",
        "object": "event",
        "type": "checkout.session.completed",
        "created": 1_790_000_000,
        "data": {"object": obj},
        **envelope,
    }


async def paid_session(market: Market, fake: FakeStripe) -> tuple[dict[str, Any], dict[str, Any]]:
    agreement = await agreement_for(market, RMB_13000)
    session_id = await open_session(market, agreement["id"])
    return agreement, fake.complete(session_id)


MISMATCHES: list[tuple[dict[str, Any], str]] = [
    ({"amount_total": 1, "currency": "usd"}, "amount_mismatch"),  # the RMB 13,000 case
    ({"amount_total": 1}, "amount_mismatch"),
    ({"currency": "usd"}, "currency_mismatch"),
    ({"metadata": {"agreement_id": "0190f3a2-7c55-7000-8000-000000000001"}}, "metadata_mismatch"),
    ({"metadata": {"entry_key": "instalment-2"}}, "metadata_mismatch"),
    ({"metadata": {}}, "metadata_mismatch"),
]


async def test_completed_session_that_does_not_match_what_is_due_changes_nothing(
    market: Market, fake_stripe: FakeStripe, db_sessionmaker: async_sessionmaker
) -> None:
    agreement, session = await paid_session(market, fake_stripe)

    for change, _ in MISMATCHES:
        forged = copy.deepcopy(session)
        if "metadata" in change:
            forged["metadata"] = {**forged["metadata"], **change["metadata"]}
            forged["metadata"] = forged["metadata"] if change["metadata"] else {}
        else:
            forged.update(change)
        outcome = await deliver_event(market, fake_stripe, "checkout.session.completed", forged)
        assert outcome == "anomaly", change

    assert (await market.agreement(agreement["id"]))["status"] == "notified"
    assert (await entry(market, agreement["id"]))["status"] == "scheduled"
    (payment,) = await rows(db_sessionmaker, Payment, agreement["id"])
    assert (payment.status, payment.settled_entry_id) == (PaymentState.PENDING, None)
    found = list(reversed(await anomalies(market)))  # the listing is newest first
    assert [a["kind"] for a in found] == [kind for _, kind in MISMATCHES]
    assert {(a["agreement_id"], a["payment_id"]) for a in found} == {
        (agreement["id"], str(payment.id))
    }
    assert found[0]["detail"]["mismatches"] == [
        {"field": "amount", "expected": "1300000", "observed": "1"},
        {"field": "currency", "expected": "CNY", "observed": "USD"},
    ]
    actions = [e.action for e in await ledger_of(db_sessionmaker, agreement["id"])]
    assert actions.count("payment.anomaly_recorded") == len(MISMATCHES)
    assert "agreement.payment_confirmed" not in actions


async def test_a_real_payment_still_applies_after_a_forged_amount_was_refused(
    market: Market,
    fake_stripe: FakeStripe,
    stripe_gateway: StripeGateway,
    online_settings: Settings,
    clock: FixedClock,
    db_sessionmaker: async_sessionmaker,
) -> None:
    agreement, session = await paid_session(market, fake_stripe)
    forged = {**session, "amount_total": 1, "currency": "usd"}
    payload, headers = fake_stripe.event("checkout.session.completed", forged)
    assert (await deliver(market.client, payload, headers)).json()["outcome"] == "anomaly"
    assert (await deliver(market.client, payload, headers)).json()["outcome"] == "duplicate"

    report = await reconcile_now(db_sessionmaker, stripe_gateway, online_settings, clock)

    assert report.changed == 1
    assert (await entry(market, agreement["id"]))["paid_minor"] == 1_300_000
    assert await count(db_sessionmaker, PaymentAnomaly) == 1


async def test_payment_intent_for_another_item_changes_nothing(
    market: Market,
    fake_stripe: FakeStripe,
    stripe_gateway: StripeGateway,
    online_settings: Settings,
    clock: FixedClock,
    db_sessionmaker: async_sessionmaker,
) -> None:
    agreement = await agreement_for(market, RMB_13000)
    session_id = await open_session(market, agreement["id"])
    fake_stripe.fail(session_id)  # a declined card creates the PaymentIntent
    await reconcile_now(db_sessionmaker, stripe_gateway, online_settings, clock)  # links it
    intent = copy.deepcopy(
        fake_stripe.payment_intents[fake_stripe.sessions[session_id]["payment_intent"]]
    )
    intent.update(status="succeeded", last_payment_error=None)
    intent["metadata"]["entry_key"] = "stage-2-lump_sum"

    outcome = await deliver_event(market, fake_stripe, "payment_intent.succeeded", intent)

    assert outcome == "anomaly"
    assert await succeeded_payments(db_sessionmaker, agreement["id"]) == []
    assert (await entry(market, agreement["id"]))["status"] == "scheduled"


ENVELOPES = {
    "created is a word": {"created": "yesterday"},
    "created is 1e30": {"created": 1e30},
    "created is a huge integer": {"created": 10**30},
    "created is negative": {"created": -1},
    "created is null": {"created": None},
    "created is true": {"created": True},
    "id is a number": {"id": 42},
    "id is empty": {"id": ""},
    "id is too long": {"id": "evt_" + "x" * 300},
    "type is too long": {"type": "checkout.session.completed" + "x" * 80},
    "data has no object": {"data": {"previous_attributes": {}}},
    "data.object is a list": {"data": {"object": [1, 2]}},
}


RAW_BODIES = {
    "NaN": b'{"id": "evt_1", "type": "checkout.session.completed", "created": NaN, "data": {}}',
    "NUL in a string": json.dumps(event_body({"id": "cs_\u0000", "object": "x"})).encode(),
    "lone surrogate": json.dumps(event_body({"id": "cs_\ud800", "object": "x"})).encode(),
    "deep nesting": json.dumps(event_body({"a": json.loads("[" * 200 + "]" * 200)})).encode(),
    "very deep nesting": b'{"id": "evt_1", "data": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
}


async def test_unreadable_envelope_is_refused_with_400_and_stores_nothing(
    market: Market, fake_stripe: FakeStripe, db_sessionmaker: async_sessionmaker
) -> None:
    agreement, session = await paid_session(market, fake_stripe)
    bodies = {
        **{
            name: json.dumps(event_body(session, **change)).encode()
            for name, change in ENVELOPES.items()
        },
        **RAW_BODIES,
    }

    for name, body in bodies.items():
        response = await deliver(market.client, *signed(fake_stripe, body))
        assert response.status_code == 400, (name, response.text)
        assert response.json()["code"] in {"invalid_event", "invalid_signature"}, name

    assert await count(db_sessionmaker, StripeEvent) == 0
    assert (await entry(market, agreement["id"]))["status"] == "scheduled"


OBJECTS = {
    "amount is a string": {"amount_total": "1300000"},
    "amount is a float": {"amount_total": 1300000.0},
    "amount is negative": {"amount_total": -5},
    "amount is astronomical": {"amount_total": 10**20},
    "amount is true": {"amount_total": True},
    "currency is a number": {"currency": 156},
    "currency is not a code": {"currency": "RMB1"},
    "metadata is a list": {"metadata": ["agreement_id"]},
    "metadata values are numbers": {"metadata": {"entry_key": 1}},
    "payment_intent is a number": {"payment_intent": 42},
    "session id is a number": {"id": 42},
    "expanded intent has a bad charge": {
        "payment_intent": {"id": "pi_1", "latest_charge": {"amount": "x", "object": "charge"}}
    },
}


async def test_unreadable_object_is_an_anomaly_and_changes_nothing(
    market: Market, fake_stripe: FakeStripe, db_sessionmaker: async_sessionmaker
) -> None:
    agreement, session = await paid_session(market, fake_stripe)

    for name, change in OBJECTS.items():
        payload, headers = fake_stripe.event("checkout.session.completed", {**session, **change})
        response = await deliver(market.client, payload, headers)
        assert response.status_code == 200, (name, response.text)
        assert response.json()["outcome"] == "unreadable", name

    assert (await entry(market, agreement["id"]))["status"] == "scheduled"
    assert [a["kind"] for a in await anomalies(market)] == ["unreadable_event"] * len(OBJECTS)
    assert await count(db_sessionmaker, StripeEvent) == len(OBJECTS)


async def test_concurrent_duplicate_deliveries_are_answered_200_and_applied_once(
    market: Market, fake_stripe: FakeStripe, db_sessionmaker: async_sessionmaker
) -> None:
    agreement, session = await paid_session(market, fake_stripe)
    payload, headers = fake_stripe.event("checkout.session.completed", session["id"])
    intent = fake_stripe.event("payment_intent.succeeded", session["payment_intent"])

    responses = await asyncio.gather(
        *(deliver(market.client, payload, headers) for _ in range(10)),
        *(deliver(market.client, *intent) for _ in range(3)),
    )

    assert [r.status_code for r in responses] == [200] * 13, [r.text for r in responses]
    outcomes = [r.json()["outcome"] for r in responses]
    assert outcomes[:10].count("duplicate") == 9
    assert outcomes[10:].count("duplicate") == 2
    assert await count(db_sessionmaker, StripeEvent) == 2
    assert len(await succeeded_payments(db_sessionmaker, agreement["id"])) == 1
    actions = [e.action for e in await ledger_of(db_sessionmaker, agreement["id"])]
    assert actions.count("agreement.payment_confirmed") == 1
    assert actions.count("payment.succeeded") == 1
