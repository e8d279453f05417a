"""Working in-memory doubles for outside systems, for tests that are not about them.

FakeSearchEngine keeps documents in a dict and can be switched off (`down = True`) to act like
an unreachable engine. Search-specific tests use the real engines (tests/search)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from openlicense.search.documents import PatentDocument
from openlicense.search.engine import SearchHit, SearchQuery, SearchResult, SearchUnavailable


class FakeSearchEngine:
    name = "fake"

    def __init__(self) -> None:
        self.docs: dict[str, PatentDocument] = {}
        self.down = False
        self.upserts = 0

    def _check(self) -> None:
        if self.down:
            raise SearchUnavailable("fake engine is down")

    async def ensure_index(self) -> None:
        self._check()

    async def upsert(self, docs: Sequence[PatentDocument]) -> None:
        self._check()
        self.upserts += len(docs)
        self.docs.update({d.id: d for d in docs})

    async def delete(self, ids: Sequence[str]) -> None:
        self._check()
        for id_ in ids:
            self.docs.pop(id_, None)

    async def search(self, query: SearchQuery) -> SearchResult:
        self._check()
        visible = [
            d
            for d in self.docs.values()
            if (d.listing_status == "published" and d.licence_status == "open")
            or d.owner_organisation_id == query.viewer_organisation_id
        ]
        hits = [
            d for d in visible if query.q.lower() in (d.title_zh + " " + (d.title_en or "")).lower()
        ]
        return SearchResult(
            hits=[SearchHit(id=d.id, score=None, highlights={}, document=d) for d in hits],
            total=len(hits),
            page=1,
            per_page=query.per_page,
            facets={},
        )

    async def reindex(self, batches: AsyncIterator[Sequence[PatentDocument]]) -> int:
        self._check()
        fresh: dict[str, PatentDocument] = {}
        async for batch in batches:
            fresh.update({d.id: d for d in batch})
        self.docs = fresh
        return len(fresh)

    async def get(self, id: str) -> PatentDocument | None:
        self._check()
        return self.docs.get(id)

    async def ids(self) -> set[str]:
        self._check()
        return set(self.docs)

    async def count(self) -> int:
        return len(self.docs)

    async def healthy(self) -> bool:
        return not self.down

    async def close(self) -> None:
        return None
