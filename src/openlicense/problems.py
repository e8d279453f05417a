"""RFC 9457 problem details: the one error format for every 4xx/5xx the API returns, and the
OpenAPI documentation of them.

Every API operation documents the problem responses it can return (with an example each), in
one place (`document`) instead of on ~100 decorators. The statuses follow from the operation:
every `/api` call can be refused as a bad request (400), with bad credentials (401), as
unprocessable input (422: schema validation or a domain rule), as too large (413), as not found
(404: an id in the path or the body), or while the database is busy (503, retry); a guarded
route adds 403; a write, 409 (a state conflict, or a rule whose state must change first); the
audit API's rate limit, 429. 500 is never documented: it is a bug, and `make fuzz` fails on it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from litestar._openapi.plugin import OpenAPIPlugin
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.spec import (
    Example,
    OpenAPIMediaType,
    OpenAPIResponse,
    Operation,
    Reference,
    Schema,
)
from litestar.openapi.spec.enums import OpenAPIType
from litestar.plugins.problem_details import (
    ProblemDetailsConfig,
    ProblemDetailsException,
    ProblemDetailsPlugin,
)
from sqlalchemy.exc import DBAPIError, OperationalError, TimeoutError as SQLAlchemyTimeoutError

from openlicense.accounts.guards import RoleGuard
from openlicense.core.errors import OpenLicenseError, RuleViolationError
from openlicense.core.patch import patch_models

if TYPE_CHECKING:
    from litestar import Litestar
    from litestar.openapi.spec import OpenAPI
    from litestar.routes import HTTPRoute

logger = logging.getLogger("openlicense")

PROBLEM_BASE = "https://openlicense.cn/problems/"


def _problem(
    status: int, code: str, detail: str, *, title: str | None = None, **extra: Any
) -> ProblemDetailsException:
    headers = extra.pop("headers", None)
    return ProblemDetailsException(
        status_code=status,
        type_=PROBLEM_BASE + code,
        title=title or HTTPStatus(status).phrase,
        detail=detail,
        extra={"code": code, **extra},
        headers=headers,
    )


def from_domain_error(exc: OpenLicenseError) -> ProblemDetailsException:
    extra: dict[str, Any] = dict(exc.extra)
    if isinstance(exc, RuleViolationError):
        extra["violations"] = [v.as_dict() for v in exc.violations]
    return _problem(exc.http_status, exc.instance_code, exc.detail, title=exc.title, **extra)


def from_validation_error(exc: ValidationException) -> ProblemDetailsException:
    errors = [
        {"field": e.get("key"), "message": e.get("message"), "source": e.get("source")}
        for e in (exc.extra if isinstance(exc.extra, list) else [])
    ]
    # Litestar names a missing header or query parameter only in its message.
    detail = "The request has invalid fields." if errors else exc.detail
    return _problem(422, "validation_failed", detail, errors=errors)


def from_http_exception(exc: HTTPException) -> ProblemDetailsException:
    status = exc.status_code
    if status >= 500:
        logger.error("server error: %s", exc.detail, exc_info=exc)
    code = HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")
    detail = exc.detail if status < 500 else "The server failed to handle the request."
    return _problem(status, code, detail, headers=exc.headers)


BUSY_MARKERS = ("database is locked", "database is busy", "could not obtain lock")


def database_busy(exc: BaseException) -> bool:
    """A writer that waited its whole busy timeout (SQLite), a lock wait timeout, or no pool
    connection in time: the request can be retried, nothing was written."""
    if isinstance(exc, SQLAlchemyTimeoutError):
        return True
    if isinstance(exc, OperationalError | DBAPIError):
        text = str(exc.orig if exc.orig is not None else exc).lower()
        return any(marker in text for marker in BUSY_MARKERS)
    return False


UNAVAILABLE_MARKERS = (
    "connection refused",
    "connection is closed",
    "connection was closed",
    "server closed the connection",
    "terminating connection",
    "the database system is",  # … starting up / shutting down / in recovery mode
    "connection reset",
    "connection does not exist",
    "cannot connect now",
    "can't reconnect until invalid transaction",  # the connection died inside a transaction
)


def database_unavailable(exc: BaseException) -> bool:
    """The database cannot be reached or dropped the connection (a restart, a failover): the
    request can be retried, and its transaction was not committed (`db.commit`)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, DBAPIError) and current.connection_invalidated:
            return True
        if isinstance(current, ConnectionError):
            return True
        text = f"{type(current).__name__} {current}".lower()
        if any(marker in text for marker in UNAVAILABLE_MARKERS):
            return True
        orig = current.orig if isinstance(current, DBAPIError) else None
        current = orig if isinstance(orig, BaseException) else current.__cause__
    return False


RETRYABLE: tuple[tuple[Callable[[BaseException], bool], str, str, str], ...] = (
    (
        database_unavailable,
        "database_unavailable",
        "The database cannot be reached right now; the request did not complete. Retry soon.",
        "2",
    ),
    (
        database_busy,
        "database_busy",
        "The database is busy with other writes; nothing was changed. Retry shortly.",
        "1",
    ),
)
"""Failures a client retries: test, stable code, detail, Retry-After seconds."""


def from_unexpected(exc: Exception) -> ProblemDetailsException:
    for applies, code, detail, retry_after in RETRYABLE:
        if applies(exc):
            logger.warning("%s: %s", code, exc)
            return _problem(503, code, detail, headers={"Retry-After": retry_after})
    logger.exception("unhandled error", exc_info=exc)
    # Never leak internals: no message, no trace.
    return _problem(500, "internal_error", "The server failed to handle the request.")


def problem_details_plugin() -> ProblemDetailsPlugin:
    return ProblemDetailsPlugin(
        ProblemDetailsConfig(
            exception_to_problem_detail_map={
                OpenLicenseError: from_domain_error,
                ValidationException: from_validation_error,
                HTTPException: from_http_exception,
                Exception: from_unexpected,
            }
        )
    )


# --- OpenAPI: the problem responses of every operation ------------------------------------

PROBLEM = "Problem"
PROBLEM_MEDIA = "application/problem+json"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

_EXAMPLES: dict[int, tuple[str, str]] = {
    400: ("bad_request", "The request body is not valid JSON."),
    401: ("unauthorized", "Sign in (Bearer token) or send an API key to use this endpoint."),
    403: ("role_not_allowed", "Role enterprise_member may not call this endpoint."),
    404: ("not_found", "No such patent."),
    409: ("exclusive_licence_active", "rule 3: an exclusive licence runs until 2027-06-30."),
    410: ("link_expired", "This link is invalid or has expired; ask for a new one."),
    413: ("request_entity_too_large", "The request body is too large."),
    422: ("validation_failed", "The request has invalid fields."),
    429: ("too_many_requests", "Rate limit exceeded; retry after the Retry-After seconds."),
    503: (
        "database_busy",
        "The database is busy or unreachable (database_busy, database_unavailable, "
        "commit_failed); nothing was changed. Retry after Retry-After seconds.",
    ),
}


def problem_schema() -> Schema:
    """RFC 9457 problem details as openlicense writes them (`problems.py`)."""
    string = Schema(type=OpenAPIType.STRING)
    entry = Schema(type=OpenAPIType.OBJECT, additional_properties=True)
    return Schema(
        type=OpenAPIType.OBJECT,
        required=["type", "title", "status", "detail", "code"],
        properties={
            "type": string,
            "title": string,
            "status": Schema(type=OpenAPIType.INTEGER),
            "detail": string,
            "code": string,
            "violations": Schema(
                type=OpenAPIType.ARRAY,
                items=Schema(
                    type=OpenAPIType.OBJECT,
                    properties={
                        "rule": Schema(type=OpenAPIType.INTEGER),
                        "code": string,
                        "message": string,
                        "field": Schema(one_of=[string, Schema(type=OpenAPIType.NULL)]),
                    },
                    additional_properties=True,
                ),
            ),
            "errors": Schema(type=OpenAPIType.ARRAY, items=entry),
        },
        additional_properties=True,
    )


def _response(status: int) -> OpenAPIResponse:
    code, detail = _EXAMPLES[status]
    example = {
        "type": f"https://openlicense.cn/problems/{code}",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
    }
    return OpenAPIResponse(
        description=HTTPStatus(status).phrase,
        content={
            PROBLEM_MEDIA: OpenAPIMediaType(
                schema=Reference(ref=f"#/components/schemas/{PROBLEM}"),
                examples={code: Example(value=example)},
            )
        },
    )


def statuses(path: str, method: str, guarded: bool) -> list[int]:
    """The problem statuses an operation may answer with."""
    found = {400, 401, 404, 413, 422, 503}
    if guarded:
        found.add(403)
    if method in WRITE_METHODS:
        found.add(409)
    if path.startswith("/api/audit") or path in THROTTLED:
        found.add(429)
    if path in SINGLE_USE_LINKS:
        found.add(410)  # a used or expired invitation or reset link
    return sorted(found)


THROTTLED = frozenset({"/api/auth/login"})
"""Login throttling per account and per address answers 429 (accounts.throttle)."""
SINGLE_USE_LINKS = frozenset({"/api/invitations/accept", "/api/auth/password-reset/confirm"})


def document(openapi: OpenAPI, routes: dict[str, HTTPRoute]) -> OpenAPI:
    """Add the problem responses to every `/api` operation of `openapi`."""
    openapi.components.schemas = {**(openapi.components.schemas or {}), PROBLEM: problem_schema()}
    guarded = _guarded_operations(routes)
    for path, item in (openapi.paths or {}).items():
        if not path.startswith("/api"):
            continue
        for method in ("get", "post", "put", "patch", "delete"):
            operation: Operation | None = getattr(item, method, None)
            if operation is None:
                continue
            responses = dict(operation.responses or {})
            is_guarded = guarded.get((path, method.upper()), True)
            for status in statuses(path, method.upper(), is_guarded):
                responses[str(status)] = _response(status)
            operation.responses = responses
    return openapi


def _guarded_operations(routes: dict[str, HTTPRoute]) -> dict[tuple[str, str], bool]:
    out: dict[tuple[str, str], bool] = {}
    for route in routes.values():
        for handler in route.route_handlers:
            guards = [g for layer in handler.ownership_layers for g in (layer.guards or [])]
            public = any(isinstance(g, RoleGuard) and g.public for g in guards)
            for method in handler.http_methods:
                out[(route.path_format or "/", method)] = not public
    return out


class ProblemDocumentingOpenAPIPlugin(OpenAPIPlugin):
    __slots__ = ()

    def _build_openapi(self) -> OpenAPI:
        return document(not_null(super()._build_openapi()), self.included_routes)


def not_null(openapi: OpenAPI) -> OpenAPI:
    """PATCH fields typed ``X | NotNull`` (core.patch) are optional but never `null`: drop the
    null alternative Litestar writes for them, so the document says what the server accepts."""
    schemas = (openapi.components.schemas or {}) if openapi.components else {}
    for model in patch_models():
        component = schemas.get(model.__name__)
        properties = component.properties if isinstance(component, Schema) else None
        for name in model.not_null_fields() if properties else []:
            field = properties.get(name) if properties else None
            if not isinstance(field, Schema) or not (field.one_of or field.any_of):
                continue
            options = [o for o in (field.one_of or field.any_of or []) if not _is_null(o)]
            if properties is not None and len(options) == 1:
                properties[name] = options[0]
            elif field.one_of:
                field.one_of = options
            else:
                field.any_of = options
    return openapi


def _is_null(schema: Any) -> bool:
    return isinstance(schema, Schema) and schema.type == OpenAPIType.NULL


def document_in(app: Litestar) -> None:
    """Make `app`'s schema document the problem responses (built lazily, on first request)."""
    plugin = app.plugins.get(OpenAPIPlugin)
    plugin.__class__ = ProblemDocumentingOpenAPIPlugin
