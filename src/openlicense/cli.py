"""The `openlicense` command: db upgrade, seed, import, serve."""

from __future__ import annotations

import asyncio
import datetime
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import click
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from openlicense.cli_audit import audit
from openlicense.jobs import mail_cli
from openlicense.settings import Settings

console = Console()


@click.group()
@click.pass_context
def main(ctx: click.Context) -> None:
    """openlicense: patent open-licensing marketplace. Settings come from OPENLICENSE_* env vars."""
    ctx.obj = Settings()


@main.group()
def db() -> None:
    """Database migrations (Alembic)."""


@db.command("upgrade")
@click.argument("revision", default="head")
@click.pass_obj
def db_upgrade(settings: Settings, revision: str) -> None:
    """Migrate the database up to REVISION (default: head)."""
    from openlicense.db.migrate import alembic_commands

    alembic_commands(settings).upgrade(revision)
    console.print(f"[green]Database at {revision}[/green]")


@db.command("downgrade")
@click.argument("revision")
@click.pass_obj
def db_downgrade(settings: Settings, revision: str) -> None:
    """Migrate the database down to REVISION."""
    from openlicense.db.migrate import alembic_commands

    alembic_commands(settings).downgrade(revision)


@db.command("current")
@click.pass_obj
def db_current(settings: Settings) -> None:
    """Show the database's current revision."""
    from openlicense.db.migrate import alembic_commands

    alembic_commands(settings).current(verbose=True)


@db.command("check")
@click.pass_obj
def db_check(settings: Settings) -> None:
    """Fail if the models and the migrations disagree."""
    from openlicense.db.migrate import alembic_commands

    alembic_commands(settings).check()


@main.command()
@click.option(
    "--patents", "patent_count", default=2000, show_default=True, type=click.IntRange(0, 1_000_000)
)
@click.option(
    "--licences",
    "licence_count",
    default=60,
    show_default=True,
    type=click.IntRange(0, 10_000),
    help="Demo acceptances of free licences and trials (statistics, dashboards).",
)
@click.pass_obj
def seed(settings: Settings, patent_count: int, licence_count: int) -> None:
    """Load the deterministic demo data set. Idempotent: a second run adds nothing."""
    from openlicense.seed.demand import seed_demand
    from openlicense.seed.generate import SeedReport, seed as run_seed
    from openlicense.seed.licences import seed_licences

    async def _run() -> tuple[SeedReport, int, int]:
        today = datetime.datetime.now(datetime.UTC).date()
        async with _database(settings) as sessions:
            with Progress(console=console, transient=True) as progress:
                task = progress.add_task("Seeding patents", total=patent_count)
                report = await run_seed(
                    sessions,
                    patents=patent_count,
                    today=today,
                    progress=lambda n: progress.update(task, advance=n),
                )
            made = await seed_licences(sessions, count=licence_count, today=today)
            needs = await seed_demand(sessions, today=today)
            return report, made, needs

    report, made, needs = asyncio.run(_run())
    console.print(
        f"[green]Seeded[/green] {report}; {made} demo licences; {needs} demo needs "
        "(with challenges, achievements, experts, zones and events)"
    )


@main.group("import")
def import_group() -> None:
    """Bulk imports."""


@import_group.command("patents")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--university", "university", required=True, help="Owning university: id or exact name."
)
@click.option(
    "--partial", is_flag=True, help="Import the valid rows even if some rows are invalid."
)
@click.pass_obj
def import_patents(settings: Settings, file: Path, university: str, partial: bool) -> None:
    """Import patents from FILE (.csv or .xlsx). All-or-nothing unless --partial."""
    from openlicense.catalogue.imports import ImportReport
    from openlicense.catalogue.service.imports import import_file
    from openlicense.core.clock import SystemClock

    async def _run() -> ImportReport:
        async with _database(settings) as sessions:
            organisation_id = await _university_id(sessions, university)
            with Progress(console=console, transient=True) as progress:
                # The file is read as it is imported: the total is not known beforehand.
                task = progress.add_task(f"Importing {file.name}", total=None)
                return await import_file(
                    sessions,
                    organisation_id,
                    file,
                    all_or_nothing=not partial,
                    progress=lambda created: progress.update(task, completed=created),
                    clock=SystemClock(),
                )

    try:
        report = asyncio.run(_run())
    except ValueError as exc:  # an unreadable file: nothing was written
        raise click.ClickException(str(exc)) from exc
    if report.errors:
        table = Table("row", "field", "reason", title=f"{len(report.errors)} invalid rows")
        for error in report.errors:
            table.add_row(str(error.row), error.field, error.reason)
        console.print(table)
    console.print(f"Created {report.created} of {report.rows} patents.")
    sys.exit(1 if report.errors else 0)


@main.group()
def jobs() -> None:
    """Scheduled work."""


@jobs.command("run")
@click.option(
    "--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="Pretend it is this day (UTC)."
)
@click.option("--force", is_flag=True, help="Apply a --today in the future for real.")
@click.pass_obj
def jobs_run(settings: Settings, today: datetime.datetime | None, force: bool) -> None:
    """Apply due agreement transitions once (trial ends, overdue → suspended → terminated, …).

    A --today in the future is a dry run (what would change, nothing saved) unless --force:
    pretending it is next year would otherwise suspend and end real licences."""
    from openlicense.agreements.service import LifecycleReport
    from openlicense.core.clock import FixedClock, SystemClock
    from openlicense.jobs.tasks import run_lifecycle_once

    clock = FixedClock(today.replace(tzinfo=datetime.UTC)) if today else SystemClock()
    dry_run = clock.today() > SystemClock().today() and not force

    async def _run() -> LifecycleReport:
        async with _database(settings) as sessions:
            return await run_lifecycle_once(sessions, settings, clock, dry_run=dry_run)

    report = asyncio.run(_run())
    console.print(
        ("[yellow]dry run (a future day; --force applies it)[/yellow] " if dry_run else "")
        + f"{report.today}: examined {report.examined}, transitions {dict(report.transitions)}"
    )


main.add_command(audit)


@main.group()
def payments() -> None:
    """Online payments."""


@payments.command("reconcile")
@click.pass_obj
def payments_reconcile(settings: Settings) -> None:
    """Ask Stripe about every checkout that may still change and apply what it says.

    Each session is checked on its own: one Stripe cannot answer for is listed and the run goes
    on. Exit status 0 when everything was checked, 3 when something must be retried."""
    from openlicense.app import make_payment_gateway
    from openlicense.core.clock import SystemClock
    from openlicense.jobs.tasks import reconcile_payments_once
    from openlicense.payments.service import ReconcileReport

    async def _run() -> ReconcileReport:
        gateway = make_payment_gateway(settings)
        try:
            async with _database(settings) as sessions:
                return await reconcile_payments_once(sessions, gateway, settings, SystemClock())
        finally:
            await gateway.close()

    if not settings.stripe.enabled:
        console.print("Stripe is not configured: nothing to reconcile (payments are offline).")
        return
    report = asyncio.run(_run())
    console.print(
        f"reconciled: checked {report.checked}, changed {report.changed}, "
        f"closed {report.closed}, refunds sent {report.refunds_sent}, "
        f"refunds rejected unsent {report.refunds_rejected}"
    )
    for item in report.unchecked:
        what = item.get("session_id") or item.get("refund_id")
        console.print(f"[yellow]not checked[/yellow] {what}: {item['reason']}")
    if report.unchecked:
        sys.exit(3)


@main.group()
def search() -> None:
    """Catalogue search: index settings, outbox sync, full reindex."""


@search.command("setup")
@click.option("--dry-run", is_flag=True, help="Show the differences without applying them.")
@click.pass_obj
def search_setup(settings: Settings, dry_run: bool) -> None:
    """Apply the versioned index settings in search/ (idempotent; prints what changes)."""
    from openlicense.app import make_search_engine as make_engine
    from openlicense.search.setup import apply_settings

    async def _run() -> list[str]:
        engine = make_engine(settings)
        try:
            await engine.ensure_index()
            return await apply_settings(engine, dry_run=dry_run)
        finally:
            await engine.close()

    changes = asyncio.run(_run())
    for line in changes or ["no changes"]:
        console.print(line)


@search.command("sync")
@click.option("--retry-failed", is_flag=True, help="Retry parked rows too.")
@click.pass_obj
def search_sync(settings: Settings, retry_failed: bool) -> None:
    """Drain the search outbox now (the server's worker also does this continuously)."""
    from openlicense.app import make_document_source, make_search_engine as make_engine
    from openlicense.search.engine import SearchEngine
    from openlicense.search.outbox import DrainReport, drain, pending_count, retry_parked

    async def _run() -> tuple[DrainReport, tuple[int, int]]:
        engine = make_engine(settings)
        try:
            async with _database(settings) as maker:
                return await _sync(maker, engine)
        finally:
            await engine.close()

    async def _sync(
        maker: async_sessionmaker[AsyncSession], engine: SearchEngine
    ) -> tuple[DrainReport, tuple[int, int]]:
        if retry_failed:
            async with maker() as session, session.begin():
                await retry_parked(session)
        report = await drain(
            maker,
            engine,
            make_document_source(),
            settings=settings.search,
            now=datetime.datetime.now(datetime.UTC),
        )
        async with maker() as session:
            return report, await pending_count(session)

    report, (pending, parked) = asyncio.run(_run())
    console.print(
        f"indexed {report.upserted}, removed {report.deleted}; pending {pending}, parked {parked}"
        + (f"; engine error: {report.error}" if report.error else "")
    )
    sys.exit(1 if report.error else 0)


@search.command("reindex")
@click.pass_obj
def search_reindex(settings: Settings) -> None:
    """Rebuild the whole index from the database and swap it in atomically."""
    from openlicense.app import make_document_source, make_search_engine as make_engine
    from openlicense.search.reindex import reindex

    async def _run() -> int:
        engine = make_engine(settings)
        try:
            async with _database(settings) as sessions:
                return await reindex(
                    sessions,
                    engine,
                    make_document_source(),
                    today=datetime.datetime.now(datetime.UTC).date(),
                )
        finally:
            await engine.close()

    console.print(f"[green]Reindexed {asyncio.run(_run())} patents[/green]")


@main.command()
@click.option("--host", default=None, help="Default: OPENLICENSE_SERVER__HOST (127.0.0.1).")
@click.option("--port", default=None, type=int, help="Default: OPENLICENSE_SERVER__PORT (8000).")
@click.option(
    "--workers",
    default=None,
    type=click.IntRange(1, 64),
    help="Processes (default OPENLICENSE_SERVER__WORKERS, 1).",
)
@click.option("--reload", is_flag=True, help="Restart on code changes (development).")
@click.pass_obj
def serve(
    settings: Settings, host: str | None, port: int | None, workers: int | None, reload: bool
) -> None:
    """Serve the API and the pages (OpenAPI docs at /schema)."""
    import uvicorn

    uvicorn.run(
        "openlicense.app:create_app",
        factory=True,
        host=host or settings.server.host,
        port=port or settings.server.port,
        workers=None if reload else (workers or settings.server.workers),
        reload=reload,
    )


@main.command()
@click.option("--concurrency", default=None, type=click.IntRange(1, 64))
@click.pass_obj
def worker(settings: Settings, concurrency: int | None) -> None:
    """Run the periodic tasks (search outbox, lifecycle, ledger checkpoints, Stripe
    reconciliation) outside the app.

    With OPENLICENSE_JOBS__MODE=worker on PostgreSQL: a worker of the job queue (run as many as
    you like; each scheduled run executes once). Otherwise: the in-process loops."""
    from openlicense.app import make_document_source, make_payment_gateway, make_search_engine
    from openlicense.core.clock import SystemClock
    from openlicense.db import is_sqlite
    from openlicense.jobs.loops import run_loops_forever
    from openlicense.jobs.queue import Resources, run_queue_worker

    async def _run() -> None:
        engine, gateway = make_search_engine(settings), make_payment_gateway(settings)
        stripe = gateway if gateway.name == "stripe" else None
        try:
            async with _database(settings) as sessions:
                if settings.jobs.mode == "worker" and not is_sqlite(settings.database.url):
                    resources = Resources(
                        settings, SystemClock(), sessions, engine, make_document_source(), stripe
                    )
                    size = concurrency or settings.jobs.worker_concurrency
                    await run_queue_worker(resources, concurrency=size)
                else:
                    source = make_document_source()
                    await run_loops_forever(
                        settings, SystemClock(), sessions, engine, source, gateway
                    )
        finally:
            await engine.close()
            await gateway.close()

    asyncio.run(_run())


@asynccontextmanager
async def _database(settings: Settings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A session maker for one command; the engine is disposed when the command ends."""
    from openlicense.db import session_maker, sqlalchemy_config

    config = sqlalchemy_config(settings)
    try:
        yield session_maker(config)
    finally:
        await config.get_engine().dispose()


async def _university_id(sessions: async_sessionmaker[AsyncSession], university: str) -> uuid.UUID:
    from sqlalchemy import select

    from openlicense.accounts.models import Organisation, OrganisationKind

    async with sessions() as session:
        query = select(Organisation.id).where(Organisation.kind == OrganisationKind.UNIVERSITY)
        try:
            query = query.where(Organisation.id == uuid.UUID(university))
        except ValueError:
            query = query.where(Organisation.name == university)
        found: uuid.UUID | None = await session.scalar(query)
    if found is None:
        raise click.BadParameter(f"no university {university!r}", param_hint="--university")
    return found


main.add_command(mail_cli.mail)
main.add_command(mail_cli.notifications)
