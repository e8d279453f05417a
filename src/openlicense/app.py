"""create_app(settings) -> Litestar: the only place where things are wired together."""

from __future__ import annotations

import logging

from advanced_alchemy.extensions.litestar import SQLAlchemyPlugin
from litestar import Litestar
from litestar.di import Provide
from litestar.logging import LoggingConfig
from litestar.middleware.base import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin, SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme

from openlicense.accounts.auth import AuthMiddleware
from openlicense.accounts.controllers import router as accounts_router
from openlicense.agreements.controllers import router as agreements_router
from openlicense.agreements.worker import lifecycle_worker
from openlicense.audit import ledger
from openlicense.audit.controllers import audit_router
from openlicense.catalogue.controllers import router as catalogue_router
from openlicense.clock import Clock, SystemClock
from openlicense.db import sqlalchemy_config
from openlicense.health import health
from openlicense.payments.controllers import router as payments_router
from openlicense.payments.gateway import PaymentGateway
from openlicense.payments.lifespan import payments_lifespan
from openlicense.problems import problem_details_plugin
from openlicense.search.controllers import router as search_router
from openlicense.search.engine import SearchEngine
from openlicense.search.worker import search_lifespan
from openlicense.settings import Settings


def create_app(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    search_engine: SearchEngine | None = None,
    payment_gateway: PaymentGateway | None = None,
) -> Litestar:
    settings = settings or Settings()
    clock = clock or SystemClock()
    ledger.install()
    db_config = sqlalchemy_config(settings)
    return Litestar(
        route_handlers=[
            health,
            accounts_router,
            catalogue_router,
            agreements_router,
            search_router,
            payments_router,
            audit_router(settings),
        ],
        dependencies={
            "settings": Provide(lambda: settings, use_cache=True, sync_to_thread=False),
            "clock": Provide(lambda: clock, use_cache=True, sync_to_thread=False),
        },
        plugins=[SQLAlchemyPlugin(config=db_config), problem_details_plugin()],
        middleware=[
            DefineMiddleware(
                AuthMiddleware,
                settings=settings,
                db_config=db_config,
                exclude=["^/schema"],
            )
        ],
        lifespan=[
            payments_lifespan(settings, payment_gateway),
            search_lifespan(settings, clock, db_config, search_engine),
            lifecycle_worker(settings, clock, db_config),
        ],
        openapi_config=_openapi(),
        logging_config=LoggingConfig(
            root={"level": logging.getLevelName(logging.INFO), "handlers": ["queue_listener"]},
            log_exceptions="debug",
        ),
        debug=settings.server.debug,
    )


def _openapi() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="openlicense API",
        version="0.1.0",
        description=(
            "Patent open licensing (专利开放许可): catalogue, declarations and accounts. "
            "Errors are RFC 9457 problem details."
        ),
        path="/schema",
        render_plugins=[SwaggerRenderPlugin(), ScalarRenderPlugin(path="/scalar")],
        components=Components(
            security_schemes={
                "BearerToken": SecurityScheme(type="http", scheme="bearer", bearer_format="JWT"),
                "ApiKey": SecurityScheme(
                    type="apiKey", name="X-API-Key", security_scheme_in="header"
                ),
            }
        ),
        security=[{"BearerToken": []}, {"ApiKey": []}],
    )
