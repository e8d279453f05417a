"""GET /health: liveness plus database reachability, for load balancers and operators."""

from __future__ import annotations

from litestar import Response, get
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from openlicense.accounts.guards import public


@get("/health", guards=[public], tags=["operations"])
async def health(db_engine: AsyncEngine) -> Response[dict[str, object]]:
    """`200 {"status": "ok"}` when the database answers, `503` when it does not."""
    try:
        async with db_engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        database = {"status": "ok", "dialect": db_engine.dialect.name}
    except Exception as exc:  # any failure to reach the database means "down"
        database = {"status": "down", "error": type(exc).__name__}
    healthy = database["status"] == "ok"
    return Response(
        {"status": "ok" if healthy else "degraded", "database": database},
        status_code=200 if healthy else 503,
    )
