"""Log every audit-API request (who, what, when, outcome), visible to platform admins.

An ASGI middleware on the audit router: it notes the response status as it is sent and writes
the row afterwards in its own short transaction, so refused and failed reads are logged too."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from litestar.middleware import AbstractMiddleware

from openlicense.audit.models import AuditAccess

if TYPE_CHECKING:
    from litestar.types import Message, Receive, Scope, Send


class AuditAccessMiddleware(AbstractMiddleware):
    scopes = {"http"}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        status = {"code": 500}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            await _record(scope, status["code"])


async def _record(scope: Any, status_code: int) -> None:
    principal = scope.get("user")
    maker = scope["litestar_app"].state.get("session_maker")
    if maker is None:
        return
    query = scope.get("query_string", b"").decode("latin-1") or None
    async with maker() as session, session.begin():
        session.add(
            AuditAccess(
                user_id=getattr(principal, "user_id", None),
                via_api_key=bool(getattr(principal, "via_api_key", False)),
                method=scope.get("method", "GET"),
                path=scope.get("path", "")[:300],
                query=query,
                status_code=status_code,
            )
        )
