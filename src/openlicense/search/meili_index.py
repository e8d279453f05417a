"""The index side of the Meilisearch engine: the client, error mapping, settings (applied as a
diff), writes that wait for their task, the swap-in reindex, reads by id. `meili.py` adds search.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any, TypeVar

import httpx2
from meilisearch_python_sdk import AsyncClient
from meilisearch_python_sdk.errors import (
    MeilisearchApiError,
    MeilisearchError,
    MeilisearchTaskFailedError,
)
from meilisearch_python_sdk.index import AsyncIndex

from openlicense.search.documents import PatentDocument
from openlicense.search.engine import (
    SearchError,
    SearchUnavailable,
)
from openlicense.search.meili_query import (
    meili_document,
)
from openlicense.search.setup import IndexDefinition, diff_settings, load_definition
from openlicense.search.spelling import Lexicon

__all__ = ["MeiliIndex"]

log = logging.getLogger(__name__)

T = TypeVar("T")

UPSERT_BATCH = 5_000
TASK_TIMEOUT_MS = 120_000
TASK_INTERVAL_MS = 20
DOCUMENT_FIELDS = list(PatentDocument.model_fields)


class MeiliIndex:
    """The index side of the Meilisearch engine: client, settings, writes, reads by id."""

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
