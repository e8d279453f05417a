"""Payment paths off the happy road: Stripe refusing or failing at each step of a checkout or a
refund, an item settled while Stripe answers, the buyer's return from Checkout, events for
payments we never opened, and how Stripe's objects are read. Real SDK → fake Stripe at the HTTP
boundary; webhooks signed like Stripe's. An amount due is settled at most once (rule 17)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from builders import Actor
from licensing import Market
from openlicense.core.clock import FixedClock
from openlicense.jobs.tasks import reconcile_payments_once
from openlicense.payments import stripe_gateway as stripe_gw
from openlicense.payments.errors import GatewayRejected, GatewayUnavailable
from openlicense.payments.gateway import Checkout, CheckoutRequest, PaymentState, PaymentStatus
from openlicense.payments.models import Payment, Refund, StripeEvent
from openlicense.payments.service import PaymentFlow, ReconcileReport
from openlicense.payments.stripe_gateway import StripeGateway, UnreadableStripeObject
from openlicense.settings import Settings
from payments.conftest import GatewaySwitch
from payments.fake_stripe import FakeStripe
from payments.steps import (
    RMB_13000,
    agreement_for,
    anomalies,
    checkout,
    deliver_event,
    entry,
    new_key,
    open_session,
    refund,
    rows,
    succeeded_payments,
)

COMPLETED = "checkout.session.completed"


class ScriptedStripe(StripeGateway):
    """The app's gateway for one test, with scripted trouble: `after_create` runs after Stripe
    created a session, before the app hears of it; `expire_error` is raised instead of expiring."""

    after_create: Callable[[], Awaitable[Any]] | None = None
    expire_error: Exception | None = None

    async def create_checkout(self, request: CheckoutRequest) -> Checkout:
        created = await super().create_checkout(request)
        if self.after_create is not None:
            await self.after_create()
        return created

    async def expire_checkout(self, session_id: str) -> PaymentStatus:
        if self.expire_error is not None:
            raise self.expire_error
        return await super().expire_checkout(session_id)


@pytest.fixture
async def scripted(
    fake_stripe: FakeStripe, stripe_client: httpx.AsyncClient, gateway_switch: GatewaySwitch
) -> AsyncIterator[ScriptedStripe]:
    client, http_client = fake_stripe.sdk_client()
    gateway = ScriptedStripe(client, http_client=http_client)
    gateway_switch.target = gateway
    yield gateway
    await gateway.close()


@pytest.fixture
def flow(
    market: Market, stripe_gateway: StripeGateway, online_settings: Settings, clock: FixedClock
) -> PaymentFlow:
    gateway, settings = stripe_gateway, online_settings
    return PaymentFlow(market.sessionmaker, gateway=gateway, clock=clock, settings=settings)


def reconcile(market: Market, flow: PaymentFlow) -> Awaitable[ReconcileReport]:
    return reconcile_payments_once(market.sessionmaker, flow.gateway, flow.settings, flow.clock)


def request_for(agreement_id: str, amount_minor: int = 1_300_000) -> CheckoutRequest:
    back = "https://example.test/back"
    return CheckoutRequest(
        agreement_id, "OTHER-1", "acceptance", amount_minor, "CNY", "Licence fee", back, back
    )


async def paid_online(market: Market, fake: FakeStripe) -> tuple[str, str, str]:
    """An RMB 13,000 agreement paid by card: (agreement id, payment id, PaymentIntent id)."""
    agreement = await agreement_for(market, RMB_13000)
    session_id = await open_session(market, agreement["id"])
    fake.complete(session_id)
    assert await deliver_event(market, fake, COMPLETED, session_id) == "applied"
    (payment,) = await payments(market, agreement["id"])
    return agreement["id"], str(payment.id), str(payment.stripe_payment_intent_id)


async def payments(market: Market, agreement_id: str) -> list[Payment]:
    return await rows(market.sessionmaker, Payment, agreement_id)


async def refunds(market: Market, agreement_id: str) -> list[Refund]:
    return await rows(market.sessionmaker, Refund, agreement_id)


async def status_of(market: Market, agreement_id: str, key: str = "acceptance") -> str:
    return str((await entry(market, agreement_id, key))["status"])


async def confirm(market: Market, agreement_id: str, key: str, amount: int) -> httpx.Response:
    body = {"entry_key": key, "amount_minor": amount, "reference": "BANK-PART"}
    body["received_on"] = market.clock.today().isoformat()
    url, headers = f"/api/agreements/{agreement_id}/payments", market.tto.headers
    return await market.client.post(url, json=body, headers=headers)


def settle_by_bank_meanwhile(market: Market, gateway: ScriptedStripe, agreement_id: str) -> Any:
    """The TTO confirms a bank transfer while Stripe is creating the session: their answers."""
    answers: list[httpx.Response] = []

    async def pay() -> None:
        answers.append(await market.pay(agreement_id, "acceptance"))

    gateway.after_create = pay
    return answers


def refund_posts(fake: FakeStripe) -> int:
    return len(fake.requests_to("POST", "/v1/refunds"))


async def kinds(market: Market) -> list[str]:
    return [a["kind"] for a in await anomalies(market)]


# --- starting a checkout -----------------------------------------------------------------------


async def test_checkout_refused_by_stripe_frees_the_item_for_a_new_attempt(
    market: Market, fake_stripe: FakeStripe
) -> None:
    agreement = await agreement_for(market, RMB_13000)
    fake_stripe.fail_next(400, "Invalid currency: cny.", type_="invalid_request_error")
    refused = await checkout(market, agreement["id"])

    assert refused.status_code == 502, refused.text
    assert refused.json()["code"] == "payment_gateway_rejected"
    (failed,) = await payments(market, agreement["id"])
    assert (failed.status, failed.open_checkout_entry_id) == (PaymentState.FAILED, None)
    assert failed.stripe_checkout_session_id is None
    assert "Invalid currency" in (failed.failure_reason or "")
    assert await status_of(market, agreement["id"]) == "scheduled"

    retried = await checkout(market, agreement["id"])

    assert retried.status_code == 201, retried.text
    opened = retried.json()["stripe_checkout_session_id"]
    assert fake_stripe.open_sessions(agreement["id"], "acceptance") == [opened]
    assert (await payments(market, agreement["id"]))[1].checkout_attempt == 2
    refused_key, created_key = [
        r.headers["idempotency-key"] for r in fake_stripe.requests_to("POST", "/v1/checkout")
    ]
    assert created_key == f"{refused_key}:2"  # a new key: the refused answer is not replayed


async def test_new_checkout_is_refused_while_stripe_keeps_the_declined_session_open(
    market: Market, fake_stripe: FakeStripe, scripted: ScriptedStripe, flow: PaymentFlow
) -> None:
    agreement = await agreement_for(market, RMB_13000)
    first = await open_session(market, agreement["id"])
    fake_stripe.fail(first)
    await reconcile(market, flow)
    scripted.expire_error = GatewayRejected("Stripe refused expiring the checkout session")
    response = await checkout(market, agreement["id"])

    assert response.status_code == 409, response.text
    assert response.json()["code"] == "checkout_in_progress"
    assert response.json()["retryable"] is True
    assert fake_stripe.open_sessions(agreement["id"], "acceptance") == [first]
    (held,) = await payments(market, agreement["id"])
    assert held.status is PaymentState.FAILED and held.open_checkout_entry_id is not None


async def test_checkout_while_a_delayed_payment_is_processing_is_refused(
    market: Market, fake_stripe: FakeStripe
) -> None:
    agreement = await agreement_for(market, RMB_13000)
    session_id = await open_session(market, agreement["id"])
    fake_stripe.complete(session_id, delayed=True, payment_method="alipay")
    await deliver_event(market, fake_stripe, COMPLETED, session_id)
    response = await checkout(market, agreement["id"])

    assert response.status_code == 409, response.text
    assert response.json()["code"] == "payment_processing"
    assert list(fake_stripe.sessions) == [session_id]
    assert await status_of(market, agreement["id"]) == "scheduled"
    fake_stripe.settle(session_id)
    event = "checkout.session.async_payment_succeeded"
    assert await deliver_event(market, fake_stripe, event, session_id) == "applied"
    assert await status_of(market, agreement["id"]) == "paid"


async def test_item_settled_offline_while_stripe_opens_a_session_gets_it_expired(
    market: Market, fake_stripe: FakeStripe, scripted: ScriptedStripe
) -> None:
    agreement = await agreement_for(market, RMB_13000)
    offline = settle_by_bank_meanwhile(market, scripted, agreement["id"])
    response = await checkout(market, agreement["id"])

    assert response.status_code == 409, response.text
    assert response.json()["code"] == "already_paid"
    assert [r.status_code for r in offline] == [200]
    (session_id,) = fake_stripe.sessions
    assert fake_stripe.sessions[session_id]["status"] == "expired"
    online = [p for p in await payments(market, agreement["id"]) if p.stripe_checkout_session_id]
    assert [(p.status, p.open_checkout_entry_id) for p in online] == [(PaymentState.EXPIRED, None)]
    settled = await succeeded_payments(market.sessionmaker, agreement["id"])
    assert [p.method.value for p in settled] == ["offline"]
    assert (await entry(market, agreement["id"]))["payment_reference"] == "BANK-acceptance"


async def test_session_stripe_cannot_expire_after_an_offline_settlement_is_closed_by_reconcile(
    market: Market, fake_stripe: FakeStripe, scripted: ScriptedStripe, flow: PaymentFlow
) -> None:
    agreement = await agreement_for(market, RMB_13000)
    settle_by_bank_meanwhile(market, scripted, agreement["id"])
    scripted.expire_error = GatewayUnavailable()
    response = await checkout(market, agreement["id"])

    assert response.status_code == 409 and response.json()["code"] == "already_paid"
    (session_id,) = fake_stripe.open_sessions(agreement["id"], "acceptance")
    scripted.expire_error = None
    report = await reconcile(market, flow)
    assert (report.closed, report.unchecked) == (1, [])
    assert fake_stripe.sessions[session_id]["status"] == "expired"


async def test_items_not_payable_as_asked_are_refused_online_and_offline(
    market: Market, fake_stripe: FakeStripe
) -> None:
    royalty: dict[str, Any] = {"type": "ROYALTY", "base": "net_sales", "rate": "0.04"}
    royalty |= {"reporting_period": "annual", "payable_on_acceptance_minor": 100_000}
    agreement = await agreement_for(market, royalty)
    unknown = next(e["key"] for e in agreement["entries"] if e["amount_minor"] is None)
    online = await checkout(market, agreement["id"], unknown)  # awaiting its royalty report
    offline = await confirm(market, agreement["id"], unknown, 100_000)
    partial = await confirm(market, agreement["id"], "acceptance", 50_000)  # one item, in full

    assert [r.status_code for r in (online, offline, partial)] == [409, 409, 422], partial.text
    codes = [r.json()["code"] for r in (online, offline, partial)]
    assert codes == ["entry_not_payable", "entry_not_payable", "amount_mismatch"]
    assert fake_stripe.sessions == {}
    assert await payments(market, agreement["id"]) == []
    assert await status_of(market, agreement["id"]) == "scheduled"


# --- the buyer's return from Stripe Checkout -----------------------------------------------------


async def returns(market: Market, session_id: str, who: Actor | None = None) -> httpx.Response:
    page = f"/payments/success?session_id={session_id}"
    return await market.client.get(page, headers=(who or market.sme).headers)


async def test_only_the_licensee_back_from_checkout_settles_the_item_before_the_webhook(
    market: Market, fake_stripe: FakeStripe
) -> None:
    agreement = await agreement_for(market, RMB_13000)
    session_id = await open_session(market, agreement["id"])
    fake_stripe.complete(session_id)
    stranger = await market.another_enterprise()
    ignored = [await returns(market, session_id, stranger), await returns(market, "cs_test_no")]
    assert [p.status_code for p in ignored] == [200, 200]
    assert fake_stripe.requests_to("GET", "/v1/checkout/sessions") == []  # Stripe not asked
    assert await status_of(market, agreement["id"]) == "scheduled"

    page = await returns(market, session_id)

    assert page.status_code == 200, page.text
    assert await status_of(market, agreement["id"]) == "paid"
    (paid,) = await succeeded_payments(market.sessionmaker, agreement["id"])
    assert paid.stripe_checkout_session_id == session_id and paid.open_checkout_entry_id is None
    assert await deliver_event(market, fake_stripe, COMPLETED, session_id) == "no_change"
    assert (await returns(market, session_id)).status_code == 200  # a reload changes nothing
    assert len(await succeeded_payments(market.sessionmaker, agreement["id"])) == 1


async def test_mismatch_seen_on_each_return_is_recorded_once_and_settles_nothing(
    market: Market, fake_stripe: FakeStripe
) -> None:
    agreement = await agreement_for(market, RMB_13000)
    session_id = await open_session(market, agreement["id"])
    fake_stripe.complete(session_id)
    fake_stripe.sessions[session_id]["amount_total"] = 100  # Stripe reports RMB 1, not 13,000
    for _ in range(2):
        assert (await returns(market, session_id)).status_code == 200

    assert await kinds(market) == ["amount_mismatch"]
    assert await status_of(market, agreement["id"]) == "scheduled"


# --- refunds -------------------------------------------------------------------------------------


async def test_refund_refused_by_stripe_is_released_and_the_dashboard_refund_recorded(
    market: Market, fake_stripe: FakeStripe
) -> None:
    agreement_id, payment_id, intent = await paid_online(market, fake_stripe)
    fake_stripe.refund_all(intent)  # refunded in the Stripe dashboard; no webhook yet
    key = new_key()
    refused = await refund(market, payment_id, 300_000, key=key)

    assert refused.status_code == 502, refused.text
    assert refused.json()["code"] == "payment_gateway_rejected"
    made = {(r.amount_minor, r.status) for r in await refunds(market, agreement_id)}
    assert made == {(300_000, "rejected"), (1_300_000, "succeeded")}
    (payment,) = await payments(market, agreement_id)
    assert (payment.status, payment.refunded_minor) == (PaymentState.REFUNDED, 1_300_000)
    assert await kinds(market) == ["refund_rejected"]
    again = await refund(market, payment_id, 300_000, key=key)
    assert (again.status_code, again.json()["status"]) == (200, "rejected")
    assert refund_posts(fake_stripe) == 1  # the retry did not ask Stripe again


async def test_refund_refused_while_stripe_cannot_be_reread_frees_the_whole_amount(
    market: Market, fake_stripe: FakeStripe
) -> None:
    agreement_id, payment_id, _ = await paid_online(market, fake_stripe)
    fake_stripe.fail_next(400, "No such charge.", type_="invalid_request_error")
    fake_stripe.fail_next(500)  # …and reading the session again fails too
    refused = await refund(market, payment_id, 1_300_000, key=new_key())

    assert refused.status_code == 502, refused.text
    assert [r.status for r in await refunds(market, agreement_id)] == ["rejected"]
    (payment,) = await payments(market, agreement_id)
    assert (payment.status, payment.refunded_minor) == (PaymentState.SUCCEEDED, 0)
    full = await refund(market, payment_id, 1_300_000, key=new_key())
    assert (full.status_code, full.json()["status"]) == (201, "succeeded"), full.text


async def test_overpayment_found_while_stripe_is_down_is_refunded_once_by_reconcile(
    market: Market, fake_stripe: FakeStripe, flow: PaymentFlow
) -> None:
    agreement = await agreement_for(market, RMB_13000)
    session_id = await open_session(market, agreement["id"])
    fake_stripe.complete(session_id)  # paid online, and, before the webhook…
    fake_stripe.down()
    assert (await market.pay(agreement["id"], "acceptance")).status_code == 200  # …by bank
    paid = await deliver_event(market, fake_stripe, COMPLETED, session_id)
    intent = fake_stripe.sessions[session_id]["payment_intent"]
    again = await deliver_event(market, fake_stripe, "payment_intent.succeeded", intent)

    assert (paid, again) == ("applied", "no_change")
    (waiting,) = await refunds(market, agreement["id"])
    assert (waiting.status, waiting.amount_minor) == ("requested", 1_300_000)
    fake_stripe.up()
    assert (await reconcile(market, flow)).refunds_sent == 1
    (sent,) = await refunds(market, agreement["id"])
    assert (sent.id, sent.status) == (waiting.id, "succeeded")
    assert fake_stripe.money_for(agreement["id"]) == 0
    assert await kinds(market) == ["overpayment"]


async def test_sending_a_refund_stripe_already_made_asks_stripe_nothing(
    market: Market, fake_stripe: FakeStripe, flow: PaymentFlow
) -> None:
    _, payment_id, _ = await paid_online(market, fake_stripe)
    made = await refund(market, payment_id, 300_000, key=new_key())
    again = await flow.send_refund(uuid.UUID(made.json()["id"]))

    assert (again.status, again.amount_minor) == ("succeeded", 300_000)
    assert refund_posts(fake_stripe) == 1 and len(fake_stripe.refunds) == 1


async def test_requested_refund_of_a_payment_without_a_stripe_charge_is_rejected_unsent(
    market: Market, fake_stripe: FakeStripe, flow: PaymentFlow
) -> None:
    agreement = await agreement_for(market, RMB_13000)
    assert (await market.pay(agreement["id"], "acceptance")).status_code == 200
    (bank,) = await payments(market, agreement["id"])
    fields = {"entry_key": bank.entry_key, "currency": bank.currency, "amount_minor": 500_000}
    fields |= {"reason": "Fairness review", "status": "requested"}  # no Stripe key
    async with market.sessionmaker.begin() as session:  # e.g. left by an older version
        session.add(Refund(payment_id=bank.id, agreement_id=bank.agreement_id, **fields))
    report = await reconcile(market, flow)
    assert (report.refunds_sent, report.refunds_rejected) == (0, 1)  # said as it happened

    assert [r.status for r in await refunds(market, agreement["id"])] == ["rejected"]
    (found,) = await anomalies(market)
    assert found["kind"] == "refund_rejected" and "PaymentIntent" in found["detail"]["why"]
    assert refund_posts(fake_stripe) == 0


async def test_events_for_payments_we_never_opened_stay_unknown_and_are_never_applied(
    market: Market, fake_stripe: FakeStripe, stripe_gateway: StripeGateway
) -> None:
    agreement = await agreement_for(market, RMB_13000)
    foreign = await stripe_gateway.create_checkout(request_for(str(uuid.uuid4())))
    fake_stripe.complete(foreign.session_id)
    orphan = {**PAID_CHARGE, "status": "succeeded", "refunded": True, "payment_intent": None}
    ours = await open_session(market, agreement["id"])
    fake_stripe.complete(ours)
    outcomes = [
        await deliver_event(market, fake_stripe, COMPLETED, foreign.session_id),
        await deliver_event(market, fake_stripe, "charge.refunded", orphan),
        await deliver_event(market, fake_stripe, COMPLETED, ours),
    ]

    assert outcomes == ["unknown_payment", "unknown_payment", "applied"]
    async with market.sessionmaker() as session:
        stored = sorted(await session.scalars(select(StripeEvent.outcome)))
    assert stored == ["applied", "unknown_payment", "unknown_payment"]  # not replayed onto ours
    (paid,) = await succeeded_payments(market.sessionmaker, agreement["id"])
    assert (paid.stripe_checkout_session_id, paid.refunded_minor) == (ours, 0)
    assert await anomalies(market) == []


# --- reading Stripe's objects and answers --------------------------------------------------------

PAID_CHARGE = {"object": "charge", "id": "ch_1", "amount": 500, "currency": "cny"}
INTENT = {"object": "payment_intent", "id": "pi_1", "amount": 500, "currency": "cny"}
SESSION = {"object": "checkout.session", "id": "cs_1", "amount_total": 500, "currency": "cny"}
PAID_BY_INTENT = {**SESSION, "status": "open", "payment_intent": {**INTENT, "status": "succeeded"}}


@pytest.mark.parametrize(
    ("obj", "state", "refunded"),
    [
        ({**PAID_CHARGE, "status": "succeeded", "amount_refunded": 200}, "succeeded", 200),
        ({**PAID_CHARGE, "status": "failed"}, "failed", 0),
        ({**PAID_CHARGE, "status": "pending", "metadata": None}, "pending", 0),
        ({**INTENT, "status": "processing"}, "pending", 0),
        ({**INTENT, "latest_charge": {**PAID_CHARGE, "refunded": True}}, "refunded", 0),
        (PAID_BY_INTENT, "succeeded", 0),  # the session not yet marked paid
    ],
)
def test_stripe_objects_map_to_the_payment_state_they_show(
    obj: dict[str, Any], state: str, refunded: int
) -> None:
    status = stripe_gw.payment_status_from_object(obj)
    assert (status.state.value, status.amount_refunded_minor) == (state, refunded)


@pytest.mark.parametrize(
    "obj",
    [
        {**PAID_CHARGE, "status": "succeeded", "amount_refunded": 600, "refunded": False},
        {**PAID_CHARGE, "amount": -1},
        {"object": "refund", "id": "re_1"},
        "ch_1",  # an id where the object should be
    ],
)
def test_event_objects_stripe_would_never_send_are_unreadable(obj: Any) -> None:
    with pytest.raises(UnreadableStripeObject):
        stripe_gw.payment_status_from_event({"type": "charge.refunded", "data": {"object": obj}})


def test_created_session_without_url_or_expiry_is_read_as_such_and_bad_expiry_refused() -> None:
    created = stripe_gw.checkout_from_session({**SESSION, "status": "open"})
    assert (created.url, created.expires_at, created.payment_intent_id) == (None, None, None)
    assert created.state is PaymentState.PENDING
    with pytest.raises(UnreadableStripeObject, match="timestamp"):
        stripe_gw.checkout_from_session({**SESSION, "expires_at": "tomorrow"})


async def test_gateway_lets_stripe_choose_methods_and_never_asks_for_an_empty_refund(
    fake_stripe: FakeStripe,
) -> None:
    client, http_client = fake_stripe.sdk_client()
    gateway = StripeGateway(client, payment_method_types=(), http_client=http_client)
    try:
        created = await gateway.create_checkout(request_for(str(uuid.uuid4()), 500))
        with pytest.raises(ValueError, match="positive"):
            await gateway.refund("pi_1", amount_minor=0, reason="x", idempotency_key="k")
    finally:
        await gateway.close()
    (sent,) = fake_stripe.requests  # the session; the empty refund was never sent
    assert "payment_method_types" not in sent.params
    assert fake_stripe.sessions[created.session_id]["payment_method_types"] == ["card"]


async def test_garbled_answer_from_stripe_is_a_retryable_outage(fake_stripe: FakeStripe) -> None:
    # `/c/pay/…` answers every path with an HTML page: a 200 whose body is not JSON.
    api_base = f"{fake_stripe.api_base}/c/pay/"
    settings = SimpleNamespace(stripe=SimpleNamespace(secret_key="sk_test_x", api_base=api_base))
    gateway = StripeGateway(stripe_gw.stripe_client(settings, max_network_retries=0))
    with pytest.raises(GatewayUnavailable) as raised:
        await gateway.checkout_status("cs_test_1")

    assert raised.value.extra["retryable"] is True and "try again" in raised.value.detail
    await gateway.close()  # no HTTP client of its own to close: nothing happens
