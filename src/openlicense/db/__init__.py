"""Database plumbing: the SQLAlchemy config shared by the app, the CLI and the migrations.

Two kinds of request session (`DatabaseConfig.provide_session`):
- **reads** (GET/HEAD, or a route with `opt={"db": "autocommit"}`) run in autocommit: no BEGIN,
  no COMMIT, no write lock — one round trip per statement, and on SQLite readers never queue
  behind a writer (WAL);
- **writes** run in one transaction, committed by the before-send handler on 2xx/3xx and rolled
  back otherwise (`db.commit`: a failed COMMIT answers 503, never the 2xx); services only
  flush. On SQLite the transaction starts with `BEGIN IMMEDIATE`, so a writer waits for the
  lock (busy timeout) instead of failing later.

Every session is an `audit.ledger.LedgerSession`: ledger records queued during a transaction are
chained and written when it commits."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from advanced_alchemy.extensions.litestar import (
    AlembicAsyncConfig,
    AsyncSessionConfig,
    EngineConfig,
    SQLAlchemyAsyncConfig,
)
from advanced_alchemy.extensions.litestar._utils import get_aa_scope_state, set_aa_scope_state
from litestar.datastructures.state import State
from litestar.types import Scope
from sqlalchemy import Connection, event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from openlicense.audit.ledger import LedgerSession
from openlicense.db.commit import READ_SESSION, before_send_handler

if TYPE_CHECKING:
    from openlicense.settings import Settings

REPO_ROOT = Path(__file__).resolve().parents[3]
MIGRATIONS_DIR = REPO_ROOT / "migrations"
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SQLITE_BUSY_SECONDS = 20
"""How long a SQLite writer waits for the write lock before the request answers 503."""
AUTOCOMMIT = "AUTOCOMMIT"


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


class DatabaseConfig(SQLAlchemyAsyncConfig):
    """advanced-alchemy's config, with autocommit sessions for reads (see the module doc)."""

    def provide_session(self, state: State, scope: Scope) -> AsyncSession:
        session = cast("AsyncSession | None", get_aa_scope_state(scope, self.session_scope_key))
        if session is None:
            maker = cast(
                "async_sessionmaker[AsyncSession]", state[self.session_maker_app_state_key]
            )
            if reads_only(scope):
                # `info` passed here is a copy for this session (the maker's own dict is shared)
                session = maker(bind=self.read_engine(), info={READ_SESSION: True})
            else:
                session = maker()
            set_aa_scope_state(scope, self.session_scope_key, session)
        return session

    def session_on_demand(self, state: State, scope: Scope) -> Callable[[], AsyncSession]:
        """A dependency: the request's session, created only if the handler calls for it."""
        return partial(self.provide_session, state, scope)

    def create_session_maker(self) -> async_sessionmaker[AsyncSession]:
        """advanced-alchemy's maker (its updated-at and cache listeners included), whose sessions
        are also `LedgerSession`s."""
        if self.session_maker is not None:
            return cast("async_sessionmaker[AsyncSession]", self.session_maker)
        maker = cast("async_sessionmaker[AsyncSession]", super().create_session_maker())
        sync_maker = maker.kw["sync_session_class"]
        if not issubclass(sync_maker.class_, LedgerSession):
            sync_maker.class_ = type("LedgerSession", (sync_maker.class_, LedgerSession), {})
        return maker

    def read_engine(self) -> AsyncEngine:
        engine = self.get_engine()
        cached = getattr(self, "_read_engine", None)
        if cached is None or cached.sync_engine.pool is not engine.sync_engine.pool:
            cached = engine.execution_options(isolation_level=AUTOCOMMIT)
            self._read_engine = cached
        return cached


def reads_only(scope: Scope) -> bool:
    handler = scope.get("route_handler")
    mode = handler.opt.get("db") if handler is not None else None
    if mode is not None:
        return bool(mode == "autocommit")
    return str(scope.get("method", "GET")) in READ_METHODS


def sqlalchemy_config(settings: Settings) -> DatabaseConfig:
    """The plugin config for `settings` (SQLite or PostgreSQL)."""
    url = settings.database.url
    if is_sqlite(url):
        _ensure_sqlite_dir(url)
        # SQLite serialises writers; wait for the lock instead of failing at once. Writers
        # waiting for the lock hold a connection each: a pool large enough that readers (which
        # never wait for the lock, WAL) still find one; a writer that still finds no lock or
        # connection in time answers 503 database_busy (problems.py), never a 500.
        engine = EngineConfig(
            echo=settings.database.echo,
            connect_args={"timeout": SQLITE_BUSY_SECONDS},
            pool_size=20,
            max_overflow=20,
            pool_timeout=SQLITE_BUSY_SECONDS,
        )
    else:
        engine = EngineConfig(
            echo=settings.database.echo,
            pool_size=settings.database.pool_size,
            max_overflow=settings.database.pool_size,
            # No ping per checkout (a round trip on every request): connections are recycled
            # instead, and a connection the server dropped is invalidated on its first error.
            pool_pre_ping=False,
            pool_recycle=settings.database.pool_recycle_seconds,
        )
    config = DatabaseConfig(
        connection_string=url,
        engine_config=engine,
        session_config=AsyncSessionConfig(expire_on_commit=False, autoflush=False),
        create_all=False,
        alembic_config=AlembicAsyncConfig(
            script_location=str(MIGRATIONS_DIR),
            script_config=str(REPO_ROOT / "alembic.ini"),
            version_table_name="alembic_version",
            compare_type=True,
            render_as_batch=True,
        ),
    )
    config.before_send_handler = before_send_handler(config.session_scope_key)
    if is_sqlite(url):
        _enable_sqlite_pragmas(config)
    return config


def session_maker(config: SQLAlchemyAsyncConfig) -> async_sessionmaker[AsyncSession]:
    """Sessions for work outside a request (background tasks, exports, the CLI): the same maker
    as the request sessions (no expiry on commit, no autoflush, the ledger written on commit)."""
    return cast("async_sessionmaker[AsyncSession]", config.create_session_maker())


def _ensure_sqlite_dir(url: str) -> None:
    path = url.split(":///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def _enable_sqlite_pragmas(config: SQLAlchemyAsyncConfig) -> None:
    """Foreign keys are off by default in SQLite; WAL lets readers run beside one writer.

    A write transaction starts with BEGIN IMMEDIATE (SQLAlchemy's documented pysqlite recipe): a
    deferred transaction that reads and then writes can fail at once with SQLITE_BUSY when
    another writer got there first, and the driver's own BEGIN handling breaks SAVEPOINTs.
    Taking the write lock up front makes concurrent writers queue instead of fail. Autocommit
    (read) connections issue no BEGIN at all."""
    engine = config.get_engine()

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        # The busy timeout first: the pragmas below may need a lock another writer holds.
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")  # WAL: durable at checkpoints, fast commits
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        if connection.get_execution_options().get("isolation_level") == AUTOCOMMIT:
            return
        connection.exec_driver_sql("BEGIN IMMEDIATE")
