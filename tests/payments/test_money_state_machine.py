"""Property: money moves exactly once, whatever the order of events (issue 11).

A hypothesis state machine plays random interleavings on one agreement with three amounts due,
through the API, the real Stripe SDK and the fake Stripe: checkout starts, declined cards, sessions
expiring at Stripe, customers paying any page still open, bank transfers confirmed offline,
webhook deliveries (duplicated, reordered, concurrent — each built when Stripe would send it),
refunds (repeated, concurrent, with reused or fresh keys), refunds made in Stripe's dashboard,
Stripe failing a call, and reconciliation. After every step it checks:

- no item is settled twice: one settling payment per paid item and none for an unpaid one, any
  other paid payment an overpayment; no item has two open sessions, here or at Stripe;
- the sum of succeeded payments minus refunds equals what the ledger says was paid;
- every payment, refund and anomaly stands in the ledger as it now is, and each paid item's
  settlement is in it once.

At the end, once every webhook has arrived and reconcile has run, Stripe holds for the agreement
exactly what the database says was paid and not refunded, and every overpayment is refunded.

It runs a fixed, small number of examples (`derandomize=True`): deterministic in CI and a few
seconds per database."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections import Counter
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from hypothesis import HealthCheck, Phase, settings, strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from licensing import Market
from openlicense.agreements.models import EntryStatus, ScheduleEntry
from openlicense.audit.models import LedgerEntry
from openlicense.core.clock import FixedClock
from openlicense.payments.models import Payment, PaymentAnomaly, Refund
from openlicense.payments.rules import PAID_STATES, REFUND_COUNTED, REFUND_REQUESTED
from openlicense.payments.stripe_gateway import StripeGateway
from openlicense.settings import Settings
from payments.fake_stripe import FakeStripe
from payments.steps import agreement_for, checkout, deliver, reconcile_now, refund

T = TypeVar("T")
TWO_INSTALMENTS = {
    "type": "INSTALMENTS",
    "instalments": [
        {"amount_minor": 1_300_000, "due_months_after_acceptance": 0},
        {"amount_minor": 700_000, "due_months_after_acceptance": 6},
    ],
}
ENTRIES = ("acceptance", "instalment-2")
GATEWAY_ERRORS = {502, 503}
MACHINE_SETTINGS = settings(
    max_examples=8,
    stateful_step_count=25,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    # No shrinking: with steps this slow it takes minutes; a failure prints its steps as run.
    phases=[Phase.explicit, Phase.generate],
)
_keys = itertools.count(1)


@dataclass
class World:
    loop: asyncio.AbstractEventLoop
    market: Market
    fake: FakeStripe
    db: async_sessionmaker
    gateway: StripeGateway
    settings: Settings
    clock: FixedClock

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run on the test's event loop (where the app serves) and wait for the result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=120)


class MoneyMachine(RuleBasedStateMachine):
    """Bound to a `World` by subclassing (see the test): hypothesis builds a fresh machine per
    example, each on a new agreement."""

    world: ClassVar[World]
    agreement_id = ""

    @property
    def fake(self) -> FakeStripe:
        return self.world.fake

    @property
    def market(self) -> Market:
        return self.world.market

    @initialize()
    def new_agreement(self) -> None:
        self.fake.heal()
        self.agreement_id = self.world.run(agreement_for(self.market, TWO_INSTALMENTS))["id"]
        self.sessions: list[str] = []
        self.queue: list[tuple[bytes, dict[str, str]]] = []
        self.seen_refunds = set(self.fake.refunds)
        self.seen_expired: set[str] = set()
        self.confirmed_offline = False
        self.keys: list[tuple[str, str, int]] = []  # (payment id, Idempotency-Key, amount)
        self.start_checkout("acceptance")  # start where money can move

    # --- the customer, the licensor and Stripe ------------------------------------------

    @rule(entry=st.sampled_from(ENTRIES))
    def start_checkout(self, entry: str) -> None:
        response = self.world.run(checkout(self.market, self.agreement_id, entry))
        assert response.status_code in {201, 409, *GATEWAY_ERRORS}, response.text
        if response.status_code == 201:
            session_id = response.json()["stripe_checkout_session_id"]
            if session_id not in self.sessions:
                self.sessions.append(session_id)
        self._observe()

    @precondition(lambda self: self._open())
    @rule(pick=st.integers(0, 9), intent_event_too=st.booleans())
    def customer_pays(self, pick: int, intent_event_too: bool) -> None:
        session = self.fake.complete(self._pick_open(pick))
        self.queue.append(self.fake.event("checkout.session.completed", session))
        if intent_event_too:
            self.queue.append(
                self.fake.event("payment_intent.succeeded", session["payment_intent"])
            )

    @precondition(lambda self: self._open())
    @rule(pick=st.integers(0, 9))
    def customer_pays_as_the_bank_transfer_is_confirmed(self, pick: int) -> None:
        """The race of defect 2: paid online in the seconds before the licensor confirms a
        bank transfer for the same item; the webhook is still on its way."""
        session = self.fake.complete(self._pick_open(pick))
        self.queue.append(self.fake.event("checkout.session.completed", session))
        self.bank_transfer_confirmed(session["metadata"]["entry_key"])

    @precondition(lambda self: self._open())
    @rule(pick=st.integers(0, 9))
    def card_declined(self, pick: int) -> None:
        session = self.fake.fail(self._pick_open(pick))
        self.queue.append(
            self.fake.event("payment_intent.payment_failed", session["payment_intent"])
        )

    @precondition(lambda self: self._open())
    @rule(pick=st.integers(0, 9))
    def session_expires_at_stripe(self, pick: int) -> None:
        self.fake.expire(self._pick_open(pick))
        self._observe()

    @rule(entry=st.sampled_from(ENTRIES))
    def bank_transfer_confirmed(self, entry: str) -> None:
        response = self.world.run(self.market.pay(self.agreement_id, entry))
        assert response.status_code in {200, 409}, response.text
        self.confirmed_offline = self.confirmed_offline or response.status_code == 200
        self._observe()

    @precondition(lambda self: self.queue)
    @rule(
        pick=st.integers(0, 99),
        copies=st.integers(1, 3),
        concurrently=st.booleans(),
        again_later=st.booleans(),
    )
    def webhook_delivered(
        self, pick: int, copies: int, concurrently: bool, again_later: bool
    ) -> None:
        delivery = self.queue[pick % len(self.queue)]
        if not again_later:
            self.queue.remove(delivery)
        self.world.run(self._deliver(delivery, copies, concurrently))
        self._observe()

    @precondition(lambda self: self._charges_with_money() or self.confirmed_offline)
    @rule(
        pick=st.integers(0, 9),
        percent=st.integers(1, 100),
        reuse_key=st.booleans(),
        other_amount=st.booleans(),
        copies=st.integers(1, 3),
    )
    def licensor_refunds(
        self, pick: int, percent: int, reuse_key: bool, other_amount: bool, copies: int
    ) -> None:
        payments = self.world.run(self._refundable())
        if not payments:
            return
        payment = payments[pick % len(payments)]
        used = [k for k in self.keys if k[0] == str(payment.id)]
        if reuse_key and used:
            _, key, amount = used[pick % len(used)]
            amount += 1 if other_amount else 0
        else:
            key, amount = (
                f"sm-refund-{next(_keys):08d}",
                max(1, payment.amount_minor * percent // 100),
            )
            self.keys.append((str(payment.id), key, amount))
        codes = self.world.run(self._refund(str(payment.id), amount, key, copies))
        assert codes <= {200, 201, 409, 422, *GATEWAY_ERRORS}, codes
        self._observe()

    @precondition(lambda self: self._charges_with_money())
    @rule(pick=st.integers(0, 9), percent=st.integers(1, 100))
    def refunded_in_the_stripe_dashboard(self, pick: int, percent: int) -> None:
        charges = self._charges_with_money()
        if not charges:
            return
        charge = charges[pick % len(charges)]
        remaining = charge["amount"] - charge["amount_refunded"]
        self.fake.refund(charge["payment_intent"], max(1, remaining * percent // 100))
        self._observe()

    @rule()
    def reconcile(self) -> None:
        self.world.run(
            reconcile_now(self.world.db, self.world.gateway, self.world.settings, self.world.clock)
        )
        self._observe()

    @precondition(lambda self: not self.fake._faults)
    @rule()
    def stripe_fails_the_next_call(self) -> None:
        self.fake.fail_next(500)

    # --- what must always hold -----------------------------------------------------------

    @invariant()
    def books_balance(self) -> None:
        if self.agreement_id:
            self.world.run(check_books(self.world, self.agreement_id))

    def teardown(self) -> None:
        if not self.agreement_id:
            return
        self.fake.heal()
        for session_id in self._open():  # a day later every page left open has expired
            self.fake.expire(session_id)
        self._observe()
        for _ in range(4):  # every webhook arrives; reconcile until nothing is left to do
            while self.queue:
                self.world.run(self._deliver(self.queue.pop(0), 1, False))
            report = self.world.run(
                reconcile_now(
                    self.world.db, self.world.gateway, self.world.settings, self.world.clock
                )
            )
            self._observe()
            if not (self.queue or report.changed or report.closed or report.refunds_sent):
                break
        self.world.run(check_books(self.world, self.agreement_id))
        self.world.run(check_settled_with_stripe(self.world, self.agreement_id))

    # --- helpers --------------------------------------------------------------------------

    def _reconcile(self) -> Any:
        world = self.world
        report = world.run(reconcile_now(world.db, world.gateway, world.settings, world.clock))
        self._observe()
        return report

    def _open(self) -> list[str]:
        return [s for s in self.sessions if self.fake.sessions[s]["status"] == "open"]

    def _pick_open(self, pick: int) -> str:
        open_now = self._open()
        return open_now[pick % len(open_now)]

    def _observe(self) -> None:
        """Queue the webhooks Stripe would send for what changed there since last time."""
        intents = {self.fake.sessions[s]["payment_intent"] for s in self.sessions}
        for refund_id, made in list(self.fake.refunds.items()):
            if refund_id not in self.seen_refunds and made["payment_intent"] in intents:
                self.seen_refunds.add(refund_id)
                self.queue.append(self.fake.event("charge.refunded", made["charge"]))
        for session_id in self.sessions:
            expired = self.fake.sessions[session_id]["status"] == "expired"
            if expired and session_id not in self.seen_expired:
                self.seen_expired.add(session_id)
                self.queue.append(self.fake.event("checkout.session.expired", session_id))

    def _charges_with_money(self) -> list[dict[str, Any]]:
        intents = {self.fake.sessions[s]["payment_intent"] for s in self.sessions}
        return [
            c
            for c in list(self.fake.charges.values())
            if c["payment_intent"] in intents
            and c["status"] == "succeeded"
            and c["amount"] > c["amount_refunded"]
        ]

    async def _deliver(
        self, delivery: tuple[bytes, dict[str, str]], copies: int, concurrently: bool
    ) -> None:
        if concurrently:
            responses = await asyncio.gather(
                *(deliver(self.market.client, *delivery) for _ in range(copies))
            )
        else:
            responses = [await deliver(self.market.client, *delivery) for _ in range(copies)]
        assert [r.status_code for r in responses] == [200] * copies, [r.text for r in responses]

    async def _refundable(self) -> list[Payment]:
        async with self.world.db() as session:
            rows = await session.scalars(
                select(Payment)
                .where(Payment.agreement_id == uuid.UUID(self.agreement_id))
                .order_by(Payment.created_at, Payment.id)
            )
            return [p for p in rows if p.status in PAID_STATES and not p.overpayment]

    async def _refund(self, payment_id: str, amount: int, key: str, copies: int) -> set[int]:
        responses = await asyncio.gather(
            *(refund(self.market, payment_id, amount, key=key) for _ in range(copies))
        )
        return {r.status_code for r in responses}


async def _state(world: World, agreement_id: str) -> dict[str, Any]:
    agreement = uuid.UUID(agreement_id)
    async with world.db() as session:

        async def rows(model: Any) -> list[Any]:
            found = await session.scalars(
                select(model).where(model.agreement_id == agreement).order_by(model.created_at)
            )
            return list(found)

        return {
            "payments": await rows(Payment),
            "refunds": await rows(Refund),
            "entries": await rows(ScheduleEntry),
            "anomalies": await rows(PaymentAnomaly),
            "ledger": list(
                await session.scalars(
                    select(LedgerEntry)
                    .where(LedgerEntry.subject_id == agreement_id)
                    .order_by(LedgerEntry.seq)
                )
            ),
        }


async def check_books(world: World, agreement_id: str) -> None:
    state = await _state(world, agreement_id)
    payments, refunds = state["payments"], state["refunds"]
    last_payment, last_refund, anomalies_recorded = _ledger_views(state["ledger"])
    confirmed = Counter(
        e.data["detail"]["entry"]
        for e in state["ledger"]
        if e.action == "agreement.payment_confirmed"
    )

    # No item is settled twice; no item has two open checkouts, here or at Stripe.
    for entry in state["entries"]:
        settling = [p for p in payments if p.settled_entry_id == entry.id]
        assert len(settling) <= 1
        assert (entry.status is EntryStatus.PAID) == (len(settling) == 1), entry.key
        assert confirmed[entry.key] == len(settling), entry.key
        if settling:
            assert entry.paid_minor == settling[0].amount_minor == entry.amount_minor
        assert sum(p.open_checkout_entry_id == entry.id for p in payments) <= 1
        assert len(world.fake.open_sessions(agreement_id, entry.key)) <= 1, entry.key
    counted: Counter[Any] = Counter()
    for r in refunds:
        if r.status in REFUND_COUNTED:
            counted[r.payment_id] += r.amount_minor
    for p in payments:
        if p.status in PAID_STATES:
            assert (p.settled_entry_id is None) == p.overpayment, p.id
        assert p.refunded_minor == counted[p.id] <= p.amount_minor

    # Succeeded payments minus refunds = what the ledger says was paid.
    paid = sum(p.amount_minor for p in payments if p.status in PAID_STATES)
    ledger_paid = sum(
        d["amount_minor"] for d in last_payment.values() if d["status"] in ("succeeded", "refunded")
    )
    ledger_refunded = sum(
        d["amount_minor"] for d in last_refund.values() if d["status"] in REFUND_COUNTED
    )
    assert paid - sum(counted.values()) == ledger_paid - ledger_refunded

    # Every state change is in the ledger: each row is as the ledger last recorded it.
    assert set(last_payment) == {str(p.id) for p in payments}
    for p in payments:
        d = last_payment[str(p.id)]
        assert (d["status"], d["refunded_minor"], d["settled"], d["overpayment"]) == (
            p.status.value,
            p.refunded_minor,
            p.settled_entry_id is not None,
            p.overpayment,
        ), p.id
    assert set(last_refund) == {str(r.id) for r in refunds}
    for r in refunds:
        assert (last_refund[str(r.id)]["status"], last_refund[str(r.id)]["amount_minor"]) == (
            r.status,
            r.amount_minor,
        )
    assert {str(a.id) for a in state["anomalies"]} == anomalies_recorded


def _ledger_views(
    ledger: list[LedgerEntry],
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]], set[str]]:
    last_payment: dict[str, dict[str, Any]] = {}
    last_refund: dict[str, dict[str, Any]] = {}
    anomalies: set[str] = set()
    for entry in ledger:
        if entry.action == "payment.anomaly_recorded":
            anomalies.add(entry.data["anomaly_id"])
        elif entry.action.startswith("payment."):
            last_payment[entry.data["payment_id"]] = entry.data
        elif entry.action.startswith("refund."):
            last_refund[entry.data["refund_id"]] = entry.data
    return last_payment, last_refund, anomalies


async def check_settled_with_stripe(world: World, agreement_id: str) -> None:
    """Once everything has arrived: Stripe holds what the database says was paid online and not
    refunded, nothing waits to be sent, and every overpayment is refunded in full."""
    state = await _state(world, agreement_id)
    online = [p for p in state["payments"] if p.method.value == "stripe"]
    kept = sum(p.amount_minor - p.refunded_minor for p in online if p.status in PAID_STATES)
    assert world.fake.money_for(agreement_id) == kept
    assert [r for r in state["refunds"] if r.status == REFUND_REQUESTED] == []
    for p in state["payments"]:
        if p.overpayment:
            assert p.refunded_minor == p.amount_minor, p.id


async def test_money_moves_exactly_once_under_random_interleavings(
    market: Market,
    fake_stripe: FakeStripe,
    stripe_gateway: StripeGateway,
    online_settings: Settings,
    clock: FixedClock,
    db_sessionmaker: async_sessionmaker,
) -> None:
    world = World(
        asyncio.get_running_loop(),
        market,
        fake_stripe,
        db_sessionmaker,
        stripe_gateway,
        online_settings,
        clock,
    )
    machine = type("MoneyMachineHere", (MoneyMachine,), {"world": world})

    await asyncio.to_thread(run_state_machine_as_test, machine, settings=MACHINE_SETTINGS)
