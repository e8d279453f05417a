"""Domain errors, raised by meaning in services and rules, mapped once to RFC 9457 problems."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from openlicense.core.violations import RuleViolation


class OpenLicenseError(Exception):
    """Base of every expected business refusal. Never rendered as a 500."""

    status_code: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"
    title: ClassVar[str] = "Bad request"

    def __init__(self, detail: str, *, code: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.instance_code = code or self.code
        self.extra = extra

    @property
    def http_status(self) -> int:
        return self.status_code


class NotFound(OpenLicenseError):
    status_code = 404
    code = "not_found"
    title = "Not found"


class Conflict(OpenLicenseError):
    status_code = 409
    code = "conflict"
    title = "Conflict"


class Forbidden(OpenLicenseError):
    status_code = 403
    code = "forbidden"
    title = "Forbidden"


class Unauthorized(OpenLicenseError):
    status_code = 401
    code = "unauthorized"
    title = "Authentication required"


class Invalid(OpenLicenseError):
    status_code = 422
    code = "invalid"
    title = "Unprocessable content"


class RuleViolationError(OpenLicenseError):
    """Domain rules (domain.md §4) refused the action; each violation keeps its rule and code.

    A state conflict (e.g. an active exclusive licence) is a 409; content that can never be
    accepted (e.g. a licence period past expiry) is a 422. Mixed → 409, the state must change first.
    """

    def __init__(self, violations: list[RuleViolation]) -> None:
        first = violations[0]
        super().__init__(first.message, code=first.code)
        self.violations = violations

    @property
    def http_status(self) -> int:
        return 409 if any(v.kind == "conflict" for v in self.violations) else 422
