"""Admin routes that run a periodic task now (the background loops do it on their own)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, post
from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from openlicense.accounts.guards import allow
from openlicense.accounts.models import Role
from openlicense.agreements.schemas import JobRunReport
from openlicense.core.clock import Clock
from openlicense.jobs.tasks import drain_search, lifecycle_pass
from openlicense.search.engine import SearchEngine
from openlicense.search.outbox import DocumentSource
from openlicense.settings import Settings


class JobController(Controller):
    path = "/api/jobs"
    tags = ["operations"]
    guards = [allow(Role.ADMIN)]

    @post("/lifecycle", status_code=200)
    async def run_lifecycle_now(
        self,
        db_session: NamedDependency[AsyncSession],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
    ) -> JobRunReport:
        """Apply due agreement transitions now (the background worker does this periodically)."""
        report = await lifecycle_pass(db_session, settings, clock, sign_checkpoint=False)
        return JobRunReport(
            today=report.today,
            examined=report.examined,
            transitions=dict(report.transitions),
            mode="api",
        )

    @post("/search-sync", status_code=200)
    async def search_sync_now(
        self,
        session_maker: NamedDependency[async_sessionmaker[AsyncSession]],
        search_engine: NamedDependency[SearchEngine],
        document_source: NamedDependency[DocumentSource],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> dict[str, Any]:
        """Drain the search outbox now (the background worker does this every few seconds)."""
        report = await drain_search(session_maker, search_engine, document_source, settings, clock)
        return report.__dict__
