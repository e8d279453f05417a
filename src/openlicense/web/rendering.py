"""Rendering pages: an htmx request gets the partial, a full request the page; errors become
pages in the visitor's language (sign-in redirect for 401, a page for 403/404/409/422)."""

from __future__ import annotations

import logging
import urllib.parse
from typing import Any, Final

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotFoundException
from litestar.response import Redirect, Template
from litestar_htmx import HTMXRequest, HTMXTemplate

from openlicense.core.errors import OpenLicenseError, Unauthorized
from openlicense.problems import database_busy, database_unavailable, from_http_exception
from openlicense.web.explain import error_message
from openlicense.web.jinja import request_translator

logger = logging.getLogger("openlicense.web")

AnyRequest = Request[Any, Any, Any]
SEE_OTHER: Final = 303


def is_htmx(request: AnyRequest) -> bool:
    """An htmx request for a fragment (not a boosted navigation, which wants the page)."""
    if not isinstance(request, HTMXRequest):
        return False
    return bool(request.htmx) and not request.htmx.boosted


def page(
    request: AnyRequest,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    partial: str | None = None,
    status: int = 200,
    push_url: str | None = None,
) -> Template:
    """The page `template`, or only its `partial` for htmx (optionally pushing `push_url`)."""
    values = {"tr": request_translator(request), **(context or {})}
    if partial and is_htmx(request):
        return HTMXTemplate(
            template_name=partial,
            context=values,
            status_code=status,
            push_url=push_url,
        )
    return Template(template_name=template, context=values, status_code=status)


def redirect(request: AnyRequest, path: str) -> Response[Any]:
    """303 to `path` after a form post; htmx follows `HX-Redirect` instead (a full navigation)."""
    if is_htmx(request):
        return Response(content=b"", status_code=204, headers={"HX-Redirect": path})
    return Redirect(path=path, status_code=SEE_OTHER)


def local_path(target: str | None, default: str = "/") -> str:
    """Only a path on this site (no scheme, no host, no `//`): no open redirects."""
    if not target:
        return default
    parsed = urllib.parse.urlsplit(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def login_url(request: AnyRequest) -> str:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return "/login?" + urllib.parse.urlencode({"next": here})


NOT_PAGES: Final = ("/api", "/webhooks", "/schema", "/static", "/health")


def not_found(request: AnyRequest, exc: NotFoundException) -> Response[Any]:
    """App-wide 404 for addresses no route serves: a page for people, a problem for the API."""
    if request.url.path.startswith(NOT_PAGES):
        return from_http_exception(exc).to_response(request)
    return page_error(request, exc)


def page_error(request: AnyRequest, exc: Exception) -> Response[Any]:
    """Router-level exception handler of the pages (the API keeps its problem details)."""
    if isinstance(exc, Unauthorized):
        return redirect(request, login_url(request))
    tr = request_translator(request)
    code = "internal_error"
    if isinstance(exc, OpenLicenseError):
        status, message, code = exc.http_status, error_message(tr, exc), exc.instance_code
    elif isinstance(exc, HTTPException):
        status, code = exc.status_code, f"http_{exc.status_code}"
        message = tr.gettext("The request could not be handled.")
        if status == 404:
            message = tr.gettext("This page does not exist.")
        elif status == 400:
            message = tr.gettext("Some values in the address are not valid.")
        if status >= 500:
            logger.error("page error: %s", exc.detail, exc_info=exc)
    elif database_unavailable(exc) or database_busy(exc):
        logger.warning("page answered 503, database busy or unreachable: %s", exc)
        status, code = 503, "database_unavailable"
        message = tr.gettext("The service is briefly unavailable. Please try again in a moment.")
    else:
        logger.exception("unhandled page error", exc_info=exc)
        status, message = 500, tr.gettext("Something went wrong on our side. Please try again.")
    response = page(request, "error.html", {"status": status, "message": message}, status=status)
    response.headers["X-Error-Code"] = code  # the stable code, as the API's problem has it
    if status == 503:
        response.headers["Retry-After"] = "2"
    return response
