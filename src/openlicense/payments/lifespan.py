"""Open the payment gateway at start-up (Stripe when configured, else offline), close at exit."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import TYPE_CHECKING

from openlicense.payments.gateway import build_gateway

if TYPE_CHECKING:
    from litestar import Litestar

    from openlicense.payments.gateway import PaymentGateway
    from openlicense.settings import Settings


def payments_lifespan(
    settings: Settings, gateway: PaymentGateway | None = None
) -> Callable[[Litestar], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        app.state.payment_gateway = gateway or build_gateway(settings)
        try:
            yield
        finally:
            if gateway is None:
                await app.state.payment_gateway.close()

    return lifespan
