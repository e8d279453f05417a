"""Webhook signatures: the SDK's verification over our signing, and what it refuses."""

from __future__ import annotations

import json
import time

import pytest
import stripe

from openlicense.payments.signatures import InvalidSignature, sign_payload, verify_webhook
from openlicense.payments.stripe_gateway import payment_status_from_object
from payments.fake_stripe import FakeStripe

SECRET = "whsec_test_signatures"
EVENT = {
    "id": "evt_1",
    "object": "event",
    "type": "checkout.session.completed",
    "data": {"object": {"id": "cs_test_1", "object": "checkout.session"}},
}


def signed(payload: bytes, *, secret: str = SECRET, age: int = 0) -> str:
    return sign_payload(payload, secret, timestamp=int(time.time()) - age)


def test_verify_returns_event_when_signature_matches() -> None:
    payload = json.dumps(EVENT, indent=2).encode()

    assert verify_webhook(payload, signed(payload), SECRET) == EVENT


def test_sign_payload_matches_stripe_when_signing_the_same_body() -> None:
    payload = b'{"id": "evt_1", "object": "event"}'

    ours = sign_payload(payload, SECRET, timestamp=1_790_000_000)

    theirs = stripe.WebhookSignature.generate_signature_header(
        payload.decode(), SECRET, timestamp=1_790_000_000
    )
    assert ours == theirs
    assert ours.startswith("t=1790000000,v1=")


def test_sdk_constructs_event_when_fake_signs_it(fake_stripe: FakeStripe) -> None:
    payload, headers = fake_stripe.event(
        "payment_intent.succeeded", {"id": "pi_1", "object": "payment_intent"}
    )
    client, _ = fake_stripe.sdk_client()

    event = client.construct_event(payload, headers["Stripe-Signature"], fake_stripe.webhook_secret)

    assert (event.type, event.data.object.id) == ("payment_intent.succeeded", "pi_1")


@pytest.mark.parametrize("header", [None, "", "garbage", "t=abc,v1=00", "t=1790000000"])
def test_verify_refuses_when_header_is_missing_or_malformed(header: str | None) -> None:
    payload = json.dumps(EVENT).encode()

    with pytest.raises(InvalidSignature):
        verify_webhook(payload, header, SECRET)


def test_verify_refuses_when_body_is_tampered() -> None:
    payload = json.dumps(EVENT).encode()
    header = signed(payload)
    tampered = payload.replace(b"evt_1", b"evt_2")

    with pytest.raises(InvalidSignature):
        verify_webhook(tampered, header, SECRET)
    with pytest.raises(InvalidSignature):  # re-serialised JSON is not the signed body either
        verify_webhook(json.dumps(json.loads(payload), indent=2).encode(), header, SECRET)


def test_verify_refuses_when_secret_is_wrong() -> None:
    payload = json.dumps(EVENT).encode()

    with pytest.raises(InvalidSignature):
        verify_webhook(payload, signed(payload, secret="whsec_other"), SECRET)


def test_verify_refuses_when_timestamp_is_too_old() -> None:
    payload = json.dumps(EVENT).encode()

    with pytest.raises(InvalidSignature, match="tolerance"):
        verify_webhook(payload, signed(payload, age=301), SECRET)
    assert verify_webhook(payload, signed(payload, age=200), SECRET)["id"] == "evt_1"


def test_verify_uses_given_clock_when_now_is_passed() -> None:
    payload = json.dumps(EVENT).encode()
    header = sign_payload(payload, SECRET, timestamp=1_790_000_000)

    assert verify_webhook(payload, header, SECRET, now=1_790_000_100)["id"] == "evt_1"
    with pytest.raises(InvalidSignature, match="tolerance"):
        verify_webhook(payload, header, SECRET, now=1_790_000_301)
    with pytest.raises(InvalidSignature, match="tolerance"):
        verify_webhook(payload, header, SECRET, now=1_790_000_061, tolerance=60)


@pytest.mark.parametrize(
    "payload", [b"not json", b"[1, 2]", b'{"id": "evt_1"}', "caf\u00e9".encode("latin-1")]
)
def test_verify_refuses_when_body_is_not_an_event(payload: bytes) -> None:
    with pytest.raises(InvalidSignature):
        verify_webhook(payload, signed(payload), SECRET)


def test_fake_event_verifies_and_maps_when_delivered(fake_stripe: FakeStripe) -> None:
    session_id = "cs_test_unknown"
    payload, headers = fake_stripe.event(
        "checkout.session.completed",
        {
            "id": session_id,
            "object": "checkout.session",
            "status": "complete",
            "payment_status": "paid",
            "amount_total": 500,
            "currency": "cny",
            "metadata": {"entry_key": "acceptance"},
            "payment_intent": "pi_1",
        },
        event_id="evt_fixed",
    )

    event = verify_webhook(payload, headers["Stripe-Signature"], fake_stripe.webhook_secret)

    assert (event["id"], event["type"], event["object"]) == (
        "evt_fixed",
        "checkout.session.completed",
        "event",
    )
    status = payment_status_from_object(event["data"]["object"])
    assert (status.state, status.session_id, status.payment_intent_id) == (
        "succeeded",
        session_id,
        "pi_1",
    )
    assert (status.amount_minor, status.currency) == (500, "CNY")
    with pytest.raises(InvalidSignature):
        verify_webhook(payload, headers["Stripe-Signature"], "whsec_not_the_fakes")
