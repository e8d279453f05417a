"""The search contract: query and result types, the engine protocol, and `make_engine`.

Both engines (`embedded.EmbeddedEngine`, tantivy; `meili.MeilisearchEngine`) implement
`SearchEngine` with the same semantics; `tests/search/test_contract.py` checks that they return
the same results on a fixed corpus. Matching rules live in `text.py`; index definitions
(Meilisearch settings, synonyms, result limits) in the repo's `search/` folder, loaded by
`setup.load_definition`. `app.make_search_engine` picks the engine from the settings.
"""

from __future__ import annotations

import datetime
from collections.abc import AsyncIterator, Sequence
from typing import Annotated, Literal, Protocol, runtime_checkable

from pydantic import BaseModel, Field

from openlicense.search.documents import PatentDocument

__all__ = [
    "FACET_FIELDS",
    "FacetName",
    "SearchEngine",
    "SearchError",
    "SearchHit",
    "SearchQuery",
    "SearchResult",
    "SearchUnavailable",
    "SortOrder",
    "effective_sort",
]

FacetName = Literal[
    "patent_type",
    "ipc_section",
    "ipc_class",
    "ipc_subclass",
    "ipc_group",
    "technology_field",
    "university_id",
    "province",
    "fee_type",
    "licence_status",
    "has_trial",
]
SortOrder = Literal["relevance", "newest", "price_asc", "expiry"]

FACET_FIELDS: dict[str, str] = {
    "patent_type": "patent_type",
    "ipc_section": "ipc_sections",
    "ipc_class": "ipc_classes",
    "ipc_subclass": "ipc_subclasses",
    "ipc_group": "ipc_groups",
    "technology_field": "technology_field",
    "university_id": "university_id",
    "province": "province",
    "fee_type": "fee_type",
    "licence_status": "licence_status",
    "has_trial": "has_trial",
}
"""Facet (and list filter) name → document field."""

HIGHLIGHT_FIELDS = ("title_zh", "title_en", "abstract_zh", "abstract_en")


class SearchQuery(BaseModel):
    q: str = ""
    patent_type: list[str] = []
    ipc_section: list[str] = []
    ipc_class: list[str] = []
    ipc_subclass: list[str] = []
    """IPC filters at each level: section "H", class "H01", subclass "H01M", main group
    "H01M 4"."""
    ipc_group: list[str] = []
    technology_field: list[str] = []
    university_id: list[str] = []
    province: list[str] = []
    fee_type: list[str] = []
    licence_status: list[str] = []
    price_min: int | None = None
    """On `entry_price_minor`, inclusive; documents without a price never match a price filter."""
    price_max: int | None = None
    has_trial: bool | None = None
    trl_min: int | None = None
    trl_max: int | None = None
    sort: SortOrder = "relevance"
    """relevance; newest = declared_at desc; price_asc = entry_price_minor asc; expiry =
    expiry_ts asc. Missing values sort last, ties by id ascending. A relevance sort without any
    search term (browsing) is the newest sort."""
    page: Annotated[int, Field(ge=1)] = 1
    per_page: Annotated[int, Field(ge=1, le=100)] = 20
    facets: list[FacetName] = []
    viewer_organisation_id: str | None = None
    """Visibility is always applied: published listings with an open licence, plus, when set,
    every document of this organisation (its drafts, withdrawn and closed listings)."""
    today: datetime.date | None = None
    """The day licence statuses are evaluated on (calendar dates in the documents); None = the
    current UTC date."""

    def list_filters(self) -> dict[str, list[str]]:
        """Document field → accepted values, for the non-empty list filters."""
        return {
            FACET_FIELDS[name]: values
            for name in (
                "patent_type",
                "ipc_section",
                "ipc_class",
                "ipc_subclass",
                "ipc_group",
                "technology_field",
                "university_id",
                "province",
                "fee_type",
            )
            if (values := getattr(self, name))
        }

    def day(self) -> datetime.date:
        return self.today or datetime.datetime.now(datetime.UTC).date()


class SearchHit(BaseModel):
    id: str
    score: float | None
    """Engine-specific relevance (BM25 for embedded, 0–1 for Meilisearch); None when sorted."""
    highlights: dict[str, str]
    """Among title_zh, title_en, abstract_zh, abstract_en: HTML-escaped text with the matched
    terms wrapped in <mark>…</mark>; only fields with a match."""
    document: PatentDocument


class SearchResult(BaseModel):
    hits: list[SearchHit]
    total: int
    """Matching documents, capped at the index's `pagination.maxTotalHits`."""
    page: int
    per_page: int
    facets: dict[str, dict[str, int]]
    """Per requested facet: value → count over all matching documents (after filters and
    visibility), zero counts left out; booleans as "true"/"false"."""
    did_you_mean: str | None = None
    """The query with misspelt English words corrected, when a word is unknown to the index."""


class SearchError(Exception):
    """Base of the search errors."""


class SearchUnavailable(SearchError):
    """The engine cannot be reached (server down, index folder unusable): retry later."""


@runtime_checkable
class SearchEngine(Protocol):
    name: str
    """"embedded" or "meilisearch"."""

    async def ensure_index(self) -> None:
        """Create the index (with its settings) when missing; no-op otherwise."""

    async def upsert(self, docs: Sequence[PatentDocument]) -> None:
        """Add or replace documents; visible to search when this returns."""

    async def delete(self, ids: Sequence[str]) -> None:
        """Remove documents (unknown ids are ignored); visible to search when this returns."""

    async def search(self, query: SearchQuery) -> SearchResult: ...

    async def reindex(self, batches: AsyncIterator[Sequence[PatentDocument]]) -> int:
        """Build a fresh index from `batches` and swap it in atomically; returns the number of
        documents. Searches during a reindex see the old, complete index."""

    async def get(self, id: str) -> PatentDocument | None: ...

    async def ids(self) -> set[str]: ...

    async def count(self) -> int: ...

    async def healthy(self) -> bool:
        """True when the engine answers; never raises."""

    async def close(self) -> None: ...


def effective_sort(query: SearchQuery, *, placeholder: bool) -> SortOrder:
    """A relevance sort without any search term lists the newest declarations first."""
    if query.sort == "relevance" and placeholder:
        return "newest"
    return query.sort


def page_window(query: SearchQuery, max_total_hits: int) -> tuple[int, int]:
    """(offset, limit) of the requested page, never past `max_total_hits`."""
    offset = (query.page - 1) * query.per_page
    return offset, max(0, min(query.per_page, max_total_hits - offset))
