"""RFC 9457 problem details: the one error format for every 4xx/5xx the API returns."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from litestar.exceptions import HTTPException, ValidationException
from litestar.plugins.problem_details import (
    ProblemDetailsConfig,
    ProblemDetailsException,
    ProblemDetailsPlugin,
)
from sqlalchemy.exc import DBAPIError, OperationalError, TimeoutError as SQLAlchemyTimeoutError

from openlicense.core.errors import OpenLicenseError, RuleViolationError

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


def from_unexpected(exc: Exception) -> ProblemDetailsException:
    if database_busy(exc):
        logger.warning("database busy: %s", exc)
        return _problem(
            503,
            "database_busy",
            "The database is busy with other writes; nothing was changed. Retry shortly.",
            headers={"Retry-After": "1"},
        )
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
