"""Test fixtures: every DB test runs on SQLite and on PostgreSQL, built by `alembic upgrade head`.

Isolation is by emptying the tables after each test rather than a rolled-back outer transaction,
so the app commits for real and concurrency tests see real transactions.
"""

from __future__ import annotations

import asyncio
import datetime
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from fakes import FakeSearchEngine
from openlicense.audit.ledger import LedgerSession
from openlicense.catalogue.service.published import forget_all_copies
from openlicense.core.clock import FixedClock
from openlicense.db import sqlalchemy_config
from openlicense.db.migrate import alembic_commands
from openlicense.db.models import metadata
from openlicense.settings import (
    AuditSettings,
    AuthSettings,
    DatabaseSettings,
    LifecycleSettings,
    MailSettings,
    SearchSettings,
    Settings,
)

DEFAULT_PG = "postgresql+asyncpg://openlicense:openlicense@127.0.0.1:5432/openlicense_test"
START = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)
# A fixed Ed25519 seed (base64 of 32 bytes) so checkpoint signatures are reproducible in tests.
TEST_SIGNING_KEY = "b3BlbmxpY2Vuc2UtdGVzdC1zaWduaW5nLWtleS0wMDE="


def _postgres_url() -> str:
    """A database of its own per test run (name + pid), so parallel runs never collide."""
    url = make_url(os.environ.get("OPENLICENSE_TEST_POSTGRES_URL", DEFAULT_PG))
    return url.set(database=f"{url.database}_{os.getpid()}").render_as_string(hide_password=False)


async def _drop_postgres_database(url: str) -> None:
    parsed = make_url(url)
    admin = await asyncpg.connect(
        user=parsed.username,
        password=parsed.password,
        host=parsed.host,
        port=parsed.port or 5432,
        database="postgres",
    )
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
    finally:
        await admin.close()


async def _recreate_postgres_database(url: str) -> None:
    """A fresh database per run, so leftovers of an earlier run never leak into this one."""
    parsed = make_url(url)
    admin = await asyncpg.connect(
        user=parsed.username,
        password=parsed.password,
        host=parsed.host,
        port=parsed.port or 5432,
        database="postgres",
    )
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{parsed.database}"')
    finally:
        await admin.close()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    else:
        url = _postgres_url()
        asyncio.run(_recreate_postgres_database(url))
    alembic_commands(_settings(url)).upgrade("head")
    yield url
    if request.param == "postgresql":
        asyncio.run(_drop_postgres_database(url))


def _settings(url: str) -> Settings:
    return Settings(
        environment="test",
        database=DatabaseSettings(url=url),
        auth=AuthSettings(jwt_secret="test-secret-test-secret-test-secret-0123456789"),
        data_dir=Path("var/test"),
        lifecycle=LifecycleSettings(worker_enabled=False),  # tests run the workers explicitly
        search=SearchSettings(worker_enabled=False),
        mail=MailSettings(worker_enabled=False),  # tests send mail and run reminders explicitly
        audit=AuditSettings(signing_key=TEST_SIGNING_KEY),
        _env_file=None,  # type: ignore[call-arg]
    )


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    return _settings(database_url)


@pytest.fixture(scope="session")
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    engine = sqlalchemy_config(settings).get_engine()
    yield engine
    await engine.dispose()


@pytest.fixture
async def db_sessionmaker(engine: AsyncEngine) -> AsyncIterator[async_sessionmaker]:
    yield async_sessionmaker(engine, expire_on_commit=False, sync_session_class=LedgerSession)
    await _empty_tables(engine)


async def _empty_tables(engine: AsyncEngine) -> None:
    """DELETE, dependants first, on both databases: on a test's few rows it is some 30× faster
    than PostgreSQL's TRUNCATE, whose fixed cost per table dominated every test's teardown (no
    table uses a sequence, so there is no identity to restart)."""
    tables = [t.name for t in reversed(metadata.sorted_tables)]
    async with engine.begin() as connection:
        for table in tables:
            await connection.execute(text(f"DELETE FROM {table}"))  # noqa: S608 - our table names
    forget_all_copies()  # the deletes bypass sessions: the app's copies would outlive them


@pytest.fixture(scope="session")
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture(autouse=True)
def _reset_clock(clock: FixedClock) -> Iterator[None]:
    clock.set(START)
    yield


@pytest.fixture(scope="session")
def search_engine() -> FakeSearchEngine:
    """API tests that are not about search use the in-memory double; tests/search uses the
    real engines."""
    return FakeSearchEngine()


@pytest.fixture(scope="session")
def app(settings: Settings, clock: FixedClock, search_engine: FakeSearchEngine) -> Litestar:
    from openlicense.app import create_app  # imported late: unit tests need no web stack

    return create_app(settings, clock=clock, search_engine=search_engine)


@pytest.fixture(scope="session")
async def _client(app: Litestar) -> AsyncIterator[AsyncTestClient]:
    async with AsyncTestClient(app=app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
async def client(
    _client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> AsyncIterator[AsyncTestClient]:
    """An API client on an empty database (emptied again after the test)."""
    _client.headers.clear()
    yield _client


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`@pytest.mark.postgres` tests run on PostgreSQL only: their SQLite variant is deselected
    (not skipped) — e.g. query-plan checks that only mean something on the production database."""
    keep, drop = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_sqlite = callspec is not None and callspec.params.get("database_url") == "sqlite"
        (drop if on_sqlite and item.get_closest_marker("postgres") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
