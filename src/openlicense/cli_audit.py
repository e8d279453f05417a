"""`openlicense audit …`: verify the ledger, sign checkpoints, rotate the signing key, push
checkpoints to subscribed IP offices. Registered on the main command group by `cli.py`."""

from __future__ import annotations

import asyncio
import datetime
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console

from openlicense.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

console = Console()


@asynccontextmanager
async def _database(settings: Settings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A session maker for one command; the engine is disposed when the command ends."""
    from openlicense.db import session_maker, sqlalchemy_config

    config = sqlalchemy_config(settings)
    try:
        yield session_maker(config)
    finally:
        await config.get_engine().dispose()


@click.group()
def audit() -> None:
    """The tamper-evident ledger."""


@audit.command("verify")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def audit_verify(settings: Settings, as_json: bool) -> None:
    """Recompute the ledger chain and checkpoints; compare every agreement, declaration, payment
    and refund with the ledger. Exit status 1 when anything differs."""
    import dataclasses
    import json

    from openlicense.oversight.verification import VerificationReport, verify_all

    async def _run() -> VerificationReport:
        async with _database(settings) as sessions, sessions() as session:
            return await verify_all(session, settings)

    report = asyncio.run(_run())
    if as_json:
        click.echo(json.dumps(dataclasses.asdict(report), ensure_ascii=False, default=str))
        sys.exit(0 if report.ok else 1)
    if report.ok:
        console.print(
            f"[green]OK[/green]: {report.entries} entries, last hash {report.last_hash}, "
            f"{report.checkpoints} checkpoints, {report.agreements_checked} agreements, "
            f"{report.declarations_checked} declarations, {report.payments_checked} payments "
            "and refunds"
        )
        return
    if report.first_break:
        console.print(f"[red]Broken at seq {report.first_break['seq']}[/red]: {report.first_break}")
    for mismatch in report.agreement_mismatches:
        field = mismatch.get("field")
        console.print(
            f"[red]Agreement {mismatch['number']} ({mismatch['agreement_id']})[/red]: "
            f"{mismatch['reason']}" + (f" — {field}" if field else "") + f": {mismatch}"
        )
    for mismatch in report.mismatches:
        console.print(
            f"[red]{mismatch['subject_type'].capitalize()} {mismatch['subject_id']}[/red]: "
            f"{mismatch['reason']} {mismatch.get('field') or ''}: {mismatch}"
        )
    sys.exit(1)


@audit.command("checkpoint")
@click.pass_obj
def audit_checkpoint(settings: Settings) -> None:
    """Sign a checkpoint of the ledger's current tail now (the worker also signs them on
    schedule: every `checkpoint_every` entries or `checkpoint_max_age_minutes`)."""
    from openlicense.audit.checkpoints import checkpoint

    async def _run() -> tuple[int, str] | None:
        async with _database(settings) as sessions, sessions() as session, session.begin():
            row = await checkpoint(session, settings, force=True)
            return None if row is None else (row.seq, row.hash)

    signed = asyncio.run(_run())
    console.print(
        "nothing to sign (no entries since the last checkpoint)"
        if signed is None
        else f"signed checkpoint at seq {signed[0]}: {signed[1]}"
    )


@audit.command("rotate-key")
@click.option(
    "--new-key-file",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="PEM of the new Ed25519 private key; generated (mode 600) if the file does not exist.",
)
@click.pass_obj
def audit_rotate_key(settings: Settings, new_key_file: Path) -> None:
    """Retire the configured signing key and enter the new one, endorsed by it. Then set
    OPENLICENSE_AUDIT__SIGNING_KEY to the new key: the retired key can no longer sign."""

    from openlicense.audit.checkpoints import rotate_key
    from openlicense.audit.signing import generate_private_key_pem, load_private_key

    if not new_key_file.exists():
        new_key_file.write_text(generate_private_key_pem())
        new_key_file.chmod(0o600)
    new_key = load_private_key(new_key_file.read_text())

    async def _run() -> str:
        async with _database(settings) as sessions, sessions() as session, session.begin():
            now = datetime.datetime.now(datetime.UTC)
            return (await rotate_key(session, settings, new_key, now)).key_id

    kid = asyncio.run(_run())
    console.print(
        f"key {kid} is now the signing key. Set OPENLICENSE_AUDIT__SIGNING_KEY to the contents "
        f"of {new_key_file} and restart the app and the workers."
    )


@audit.command("deliver")
@click.pass_obj
def audit_deliver(settings: Settings) -> None:
    """Push the checkpoints subscribed IP offices have not received yet (as the worker does)."""
    from openlicense.audit.delivery import deliver_due

    async def _run() -> tuple[int, int, list[str]]:
        async with _database(settings) as sessions:
            report = await deliver_due(sessions, settings)
            return report.delivered, report.failed, report.errors

    delivered, failed, errors = asyncio.run(_run())
    console.print(f"{delivered} delivered, {failed} postponed")
    for error in errors:
        console.print(f"[yellow]{error}[/yellow]")
