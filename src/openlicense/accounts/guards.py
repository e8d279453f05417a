"""Route guards. Every route names who may call it: `allow(...)` or `public`.

The role × endpoint matrix test reads `roles` and `public` from these guards. A guard is a
coroutine: Litestar runs a plain-function guard in a worker thread, a hop every request would
pay."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from openlicense.accounts.errors import ApiKeyNotAllowed, RoleNotAllowed
from openlicense.accounts.models import Role
from openlicense.core.errors import Unauthorized

ALL_ROLES = frozenset(Role)


@dataclass(frozen=True, slots=True)
class RoleGuard:
    """Only signed-in users with one of `roles` (or anyone, when `public`). API keys are refused
    unless `api_keys`: machine access is for read-only routes."""

    roles: frozenset[Role]
    public: bool = False
    api_keys: bool = False

    async def __call__(
        self, connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
    ) -> None:
        if self.public:
            return  # handlers still filter what anonymous callers may see
        principal = connection.scope.get("user")
        if principal is None:
            raise Unauthorized("Sign in (Bearer token) or send an API key to use this endpoint.")
        if principal.via_api_key and not self.api_keys:
            raise ApiKeyNotAllowed("API keys may not call this endpoint.")
        if principal.role not in self.roles:
            raise RoleNotAllowed(f"Role {principal.role.value} may not call this endpoint.")


def allow(*roles: Role, api_keys: bool = False) -> RoleGuard:
    return RoleGuard(frozenset(roles), api_keys=api_keys)


public = RoleGuard(ALL_ROLES, public=True, api_keys=True)
"""Anyone, signed in or not."""

signed_in = allow(*Role)
