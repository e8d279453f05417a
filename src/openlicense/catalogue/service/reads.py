"""The public reads of the catalogue API (`GET /api/patents`, `GET /api/patents/{id}`) through
the process's copies (`published.py`): a session is opened only when a copy is missing."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from openlicense.catalogue.models import ListingStatus
from openlicense.catalogue.schemas import CursorPage, PatentRead, PatentSummary
from openlicense.catalogue.service.listing import PatentFilters, sees_only_published
from openlicense.catalogue.service.patents import PatentService
from openlicense.catalogue.service.published import Cached, PublishedCache, cached
from openlicense.core.clock import Clock

if TYPE_CHECKING:
    from openlicense.accounts.principal import Principal
    from openlicense.search.engine import SearchEngine

OpenSession = Callable[[], AsyncSession]
"""The request's session, created on the first call (a copy needs none)."""


class PatentReads:
    """One per app; `for_request` binds it to a request's (not yet opened) session, so a
    handler needs this one dependency (Litestar resolves several concurrently, in a task group:
    more than the whole of a read from memory costs)."""

    def __init__(
        self,
        cache: PublishedCache,
        *,
        clock: Clock,
        search_engine: SearchEngine,
        open_session: OpenSession | None = None,
    ) -> None:
        self.cache = cache
        self.clock = clock
        self.search_engine = search_engine
        self._open_session = open_session

    def for_request(self, open_session: OpenSession) -> PatentReads:
        return PatentReads(
            self.cache,
            clock=self.clock,
            search_engine=self.search_engine,
            open_session=open_session,
        )

    def _patents(self) -> PatentService:
        if self._open_session is None:
            raise RuntimeError("PatentReads.for_request(...) gives the reads of one request")
        return PatentService(self._open_session(), clock=self.clock)

    async def detail(self, principal: Principal | None, patent_id: uuid.UUID) -> Cached:
        """`PatentRead` as JSON; a published patent's is kept (it is the same for everyone)."""

        async def load() -> Cached:
            patent = await self._patents().get(principal, patent_id)
            body = PatentRead.__pydantic_serializer__.to_json(PatentRead.model_validate(patent))
            return cached(body, public=patent.listing_status is ListingStatus.PUBLISHED)

        return await self.cache.document(patent_id, load)

    async def page(
        self,
        principal: Principal | None,
        filters: PatentFilters,
        *,
        limit: int,
        cursor: str | None,
    ) -> Cached:
        """A `CursorPage[PatentSummary]` as JSON; pages of published listings without a search
        term are kept (every caller who sees only published listings gets the same page)."""
        public = not filters.q and filters.listing_status is None
        public = public and sees_only_published(principal, filters.mine)

        async def load() -> Cached:
            page = await self._patents().list(
                principal, filters, limit=limit, cursor=cursor, search_engine=self.search_engine
            )
            shaped = CursorPage[PatentSummary](
                items=page.items,
                limit=limit,
                next_cursor=page.next_cursor,
                total_estimate=page.total_estimate,
            )
            return cached(shaped.__pydantic_serializer__.to_json(shaped), public=public)

        if not public:
            return await load()
        key = f"{limit}|{cursor}|{filters.technology_field}|{filters.owner_organisation_id}"
        return await self.cache.page(key, load)
