"""The `openlicense` CLI: db upgrade, import patents (seed is covered in tests/seed)."""

from __future__ import annotations

import asyncio
import csv
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from builders import application_number
from openlicense.accounts.models import Organisation, OrganisationKind
from openlicense.catalogue.models import Patent
from openlicense.cli import main


@pytest.fixture
def sqlite_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("OPENLICENSE_DATABASE__URL", url)
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    return url


async def _scalar(url: str, query):  # type: ignore[no-untyped-def]
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.scalar(query)
    finally:
        await engine.dispose()


def _add_university(url: str, name: str) -> None:
    async def _run() -> None:
        engine = create_async_engine(url)
        async with async_sessionmaker(engine).begin() as session:
            session.add(Organisation(name=name, kind=OrganisationKind.UNIVERSITY))
        await engine.dispose()

    asyncio.run(_run())


def _write_csv(path: Path, numbers: list[str]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "application_number",
                "patent_type",
                "title_zh",
                "ipc_codes",
                "inventors",
                "filing_date",
                "technology_field",
                "co_owners",
            ]
        )
        for number in numbers:
            writer.writerow(
                [
                    number,
                    "invention",
                    "一种测试方法",
                    "H01M 4/36",
                    "张三",
                    "2021-03-01",
                    "new_energy",
                    "测试大学",
                ]
            )


def test_db_upgrade_then_import_all_or_nothing(sqlite_env: str, tmp_path: Path) -> None:
    runner = CliRunner()
    upgraded = runner.invoke(main, ["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    _add_university(sqlite_env, "测试大学")

    bad = tmp_path / "bad.csv"
    _write_csv(bad, [application_number(), "202110123456.8"])
    refused = runner.invoke(main, ["import", "patents", str(bad), "--university", "测试大学"])
    assert refused.exit_code == 1
    assert "application_number" in refused.output
    assert asyncio.run(_scalar(sqlite_env, select(func.count()).select_from(Patent))) == 0

    good = tmp_path / "good.csv"
    _write_csv(good, [application_number(), application_number()])
    imported = runner.invoke(main, ["import", "patents", str(good), "--university", "测试大学"])
    assert imported.exit_code == 0, imported.output
    assert asyncio.run(_scalar(sqlite_env, select(func.count()).select_from(Patent))) == 2


def test_import_names_unknown_university(sqlite_env: str, tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    file = tmp_path / "p.csv"
    _write_csv(file, [application_number()])
    result = runner.invoke(main, ["import", "patents", str(file), "--university", "不存在大学"])
    assert result.exit_code != 0
    assert "不存在大学" in result.output
