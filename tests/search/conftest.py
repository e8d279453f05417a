"""Fixtures for the search engine tests: both engines, loaded with the fixed corpus.

Named `corpus_engine` / `fresh_engine`, not `engine` or `search_engine`: the root conftest's
`engine` (the database) and `search_engine` (the API tests' double) stay usable in tests/search.

The "meilisearch" engine talks to the in-process fake (`fake_meilisearch.py`) unless
`MEILISEARCH_URL` is set (and `MEILISEARCH_API_KEY` if the server needs one): then to that real
server, each fixture on an index of its own (`test_<random>`), deleted afterwards.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # corpus.py, fake_meilisearch.py

from corpus import DOCUMENTS
from fake_meilisearch import FakeMeilisearch

from openlicense.search.embedded import EmbeddedEngine
from openlicense.search.engine import SearchEngine
from openlicense.search.meili import MeilisearchEngine
from openlicense.search.setup import apply_settings

REAL_MEILISEARCH = os.environ.get("MEILISEARCH_URL") or None
ENGINES = ["embedded", "meilisearch"]


@pytest.fixture(scope="session")
def fake_meilisearch() -> Iterator[FakeMeilisearch]:
    with FakeMeilisearch() as fake:
        yield fake


@pytest.fixture(scope="session")
def meilisearch_url(fake_meilisearch: FakeMeilisearch) -> str:
    return REAL_MEILISEARCH or fake_meilisearch.url


def new_meilisearch_engine(url: str, uid: str | None = None) -> MeilisearchEngine:
    return MeilisearchEngine(
        url,
        api_key=os.environ.get("MEILISEARCH_API_KEY") or None,
        index_uid=uid or f"test_{uuid.uuid4().hex[:12]}",
    )


async def _drop_meilisearch(engine: MeilisearchEngine) -> None:
    for name in await engine.client.get_raw_indexes(limit=1000) or []:
        if name.uid == engine.uid or name.uid.startswith(f"{engine.uid}_"):
            task = await engine.client.index(name.uid).delete()
            await engine.client.wait_for_task(task.task_uid)
    await engine.close()


async def make_engine_for(kind: str, directory: Path, meilisearch_url: str) -> SearchEngine:
    if kind == "embedded":
        engine: SearchEngine = EmbeddedEngine(directory)
    else:
        engine = new_meilisearch_engine(meilisearch_url)
    await engine.ensure_index()
    await apply_settings(engine, dry_run=False)
    return engine


async def close_engine(engine: SearchEngine) -> None:
    if isinstance(engine, MeilisearchEngine):
        await _drop_meilisearch(engine)
    else:
        await engine.close()


@pytest.fixture(scope="module", params=ENGINES)
async def corpus_engine(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    meilisearch_url: str,
) -> AsyncIterator[SearchEngine]:
    """An engine holding the fixed corpus (read-only tests share it per module)."""
    directory = tmp_path_factory.mktemp(f"search-{request.param}")
    search_engine = await make_engine_for(request.param, directory, meilisearch_url)
    await search_engine.upsert(DOCUMENTS)
    yield search_engine
    await close_engine(search_engine)


@pytest.fixture(params=ENGINES)
async def fresh_engine(
    request: pytest.FixtureRequest, tmp_path: Path, meilisearch_url: str
) -> AsyncIterator[SearchEngine]:
    """A fresh, empty engine per test (for tests that write)."""
    search_engine = await make_engine_for(request.param, tmp_path / "search", meilisearch_url)
    yield search_engine
    await close_engine(search_engine)
