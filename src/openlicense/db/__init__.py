"""Database plumbing: the SQLAlchemy config shared by the app, the CLI and the migrations."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from advanced_alchemy.extensions.litestar import (
    AlembicAsyncConfig,
    AsyncSessionConfig,
    EngineConfig,
    SQLAlchemyAsyncConfig,
)
from sqlalchemy import event

if TYPE_CHECKING:
    from openlicense.settings import Settings

REPO_ROOT = Path(__file__).resolve().parents[3]
MIGRATIONS_DIR = REPO_ROOT / "migrations"


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def sqlalchemy_config(settings: Settings) -> SQLAlchemyAsyncConfig:
    """Build the plugin config. One request = one transaction: the autocommit handler commits
    on 2xx/3xx and rolls back otherwise; services only flush."""
    url = settings.database.url
    engine = EngineConfig(echo=settings.database.echo)
    if is_sqlite(url):
        _ensure_sqlite_dir(url)
        # SQLite serialises writers; wait for the lock instead of failing at once.
        engine = EngineConfig(echo=settings.database.echo, connect_args={"timeout": 30})
    else:
        engine = EngineConfig(
            echo=settings.database.echo,
            pool_size=settings.database.pool_size,
            max_overflow=settings.database.pool_size,
            pool_pre_ping=True,
        )
    config = SQLAlchemyAsyncConfig(
        connection_string=url,
        engine_config=engine,
        session_config=AsyncSessionConfig(expire_on_commit=False, autoflush=False),
        before_send_handler="autocommit_include_redirects",  # pages answer a form post with 303
        create_all=False,
        alembic_config=AlembicAsyncConfig(
            script_location=str(MIGRATIONS_DIR),
            script_config=str(REPO_ROOT / "alembic.ini"),
            version_table_name="alembic_version",
            compare_type=True,
            render_as_batch=True,
        ),
    )
    if is_sqlite(url):
        _enable_sqlite_pragmas(config)
    return config


def _ensure_sqlite_dir(url: str) -> None:
    path = url.split(":///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def _enable_sqlite_pragmas(config: SQLAlchemyAsyncConfig) -> None:
    """Foreign keys are off by default in SQLite; WAL lets readers run beside one writer.

    Transactions start with BEGIN IMMEDIATE (SQLAlchemy's documented pysqlite recipe): a
    deferred transaction that reads and then writes can fail at once with SQLITE_BUSY when
    another writer got there first, and the driver's own BEGIN handling breaks SAVEPOINTs.
    Taking the write lock up front makes concurrent requests queue instead of fail."""
    engine = config.get_engine()

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        connection.exec_driver_sql("BEGIN IMMEDIATE")
