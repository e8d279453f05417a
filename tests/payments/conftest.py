"""Fixtures for payments tests: a fake Stripe over real HTTP, a gateway that talks to it, and an
app configured for online payments (real SDK → fake Stripe; webhooks signed like Stripe's)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import async_sessionmaker

from fakes import FakeSearchEngine
from licensing import Market, make_market
from openlicense.core.clock import FixedClock
from openlicense.payments.stripe_gateway import StripeGateway
from openlicense.settings import Settings, StripeSettings
from payments.fake_stripe import FakeStripe


@pytest.fixture
def fake_stripe() -> Iterator[FakeStripe]:
    with FakeStripe() as fake:
        yield fake


@pytest.fixture
async def stripe_gateway(fake_stripe: FakeStripe) -> AsyncIterator[StripeGateway]:
    client, http_client = fake_stripe.sdk_client()
    gateway = StripeGateway(client, http_client=http_client)
    yield gateway
    await gateway.close()


@pytest.fixture
def online_settings(settings: Settings, fake_stripe: FakeStripe) -> Settings:
    """The test settings with Stripe configured against the fake; the reconcile loop is off
    (tests run reconciliation explicitly)."""
    return settings.model_copy(
        update={
            "stripe": StripeSettings(
                secret_key=fake_stripe.secret_key,
                webhook_secret=fake_stripe.webhook_secret,
                api_base=fake_stripe.api_base,
                max_network_retries=0,
                reconcile_worker_enabled=False,
            )
        }
    )


@pytest.fixture
async def stripe_client(
    online_settings: Settings,
    clock: FixedClock,
    stripe_gateway: StripeGateway,
    db_sessionmaker: async_sessionmaker,
) -> AsyncIterator[AsyncTestClient]:
    from openlicense.app import create_app

    app = create_app(
        online_settings,
        clock=clock,
        search_engine=FakeSearchEngine(),
        payment_gateway=stripe_gateway,
    )
    async with AsyncTestClient(app=app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
async def market(
    stripe_client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> Market:
    return await make_market(stripe_client, db_sessionmaker, clock)
