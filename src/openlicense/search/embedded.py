"""The embedded engine: a tantivy index in a local folder, no server needed (`make demo`).

Layout of the folder::

    CURRENT                 name of the live generation (replaced atomically with os.replace)
    gen-<time>-<rand>/      one tantivy index + openlicense.json {"schema_version": N, ...}

A reindex builds a new generation next to the live one, then swaps `CURRENT`; searches keep using
the old generation until the swap and every process notices the new pointer on its next call.
Writes open a writer per call (tantivy allows one writer per index across processes; a busy
lock is retried for a few seconds) and re-apply to the new generation if a swap happened
meanwhile. All tantivy work runs in worker threads (`asyncio.to_thread`); tantivy releases the
GIL while it searches.

Text is analysed by `text.Analyzer` before tantivy sees it (`embedded_index.py`): each
searchable field holds the analyser's tokens separated by spaces, split again by tantivy's
whitespace tokenizer, so the index and the Meilisearch adapter see the same tokens. Matching,
ranking, filters and facets are in `embedded_search.py`.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import json
import logging
import os
import shutil
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import tantivy

from openlicense.search.documents import PatentDocument
from openlicense.search.embedded_index import build_schema, register_analyzers, to_tantivy
from openlicense.search.embedded_search import SUGGEST_FIELDS, Executor
from openlicense.search.engine import (
    SearchHit,
    SearchQuery,
    SearchResult,
    SearchUnavailable,
    effective_sort,
    page_window,
)
from openlicense.search.freshness import day_number
from openlicense.search.highlight import Highlighter
from openlicense.search.results import did_you_mean, facets_of, highlights
from openlicense.search.setup import IndexDefinition, load_definition
from openlicense.search.spelling import Lexicon
from openlicense.search.suggest import SuggestPatent

__all__ = ["SCHEMA_VERSION", "EmbeddedEngine"]

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2
"""Bump when the tantivy schema or the analysis changes: an index of another version (or built
with another dictionary and synonyms, see `IndexDefinition.analysis_key`) is replaced by an
empty one on open (run `openlicense search reindex`)."""

POINTER = "CURRENT"
META = "openlicense.json"

WRITER_HEAP = 64_000_000
REINDEX_HEAP = 256_000_000
LOCK_WAIT_SECONDS = 10.0

T = TypeVar("T")


@dataclass
class _Generation:
    name: str
    path: Path
    index: tantivy.Index
    schema: tantivy.Schema
    meta_key: tuple[int, int] | None = None
    lexicon: Lexicon | None = field(default=None, repr=False)
    lexicon_key: tuple[int, int] | None = None

    def searcher(self) -> tantivy.Searcher:
        """A searcher of the latest commit, also one made by another process: tantivy reloads
        on its own after a delay, this reloads at once when meta.json changed."""
        try:
            st = os.stat(self.path / "meta.json")
            key = (st.st_ino, st.st_mtime_ns)
        except FileNotFoundError:
            key = None
        if key != self.meta_key:
            self.index.reload()
            self.meta_key = key
        return self.index.searcher()


class _Busy(Exception):
    pass


class EmbeddedEngine:
    name = "embedded"

    def __init__(self, directory: Path | str, *, definition: IndexDefinition | None = None):
        self.directory = Path(directory)
        self.definition = definition or load_definition()
        self._gen: _Generation | None = None
        self._pointer_key: tuple[int, int, int] | None = None
        self._open_lock = threading.RLock()
        self._write_lock = threading.Lock()

    # --- plumbing ------------------------------------------------------------------------

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        try:
            return await asyncio.to_thread(fn, *args)
        except SearchUnavailable:
            raise
        except (OSError, ValueError, RuntimeError) as err:
            raise SearchUnavailable(f"embedded index at {self.directory}: {err}") from err

    def _pointer_stat(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.directory / POINTER)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def _open_generation(self, name: str) -> _Generation:
        path = self.directory / name
        meta = json.loads((path / META).read_text())
        if meta.get("schema_version") != SCHEMA_VERSION:
            raise _Incompatible(meta.get("schema_version"))
        if meta.get("analysis") != self.definition.analysis_key:
            raise _Incompatible(f"{SCHEMA_VERSION} with another dictionary or synonyms")
        index = tantivy.Index.open(str(path))
        register_analyzers(index)
        return _Generation(name, path, index, index.schema)

    def _new_generation(self) -> _Generation:
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S%f")
        name = f"gen-{stamp}-{uuid.uuid4().hex[:6]}"
        path = self.directory / name
        path.mkdir()
        schema = build_schema()
        index = tantivy.Index(schema, path=str(path), reuse=False)
        register_analyzers(index)
        meta = {
            "schema_version": SCHEMA_VERSION,
            "analysis": self.definition.analysis_key,
            "created_at": stamp,
        }
        (path / META).write_text(json.dumps(meta))
        return _Generation(name, path, index, schema)

    def _publish(self, gen: _Generation) -> None:
        """Point CURRENT at `gen` atomically, switch to it and drop the other generations."""
        tmp = self.directory / f"{POINTER}.{uuid.uuid4().hex}.tmp"
        with open(tmp, "w") as fh:
            fh.write(gen.name)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.directory / POINTER)
        with contextlib.suppress(OSError):
            dir_fd = os.open(self.directory, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        with self._open_lock:
            self._gen = gen
            self._pointer_key = self._pointer_stat()
        self._drop_stale(keep=gen.name)

    def _drop_stale(self, *, keep: str) -> None:
        """Delete the generations older than `keep` (a newer one may be a reindex in progress
        in another process)."""
        for child in self.directory.iterdir():
            if child.name.startswith("gen-") and child.name < keep and child.is_dir():
                shutil.rmtree(child, ignore_errors=True)
            elif child.name.startswith(f"{POINTER}.") and child.name.endswith(".tmp"):
                with contextlib.suppress(OSError):
                    child.unlink()

    def _current(self) -> _Generation:
        """The live generation, reopened when CURRENT changed; created when missing."""
        key = self._pointer_stat()
        if self._gen is not None and key == self._pointer_key:
            return self._gen
        with self._open_lock:
            key = self._pointer_stat()
            if self._gen is not None and key == self._pointer_key:
                return self._gen
            if key is None:
                if self.directory.exists() and not self.directory.is_dir():
                    raise SearchUnavailable(f"{self.directory} is not a folder")
                gen = self._new_generation()
                self._publish(gen)
                return gen
            name = (self.directory / POINTER).read_text().strip()
            try:
                gen = self._open_generation(name)
            except _Incompatible as err:
                log.warning(
                    "search index %s has schema v%s, this version needs v%s: starting an empty "
                    "index; run `openlicense search reindex`",
                    name,
                    err.version,
                    SCHEMA_VERSION,
                )
                gen = self._new_generation()
                self._publish(gen)
                return gen
            self._gen, self._pointer_key = gen, key
            return gen

    def _writer(self, index: tantivy.Index, heap: int = WRITER_HEAP) -> tantivy.IndexWriter:
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        delay = 0.02
        while True:
            try:
                return index.writer(heap_size=heap, num_threads=1)
            except ValueError as err:
                if "lock" not in str(err).lower() or time.monotonic() > deadline:
                    raise
            time.sleep(delay)
            delay = min(delay * 2, 0.5)

    def _write(self, apply: Callable[[tantivy.IndexWriter], None]) -> None:
        with self._write_lock:
            for _attempt in range(3):
                gen = self._current()
                try:
                    writer = self._writer(gen.index)
                    try:
                        apply(writer)
                        writer.commit()
                    except BaseException:
                        writer.rollback()
                        raise
                    finally:
                        writer.wait_merging_threads()
                except (OSError, ValueError):
                    if self._current() is gen:
                        raise
                    continue  # the generation was swapped under us: redo on the new one
                gen.index.reload()
                if self._current() is gen:
                    return
                # a reindex swapped generations while we wrote: apply to the new one too
            raise SearchUnavailable("the search index kept changing during a write")

    # --- protocol ------------------------------------------------------------------------

    async def ensure_index(self) -> None:
        await self._run(self._current)

    async def upsert(self, docs: Sequence[PatentDocument]) -> None:
        if not docs:
            return
        analyzer = self.definition.analyzer
        converted = [(d.id, to_tantivy(d, analyzer)) for d in docs]

        def apply(writer: tantivy.IndexWriter) -> None:
            for doc_id, doc in converted:
                writer.delete_documents_by_term("id", doc_id)
                writer.add_document(doc)

        await self._run(self._write, apply)

    async def delete(self, ids: Sequence[str]) -> None:
        if not ids:
            return

        def apply(writer: tantivy.IndexWriter) -> None:
            for doc_id in ids:
                writer.delete_documents_by_term("id", doc_id)

        await self._run(self._write, apply)

    async def reindex(self, batches: AsyncIterator[Sequence[PatentDocument]]) -> int:
        gen = await self._run(self._new_generation)  # works even when the live one is broken
        try:
            writer = await self._run(self._writer, gen.index, REINDEX_HEAP)
            seen: set[str] = set()
            analyzer = self.definition.analyzer

            def add(batch: Sequence[PatentDocument]) -> None:
                for doc in batch:
                    if doc.id in seen:
                        writer.delete_documents_by_term("id", doc.id)
                    seen.add(doc.id)
                    writer.add_document(to_tantivy(doc, analyzer))

            try:
                async for batch in batches:
                    await self._run(add, batch)
                await self._run(writer.commit)
            except BaseException:
                with contextlib.suppress(Exception):
                    writer.rollback()
                raise
            finally:
                await self._run(writer.wait_merging_threads)
            gen.index.reload()
            await self._run(self._publish, gen)
        except BaseException:
            shutil.rmtree(gen.path, ignore_errors=True)
            raise
        return gen.searcher().num_docs

    async def get(self, id: str) -> PatentDocument | None:
        def run() -> PatentDocument | None:
            gen = self._current()
            searcher = gen.searcher()
            hits = searcher.search(tantivy.Query.term_query(gen.schema, "id", id), 1).hits
            return _load(searcher.doc(hits[0][1])) if hits else None

        return await self._run(run)

    async def ids(self) -> set[str]:
        def run() -> set[str]:
            searcher = self._current().searcher()
            total = searcher.num_docs
            if not total:
                return set()
            result = searcher.search(
                tantivy.Query.all_query(),
                limit=total,
                count=False,
                order_by_field="id",
                order=tantivy.Order.Asc,
            )
            return {value for value, _ in result.hits}

        return await self._run(run)

    async def count(self) -> int:
        return await self._run(lambda: self._current().searcher().num_docs)

    async def healthy(self) -> bool:
        try:
            await self.count()
        except SearchUnavailable:
            return False
        return True

    async def close(self) -> None:
        with self._open_lock:
            self._gen = None
            self._pointer_key = None

    async def apply_settings(self, *, dry_run: bool) -> list[str]:
        """Nothing to apply: the analysis is code and data (an index built with another
        dictionary or synonyms is replaced on open and needs a reindex)."""
        await self._run(self._current)
        return [
            f"embedded engine: nothing to apply (schema v{SCHEMA_VERSION}, "
            f"{self.definition.describe()})"
        ]

    async def search(self, query: SearchQuery) -> SearchResult:
        return await self._run(self._search, query)

    # --- suggest (suggest.SuggestSource) --------------------------------------------------

    async def suggest_counts(self, today: datetime.date) -> dict[str, dict[str, int]]:
        def run() -> dict[str, dict[str, int]]:
            gen = self._current()
            searcher = gen.searcher()
            lexicon = self._lexicon(gen, searcher)
            run = Executor(searcher, gen.schema, lexicon, self.definition.max_values_per_facet)
            visible = run.visibility(None, day_number(today))
            out: dict[str, dict[str, int]] = {}
            for name, field_name in SUGGEST_FIELDS.items():
                pairs = searcher.terms_with_prefix(field_name, "", filter_query=visible)
                out[name] = {term: int(n) for term, n in pairs if n}
            return out

        return await self._run(run)

    async def suggest_titles(self, q: str, limit: int, today: datetime.date) -> list[SuggestPatent]:
        def run() -> list[SuggestPatent]:
            gen = self._current()
            searcher = gen.searcher()
            lexicon = self._lexicon(gen, searcher)
            parsed = self.definition.analyzer.parse(q, lexicon)
            if parsed.is_placeholder:
                return []
            run = Executor(searcher, gen.schema, lexicon, self.definition.max_values_per_facet)
            query = run.titles(parsed, run.visibility(None, day_number(today)))
            hits = searcher.search(query, limit=limit, count=False).hits
            out = []
            for _, addr in hits:
                doc = _load(searcher.doc(addr))
                out.append(SuggestPatent(id=doc.id, title_zh=doc.title_zh, title_en=doc.title_en))
            return out

        return await self._run(run)

    # --- search --------------------------------------------------------------------------

    def _lexicon(self, gen: _Generation, searcher: tantivy.Searcher) -> Lexicon:
        """The index's English words (cached until the index changes)."""
        if gen.lexicon is None or gen.lexicon_key != gen.meta_key:
            pairs = searcher.terms_with_prefix("en", "")
            gen.lexicon = Lexicon.from_pairs(pairs, self.definition.typo_sizes)
            gen.lexicon_key = gen.meta_key
        return gen.lexicon

    def _search(self, query: SearchQuery) -> SearchResult:
        gen = self._current()
        searcher = gen.searcher()
        lexicon = self._lexicon(gen, searcher)
        parsed = self.definition.analyzer.parse(query.q, lexicon)
        run = Executor(searcher, gen.schema, lexicon, self.definition.max_values_per_facet)
        filters = run.filters(query)
        sort = effective_sort(query, placeholder=parsed.is_placeholder)
        offset, limit = page_window(query, self.definition.max_total_hits)
        scored: list[tuple[float | None, tantivy.DocAddress]]
        relaxed: list[tuple[float | None, tantivy.DocAddress]] | None = None
        if sort == "relevance":
            page = run.relevance(parsed, filters, offset, limit)
            total, scored, matched, relaxed = page.total, page.hits, page.matched, page.relaxed
        else:
            matched = run.matched(parsed, filters)
            if limit:
                total, addrs = run.sorted(matched, sort, offset, limit)
            else:
                total, addrs = run.count(matched), []
            scored = [(None, addr) for addr in addrs]
        marker = Highlighter.for_query(parsed, self.definition.typo_sizes)
        hits = []
        for score, addr in scored:
            doc = _load(searcher.doc(addr))
            hits.append(
                SearchHit(id=doc.id, score=score, highlights=highlights(doc, marker), document=doc)
            )
        facets: dict[str, dict[str, int]] = {}
        if query.facets and relaxed is not None:
            docs = [_load(searcher.doc(addr)) for _, addr in relaxed]
            facets = facets_of(docs, query.facets, query.day())
        elif query.facets:
            facets = run.facets(
                matched, query.facets, query.day(), lambda a: _load(searcher.doc(a))
            )
        return SearchResult(
            hits=hits,
            total=min(total, self.definition.max_total_hits),
            page=query.page,
            per_page=query.per_page,
            facets=facets,
            did_you_mean=did_you_mean(query.q, parsed, lexicon, total),
        )


class _Incompatible(Exception):
    def __init__(self, version: object) -> None:
        super().__init__(f"schema version {version}")
        self.version = version


def _load(doc: tantivy.Document) -> PatentDocument:
    return PatentDocument.model_validate_json(doc["doc"][0])
