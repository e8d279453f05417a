"""Log every audit-API request (who, what, when, outcome), visible to platform admins.

An ASGI middleware on the audit router: it notes the response status as it is sent and writes
the row afterwards in its own short transaction, so refused and failed reads are logged too."""

from __future__ import annotations

from typing import TYPE_CHECKING

from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware

from openlicense.oversight.models import AuditAccess

if TYPE_CHECKING:
    from litestar.types import ASGIApp, Message, Receive, Scope, Send
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker


class AuditAccessMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    def __init__(self, session_maker: async_sessionmaker[AsyncSession]) -> None:
        self.session_maker = session_maker

    def __deepcopy__(self, memo: dict[int, object]) -> AuditAccessMiddleware:
        # Litestar copies routers when it registers them; the session maker is shared, not data.
        return self

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        status = {"code": 500}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await next_app(scope, receive, capture)
        finally:
            await self._record(scope, status["code"])

    async def _record(self, scope: Scope, status_code: int) -> None:
        principal = scope.get("user")
        query = scope.get("query_string", b"").decode("latin-1") or None
        async with self.session_maker() as session, session.begin():
            session.add(
                AuditAccess(
                    user_id=getattr(principal, "user_id", None),
                    via_api_key=bool(getattr(principal, "via_api_key", False)),
                    method=str(scope.get("method", "GET")),
                    path=scope.get("path", "")[:300],
                    query=query,
                    status_code=status_code,
                )
            )
