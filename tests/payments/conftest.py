"""Fixtures for payments tests: a fake Stripe over real HTTP, a gateway that talks to it, and an
app configured for online payments (real SDK → fake Stripe; webhooks signed like Stripe's).

The app is served in the test's event loop (`serving`), as a server runs it: requests sent at
once are handled at once. Litestar's `AsyncTestClient` runs each request to completion on a
portal thread and blocks the caller meanwhile, which would serialise every "concurrent" test."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import httpx
import pytest
from litestar import Litestar
from sqlalchemy.ext.asyncio import async_sessionmaker

from fakes import FakeSearchEngine
from licensing import Market, make_market
from openlicense.core.clock import FixedClock
from openlicense.payments.gateway import (
    Checkout,
    CheckoutRequest,
    PaymentGateway,
    PaymentStatus,
    RefundResult,
)
from openlicense.payments.stripe_gateway import StripeGateway
from openlicense.settings import Settings, StripeSettings
from payments.fake_stripe import FakeStripe


class GatewaySwitch:
    """The payment gateway of the app shared by a run's tests: it hands every call to the gateway
    of the test being run (`target`), so a test can still choose its own (e.g. a shorter timeout)
    while the app is built once per database rather than once per test."""

    name = "stripe"

    def __init__(self) -> None:
        self.target: PaymentGateway | None = None

    def _gateway(self) -> PaymentGateway:
        assert self.target is not None, "use the stripe_client fixture"
        return self.target

    async def create_checkout(self, request: CheckoutRequest) -> Checkout:
        return await self._gateway().create_checkout(request)

    async def checkout_status(self, session_id: str) -> PaymentStatus:
        return await self._gateway().checkout_status(session_id)

    async def expire_checkout(self, session_id: str) -> PaymentStatus:
        return await self._gateway().expire_checkout(session_id)

    async def refund(
        self, payment_intent_id: str, *, amount_minor: int, reason: str, idempotency_key: str
    ) -> RefundResult:
        return await self._gateway().refund(
            payment_intent_id,
            amount_minor=amount_minor,
            reason=reason,
            idempotency_key=idempotency_key,
        )

    async def close(self) -> None:
        return None


@pytest.fixture(scope="session")
def fake_stripe_server() -> Iterator[FakeStripe]:
    with FakeStripe() as fake:
        yield fake


@pytest.fixture
def fake_stripe(fake_stripe_server: FakeStripe) -> Iterator[FakeStripe]:
    """The run's fake Stripe, emptied for each test (a fresh account, same address)."""
    fake_stripe_server.reset()
    yield fake_stripe_server
    fake_stripe_server.reset()


@pytest.fixture
async def stripe_gateway(fake_stripe: FakeStripe) -> AsyncIterator[StripeGateway]:
    client, http_client = fake_stripe.sdk_client()
    gateway = StripeGateway(client, http_client=http_client)
    yield gateway
    await gateway.close()


@pytest.fixture(scope="session")
def online_settings(settings: Settings, fake_stripe_server: FakeStripe) -> Settings:
    """The test settings with Stripe configured against the fake; the reconcile loop is off
    (tests run reconciliation explicitly)."""
    return settings.model_copy(
        update={
            "stripe": StripeSettings(
                secret_key=fake_stripe_server.secret_key,
                webhook_secret=fake_stripe_server.webhook_secret,
                api_base=fake_stripe_server.api_base,
                max_network_retries=0,
                reconcile_worker_enabled=False,
            )
        }
    )


@asynccontextmanager
async def serving(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """A client for `app` running in this event loop, its lifespan (and loops) started.

    The lifespan runs in a task of its own: it is entered and left in one task, as anyio's
    task groups inside it require, although a fixture's setup and teardown are two tasks."""
    started, stop = asyncio.Event(), asyncio.Event()

    async def run() -> None:
        async with app.lifespan():
            started.set()
            await stop.wait()

    task = asyncio.create_task(run())
    await asyncio.wait(
        [task, asyncio.create_task(started.wait())], return_when=asyncio.FIRST_COMPLETED
    )
    if task.done():
        task.result()  # the lifespan failed: raise its error here
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as c:
            yield c
    finally:
        stop.set()
        await task


@pytest.fixture(scope="session")
def gateway_switch() -> GatewaySwitch:
    return GatewaySwitch()


@pytest.fixture(scope="session")
async def online_client(
    online_settings: Settings, clock: FixedClock, gateway_switch: GatewaySwitch
) -> AsyncIterator[httpx.AsyncClient]:
    from openlicense.app import create_app

    app = create_app(
        online_settings,
        clock=clock,
        search_engine=FakeSearchEngine(),
        payment_gateway=gateway_switch,
    )
    async with serving(app) as client:
        yield client


@pytest.fixture
async def stripe_client(
    online_client: httpx.AsyncClient,
    gateway_switch: GatewaySwitch,
    stripe_gateway: StripeGateway,
    db_sessionmaker: async_sessionmaker,
) -> AsyncIterator[httpx.AsyncClient]:
    """The online app on an empty database, calling Stripe through this test's gateway."""
    gateway_switch.target = stripe_gateway
    online_client.headers.clear()
    yield online_client
    gateway_switch.target = None


@pytest.fixture
async def market(
    stripe_client: httpx.AsyncClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> Market:
    return await make_market(stripe_client, db_sessionmaker, clock)  # type: ignore[arg-type]
