"""The web pages: one more entry point over the same services as the JSON API and the CLI.

`web_router` lists every page controller, one module per audience, as `app.py` lists the API
routers; `config` builds the app-level parts (templates, page session, CSRF, static files)."""

from __future__ import annotations

from typing import Final

from litestar import Router
from litestar.datastructures import ResponseHeader
from litestar.exceptions import HTTPException, ValidationException
from litestar_htmx import HTMXRequest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from openlicense.core.errors import OpenLicenseError
from openlicense.oversight.access_log import AuditAccessMiddleware
from openlicense.web.account import AccountPages
from openlicense.web.admin import AdminPages
from openlicense.web.demand import DEMAND_CONTROLLERS
from openlicense.web.demand_contribute import ContributionPages
from openlicense.web.deps import DEPENDENCIES
from openlicense.web.office import OfficePages
from openlicense.web.people import PeoplePages
from openlicense.web.public import PublicPages
from openlicense.web.rendering import page_error
from openlicense.web.sme import SME_CONTROLLERS
from openlicense.web.tto import TtoPages
from openlicense.web.tto_declare import DeclarePages
from openlicense.web.tto_import import ImportPages

SECURITY_HEADERS: Final = [
    ResponseHeader(
        name="Content-Security-Policy",
        value=(
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; font-src 'self'; object-src 'none'; base-uri 'self'; "
            "frame-ancestors 'none'"
        ),
    ),
    ResponseHeader(name="X-Content-Type-Options", value="nosniff"),
    ResponseHeader(name="Referrer-Policy", value="same-origin"),
    ResponseHeader(name="X-Frame-Options", value="DENY"),
    ResponseHeader(name="Cache-Control", value="private, no-cache"),
    ResponseHeader(name="Vary", value="Cookie, Accept-Language, HX-Request"),
]


def web_router(session_maker: async_sessionmaker[AsyncSession]) -> Router:
    """Every page, by audience. IP-office pages are logged like the audit API's reads."""
    office = Router(
        path="/",
        route_handlers=[OfficePages],
        middleware=[AuditAccessMiddleware(session_maker)],
    )
    return Router(
        path="/",
        route_handlers=[
            PublicPages,
            AccountPages,
            *SME_CONTROLLERS,
            TtoPages,
            DeclarePages,
            ImportPages,
            office,
            AdminPages,
            PeoplePages,
            *DEMAND_CONTROLLERS,
            ContributionPages,
        ],
        dependencies=DEPENDENCIES,
        request_class=HTMXRequest,
        # The same keys as the app's problem-details handlers, so the pages' win here.
        exception_handlers={
            OpenLicenseError: page_error,
            ValidationException: page_error,
            HTTPException: page_error,
            Exception: page_error,
        },
        response_headers=SECURITY_HEADERS,
        include_in_schema=False,
    )
