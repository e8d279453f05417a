"""Fixtures for payments tests: a fake Stripe over real HTTP, and a gateway that talks to it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from openlicense.payments.stripe_gateway import StripeGateway
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
