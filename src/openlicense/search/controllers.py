"""GET /api/search/patents — catalogue search for everyone; a TTO also finds its own drafts."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Router, get
from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery, QueryParameter

from openlicense.accounts.guards import public
from openlicense.accounts.models import Role
from openlicense.search.engine import (
    FacetName,
    SearchEngine,
    SearchQuery,
    SearchResult,
    SearchUnavailable,
    SortOrder,
)
from openlicense.search.errors import SearchUnavailableError


def provide_search_query(
    request: Request[Any, Any, Any],
    q: Annotated[str, QueryParameter(max_length=200)] = "",
    patent_type: FromQuery[list[str] | None] = None,
    ipc_section: FromQuery[list[str] | None] = None,
    ipc_class: FromQuery[list[str] | None] = None,
    technology_field: FromQuery[list[str] | None] = None,
    university_id: FromQuery[list[str] | None] = None,
    province: FromQuery[list[str] | None] = None,
    fee_type: FromQuery[list[str] | None] = None,
    licence_status: FromQuery[list[str] | None] = None,
    price_min: Annotated[int | None, QueryParameter(ge=0)] = None,
    price_max: Annotated[int | None, QueryParameter(ge=0)] = None,
    has_trial: FromQuery[bool | None] = None,
    trl_min: Annotated[int | None, QueryParameter(ge=1, le=9)] = None,
    trl_max: Annotated[int | None, QueryParameter(ge=1, le=9)] = None,
    sort: FromQuery[SortOrder] = "relevance",
    page: Annotated[int, QueryParameter(ge=1, le=1000)] = 1,
    per_page: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
    facets: FromQuery[list[FacetName] | None] = None,
) -> SearchQuery:
    """The catalogue query from the URL, for the API and the pages alike. Only published,
    acceptable listings are public; a TTO officer also sees its own university's others."""
    principal = request.scope.get("user")
    viewer = principal.organisation_id if principal and principal.role is Role.TTO_OFFICER else None
    lists = {
        "patent_type": patent_type,
        "ipc_section": ipc_section,
        "ipc_class": ipc_class,
        "technology_field": technology_field,
        "university_id": university_id,
        "province": province,
        "fee_type": fee_type,
        "licence_status": licence_status,
        "facets": facets,
    }
    return SearchQuery.model_validate(
        {name: values or [] for name, values in lists.items()}
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
        }
    )


class SearchController(Controller):
    path = "/api/search"
    tags = ["search"]
    dependencies = {"search": Provide(provide_search_query, sync_to_thread=False)}

    @get("/patents", guards=[public])
    async def search_patents(
        self, search_engine: NamedDependency[SearchEngine], search: NamedDependency[SearchQuery]
    ) -> SearchResult:
        """Full-text (Chinese and English, typo tolerant), filters, facet counts, sort, pages and
        highlights. Prices are the amount due at the start, in fen."""
        try:
            return await search_engine.search(search)
        except SearchUnavailable as exc:
            raise SearchUnavailableError(
                "The search engine cannot be reached; try again shortly.",
                headers={"Retry-After": "5"},
            ) from exc


router = Router(path="/", route_handlers=[SearchController])
