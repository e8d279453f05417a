"""create_app(settings) -> Litestar: the one place where everything is wired together.

Routers, plugins, the session maker, the search engine, the payment gateway, the document source
for search and the background loops are all built here and handed out through dependency
injection; nothing is put on `app.state` behind a module's back. The CLI builds the same parts
with the `make_*` functions below."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from advanced_alchemy.extensions.litestar import SQLAlchemyPlugin
from litestar import Litestar, Router
from litestar.datastructures.state import State
from litestar.di import Provide
from litestar.exceptions import NotFoundException
from litestar.logging import LoggingConfig
from litestar.middleware.base import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from litestar.types import Scope
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from openlicense import problems
from openlicense.accounts.auth import AuthMiddleware
from openlicense.accounts.controllers import (
    provide_account_service,
    provide_password_service,
    provide_staff_service,
    router as accounts_router,
)
from openlicense.accounts.guards import RoleGuard
from openlicense.achievements.controllers import (
    provide_achievements,
    router as achievements_router,
)
from openlicense.agreements.controllers import (
    provide_acceptance_service,
    provide_disputes,
    provide_obligation_service,
    provide_rewards,
    router as agreements_router,
)
from openlicense.catalogue.controllers import (
    provide_declarations,
    provide_patents,
    provide_register,
    router as catalogue_router,
)
from openlicense.catalogue.service.indexing import CatalogueDocuments
from openlicense.catalogue.service.published import PublishedCache
from openlicense.catalogue.service.reads import PatentReads
from openlicense.challenges.controllers import (
    provide_challenges,
    provide_cooperation,
    router as challenges_router,
)
from openlicense.core.clock import Clock, SystemClock
from openlicense.db import DatabaseConfig, session_maker, sqlalchemy_config
from openlicense.documents.controllers import (
    provide_document_service,
    router as documents_router,
)
from openlicense.documents.storage import make_document_storage
from openlicense.experts.controllers import (
    provide_consulting,
    provide_experts,
    router as experts_router,
)
from openlicense.health import health
from openlicense.indicators.controllers import provide_indicators, router as indicators_router
from openlicense.jobs.controllers import JobController
from openlicense.jobs.loops import background_loops
from openlicense.needs.controllers import (
    provide_matching,
    provide_needs,
    router as needs_router,
)
from openlicense.notifications.controllers import (
    provide_notification_service,
    router as notifications_router,
)
from openlicense.notifications.service import queue_mail
from openlicense.oversight.controllers import oversight_router
from openlicense.payments.controllers import (
    provide_checkout,
    provide_offline_payments,
    provide_payment_reader,
    provide_refunds,
    provide_webhooks,
    router as payments_router,
)
from openlicense.payments.gateway import PaymentGateway
from openlicense.payments.offline import OfflineGateway
from openlicense.payments.stripe_gateway import StripeGateway, online_payments_enabled
from openlicense.problems import problem_details_plugin
from openlicense.search.controllers import router as search_router
from openlicense.search.embedded import EmbeddedEngine
from openlicense.search.engine import SearchEngine
from openlicense.search.meili import MeilisearchEngine
from openlicense.search.outbox import DocumentSource
from openlicense.search.setup import load_definition
from openlicense.settings import Settings
from openlicense.web import config as web_config, web_router
from openlicense.web.rendering import not_found
from openlicense.zones.controllers import provide_zones, router as zones_router


def make_search_engine(settings: Settings) -> SearchEngine:
    """Meilisearch when `search.meilisearch_url` is set, else the embedded tantivy index at
    `search.embedded_dir` (default `<data_dir>/search`)."""
    definition = load_definition()
    search = settings.search
    if search.meilisearch_url:
        key = search.meilisearch_api_key.get_secret_value() if search.meilisearch_api_key else None
        return MeilisearchEngine(
            search.meilisearch_url, api_key=key, index_uid=search.index_uid, definition=definition
        )
    directory = search.embedded_dir or settings.data_dir / "search"
    return EmbeddedEngine(directory, definition=definition)


def make_payment_gateway(settings: Settings) -> PaymentGateway:
    """The Stripe gateway when both Stripe secrets are set, else the offline method."""
    if not online_payments_enabled(settings):
        return OfflineGateway()
    return StripeGateway.from_settings(settings)


def make_document_source() -> DocumentSource:
    return CatalogueDocuments()


def create_app(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    search_engine: SearchEngine | None = None,
    payment_gateway: PaymentGateway | None = None,
) -> Litestar:
    settings = settings or Settings()
    clock = clock or SystemClock()
    db_config = sqlalchemy_config(settings)
    sessions = session_maker(db_config)
    engine = search_engine or make_search_engine(settings)
    gateway = payment_gateway or make_payment_gateway(settings)
    documents = make_document_source()
    published = PublishedCache(
        db_config.read_engine(),
        documents=settings.catalogue.cached_documents,
        pages=settings.catalogue.cached_pages,
        check_seconds=settings.catalogue.change_check_seconds,
    )
    owned = [
        part for part, given in ((engine, search_engine), (gateway, payment_gateway)) if not given
    ]
    app = Litestar(
        route_handlers=_routes(settings, sessions),
        dependencies={
            "settings": _value(settings),
            "clock": _value(clock),
            "session_maker": _value(sessions),
            "search_engine": _value(engine),
            "payment_gateway": _value(gateway),
            "document_source": _value(documents),
            "link_mail": _value(queue_mail),
            "document_storage": _value(make_document_storage(settings)),
            "patent_reads": _per_request(
                PatentReads(published, clock=clock, search_engine=engine), db_config
            ),
            **SERVICES,
        },
        plugins=[SQLAlchemyPlugin(config=db_config), problem_details_plugin()],
        middleware=_middleware(settings, db_config),
        csrf_config=web_config.csrf_config(settings),
        exception_handlers={NotFoundException: not_found},  # a page, or the API's problem
        template_config=web_config.template_config(settings),
        lifespan=[
            _resources(engine, owned),
            background_loops(settings, clock, sessions, engine, documents, gateway),
        ],
        openapi_config=_openapi(),
        logging_config=LoggingConfig(
            root={"level": logging.getLevelName(logging.INFO), "handlers": ["queue_listener"]},
            log_exceptions="debug",
        ),
        debug=settings.server.debug,
        signature_types=[async_sessionmaker, AsyncSession],
    )
    problems.document_in(app)  # every operation lists its problem responses (problems.py)
    _skip_public_guards(app)
    _resolve_dependencies_in_turn(app)
    return app


def _resolve_dependencies_in_turn(app: Litestar) -> None:
    """Litestar resolves the independent dependencies of a handler concurrently, in an anyio
    task group: about 100 µs a request on this machine. Ours are constructors and settings
    lookups that never wait on anything (a session is created, not connected), so running them
    one after the other, in the same dependency order, costs a few µs instead."""
    for route in app.routes:
        for _handler, kwargs_model in getattr(route, "route_handler_map", {}).values():
            batches = kwargs_model.dependency_batches
            if any(len(batch) > 1 for batch in batches):
                kwargs_model.dependency_batches = [{d} for batch in batches for d in batch]


def _skip_public_guards(app: Litestar) -> None:
    """Routes declare `guards=[public]` (the permission matrix reads it), but that guard lets
    everyone through, and Litestar copies the whole handler object for each guard it runs: some
    15 µs of a 60 µs public read. Drop it from the guards each handler runs (declared ones stay
    as they are)."""
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            guards = handler.resolve_guards()
            kept = [g for g in guards if not (isinstance(g, RoleGuard) and g.public)]
            if len(kept) != len(guards):
                handler._resolved_guards = kept  # Litestar's own cache of them


SERVICES: dict[str, Provide] = {
    "accounts": Provide(provide_account_service),
    "staff": Provide(provide_staff_service),
    "passwords": Provide(provide_password_service),
    "notifications": Provide(provide_notification_service),
    "documents": Provide(provide_document_service),
    "patents": Provide(provide_patents),
    "declarations": Provide(provide_declarations),
    "register": Provide(provide_register),
    "acceptance": Provide(provide_acceptance_service),
    "obligations": Provide(provide_obligation_service),
    "disputes": Provide(provide_disputes),
    "rewards": Provide(provide_rewards),
    "payment_reader": Provide(provide_payment_reader),
    "checkout": Provide(provide_checkout),
    "offline_payments": Provide(provide_offline_payments),
    "refunds": Provide(provide_refunds),
    "webhooks": Provide(provide_webhooks),
    "needs": Provide(provide_needs),
    "matching": Provide(provide_matching),
    "challenges": Provide(provide_challenges),
    "cooperation": Provide(provide_cooperation),
    "achievements": Provide(provide_achievements),
    "experts": Provide(provide_experts),
    "consulting": Provide(provide_consulting),
    "zones": Provide(provide_zones),
    "indicators": Provide(provide_indicators),
}
"""The domain services, by the name handlers ask for them (API and pages alike)."""


def _routes(settings: Settings, sessions: async_sessionmaker[AsyncSession]) -> list[Any]:
    """Every router: the JSON API by domain, the oversight read side, the pages, the assets."""
    return [
        health,
        accounts_router,
        catalogue_router,
        agreements_router,
        search_router,
        payments_router,
        notifications_router,
        documents_router,
        needs_router,
        challenges_router,
        achievements_router,
        experts_router,
        zones_router,
        indicators_router,
        oversight_router(settings, sessions),
        Router(path="/", route_handlers=[JobController]),
        web_router(sessions),
        web_config.static_router(),
    ]


def _middleware(settings: Settings, db_config: DatabaseConfig) -> list[Any]:
    return [
        web_config.session_config(settings).middleware,  # pages only; before auth
        DefineMiddleware(
            AuthMiddleware,
            settings=settings,
            db_config=db_config,
            exclude=["^/schema", "^/static"],
        ),
    ]


def _per_request(reads: PatentReads, db_config: DatabaseConfig) -> Provide:
    """`reads` bound to the request's session, which is opened only if a read needs it."""

    def provide(state: State, scope: Scope) -> PatentReads:
        return reads.for_request(db_config.session_on_demand(state, scope))

    return Provide(provide, sync_to_thread=False)


def _value(value: Any) -> Provide:
    return Provide(lambda: value, use_cache=True, sync_to_thread=False)


def _resources(
    engine: SearchEngine, owned: list[Any]
) -> Callable[[Litestar], AbstractAsyncContextManager[None]]:
    """Create the search index if missing at start-up; close what this app opened at exit."""

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        try:  # an unreachable engine must not stop the API: search answers 503 meanwhile
            await engine.ensure_index()
        except Exception:
            logging.getLogger("openlicense.search").warning("search index not ready at start-up")
        try:
            yield
        finally:
            for part in owned:
                await part.close()

    return lifespan


def _openapi() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="openlicense API",
        version="0.1.0",
        description=(
            "Patent open licensing (专利开放许可): catalogue, declarations and accounts. "
            "Errors are RFC 9457 problem details."
        ),
        path="/schema",
        render_plugins=web_config.openapi_renderers(),  # their assets served from /static
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
