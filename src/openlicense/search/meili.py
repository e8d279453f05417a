"""The Meilisearch engine, through the official async client (`meilisearch-python-sdk`).

- Settings come from `search/indexes/patents.json` plus the synonym file it names
  (`setup.load_definition`); `apply_settings` PATCHes only what differs and prints a diff.
- **Same analysis as the embedded engine.** Each document is sent with the tokens of
  `text.Analyzer` (`s_<field>_x`: Chinese words and characters, IPC codes, numbers, spelt with
  letters by `text.meili_token`; `s_<field>_w`: English stems), and only those fields are
  searchable; the query is sent as the same tokens. Meilisearch's own tokenizer then keeps each
  token as one word (`s_<field>_r`: the English words as written, for typos), so both engines
  match the same documents; Meilisearch adds its documented
  typo tolerance (not on the `_x` fields) and prefix search, and ranks with its ranking rules
  and `matchingStrategy: "frequency"` (all words first, then dropping the most frequent).
- Every write waits for its task, so a change is searchable when `upsert`/`delete` return.
- Queries use the filter language (visibility and licence status on the query's day from the
  documents' calendar dates, list filters as `IN [...]`, ranges), `facets`, `sort` (+ `id:asc`
  to break ties; the `sort` ranking rule comes first so an explicit sort is exhaustive) and
  page/hitsPerPage pagination (exact `totalHits` up to `pagination.maxTotalHits`). Highlights
  and "did you mean" are computed here, as in the embedded engine.
- A reindex fills `<uid>_<timestamp>` with the settings applied, swaps it with `<uid>` and
  deletes the old one: searches never see a partial index.
- Connection errors, timeouts and 5xx answers raise `SearchUnavailable`.
"""

from __future__ import annotations

import asyncio
import datetime
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any, NamedTuple, TypeVar

import httpx2
from meilisearch_python_sdk import AsyncClient
from meilisearch_python_sdk.errors import (
    MeilisearchApiError,
    MeilisearchError,
    MeilisearchTaskFailedError,
)
from meilisearch_python_sdk.index import AsyncIndex
from meilisearch_python_sdk.models.search import SearchParams

from openlicense.search import ranking
from openlicense.search.documents import PatentDocument
from openlicense.search.embedded_index import analysed_document
from openlicense.search.engine import (
    FACET_FIELDS,
    SearchError,
    SearchHit,
    SearchQuery,
    SearchResult,
    SearchUnavailable,
    effective_sort,
    page_window,
)
from openlicense.search.freshness import STATUSES, day_number, effective_status
from openlicense.search.results import did_you_mean, facets_of, highlights
from openlicense.search.setup import IndexDefinition, diff_settings, load_definition
from openlicense.search.spelling import Lexicon
from openlicense.search.suggest import SuggestPatent
from openlicense.search.text import (
    Highlighter,
    ParsedQuery,
    is_word_token,
    meili_token,
    stem,
)

__all__ = ["MeilisearchEngine", "build_filter", "meili_document", "quote", "status_filter"]

log = logging.getLogger(__name__)

T = TypeVar("T")

SORTS: dict[str, list[str]] = {
    "newest": ["declared_at:desc", "id:asc"],
    "price_asc": ["entry_price_minor:asc", "id:asc"],
    "expiry": ["expiry_ts:asc", "id:asc"],
}
UPSERT_BATCH = 5_000
TASK_TIMEOUT_MS = 120_000
TASK_INTERVAL_MS = 20
LEXICON_SECONDS = 60.0
"""How long the English vocabulary used for "did you mean" is reused before it is fetched again
(a facet distribution of `en_words`)."""
DOCUMENT_FIELDS = list(PatentDocument.model_fields)
TITLE_ATTRIBUTES = ("s_title_x", "s_title_w", "s_title_r")
CALENDAR_FIELDS = ("patent_ends_ts", "withdrawn_ts", "offer_ends_ts")
CHANGED_LIMIT = 500
"""Up to this many matches whose status the calendar changed are corrected one by one."""


class _Dates(NamedTuple):
    patent_ends_ts: int | None
    withdrawn_ts: int | None
    offer_ends_ts: int | None


def quote(value: str) -> str:
    """A filter string literal."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def status_filter(status: str, day: int) -> str:
    """Documents whose licence status is `status` on `day` (`freshness.effective_status`)."""
    ended = f"patent_ends_ts <= {day}"
    withdrawn = f"withdrawn_ts <= {day}"
    period = f"offer_ends_ts <= {day}"
    if status == "open":
        return f'(licence_status = "open" AND NOT {ended} AND NOT {withdrawn} AND NOT {period})'
    if status == "withdrawn":
        return (
            f'((licence_status = "withdrawn" OR (licence_status = "open" AND {withdrawn})) '
            f"AND NOT {ended})"
        )
    if status == "closed":
        return (
            f'({ended} OR licence_status = "closed" OR '
            f'(licence_status = "open" AND {period} AND NOT {withdrawn}))'
        )
    if status == "none":
        return f'(licence_status = "none" AND NOT {ended})'
    return 'licence_status = "unknown-status"'


def build_filter(query: SearchQuery) -> str:
    """The Meilisearch filter expression of a query: visibility AND every filter."""
    day = day_number(query.day())
    visible = f'(listing_status = "published" AND {status_filter("open", day)})'
    if query.viewer_organisation_id:
        visible = f"({visible} OR owner_organisation_id = {quote(query.viewer_organisation_id)})"
    parts = [visible]
    for field, values in query.list_filters().items():
        parts.append(f"{field} IN [{', '.join(quote(v) for v in values)}]")
    if query.licence_status:
        parts.append("(" + " OR ".join(status_filter(s, day) for s in query.licence_status) + ")")
    if query.has_trial is not None:
        parts.append(f"has_trial = {'true' if query.has_trial else 'false'}")
    for field, low, high in (
        ("entry_price_minor", query.price_min, query.price_max),
        ("trl", query.trl_min, query.trl_max),
    ):
        if low is not None:
            parts.append(f"{field} >= {int(low)}")
        if high is not None:
            parts.append(f"{field} <= {int(high)}")
    return " AND ".join(parts)


def _document(raw: dict[str, Any]) -> PatentDocument:
    return PatentDocument.model_validate({k: v for k, v in raw.items() if not k.startswith("_")})


def _has_latin(q: str) -> bool:
    return any(c.isascii() and c.isalpha() for c in q)


def meili_document(doc: PatentDocument, definition: IndexDefinition) -> dict[str, Any]:
    """The document as stored in Meilisearch: the search document plus its tokens."""
    out = doc.model_dump(mode="json")
    fields, english = analysed_document(doc, definition.analyzer)
    for field, tokens in fields.items():
        words = [t for t in tokens if is_word_token(t)]
        out[f"s_{field}_x"] = " ".join(meili_token(t) for t in tokens if not is_word_token(t))
        # stems in order (multi-word synonyms match as phrases), words as written apart
        out[f"s_{field}_w"] = " ".join(t for t in words if stem(t) == t)
        out[f"s_{field}_r"] = " ".join(t for t in words if stem(t) != t)
    out["en_words"] = list(dict.fromkeys(english))
    return out


class MeilisearchEngine:
    name = "meilisearch"

    def __init__(
        self,
        url: str,
        *,
        api_key: str | None = None,
        index_uid: str = "patents",
        definition: IndexDefinition | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.url = url
        self.uid = index_uid
        self.definition = definition or load_definition()
        self.client = AsyncClient(url, api_key, timeout=int(timeout) or None)
        self._ensured = False
        self._lexicon: Lexicon | None = None
        self._lexicon_at = 0.0

    # --- plumbing ------------------------------------------------------------------------

    async def _call(self, fn: Callable[[], Awaitable[T]]) -> T:
        try:
            return await fn()
        except MeilisearchApiError as err:
            if err.status_code >= 500:
                raise SearchUnavailable(f"Meilisearch at {self.url}: {err}") from err
            raise SearchError(f"Meilisearch at {self.url}: {err}") from err
        except MeilisearchTaskFailedError as err:
            raise SearchError(f"Meilisearch at {self.url}: {err}") from err
        except MeilisearchError as err:  # communication, timeout, protocol
            raise SearchUnavailable(f"Meilisearch at {self.url}: {err}") from err
        except httpx2.HTTPStatusError as err:
            if err.response.status_code >= 500:
                raise SearchUnavailable(f"Meilisearch at {self.url}: {err}") from err
            raise SearchError(f"Meilisearch at {self.url}: {err}") from err
        except (httpx2.HTTPError, OSError) as err:
            raise SearchUnavailable(f"Meilisearch at {self.url}: {err}") from err

    def _index(self, uid: str | None = None) -> AsyncIndex:
        return self.client.index(uid or self.uid)

    async def _wait(self, task_uid: int, *, timeout_ms: int = TASK_TIMEOUT_MS) -> None:
        result = await self.client.wait_for_task(
            task_uid, timeout_in_ms=timeout_ms, interval_in_ms=TASK_INTERVAL_MS
        )
        if result.status != "succeeded":
            raise SearchError(f"Meilisearch task {task_uid} {result.status}: {result.error}")

    async def _exists(self, uid: str) -> bool:
        response = await self.client.http_client.get(f"indexes/{uid}")
        if response.status_code == 404:
            return False
        response.raise_for_status()
        return True

    async def _create(self, uid: str) -> None:
        payload = {"uid": uid, "primaryKey": self.definition.primary_key}
        response = await self.client.http_client.post("indexes", json=payload)
        response.raise_for_status()
        await self._wait(response.json()["taskUid"])
        await self._patch_settings(uid, self.definition.meilisearch_settings())

    async def _patch_settings(self, uid: str, settings: dict[str, Any]) -> None:
        """PATCH the settings as written in the definition (no client-side model in between)."""
        response = await self.client.http_client.patch(f"indexes/{uid}/settings", json=settings)
        response.raise_for_status()
        await self._wait(response.json()["taskUid"])

    async def _current_settings(self, uid: str) -> dict[str, Any]:
        response = await self.client.http_client.get(f"indexes/{uid}/settings")
        response.raise_for_status()
        settings: dict[str, Any] = response.json()
        return settings

    # --- protocol ------------------------------------------------------------------------

    async def ensure_index(self) -> None:
        async def run() -> None:
            if not await self._exists(self.uid):
                await self._create(self.uid)

        await self._call(run)
        self._ensured = True

    async def apply_settings(self, *, dry_run: bool) -> list[str]:
        """Diff lines between the server's settings and the definition; applies the changed
        settings unless `dry_run` (a missing index is created first, or reported)."""

        async def run() -> list[str]:
            desired = self.definition.meilisearch_settings()
            if not await self._exists(self.uid):
                lines, _ = diff_settings({}, desired)
                head = f"index {self.uid}: missing, created with {self.definition.describe()}"
                if dry_run:
                    return [head.replace("created", "would be created"), *lines]
                await self._create(self.uid)
                return [head, *lines]
            lines, patch = diff_settings(await self._current_settings(self.uid), desired)
            if patch and not dry_run:
                await self._patch_settings(self.uid, patch)
            return lines

        return await self._call(run)

    async def upsert(self, docs: Sequence[PatentDocument]) -> None:
        if not docs:
            return
        payload = [meili_document(d, self.definition) for d in docs]
        if not self._ensured:  # never let a first write create an index without settings
            await self.ensure_index()

        async def run() -> None:
            index = self._index()
            for start in range(0, len(payload), UPSERT_BATCH):
                chunk = payload[start : start + UPSERT_BATCH]
                task = await index.add_documents(chunk, primary_key=self.definition.primary_key)
                await self._wait(task.task_uid)

        await self._call(run)

    async def delete(self, ids: Sequence[str]) -> None:
        if not ids:
            return

        async def run() -> None:
            task = await self._index().delete_documents(list(ids))
            await self._wait(task.task_uid)

        await self._call(run)

    async def reindex(self, batches: AsyncIterator[Sequence[PatentDocument]]) -> int:
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d%H%M%S")
        fresh = f"{self.uid}_{stamp}_{uuid.uuid4().hex[:6]}"
        try:
            await self._call(lambda: self._create(fresh))
            index = self._index(fresh)
            async for batch in batches:
                if not batch:
                    continue
                payload = [meili_document(d, self.definition) for d in batch]

                async def add(payload: list[dict[str, Any]] = payload) -> None:
                    task = await index.add_documents(
                        payload, primary_key=self.definition.primary_key
                    )
                    await self._wait(task.task_uid)

                await self._call(add)

            async def swap() -> None:
                if not await self._exists(self.uid):
                    await self._create(self.uid)
                task = await self.client.swap_indexes([(self.uid, fresh)])
                await self._wait(task.task_uid)

            await self._call(swap)
            self._ensured = True
        finally:
            # after the swap `fresh` holds the old documents; on failure, the partial build
            await self._drop(fresh)
        return await self.count()

    async def _drop(self, uid: str) -> None:
        async def run() -> None:
            task = await self._index(uid).delete()
            await self._wait(task.task_uid)

        try:
            await self._call(run)
        except SearchError as err:
            log.warning("could not delete Meilisearch index %s: %s", uid, err)

    async def get(self, id: str) -> PatentDocument | None:
        async def run() -> PatentDocument | None:
            try:
                found = await self._index().get_document(id)
            except MeilisearchApiError as err:
                if err.status_code == 404:
                    return None
                raise
            return PatentDocument.model_validate(
                {k: found.get(k) for k in DOCUMENT_FIELDS if k in found}
            )

        return await self._call(run)

    async def ids(self) -> set[str]:
        async def run() -> set[str]:
            out: set[str] = set()
            index, offset = self._index(), 0
            while True:
                page = await index.get_documents(offset=offset, limit=1000, fields=["id"])
                out.update(str(d["id"]) for d in page.results)
                offset += len(page.results)
                if not page.results or offset >= page.total:
                    return out

        try:
            return await self._call(run)
        except SearchError:
            if await self._call(lambda: self._exists(self.uid)):
                raise
            return set()

    async def count(self) -> int:
        async def run() -> int:
            if not await self._exists(self.uid):
                return 0
            return (await self._index().get_stats()).number_of_documents

        return await self._call(run)

    async def healthy(self) -> bool:
        try:
            health = await self._call(self.client.health)
        except SearchError:
            return False
        return health.status == "available"

    async def close(self) -> None:
        await self.client.aclose()

    async def search(self, query: SearchQuery) -> SearchResult:
        if not self._ensured:
            await self.ensure_index()
        lexicon = await self._vocabulary() if _has_latin(query.q) else None
        parsed = self.definition.analyzer.parse(query.q, lexicon)
        sort = effective_sort(query, placeholder=parsed.is_placeholder)
        offset, limit = page_window(query, self.definition.max_total_hits)
        facet_fields = [FACET_FIELDS[n] for n in query.facets]
        filter_ = build_filter(query)
        q = "" if parsed.is_placeholder else parsed.meili_q()

        async def run() -> Any:
            return await self._index().search(
                q,
                filter=filter_,
                facets=facet_fields or None,
                sort=SORTS.get(sort),
                page=query.page,
                hits_per_page=query.per_page,
                attributes_to_retrieve=DOCUMENT_FIELDS,
                matching_strategy="frequency",
                show_ranking_score=True,
            )

        if "licence_status" in query.facets:
            result, changed = await asyncio.gather(
                self._call(run), self._changed_statuses(q, filter_, query)
            )
        else:
            result, changed = await self._call(run), None
        total = result.total_hits if result.total_hits is not None else len(result.hits)
        raws: list[dict[str, Any]] = list(result.hits) if limit else []
        relaxed = None
        if sort == "relevance" and len(parsed.clauses) > 1 and total < ranking.RELAX_BELOW:
            relaxed = await self._relaxed(parsed, q, filter_, total, result)
        marker = Highlighter.for_query(parsed, self.definition.typo_sizes)
        facets: dict[str, dict[str, int]] = {}
        if relaxed is not None:
            documents = [_document(raw) for raw in relaxed]
            total = len(documents)
            raws = relaxed[offset : offset + limit]
            facets = facets_of(documents, query.facets, query.day())
        else:
            distribution = result.facet_distribution or {}
            for name in query.facets:
                values = distribution.get(FACET_FIELDS[name]) or {}
                facets[name] = {str(k): int(v) for k, v in values.items()}
            if "licence_status" in query.facets:
                facets["licence_status"] = await self._status_counts(
                    q, filter_, query, facets["licence_status"], changed
                )
        hits = []
        for raw in raws:
            document = _document(raw)
            score = raw.get("_rankingScore") if sort == "relevance" else None
            hits.append(
                SearchHit(
                    id=document.id,
                    score=score,
                    highlights=highlights(document, marker),
                    document=document,
                )
            )
        suggestion = None
        if lexicon is not None and not parsed.is_placeholder:
            suggestion = did_you_mean(query.q, parsed, lexicon, total)
        return SearchResult(
            hits=hits,
            total=min(total, self.definition.max_total_hits),
            page=query.page,
            per_page=query.per_page,
            facets=facets,
            did_you_mean=suggestion,
        )

    async def _relaxed(
        self, parsed: ParsedQuery, q: str, filter_: str, total: int, first: Any
    ) -> list[dict[str, Any]] | None:
        """Every result with the relaxed tail of `ranking.py`, or None when the query is not
        relaxed. Clause frequencies come from one multi-search (a count per clause and of the
        index); each tier is one search excluding the documents listed before it."""
        clause_qs = [" ".join(meili_token(t) for t in c.tokens) + " " for c in parsed.clauses]
        uid = self.uid

        async def frequencies() -> Any:
            queries = [SearchParams(index_uid=uid, q="", hits_per_page=0, page=1)]
            queries += [
                SearchParams(index_uid=uid, q=cq, hits_per_page=0, page=1, matching_strategy="all")
                for cq in clause_qs
            ]
            return await self.client.multi_search(queries)

        counts = [int(r.total_hits or 0) for r in await self._call(frequencies)]
        relaxed = ranking.relaxed_clauses(counts[1:], counts[0])
        if not relaxed:
            return None
        strict: list[dict[str, Any]] = list(first.hits)
        if first.page != 1 or len(strict) < total:

            async def everything() -> Any:
                return await self._index().search(
                    q,
                    filter=filter_,
                    page=1,
                    hits_per_page=ranking.RELAX_BELOW,
                    attributes_to_retrieve=DOCUMENT_FIELDS,
                    matching_strategy="frequency",
                    show_ranking_score=True,
                )

            strict = list((await self._call(everything)).hits)
        ranked = strict
        for i in relaxed:
            room = ranking.RELAX_DEPTH - len(ranked)
            if room <= 0:
                break
            listed = ", ".join(quote(str(raw["id"])) for raw in ranked)
            tier_filter = f"({filter_}) AND NOT id IN [{listed}]" if listed else filter_

            async def tier(
                cq: str = clause_qs[i], tier_filter: str = tier_filter, room: int = room
            ) -> Any:
                return await self._index().search(
                    cq,
                    filter=tier_filter,
                    page=1,
                    hits_per_page=room,
                    attributes_to_retrieve=DOCUMENT_FIELDS,
                    matching_strategy="all",
                    show_ranking_score=True,
                )

            ranked = ranked + list((await self._call(tier)).hits)
        return ranked

    # --- suggest (suggest.SuggestSource) --------------------------------------------------

    async def suggest_counts(self, today: datetime.date) -> dict[str, dict[str, int]]:
        names = ["keywords", "university_name", "ipc_subclasses", "ipc_groups"]
        filter_ = build_filter(SearchQuery(today=today))

        async def run() -> Any:
            return await self._index().search("", filter=filter_, facets=names, limit=0)

        distribution = (await self._call(run)).facet_distribution or {}
        return {n: {str(k): int(v) for k, v in (distribution.get(n) or {}).items()} for n in names}

    async def suggest_titles(self, q: str, limit: int, today: datetime.date) -> list[SuggestPatent]:
        lexicon = await self._vocabulary() if _has_latin(q) else None
        parsed = self.definition.analyzer.parse(q, lexicon)
        if parsed.is_placeholder:
            return []
        filter_ = build_filter(SearchQuery(today=today))

        async def run() -> Any:
            return await self._index().search(
                parsed.meili_q(),
                filter=filter_,
                limit=limit,
                attributes_to_search_on=list(TITLE_ATTRIBUTES),
                attributes_to_retrieve=["id", "title_zh", "title_en"],
                matching_strategy="all",
            )

        result = await self._call(run)
        return [
            SuggestPatent(id=str(h["id"]), title_zh=h["title_zh"], title_en=h.get("title_en"))
            for h in result.hits
        ]

    async def _changed_statuses(
        self, q: str, filter_: str, query: SearchQuery
    ) -> list[tuple[str, str]] | None:
        """(stored, effective) licence status of the matches the calendar has changed since
        they were written; None when there are more than `CHANGED_LIMIT`."""
        day = query.day()
        number = day_number(day)
        ended = f"patent_ends_ts <= {number}"
        dates = f"({ended} OR withdrawn_ts <= {number} OR offer_ends_ts <= {number})"
        changed = (
            f'((licence_status = "open" AND {dates}) OR '
            f'(licence_status IN ["none", "withdrawn"] AND {ended}))'
        )

        async def run() -> Any:
            return await self._index().search(
                q,
                filter=f"({filter_}) AND {changed}",
                page=1,
                hits_per_page=CHANGED_LIMIT,
                attributes_to_retrieve=["licence_status", *CALENDAR_FIELDS],
                matching_strategy="frequency",
            )

        result = await self._call(run)
        if (result.total_hits or 0) > CHANGED_LIMIT:
            return None
        out = []
        for hit in result.hits:
            dates_of = _Dates(*(hit.get(f) for f in CALENDAR_FIELDS))
            out.append(
                (hit["licence_status"], effective_status(hit["licence_status"], dates_of, day))
            )
        return out

    async def _status_counts(
        self,
        q: str,
        filter_: str,
        query: SearchQuery,
        stored: dict[str, int],
        changed: list[tuple[str, str]] | None,
    ) -> dict[str, int]:
        """Licence status counts on the query's day: the stored facet corrected for the
        documents the calendar changed, or (many of those) one count per status."""
        if changed is not None:
            counts = dict(stored)
            for was, now in changed:
                counts[was] -= 1
                counts[now] = counts.get(now, 0) + 1
            return {s: n for s, n in counts.items() if n}
        day = day_number(query.day())

        async def count(status: str) -> int:
            result = await self._index().search(
                q,
                filter=f"{filter_} AND {status_filter(status, day)}",
                page=1,
                hits_per_page=0,
                matching_strategy="frequency",
            )
            return int(result.total_hits or 0)

        async def all_counts() -> list[int]:
            return list(await asyncio.gather(*(count(s) for s in STATUSES)))

        per_status = await self._call(all_counts)
        return {s: n for s, n in zip(STATUSES, per_status, strict=True) if n}

    async def _vocabulary(self) -> Lexicon:
        """English words of the index with their document counts (the `en_words` facet)."""
        now = time.monotonic()
        if self._lexicon is not None and now - self._lexicon_at < LEXICON_SECONDS:
            return self._lexicon

        async def run() -> Any:
            return await self._index().search("", facets=["en_words"], limit=0)

        try:
            result = await self._call(run)
        except SearchError as err:
            log.warning("no vocabulary for did-you-mean: %s", err)
            return self._lexicon or Lexicon({}, self.definition.typo_sizes)
        pairs = (result.facet_distribution or {}).get("en_words") or {}
        self._lexicon = Lexicon.from_pairs(pairs.items(), self.definition.typo_sizes)
        self._lexicon_at = now
        return self._lexicon
