"""`openlicense mail …` and `openlicense notifications remind`: the development mail sink, sending
the queued mail, and the reminder pass, from the command line."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import click
from rich.console import Console

from openlicense.settings import Settings

console = Console()


def _sink_dir(settings: Settings) -> Path:
    return settings.mail.sink_dir or settings.data_dir / "mail"


@click.group()
def mail() -> None:
    """Email: the development sink, sending the queue."""


@mail.command("sink")
@click.option("--port", type=int, default=None, help="Default: mail.smtp_port (1025).")
@click.pass_obj
def mail_sink(settings: Settings, port: int | None) -> None:
    """Run the development SMTP sink on 127.0.0.1: every mail is written to var/mail/*.eml.
    Never in production (it accepts mail for anyone)."""
    from openlicense.notifications.devsink import start_sink

    if settings.environment == "production":
        raise click.UsageError("the development mail sink does not run in production")
    directory = _sink_dir(settings)
    sink = start_sink(directory, port=port or settings.mail.smtp_port)
    console.print(f"mail sink on 127.0.0.1:{sink.port}, writing to {directory}/ (Ctrl-C stops)")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        sink.stop()


@mail.command("list")
@click.option("--full", is_flag=True, help="Print each body too.")
@click.pass_obj
def mail_list(settings: Settings, full: bool) -> None:
    """The mails the development sink received, oldest first."""
    from openlicense.notifications.devsink import read_sink

    mails = read_sink(_sink_dir(settings))
    for m in mails:
        console.print(f"[bold]{m['file']}[/bold]  to {m['to']}  {m['subject']}")
        if full:
            console.print(m["body"])
    console.print(f"{len(mails)} mail(s) in {_sink_dir(settings)}")


@mail.command("send")
@click.pass_obj
def mail_send(settings: Settings) -> None:
    """Send the queued mail now (the server does it every `mail.worker_interval_seconds`)."""
    from openlicense.jobs.tasks import send_mail_once

    async def _run() -> tuple[int, int]:
        from openlicense.db import session_maker, sqlalchemy_config

        config = sqlalchemy_config(settings)
        try:
            report = await send_mail_once(session_maker(config), settings)
            return report.sent, report.failed
        finally:
            await config.get_engine().dispose()

    if not settings.mail.smtp_host:
        console.print("no SMTP host configured (OPENLICENSE_MAIL__SMTP_HOST): mail stays queued")
        return
    sent, failed = asyncio.run(_run())
    console.print(f"sent {sent}, failed {failed}")


@click.group()
def notifications() -> None:
    """In-app notifications and reminders."""


@notifications.command("remind")
@click.pass_obj
def notifications_remind(settings: Settings) -> None:
    """Run the reminder pass now (each reminder is sent once, however often this runs)."""
    from openlicense.core.clock import SystemClock
    from openlicense.jobs.tasks import run_reminders_once

    async def _run() -> dict[str, object]:
        from openlicense.db import session_maker, sqlalchemy_config

        config = sqlalchemy_config(settings)
        try:
            report = await run_reminders_once(session_maker(config), SystemClock())
            return report.as_dict()
        finally:
            await config.get_engine().dispose()

    console.print(asyncio.run(_run()))
