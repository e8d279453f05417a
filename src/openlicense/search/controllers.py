"""GET /api/search/patents — catalogue search for everyone; a TTO also finds its own drafts.
GET /api/search/suggest — completions for the search box."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any

from litestar import Controller, Request, Router, get
from litestar.di import NamedDependency, Provide
from litestar.exceptions import ValidationException
from litestar.params import FromQuery, QueryParameter

from openlicense.accounts.guards import public
from openlicense.accounts.models import Role
from openlicense.core.clock import Clock
from openlicense.search.engine import (
    FacetName,
    SearchEngine,
    SearchQuery,
    SearchResult,
    SearchUnavailable,
    SortOrder,
)
from openlicense.search.errors import SearchUnavailableError
from openlicense.search.setup import load_definition
from openlicense.search.suggest import SuggestResult, suggest

MAX_PRICE = 10**13
"""Minor units: a hundred billion yuan, far above any fee; bounds the price filters."""
Values = Annotated[list[str] | None, QueryParameter(max_items=50)]
"""A repeatable filter: at most 50 values (each at most 64 characters, checked below)."""


def provide_search_query(
    request: Request[Any, Any, Any],
    clock: NamedDependency[Clock],
    q: Annotated[str, QueryParameter(max_length=200)] = "",
    patent_type: Values = None,
    ipc_section: Values = None,
    ipc_class: Values = None,
    ipc_subclass: Values = None,
    ipc_group: Values = None,
    technology_field: Values = None,
    university_id: Values = None,
    province: Values = None,
    fee_type: Values = None,
    licence_status: Values = None,
    price_min: Annotated[int | None, QueryParameter(ge=0, le=MAX_PRICE)] = None,
    price_max: Annotated[int | None, QueryParameter(ge=0, le=MAX_PRICE)] = None,
    has_trial: FromQuery[bool | None] = None,
    trl_min: Annotated[int | None, QueryParameter(ge=1, le=9)] = None,
    trl_max: Annotated[int | None, QueryParameter(ge=1, le=9)] = None,
    sort: FromQuery[SortOrder] = "relevance",
    page: Annotated[int, QueryParameter(ge=1, le=1000)] = 1,
    per_page: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
    facets: Annotated[list[FacetName] | None, QueryParameter(max_items=20)] = None,
) -> SearchQuery:
    """The catalogue query from the URL, for the API and the pages alike: full text (Chinese
    and English, typo tolerant, traditional characters folded, IPC codes as typed), filters (IPC
    at section, class, subclass and main group), facets, sort and pages. Only published listings
    whose licence is open today are public; a TTO officer also sees its own university's others."""
    principal = request.scope.get("user")
    viewer = principal.organisation_id if principal and principal.role is Role.TTO_OFFICER else None
    lists = {
        "patent_type": patent_type,
        "ipc_section": ipc_section,
        "ipc_class": ipc_class,
        "ipc_subclass": ipc_subclass,
        "ipc_group": ipc_group,
        "technology_field": technology_field,
        "university_id": university_id,
        "province": province,
        "fee_type": fee_type,
        "licence_status": licence_status,
        "facets": facets,
    }
    return SearchQuery.model_validate(
        _bounded(lists)
        | {
            "q": q,
            "price_min": price_min,
            "price_max": price_max,
            "has_trial": has_trial,
            "trl_min": trl_min,
            "trl_max": trl_max,
            "sort": sort,
            "page": page,
            "per_page": per_page,
            "viewer_organisation_id": str(viewer) if viewer else None,
            "today": clock.today(),
        }
    )


def _bounded(lists: Mapping[str, Sequence[str] | None]) -> dict[str, list[str]]:
    too_long = [name for name, values in lists.items() if any(len(v) > 64 for v in values or [])]
    if too_long:
        raise ValidationException(f"filter values are at most 64 characters: {', '.join(too_long)}")
    return {name: list(values or []) for name, values in lists.items()}


class SearchController(Controller):
    path = "/api/search"
    tags = ["search"]
    dependencies = {"search": Provide(provide_search_query, sync_to_thread=False)}

    @get("/patents", guards=[public])
    async def search_patents(
        self, search_engine: NamedDependency[SearchEngine], search: NamedDependency[SearchQuery]
    ) -> SearchResult:
        """Full text, filters, facet counts, sort, pages, highlights and "did you mean". Prices are
        the amount due at the start, in fen."""
        try:
            return await search_engine.search(search)
        except SearchUnavailable as exc:
            raise SearchUnavailableError(
                "The search engine cannot be reached; try again shortly.",
                headers={"Retry-After": "5"},
            ) from exc

    @get("/suggest", guards=[public])
    async def suggest_as_you_type(
        self,
        search_engine: NamedDependency[SearchEngine],
        clock: NamedDependency[Clock],
        q: Annotated[str, QueryParameter(max_length=100)] = "",
        limit: Annotated[int, QueryParameter(ge=1, le=20)] = 8,
    ) -> SuggestResult:
        """Completions for the search box: keywords, universities and IPC classes (zh/en
        labels) that have a word starting with `q`, and public listings whose title matches."""
        try:
            return await suggest(
                search_engine,
                q,
                today=clock.today(),
                segmenter=load_definition().analyzer.segmenter,
                limit=limit,
            )
        except SearchUnavailable as exc:
            raise SearchUnavailableError(
                "The search engine cannot be reached; try again shortly.",
                headers={"Retry-After": "5"},
            ) from exc


router = Router(path="/", route_handlers=[SearchController])
