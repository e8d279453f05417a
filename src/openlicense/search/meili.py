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
from typing import Any, NamedTuple

from meilisearch_python_sdk.models.search import SearchParams

from openlicense.search import ranking
from openlicense.search.documents import PatentDocument
from openlicense.search.engine import (
    FACET_FIELDS,
    SearchError,
    SearchHit,
    SearchQuery,
    SearchResult,
    effective_sort,
    page_window,
)
from openlicense.search.freshness import STATUSES, day_number, effective_status
from openlicense.search.highlight import Highlighter
from openlicense.search.meili_index import MeiliIndex
from openlicense.search.meili_query import (
    build_filter,
    has_latin,
    meili_document,
    quote,
    status_filter,
    stored_document,
)
from openlicense.search.results import did_you_mean, facets_of, highlights
from openlicense.search.spelling import Lexicon
from openlicense.search.suggest import SuggestPatent
from openlicense.search.text import (
    ParsedQuery,
    meili_token,
)

__all__ = ["MeilisearchEngine", "build_filter", "meili_document", "quote", "status_filter"]

log = logging.getLogger(__name__)


SORTS: dict[str, list[str]] = {
    "newest": ["declared_at:desc", "id:asc"],
    "price_asc": ["entry_price_minor:asc", "id:asc"],
    "expiry": ["expiry_ts:asc", "id:asc"],
}
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


class MeilisearchEngine(MeiliIndex):
    """Search on Meilisearch with the same analysis and ranking idea as the embedded engine."""

    async def search(self, query: SearchQuery) -> SearchResult:
        if not self._ensured:
            await self.ensure_index()
        lexicon = await self._vocabulary() if has_latin(query.q) else None
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
        if relaxed is not None:
            documents = [stored_document(raw) for raw in relaxed]
            total = len(documents)
            raws = relaxed[offset : offset + limit]
            facets = facets_of(documents, query.facets, query.day())
        else:
            facets = await self._facets(result, q, filter_, query, changed)
        hits = [_hit(raw, marker, relevance=sort == "relevance") for raw in raws]
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

    async def _facets(
        self, result: Any, q: str, filter_: str, query: SearchQuery, changed: Any
    ) -> dict[str, dict[str, int]]:
        """Meilisearch's facet distribution, with the licence status on the query's day."""
        distribution = result.facet_distribution or {}
        facets: dict[str, dict[str, int]] = {}
        for name in query.facets:
            values = distribution.get(FACET_FIELDS[name]) or {}
            facets[name] = {str(k): int(v) for k, v in values.items()}
        if "licence_status" in query.facets:
            facets["licence_status"] = await self._status_counts(
                q, filter_, query, facets["licence_status"], changed
            )
        return facets

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
        lexicon = await self._vocabulary() if has_latin(q) else None
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


def _hit(raw: dict[str, Any], marker: Highlighter, *, relevance: bool) -> SearchHit:
    document = stored_document(raw)
    return SearchHit(
        id=document.id,
        score=raw.get("_rankingScore") if relevance else None,
        highlights=highlights(document, marker),
        document=document,
    )
