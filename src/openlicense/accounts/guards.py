"""Route guards. Every route names who may call it: `allow(...)` or `public`.

The role × endpoint matrix test reads `__roles__` from these guards. They are coroutines:
Litestar runs a plain-function guard in a worker thread, a hop every request would pay."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from openlicense.accounts.models import Role
from openlicense.core.errors import Forbidden, Unauthorized

Guard = Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], Awaitable[None]]

ALL_ROLES = frozenset(Role)


def allow(*roles: Role, api_keys: bool = False) -> Guard:
    """Only signed-in users with one of `roles`. API keys are refused unless `api_keys`:
    machine access is for read-only audit routes."""
    allowed = frozenset(roles)

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        principal = connection.scope.get("user")
        if principal is None:
            raise Unauthorized("Sign in (Bearer token) or send an API key to use this endpoint.")
        if principal.via_api_key and not api_keys:
            raise Forbidden("API keys may not call this endpoint.", code="api_key_not_allowed")
        if principal.role not in allowed:
            raise Forbidden(
                f"Role {principal.role.value} may not call this endpoint.", code="role_not_allowed"
            )

    guard.__roles__ = allowed  # type: ignore[attr-defined]
    guard.__public__ = False  # type: ignore[attr-defined]
    return guard


async def public(_: ASGIConnection[Any, Any, Any, Any], __: BaseRouteHandler) -> None:
    """Anyone, signed in or not. Handlers still filter what anonymous callers may see."""


public.__roles__ = ALL_ROLES  # type: ignore[attr-defined]
public.__public__ = True  # type: ignore[attr-defined]

signed_in = allow(*Role)
