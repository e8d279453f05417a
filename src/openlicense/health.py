"""GET /health: liveness plus database reachability, for load balancers and operators.

A load balancer may ask many times a second; the database is asked at most once per
`CHECK_SECONDS` (concurrent requests share the one check in flight), so `/health` costs about
what a bare handler costs and cannot itself load the database."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from litestar import Request, Response, get
from litestar.di import NamedDependency
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from openlicense.accounts.guards import public

CHECK_SECONDS = 1.0


@dataclass
class _DatabaseCheck:
    checked_at: float = float("-inf")
    result: dict[str, str] = field(default_factory=dict)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def status(self, sessions: async_sessionmaker[AsyncSession]) -> dict[str, str]:
        if time.monotonic() - self.checked_at < CHECK_SECONDS:
            return self.result
        async with self.lock:
            if time.monotonic() - self.checked_at >= CHECK_SECONDS:
                self.result = await _ask(sessions)
                self.checked_at = time.monotonic()
        return self.result


async def _ask(sessions: async_sessionmaker[AsyncSession]) -> dict[str, str]:
    try:
        async with sessions() as session:
            await session.execute(text("SELECT 1"))
            return {"status": "ok", "dialect": session.get_bind().dialect.name}
    except Exception as exc:  # any failure to reach the database means "down"
        return {"status": "down", "error": type(exc).__name__}


@get("/health", guards=[public], tags=["operations"], opt={"db": "autocommit"})
async def health(
    request: Request[Any, Any, Any],
    session_maker: NamedDependency[async_sessionmaker[AsyncSession]],
) -> Response[dict[str, object]]:
    """`200 {"status": "ok"}` when the database answered (within the last second), `503` when
    it did not."""
    check = request.app.state.setdefault("database_check", _DatabaseCheck())
    database = await check.status(session_maker)
    healthy = database["status"] == "ok"
    return Response(
        {"status": "ok" if healthy else "degraded", "database": database},
        status_code=200 if healthy else 503,
    )
