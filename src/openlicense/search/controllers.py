"""GET /api/search/patents — catalogue search for everyone; a TTO also finds its own drafts."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, Request, Router, get
from litestar.di import NamedDependency
from litestar.params import FromQuery, Parameter

from openlicense.accounts.guards import public
from openlicense.accounts.models import Role
from openlicense.search.engine import (
    FacetName,
    SearchEngine,
    SearchQuery,
    SearchResult,
    SearchUnavailable,
)
from openlicense.search.errors import SearchUnavailableError


class SearchController(Controller):
    path = "/api/search"
    tags = ["search"]

    @get("/patents", guards=[public])
    async def search_patents(
        self,
        request: Request[Any, Any, Any],
        search_engine: NamedDependency[SearchEngine],
        q: Annotated[str, Parameter(max_length=200)] = "",
        patent_type: FromQuery[list[str] | None] = None,
        ipc_section: FromQuery[list[str] | None] = None,
        ipc_class: FromQuery[list[str] | None] = None,
        technology_field: FromQuery[list[str] | None] = None,
        university_id: FromQuery[list[str] | None] = None,
        province: FromQuery[list[str] | None] = None,
        fee_type: FromQuery[list[str] | None] = None,
        licence_status: FromQuery[list[str] | None] = None,
        price_min: Annotated[int | None, Parameter(ge=0)] = None,
        price_max: Annotated[int | None, Parameter(ge=0)] = None,
        has_trial: FromQuery[bool | None] = None,
        trl_min: Annotated[int | None, Parameter(ge=1, le=9)] = None,
        trl_max: Annotated[int | None, Parameter(ge=1, le=9)] = None,
        sort: FromQuery[Literal["relevance", "newest", "price_asc", "expiry"]] = "relevance",
        page: Annotated[int, Parameter(ge=1, le=1000)] = 1,
        per_page: Annotated[int, Parameter(ge=1, le=100)] = 20,
        facets: FromQuery[list[FacetName] | None] = None,
    ) -> SearchResult:
        """Full-text (Chinese and English, typo tolerant), filters, facet counts, sort, pages and
        highlights. Prices are the amount due at the start, in fen. Only published, acceptable
        listings are public; a TTO officer also sees its own university's other listings."""
        principal = request.scope.get("user")
        viewer = (
            str(principal.organisation_id)
            if principal and principal.role is Role.TTO_OFFICER
            else None
        )
        query = SearchQuery(
            q=q,
            patent_type=patent_type or [],
            ipc_section=ipc_section or [],
            ipc_class=ipc_class or [],
            technology_field=technology_field or [],
            university_id=university_id or [],
            province=province or [],
            fee_type=fee_type or [],
            licence_status=licence_status or [],
            price_min=price_min,
            price_max=price_max,
            has_trial=has_trial,
            trl_min=trl_min,
            trl_max=trl_max,
            sort=sort,
            page=page,
            per_page=per_page,
            facets=facets or [],
            viewer_organisation_id=viewer,
        )
        try:
            return await search_engine.search(query)
        except SearchUnavailable as exc:
            raise SearchUnavailableError(
                "The search engine cannot be reached; try again shortly.",
                headers={"Retry-After": "5"},
            ) from exc


router = Router(path="/", route_handlers=[SearchController])
