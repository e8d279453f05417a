"""GET /api/search/patents — catalogue search for everyone; a TTO also finds its own drafts.
GET /api/search/suggest — completions for the search box."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, Request, Router, get, post
from litestar.datastructures import State
from litestar.di import Provide
from litestar.params import Parameter

from openlicense.accounts.guards import allow, public
from openlicense.accounts.models import Role
from openlicense.clock import Clock
from openlicense.errors import OpenLicenseError
from openlicense.search.engine import (
    FacetName,
    SearchEngine,
    SearchQuery,
    SearchResult,
    SearchUnavailable,
)
from openlicense.search.outbox import drain
from openlicense.search.setup import load_definition
from openlicense.search.suggest import SuggestResult, suggest
from openlicense.settings import Settings


class SearchUnavailableError(OpenLicenseError):
    status_code = 503
    code = "search_unavailable"
    title = "Search is temporarily unavailable"


def provide_search_engine(state: State) -> SearchEngine:
    engine: SearchEngine = state.search_engine
    return engine


class SearchController(Controller):
    path = "/api/search"
    tags = ["search"]

    @get("/patents", guards=[public])
    async def search_patents(
        self,
        request: Request[Any, Any, Any],
        search_engine: SearchEngine,
        clock: Clock,
        q: Annotated[str, Parameter(max_length=200)] = "",
        patent_type: list[str] | None = None,
        ipc_section: list[str] | None = None,
        ipc_class: list[str] | None = None,
        ipc_subclass: list[str] | None = None,
        ipc_group: list[str] | None = None,
        technology_field: list[str] | None = None,
        university_id: list[str] | None = None,
        province: list[str] | None = None,
        fee_type: list[str] | None = None,
        licence_status: list[str] | None = None,
        price_min: Annotated[int | None, Parameter(ge=0)] = None,
        price_max: Annotated[int | None, Parameter(ge=0)] = None,
        has_trial: bool | None = None,
        trl_min: Annotated[int | None, Parameter(ge=1, le=9)] = None,
        trl_max: Annotated[int | None, Parameter(ge=1, le=9)] = None,
        sort: Literal["relevance", "newest", "price_asc", "expiry"] = "relevance",
        page: Annotated[int, Parameter(ge=1, le=1000)] = 1,
        per_page: Annotated[int, Parameter(ge=1, le=100)] = 20,
        facets: list[FacetName] | None = None,
    ) -> SearchResult:
        """Full-text (Chinese and English, typo tolerant, traditional characters folded, IPC
        codes as typed), filters (IPC at section, class, subclass and main group), facet counts,
        sort, pages, highlights and "did you mean". Prices are the amount due at the start, in
        fen. Only published listings whose licence is open today are public; a TTO officer also
        sees its own university's other listings."""
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
            ipc_subclass=ipc_subclass or [],
            ipc_group=ipc_group or [],
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
            today=clock.today(),
        )
        try:
            return await search_engine.search(query)
        except SearchUnavailable as exc:
            raise SearchUnavailableError(
                "The search engine cannot be reached; try again shortly.",
                headers={"Retry-After": "5"},
            ) from exc

    @get("/suggest", guards=[public])
    async def suggest_as_you_type(
        self,
        search_engine: SearchEngine,
        clock: Clock,
        q: Annotated[str, Parameter(max_length=100)] = "",
        limit: Annotated[int, Parameter(ge=1, le=20)] = 8,
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


@post("/api/jobs/search-sync", guards=[allow(Role.ADMIN)], status_code=200, tags=["operations"])
async def search_sync_now(
    request: Request[Any, Any, Any], search_engine: SearchEngine, settings: Settings, clock: Clock
) -> dict[str, Any]:
    """Drain the search outbox now (the background worker does this every few seconds)."""
    maker = request.app.state.search_session_maker
    report = await drain(maker, search_engine, settings=settings.search, now=clock.now())
    return report.__dict__


router = Router(
    path="/",
    route_handlers=[SearchController, search_sync_now],
    dependencies={"search_engine": Provide(provide_search_engine, sync_to_thread=False)},
)
