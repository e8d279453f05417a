"""The PostgreSQL job queue: two `openlicense worker`s side by side run each scheduled task once
per scheduled time, and the tasks do their work (the outbox reaches the search engine)."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from builders import make_actor, patent_payload
from fakes import FakeSearchEngine
from openlicense.accounts.models import OrganisationKind
from openlicense.catalogue.service.indexing import CatalogueDocuments
from openlicense.core.clock import FixedClock
from openlicense.jobs.queue import Resources, build_queue, libpq_dsn
from openlicense.settings import JobsSettings, Settings


def test_the_queue_needs_postgresql() -> None:
    assert libpq_dsn("postgresql+asyncpg://u:p@h:5432/db") == "postgresql://u:p@h:5432/db"
    with pytest.raises(ValueError, match="PostgreSQL"):
        libpq_dsn("sqlite+aiosqlite:///x.sqlite3")


@pytest.mark.postgres
async def test_two_workers_run_each_scheduled_task_once(
    client: AsyncTestClient,
    settings: Settings,
    clock: FixedClock,
    db_sessionmaker: async_sessionmaker,
    engine: AsyncEngine,
) -> None:
    tto = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    created = await client.post("/api/patents", json=patent_payload(), headers=tto.headers)
    assert created.status_code == 201
    every_second = JobsSettings(
        mode="worker",
        search_cron="* * * * * *",
        lifecycle_cron="* * * * * *",
        checkpoint_cron="* * * * * *",
    )
    local = settings.model_copy(update={"jobs": every_second})
    search = FakeSearchEngine()
    resources = Resources(local, clock, db_sessionmaker, search, CatalogueDocuments())
    queues = [build_queue(resources), build_queue(resources)]
    async with contextlib.AsyncExitStack() as stack:
        for queue in queues:
            await stack.enter_async_context(queue.open_async())
        workers = [
            asyncio.create_task(
                queue.run_worker_async(concurrency=2, install_signal_handlers=False)
            )
            for queue in queues
        ]
        await asyncio.sleep(4.5)
        for task in workers:
            task.cancel()
        for task in workers:
            with contextlib.suppress(asyncio.CancelledError):
                await task
    async with engine.begin() as conn:
        duplicates = (
            await conn.execute(
                text(
                    "SELECT task_name, args->>'timestamp', count(*) FROM procrastinate_jobs "
                    "GROUP BY 1, 2 HAVING count(*) > 1"
                )
            )
        ).all()
        runs = dict(
            (
                await conn.execute(
                    text(
                        "SELECT task_name, count(DISTINCT args->>'timestamp') "
                        "FROM procrastinate_jobs WHERE status = 'succeeded' GROUP BY 1"
                    )
                )
            ).all()
        )
        await conn.execute(text("TRUNCATE procrastinate_jobs, procrastinate_workers CASCADE"))
    assert duplicates == []
    assert runs.get("search.drain", 0) >= 2
    assert runs.get("lifecycle.pass", 0) >= 2
    assert runs.get("ledger.checkpoint", 0) >= 2
    assert created.json()["id"] in search.docs  # the outbox row reached the engine


async def test_a_dry_run_reports_what_would_change_and_changes_nothing(
    client: AsyncTestClient,
    settings: Settings,
    clock: FixedClock,
    db_sessionmaker: async_sessionmaker,
) -> None:
    import datetime

    from licensing import make_market
    from openlicense.jobs.tasks import run_lifecycle_once

    market = await make_market(client, db_sessionmaker, clock)
    declaration = await market.declare(
        {"type": "FREE"}, licence_start="2026-11-23", licence_end="2027-11-22"
    )
    agreement = (await market.accept(declaration["id"])).json()
    assert agreement["status"] == "effective"
    later = FixedClock(datetime.datetime(2028, 1, 1, tzinfo=datetime.UTC))
    preview = await run_lifecycle_once(db_sessionmaker, settings, later, dry_run=True)
    assert preview.transitions["ended"] == 1
    url = f"/api/agreements/{agreement['id']}"
    assert (await client.get(url, headers=market.sme.headers)).json()["status"] == "effective"
    applied = await run_lifecycle_once(db_sessionmaker, settings, later)
    assert applied.transitions["ended"] == 1
    assert (await client.get(url, headers=market.sme.headers)).json()["status"] == "ended"


def test_cli_jobs_run_on_a_future_day_is_a_dry_run_unless_forced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from openlicense.cli import main

    monkeypatch.setenv("OPENLICENSE_DATABASE__URL", f"sqlite+aiosqlite:///{tmp_path / 'j.db'}")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    future = runner.invoke(main, ["jobs", "run", "--today", "2099-01-01"])
    assert future.exit_code == 0, future.output
    assert "dry run" in future.output
    forced = runner.invoke(main, ["jobs", "run", "--today", "2099-01-01", "--force"])
    assert forced.exit_code == 0 and "dry run" not in forced.output
    past = runner.invoke(main, ["jobs", "run", "--today", "2020-01-01"])
    assert past.exit_code == 0 and "dry run" not in past.output
