"""GET /health: liveness plus database reachability, for load balancers and operators."""

from __future__ import annotations

from litestar import Response, get
from litestar.di import NamedDependency
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from openlicense.accounts.guards import public


@get("/health", guards=[public], tags=["operations"])
async def health(db_session: NamedDependency[AsyncSession]) -> Response[dict[str, object]]:
    """`200 {"status": "ok"}` when the database answers, `503` when it does not.

    Uses the request's own session: on SQLite a second connection would queue behind the
    write lock this request may already hold (see db._enable_sqlite_pragmas)."""
    try:
        await db_session.execute(text("SELECT 1"))
        database = {"status": "ok", "dialect": db_session.bind.dialect.name}
    except Exception as exc:  # any failure to reach the database means "down"
        database = {"status": "down", "error": type(exc).__name__}
    healthy = database["status"] == "ok"
    return Response(
        {"status": "ok" if healthy else "degraded", "database": database},
        status_code=200 if healthy else 503,
    )
