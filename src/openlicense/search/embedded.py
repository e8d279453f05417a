"""The embedded engine: a tantivy index in a local folder, no server needed (`make demo`).

Layout of the folder::

    CURRENT                 name of the live generation (replaced atomically with os.replace)
    gen-<time>-<rand>/      one tantivy index + openlicense.json {"schema_version": N}

A reindex builds a new generation next to the live one, then swaps `CURRENT`; searches keep using
the old generation until the swap and every process notices the new pointer on its next call.
Writes open a writer per call (tantivy allows one writer per index across processes; a busy
lock is retried for a few seconds) and re-apply to the new generation if a swap happened
meanwhile. All tantivy work runs in worker threads (`asyncio.to_thread`); tantivy releases the
GIL while it searches.

Matching follows `text.py`. Chinese text is indexed twice (characters and Latin words; character
bigrams), English text with Snowball stems. Filters, sorts and facets use fast fields; facet
counts are tantivy `terms` aggregations over every match.
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import tantivy

from openlicense.search.documents import PatentDocument
from openlicense.search.engine import (
    FACET_FIELDS,
    HIGHLIGHT_FIELDS,
    SearchHit,
    SearchQuery,
    SearchResult,
    SearchUnavailable,
    effective_sort,
    page_window,
)
from openlicense.search.setup import IndexDefinition, load_definition
from openlicense.search.text import (
    BIGRAM_TOKENIZER,
    ENGLISH_TOKENIZER,
    RAW_TOKENIZER,
    UNIGRAM_TOKENIZER,
    Alternative,
    Clause,
    HanTerm,
    Highlighter,
    ParsedQuery,
    WordTerm,
    marks_to_html,
    parse_query,
    register_analyzers,
)

__all__ = ["SCHEMA_VERSION", "EmbeddedEngine"]

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
"""Bump when the tantivy schema or analyzers change: an index of another version is replaced by
an empty one on open (run `openlicense search reindex`)."""

POINTER = "CURRENT"
META = "openlicense.json"

KEYWORD_FIELDS = (
    "patent_type",
    "ipc_sections",
    "ipc_classes",
    "technology_field",
    "university_id",
    "province",
    "fee_type",
    "licence_status",
    "listing_status",
    "owner_organisation_id",
)
INT_FIELDS = ("entry_price_minor", "trl", "declared_at", "expiry_ts")
SORTS: dict[str, tuple[str, tantivy.Order]] = {
    "newest": ("declared_at", tantivy.Order.Desc),
    "price_asc": ("entry_price_minor", tantivy.Order.Asc),
    "expiry": ("expiry_ts", tantivy.Order.Asc),
}

TITLE_BOOST = 3.0
BODY_BOOST = 1.0
APPROX_FACTOR = 0.4  # typo and prefix matches score below exact ones
UNIGRAM_FACTOR = 0.25  # a shared character counts less than a shared character pair

WRITER_HEAP = 64_000_000
REINDEX_HEAP = 256_000_000
LOCK_WAIT_SECONDS = 10.0

T = TypeVar("T")


def build_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", fast=True, tokenizer_name="raw", index_option="basic")
    sb.add_bytes_field("doc", stored=True)
    for name in ("zh_title", "zh_body"):
        sb.add_text_field(name, tokenizer_name=UNIGRAM_TOKENIZER, index_option="freq")
        sb.add_text_field(f"{name}_bi", tokenizer_name=BIGRAM_TOKENIZER, index_option="freq")
    for name in ("en_title", "en_body"):
        sb.add_text_field(name, tokenizer_name=ENGLISH_TOKENIZER, index_option="freq")
        sb.add_text_field(f"{name}_raw", tokenizer_name=RAW_TOKENIZER, index_option="basic")
    for name in KEYWORD_FIELDS:
        sb.add_text_field(name, fast=True, tokenizer_name="raw", index_option="basic")
    sb.add_boolean_field("has_trial", indexed=True, fast=True)
    for name in INT_FIELDS:
        sb.add_integer_field(name, indexed=True, fast=True)
    return sb.build()


def to_tantivy(doc: PatentDocument) -> tantivy.Document:
    zh_title = [doc.title_zh, *doc.keywords]
    zh_body = [v for v in (doc.abstract_zh, doc.university_name, doc.application_number) if v]
    fields: dict[str, Any] = {
        "id": doc.id,
        "doc": doc.model_dump_json().encode(),
        "zh_title": zh_title,
        "zh_title_bi": zh_title,
        "zh_body": zh_body,
        "zh_body_bi": zh_body,
        "has_trial": doc.has_trial,
    }
    if doc.title_en:
        fields["en_title"] = fields["en_title_raw"] = doc.title_en
    if doc.abstract_en:
        fields["en_body"] = fields["en_body_raw"] = doc.abstract_en
    for name in KEYWORD_FIELDS:
        value = getattr(doc, name)
        if value is not None and value != []:
            fields[name] = value
    for name in INT_FIELDS:
        if (value := getattr(doc, name)) is not None:
            fields[name] = value
    return tantivy.Document(**fields)


@dataclass
class _Generation:
    name: str
    path: Path
    index: tantivy.Index
    schema: tantivy.Schema
    meta_key: tuple[int, int] | None = None

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
        meta = {"schema_version": SCHEMA_VERSION, "created_at": stamp}
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
        converted = [(d.id, to_tantivy(d)) for d in docs]

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

            def add(batch: Sequence[PatentDocument]) -> None:
                for doc in batch:
                    if doc.id in seen:
                        writer.delete_documents_by_term("id", doc.id)
                    seen.add(doc.id)
                    writer.add_document(to_tantivy(doc))

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
        """Nothing to apply: settings are code and synonyms are read at query time."""
        await self._run(self._current)
        return [
            f"embedded engine: nothing to apply (schema v{SCHEMA_VERSION}, "
            f"{self.definition.describe()} applied at query time)"
        ]

    async def search(self, query: SearchQuery) -> SearchResult:
        return await self._run(self._search, query)

    # --- search --------------------------------------------------------------------------

    def _search(self, query: SearchQuery) -> SearchResult:
        gen = self._current()
        searcher = gen.searcher()
        parsed = parse_query(query.q, self.definition.synonyms)
        tq = _Queries(gen.schema).build(parsed, query)
        sort = effective_sort(query, placeholder=parsed.is_placeholder)
        offset, limit = page_window(query, self.definition.max_total_hits)
        scored: list[tuple[float | None, tantivy.DocAddress]]
        if limit == 0:
            total = searcher.search(tq, limit=1, count=True).count
            scored = []
        elif sort == "relevance":
            result = searcher.search(tq, limit=limit, offset=offset, count=True)
            total = result.count
            scored = [(float(score), addr) for score, addr in result.hits]
        else:
            field, order = SORTS[sort]
            total, addrs = _sorted_page(searcher, gen.schema, tq, field, order, offset, limit)
            scored = [(None, addr) for addr in addrs]
        hits = []
        marker = Highlighter(parsed)
        for score, addr in scored:
            doc = _load(searcher.doc(addr))
            hits.append(
                SearchHit(id=doc.id, score=score, highlights=_highlights(doc, marker), document=doc)
            )
        return SearchResult(
            hits=hits,
            total=min(total, self.definition.max_total_hits),
            page=query.page,
            per_page=query.per_page,
            facets=self._facets(searcher, tq, query.facets),
        )

    def _facets(
        self, searcher: tantivy.Searcher, query: tantivy.Query, names: Sequence[str]
    ) -> dict[str, dict[str, int]]:
        if not names:
            return {}
        size = self.definition.max_values_per_facet
        aggs = {name: {"terms": {"field": FACET_FIELDS[name], "size": size}} for name in names}
        result = searcher.aggregate(query, aggs)
        facets: dict[str, dict[str, int]] = {}
        for name in names:
            buckets = result.get(name, {}).get("buckets", [])
            facets[name] = {
                str(b.get("key_as_string", b["key"])): int(b["doc_count"])
                for b in buckets
                if b["doc_count"]
            }
        return facets


class _Incompatible(Exception):
    def __init__(self, version: object) -> None:
        super().__init__(f"schema version {version}")
        self.version = version


def _load(doc: tantivy.Document) -> PatentDocument:
    return PatentDocument.model_validate_json(doc["doc"][0])


def _highlights(doc: PatentDocument, marker: Highlighter) -> dict[str, str]:
    out = {}
    for name in HIGHLIGHT_FIELDS:
        text = getattr(doc, name)
        if text and (marked := marker(text)):
            out[name] = marks_to_html(marked)
    return out


_MUST, _SHOULD, _NOT = tantivy.Occur.Must, tantivy.Occur.Should, tantivy.Occur.MustNot


def _sorted_page(
    searcher: tantivy.Searcher,
    schema: tantivy.Schema,
    query: tantivy.Query,
    field: str,
    order: tantivy.Order,
    offset: int,
    limit: int,
) -> tuple[int, list[tantivy.DocAddress]]:
    """One page ordered by `field` (missing values last), ties broken by id ascending.

    tantivy orders by one fast field, so: take the top offset+limit by `field`, split them into
    runs of equal values, and order each run that reaches into the page by id with a second
    query (`field == value`, ordered by the id fast field). A run of one that is followed by
    another value is complete and needs no second query.
    """
    want = offset + limit
    result = searcher.search(query, limit=want, count=True, order_by_field=field, order=order)
    total, hits = result.count, result.hits
    runs: list[tuple[Any, int, list[tantivy.DocAddress]]] = []
    for pos, (value, addr) in enumerate(hits):
        if runs and runs[-1][0] == value:
            runs[-1][2].append(addr)
        else:
            runs.append((value, pos, [addr]))
    page: list[tantivy.DocAddress] = []
    for i, (value, start, addrs) in enumerate(runs):
        if start + len(addrs) <= offset:
            continue
        complete = i < len(runs) - 1 or len(hits) == total
        if len(addrs) == 1 and complete:
            page.append(addrs[0])
            continue
        skip = max(offset - start, 0)
        if value is None:
            same = tantivy.Query.boolean_query(
                [(_MUST, tantivy.Query.all_query()), (_NOT, tantivy.Query.exists_query(field))]
            )
        else:
            same = tantivy.Query.term_query(schema, field, value)
        tied = tantivy.Query.boolean_query([(_MUST, query), (_MUST, same)])
        sub = searcher.search(
            tied,
            limit=len(addrs) - skip,
            offset=skip,
            count=False,
            order_by_field="id",
            order=tantivy.Order.Asc,
        )
        page.extend(addr for _, addr in sub.hits)
    return total, page[:limit]


class _Queries:
    """Builds the tantivy query of a SearchQuery (text + filters + visibility)."""

    def __init__(self, schema: tantivy.Schema) -> None:
        self.schema = schema

    def build(self, parsed: ParsedQuery, query: SearchQuery) -> tantivy.Query:
        parts: list[tuple[tantivy.Occur, tantivy.Query]] = []
        if parsed.is_placeholder:
            parts.append((_MUST, tantivy.Query.all_query()))
        else:
            parts += [(_MUST, self.clause(c)) for c in parsed.clauses]
        filters = [self.visibility(query.viewer_organisation_id), *self.filters(query)]
        parts += [(_MUST, tantivy.Query.const_score_query(f, 0.0)) for f in filters]
        return tantivy.Query.boolean_query(parts)

    # text

    def clause(self, clause: Clause) -> tantivy.Query:
        alternatives = [self.alternative(a) for a in clause.alternatives]
        if len(alternatives) == 1:
            return alternatives[0]
        return tantivy.Query.boolean_query([(_SHOULD, a) for a in alternatives])

    def alternative(self, alternative: Alternative) -> tantivy.Query:
        terms = [
            self.word(t) if isinstance(t, WordTerm) else self.han(t) for t in alternative.terms
        ]
        if len(terms) == 1:
            return terms[0]
        return tantivy.Query.boolean_query([(_MUST, t) for t in terms])

    def word(self, term: WordTerm) -> tantivy.Query:
        """Stem equality in every field; typos and prefix on the English words as written."""
        q = tantivy.Query
        subs = []
        for field, boost in (
            ("zh_title", TITLE_BOOST),
            ("en_title", TITLE_BOOST),
            ("zh_body", BODY_BOOST),
            ("en_body", BODY_BOOST),
        ):
            subs.append(q.boost_query(q.term_query(self.schema, field, term.stem), boost))
            if not field.startswith("en_"):
                continue
            if term.typos:
                fuzzy = q.fuzzy_term_query(
                    self.schema, f"{field}_raw", term.raw, term.typos, True, False
                )
                subs.append(q.boost_query(fuzzy, boost * APPROX_FACTOR))
            if term.prefix:
                prefix = q.fuzzy_term_query(self.schema, f"{field}_raw", term.raw, 0, True, True)
                subs.append(q.boost_query(prefix, boost * APPROX_FACTOR))
        return q.boolean_query([(_SHOULD, s) for s in subs])

    def han(self, term: HanTerm) -> tantivy.Query:
        q = tantivy.Query

        def either(field: str, token: str, factor: float) -> tantivy.Query:
            title = q.term_query(self.schema, f"zh_title{field}", token)
            body = q.term_query(self.schema, f"zh_body{field}", token)
            return q.boolean_query(
                [
                    (_SHOULD, q.boost_query(title, factor * TITLE_BOOST)),
                    (_SHOULD, q.boost_query(body, factor * BODY_BOOST)),
                ]
            )

        chars = [(_MUST, either("", c, UNIGRAM_FACTOR)) for c in term.chars]
        if len(term.text) < 2:
            return chars[0][1]
        bigrams = [(_SHOULD, either("_bi", b, 1.0)) for b in term.bigrams]
        enough = q.boolean_query(bigrams, minimum_number_should_match=term.min_bigrams)
        return q.boolean_query([*chars, (_MUST, enough)])

    # filters

    def visibility(self, viewer: str | None) -> tantivy.Query:
        q = tantivy.Query
        public = q.boolean_query(
            [
                (_MUST, q.term_query(self.schema, "listing_status", "published")),
                (_MUST, q.term_query(self.schema, "licence_status", "open")),
            ]
        )
        if not viewer:
            return public
        own = q.term_query(self.schema, "owner_organisation_id", viewer)
        return q.boolean_query([(_SHOULD, public), (_SHOULD, own)])

    def filters(self, query: SearchQuery) -> list[tantivy.Query]:
        q = tantivy.Query
        out = [
            q.term_set_query(self.schema, field, values)
            for field, values in query.list_filters().items()
        ]
        if query.has_trial is not None:
            out.append(q.term_query(self.schema, "has_trial", query.has_trial))
        for field, low, high in (
            ("entry_price_minor", query.price_min, query.price_max),
            ("trl", query.trl_min, query.trl_max),
        ):
            if low is not None or high is not None:
                out.append(q.range_query(self.schema, field, tantivy.FieldType.Integer, low, high))
        return out
