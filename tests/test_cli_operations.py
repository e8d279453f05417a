"""An operator's day through the `openlicense` CLI, as docs/operations.md tells it: migrate and
check the schema, seed, rebuild and sync the search index, run the reminders, send the queued
mail to an SMTP server, verify and checkpoint the ledger, deliver checkpoints and rotate the
signing key; and the flat export of the demo patents imported back through `import patents`."""

from __future__ import annotations

import asyncio
import csv
import datetime
import json
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import create_async_engine

from openlicense.catalogue.models import Patent
from openlicense.cli import main
from openlicense.notifications.devsink import read_sink, start_sink
from openlicense.notifications.models import MailState, OutgoingMail
from openlicense.seed.export import FLAT_COLUMNS, flat_rows


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("OPENLICENSE_DATABASE__URL", f"sqlite+aiosqlite:///{tmp_path / 'ol.db'}")
    monkeypatch.setenv("OPENLICENSE_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    return tmp_path


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, f"openlicense {' '.join(args)}:\n{result.output}"
    return result


async def _count(url: str, query):  # type: ignore[no-untyped-def]
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.scalar(query)
    finally:
        await engine.dispose()


def test_an_operators_day(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite+aiosqlite:///{workdir / 'ol.db'}"
    run("db", "upgrade")
    run("db", "current")
    run("db", "check")  # the models and the migrations agree

    seeded = run("seed", "--patents", "40", "--licences", "4")
    assert "Seeded" in seeded.output
    again = run("seed", "--patents", "40", "--licences", "4")  # idempotent
    patents = asyncio.run(_count(url, select(func.count()).select_from(Patent)))
    assert patents == 40, again.output

    reindexed = run("search", "reindex")
    assert "Reindexed" in reindexed.output
    assert (workdir / "var" / "search").is_dir()
    run("search", "setup", "--dry-run")
    run("search", "sync")
    run("search", "sync", "--retry-failed")

    reminded = run("notifications", "remind")
    assert "sent" in reminded.output
    assert "no SMTP host configured" in run("mail", "send").output  # stays queued, says so

    sink_dir = workdir / "var" / "mail"
    sink = start_sink(sink_dir, port=_free_port())
    try:
        monkeypatch.setenv("OPENLICENSE_MAIL__SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("OPENLICENSE_MAIL__SMTP_PORT", str(sink.port))
        sent = run("mail", "send")
    finally:
        sink.stop()
    queued = asyncio.run(
        _count(url, select(func.count()).where(OutgoingMail.state != MailState.SENT))
    )
    received = read_sink(sink_dir)
    assert received and queued == 0 and "failed 0" in sent.output
    assert f"sent {len(received)}," in sent.output
    listed = run("mail", "list")
    assert f"{len(received)} mail(s)" in listed.output

    verified = json.loads(run("audit", "verify", "--json").output)
    assert verified["ok"] is True, verified
    assert "checkpoint" in run("audit", "checkpoint").output.lower()
    run("audit", "deliver")
    rotated = run("audit", "rotate-key", "--new-key-file", str(workdir / "next-key.pem"))
    assert (workdir / "next-key.pem").exists() and rotated.output.strip()


def test_exported_demo_patents_import_back(workdir: Path) -> None:
    # seed.export writes the demo patents in the documented flat format; they import as they are
    url = f"sqlite+aiosqlite:///{workdir / 'ol.db'}"
    run("db", "upgrade")
    run("seed", "--patents", "0", "--licences", "0")  # the universities, no patents
    rows = list(flat_rows(12, today=datetime.date.today()))
    assert len(rows) == 12 and all(list(row) == list(FLAT_COLUMNS) for row in rows)
    file = workdir / "export.csv"
    with file.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FLAT_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    imported = run("import", "patents", str(file), "--university", "浙江大学")
    count = asyncio.run(_count(url, select(func.count()).select_from(Patent)))
    assert count == 12, imported.output
