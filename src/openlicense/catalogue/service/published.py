"""Published patents' documents and public list pages, served from memory (issue 10).

A published patent's `PatentRead` is the same for every caller, and so is a list page of
published listings: the first read stores the JSON bytes, later reads answer from memory with no
session, no SQL and no ORM or Pydantic work. What keeps the copies true:

- every flush that touches a patent, its co-owners or its recorded licences notes the patent on
  the session; a Core INSERT (bulk import) notes "the lists", a Core UPDATE or DELETE on those
  tables notes "everything";
- before the transaction commits, it raises the catalogue version (the one `catalogue_versions`
  row) and writes a `catalogue_changes` row per patent under the new version. The row lock taken
  by the raise is held until COMMIT, so versions commit in order: a reader that sees version v
  has seen every change up to v;
- after the commit, every cache of this process drops those patents and every list page at once
  (a TTO sees its own edit on the next read);
- every other process asks for the version at most every `change_check_seconds` and drops what
  changed since the version it last saw (everything, when it cannot tell).

Only published documents are kept; a draft or retired patent is read from the database for each
caller, as before. A read that began before a drop is not stored (the generation check), so a
slow read cannot put back a copy that a commit has just dropped."""

from __future__ import annotations

import asyncio
import datetime
import hashlib
import time
import uuid
import weakref
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from itertools import chain
from typing import Any

from sqlalchemy import delete, event, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from openlicense.audit.ledger import LedgerSession
from openlicense.catalogue.models import (
    CatalogueChange,
    CatalogueVersion,
    Patent,
    PatentOwner,
    RecordedLicence,
)

WATCHED_TABLES = frozenset({"patents", "patent_owners", "recorded_licences"})
VERSION_NAME = "catalogue"
LISTS_ONLY = uuid.UUID(int=0)
"""A change row that names no patent: only list pages changed (new patents were inserted)."""
MAX_NAMED = 1_000
"""More patents than this in one transaction are recorded as "everything"."""
KEEP_VERSIONS = 10_000
"""`catalogue_changes` keeps about this many versions (older rows are pruned as it grows)."""

_CHANGED = "openlicense.catalogue_changed"
_EVERYTHING = "openlicense.catalogue_changed_everything"
_COMMITTED = "openlicense.catalogue_committed"
_caches: weakref.WeakSet[PublishedCache] = weakref.WeakSet()

Changed = frozenset[uuid.UUID] | None
"""Patents whose documents changed; None: any may have."""


@dataclass(frozen=True, slots=True)
class Cached:
    body: bytes
    etag: str
    public: bool
    """True when the copy may be shown to anyone (and so was kept)."""


def cached(body: bytes, *, public: bool) -> Cached:
    return Cached(body, '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"', public)


class PublishedCache:
    """One process's copies, bounded (oldest first out); see the module doc."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        documents: int,
        pages: int,
        check_seconds: float,
    ) -> None:
        self._engine = engine
        """Reads only; the app passes its autocommit engine (no BEGIN, no SQLite write lock)."""
        self._max_documents = documents
        self._max_pages = pages
        self._check_seconds = check_seconds
        self._documents: dict[uuid.UUID, Cached] = {}
        self._pages: dict[str, Cached] = {}
        self._generation = 0
        self._loading: dict[tuple[int, Any], asyncio.Future[Cached | None]] = {}
        self._seen: int | None = None
        self._checked_at = float("-inf")
        self._lock = asyncio.Lock()
        _caches.add(self)

    async def document(self, patent_id: uuid.UUID, load: Callable[[], Awaitable[Cached]]) -> Cached:
        return await self._get(self._documents, patent_id, load, self._max_documents)

    async def page(self, key: str, load: Callable[[], Awaitable[Cached]]) -> Cached:
        return await self._get(self._pages, key, load, self._max_pages)

    async def _get(
        self,
        store: dict[Any, Cached],
        key: Any,
        load: Callable[[], Awaitable[Cached]],
        limit: int,
    ) -> Cached:
        """A copy, or one load shared by every request that asks for the same missing copy at
        the same time (16 readers of a new page cost one query, not 16). A waiter takes the
        shared answer only when it is public; otherwise (a draft its owner loaded, a refusal)
        it loads for itself, as its own caller."""
        await self._fresh()
        hit = store.get(key)
        if hit is not None:
            return hit
        pending = self._loading.get((id(store), key))
        if pending is not None:
            shared = await asyncio.shield(pending)
            return shared if shared is not None and shared.public else await load()
        future: asyncio.Future[Cached | None] = asyncio.get_running_loop().create_future()
        self._loading[(id(store), key)] = future
        generation = self._generation
        try:
            found = await load()
        except BaseException:
            future.set_result(None)
            raise
        finally:
            del self._loading[(id(store), key)]
        future.set_result(found)
        if found.public and generation == self._generation:
            _keep(store, key, found, limit)
        return found

    def drop(self, changed: Changed) -> None:
        self._generation += 1
        self._pages.clear()
        if changed is None:
            self._documents.clear()
            return
        for patent_id in changed:
            self._documents.pop(patent_id, None)

    def forget(self) -> None:
        """Drop everything and read the version afresh on the next request."""
        self.drop(None)
        self._seen = None
        self._checked_at = float("-inf")

    async def _fresh(self) -> None:
        if time.monotonic() - self._checked_at < self._check_seconds:
            return
        async with self._lock:
            if time.monotonic() - self._checked_at < self._check_seconds:
                return
            try:
                async with self._engine.connect() as connection:
                    self._apply(*await _changes_since(connection, self._seen))
            except Exception:
                self._seen = None  # cannot tell what changed: keep nothing, ask again next time
                self.drop(None)
                raise
            finally:
                self._checked_at = time.monotonic()

    def _apply(self, version: int, changed: Changed) -> None:
        if version != self._seen:
            self.drop(changed)
        self._seen = version


def forget_all_copies() -> None:
    """Drop every copy in this process and ask for the version again: for a database emptied or
    replaced under a running process by other means than a session (the tests' teardown)."""
    for cache in list(_caches):
        cache.forget()


def _keep(store: dict[Any, Cached], key: Any, value: Cached, limit: int) -> None:
    if limit <= 0:
        return
    if len(store) >= limit:
        store.pop(next(iter(store)))
    store[key] = value


async def _changes_since(connection: AsyncConnection, seen: int | None) -> tuple[int, Changed]:
    """The current version and what changed after `seen` (None: cannot tell, drop all)."""
    version = await connection.scalar(
        select(CatalogueVersion.version).where(CatalogueVersion.name == VERSION_NAME)
    )
    version = version or 0
    if seen is None or version <= seen:
        return version, None if version != seen else frozenset()
    rows = (
        await connection.execute(
            select(CatalogueChange.version, CatalogueChange.patent_id).where(
                CatalogueChange.version > seen, CatalogueChange.version <= version
            )
        )
    ).all()
    if {v for v, _ in rows} != set(range(seen + 1, version + 1)):
        return version, None  # pruned, or written by a transaction we cannot see whole
    if any(patent_id is None for _, patent_id in rows):
        return version, None
    return version, frozenset(p for _, p in rows if p is not None and p != LISTS_ONLY)


# --- noting changes on every session (the API's, the pages', the CLI's and the workers') ---


@event.listens_for(LedgerSession, "after_flush")
def _note_flushed(session: Session, _context: Any) -> None:
    ids: set[uuid.UUID] | None = None
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Patent):
            patent_id = obj.id
        elif isinstance(obj, (PatentOwner, RecordedLicence)):
            patent_id = obj.patent_id
        else:
            continue
        if ids is None:
            ids = session.info.setdefault(_CHANGED, set())
        ids.add(patent_id)


def note_new_patents(session: AsyncSession | Session) -> None:
    """For bulk writers that bypass the ORM and SQLAlchemy's statements (`core.bulk`): new
    patents were written, so the list pages change."""
    sync = session.sync_session if isinstance(session, AsyncSession) else session
    sync.info.setdefault(_CHANGED, set()).add(LISTS_ONLY)


@event.listens_for(LedgerSession, "do_orm_execute")
def _note_statement(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) not in WATCHED_TABLES:
        return
    if state.is_insert:
        state.session.info.setdefault(_CHANGED, set()).add(LISTS_ONLY)
    else:
        state.session.info[_EVERYTHING] = True


@event.listens_for(LedgerSession, "before_commit")
def _record_changes(session: Session) -> None:
    """Raise the version and name what changed, last thing before COMMIT."""
    if session.new or session.dirty or session.deleted:
        session.flush()  # the commit's own flush would come after this hook
    named: set[uuid.UUID] = session.info.pop(_CHANGED, set())
    everything = bool(session.info.pop(_EVERYTHING, False)) or len(named) > MAX_NAMED
    if not named and not everything:
        return
    version = _raise_version(session)
    rows: Iterable[uuid.UUID | None] = [None] if everything else named
    session.execute(insert(CatalogueChange), [{"version": version, "patent_id": p} for p in rows])
    if version % 1_000 == 0:
        old = CatalogueChange.version < version - KEEP_VERSIONS
        session.execute(delete(CatalogueChange).where(old))
    session.info[_COMMITTED] = None if everything else frozenset(named - {LISTS_ONLY})


def _raise_version(session: Session) -> int:
    now = datetime.datetime.now(datetime.UTC)
    dialect = session.get_bind().dialect.name
    values = {"name": VERSION_NAME, "version": 1, "created_at": now, "updated_at": now}
    if dialect == "postgresql":
        upsert: Any = pg_insert(CatalogueVersion).values(values)
    else:
        upsert = sqlite_insert(CatalogueVersion).values(values)
    upsert = upsert.on_conflict_do_update(
        index_elements=["name"],
        set_={"version": CatalogueVersion.version + 1, "updated_at": now},
    ).returning(CatalogueVersion.version)
    return int(session.execute(upsert).scalar_one())


@event.listens_for(LedgerSession, "after_commit")
def _drop_committed(session: Session) -> None:
    if _COMMITTED not in session.info:
        return
    changed: Changed = session.info.pop(_COMMITTED)
    for cache in list(_caches):
        cache.drop(changed)


@event.listens_for(LedgerSession, "after_transaction_end")
def _forget(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost transaction: a savepoint keeps what it noted
        for key in (_CHANGED, _EVERYTHING, _COMMITTED):
            session.info.pop(key, None)
