"""The embedded (tantivy) engine: generations, atomic swaps, persistence, failures."""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import corpus
import pytest
from corpus import BY_ID, DOCUMENTS

from openlicense.app import make_search_engine as make_engine
from openlicense.search import embedded
from openlicense.search.documents import PatentDocument
from openlicense.search.embedded import EmbeddedEngine
from openlicense.search.engine import SearchQuery, SearchUnavailable
from openlicense.search.meili import MeilisearchEngine
from openlicense.settings import SearchSettings, Settings


def generations(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("gen-"))


def current(folder: Path) -> str:
    return (folder / "CURRENT").read_text()


async def in_batches(docs: Sequence[PatentDocument], size: int = 7) -> AsyncIterator[list]:
    for start in range(0, len(docs), size):
        yield list(docs[start : start + size])


async def public_ids(engine: EmbeddedEngine, q: str = "") -> set[str]:
    result = await engine.search(SearchQuery(q=q, per_page=100))
    return {h.id for h in result.hits}


async def test_a_new_folder_gets_an_empty_index(tmp_path: Path) -> None:
    engine = EmbeddedEngine(tmp_path / "deep" / "search")
    await engine.ensure_index()
    assert await engine.count() == 0
    assert (await engine.search(SearchQuery())).total == 0
    assert len(generations(tmp_path / "deep" / "search")) == 1
    assert current(tmp_path / "deep" / "search") == generations(tmp_path / "deep" / "search")[0]


async def test_upsert_replaces_and_delete_removes(tmp_path: Path) -> None:
    engine = EmbeddedEngine(tmp_path)
    await engine.upsert(DOCUMENTS)
    renamed = BY_ID["p17"].model_copy(update={"title_zh": "石墨烯导热膜", "keywords": []})
    await engine.upsert([renamed, renamed])
    assert await engine.count() == 40
    assert await engine.get("p17") == renamed
    assert "p17" not in await public_ids(engine, "复合材料")
    assert "p17" in await public_ids(engine, "导热膜")
    await engine.delete(["p17", "p01", "unknown"])
    assert await engine.count() == 38
    assert await engine.get("p17") is None
    assert "p01" not in await public_ids(engine, "锂电池")
    await engine.upsert([])
    await engine.delete([])


async def test_index_survives_reopening(tmp_path: Path) -> None:
    first = EmbeddedEngine(tmp_path)
    await first.upsert(DOCUMENTS)
    await first.close()
    second = EmbeddedEngine(tmp_path)
    assert await second.count() == 40
    assert await public_ids(second, "锂电池") == {"p01", "p02"}
    assert await second.get("p22") == BY_ID["p22"]


async def test_reindex_keeps_the_old_index_searchable_until_the_swap(tmp_path: Path) -> None:
    engine = EmbeddedEngine(tmp_path)
    await engine.upsert(DOCUMENTS)
    old_generation = current(tmp_path)
    before = await public_ids(engine)
    replacement = [d for d in DOCUMENTS if d.id != "p01"]
    seen_during: list[set[str]] = []

    async def slow_batches() -> AsyncIterator[list[PatentDocument]]:
        async for batch in in_batches(replacement):
            seen_during.append(await public_ids(engine))  # a search while building
            yield batch
            await asyncio.sleep(0)

    count = await engine.reindex(slow_batches())
    assert count == 39
    assert seen_during and all(ids == before for ids in seen_during)
    assert current(tmp_path) != old_generation
    assert generations(tmp_path) == [current(tmp_path)]  # the old generation is gone
    assert await public_ids(engine) == before - {"p01"}
    assert await engine.ids() == {d.id for d in replacement}


async def test_concurrent_searches_never_see_an_empty_index(tmp_path: Path) -> None:
    engine = EmbeddedEngine(tmp_path)
    await engine.upsert(DOCUMENTS)
    stop = asyncio.Event()
    totals: list[int] = []

    async def searcher() -> None:
        while not stop.is_set():
            totals.append((await engine.search(SearchQuery(q="电池"))).total)
            await asyncio.sleep(0)

    tasks = [asyncio.create_task(searcher()) for _ in range(4)]
    for _ in range(3):
        await engine.reindex(in_batches(DOCUMENTS, 5))
    stop.set()
    await asyncio.gather(*tasks)
    assert totals and set(totals) == {8}


async def test_a_failed_reindex_leaves_the_live_index_alone(tmp_path: Path) -> None:
    engine = EmbeddedEngine(tmp_path)
    await engine.upsert(DOCUMENTS)
    live = current(tmp_path)

    async def broken() -> AsyncIterator[list[PatentDocument]]:
        yield DOCUMENTS[:5]
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError, match="database went away"):
        await engine.reindex(broken())
    assert current(tmp_path) == live
    assert generations(tmp_path) == [live]
    assert await engine.count() == 40


async def test_another_process_sees_the_swap_and_writes_to_the_new_index(tmp_path: Path) -> None:
    serving = EmbeddedEngine(tmp_path)  # e.g. `openlicense serve`
    await serving.upsert(DOCUMENTS)
    assert await public_ids(serving, "锂电池") == {"p01", "p02"}
    rebuilding = EmbeddedEngine(tmp_path)  # e.g. `openlicense search reindex`
    await rebuilding.reindex(in_batches([d for d in DOCUMENTS if d.id != "p02"]))
    assert await public_ids(serving, "锂电池") == {"p01"}
    await serving.upsert([BY_ID["p02"]])
    assert await public_ids(rebuilding, "锂电池") == {"p01", "p02"}


async def test_reindex_deduplicates_ids(tmp_path: Path) -> None:
    engine = EmbeddedEngine(tmp_path)
    newer = BY_ID["p01"].model_copy(update={"title_en": "Renamed"})
    assert await engine.reindex(in_batches([*DOCUMENTS, newer])) == 40
    assert (await engine.get("p01")) == newer


async def test_unusable_folder_raises_search_unavailable(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the index should be")
    engine = EmbeddedEngine(blocker)
    for call in (
        engine.ensure_index(),
        engine.search(SearchQuery(q="电池")),
        engine.upsert(DOCUMENTS[:1]),
        engine.delete(["p01"]),
        engine.count(),
        engine.ids(),
        engine.get("p01"),
        engine.reindex(in_batches(DOCUMENTS)),
    ):
        with pytest.raises(SearchUnavailable):
            await call
    assert await engine.healthy() is False


async def test_a_broken_pointer_is_unavailable_until_reindexed(tmp_path: Path) -> None:
    engine = EmbeddedEngine(tmp_path)
    await engine.upsert(DOCUMENTS)
    (tmp_path / "CURRENT").write_text("gen-missing")
    other = EmbeddedEngine(tmp_path)
    with pytest.raises(SearchUnavailable):
        await other.search(SearchQuery())
    assert await other.healthy() is False
    assert await other.reindex(in_batches(DOCUMENTS)) == 40
    assert await other.healthy()


async def test_an_index_of_another_schema_version_is_replaced_by_an_empty_one(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    engine = EmbeddedEngine(tmp_path)
    await engine.upsert(DOCUMENTS)
    meta = tmp_path / current(tmp_path) / "openlicense.json"
    meta.write_text(json.dumps({"schema_version": embedded.SCHEMA_VERSION - 1}))
    reopened = EmbeddedEngine(tmp_path)
    with caplog.at_level(logging.WARNING):
        assert await reopened.count() == 0
    assert "openlicense search reindex" in caplog.text
    assert await reopened.apply_settings(dry_run=True) == [
        f"embedded engine: nothing to apply (schema v{embedded.SCHEMA_VERSION}, patents v2, "
        "synonyms patents-v2, dictionary patents-zh-v1)"
    ]


async def test_an_index_analysed_with_another_dictionary_is_replaced(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    engine = EmbeddedEngine(tmp_path)
    await engine.upsert(DOCUMENTS)
    meta_path = tmp_path / current(tmp_path) / "openlicense.json"
    meta = json.loads(meta_path.read_text())
    assert meta["analysis"] == engine.definition.analysis_key
    meta_path.write_text(json.dumps({**meta, "analysis": "another-dictionary"}))
    reopened = EmbeddedEngine(tmp_path)
    with caplog.at_level(logging.WARNING):
        assert await reopened.count() == 0
    assert "openlicense search reindex" in caplog.text


async def test_search_runs_off_the_event_loop(tmp_path: Path) -> None:
    engine = EmbeddedEngine(tmp_path)
    await engine.upsert(DOCUMENTS)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    task = asyncio.create_task(ticker())
    await asyncio.gather(*(engine.search(SearchQuery(q="battery")) for _ in range(20)))
    task.cancel()
    assert ticks > 0


def test_make_engine_picks_by_settings(tmp_path: Path) -> None:
    default = make_engine(Settings(data_dir=tmp_path))
    assert isinstance(default, EmbeddedEngine)
    assert default.directory == tmp_path / "search"
    explicit = make_engine(Settings(search=SearchSettings(embedded_dir=tmp_path / "x")))
    assert isinstance(explicit, EmbeddedEngine) and explicit.directory == tmp_path / "x"
    blank = make_engine(Settings(data_dir=tmp_path, search=SearchSettings(meilisearch_url="")))
    assert isinstance(blank, EmbeddedEngine)
    meili = make_engine(
        Settings(search=SearchSettings(meilisearch_url="http://127.0.0.1:7700", index_uid="p2"))
    )
    assert isinstance(meili, MeilisearchEngine)
    assert (meili.name, meili.uid) == ("meilisearch", "p2")


@pytest.mark.parametrize("sort", ["newest", "price_asc", "expiry"])
async def test_sorted_pages_match_a_plain_sort_with_many_ties(tmp_path: Path, sort: str) -> None:
    rng = random.Random(sort)
    docs = [
        BY_ID["p01"].model_copy(
            update={
                "id": f"x{n:03d}",
                "entry_price_minor": rng.choice([None, 0, 0, 100, 200]),
                "declared_at": rng.choice([None, 10, 20, 20, 30]),
                "expiry_ts": rng.choice([5, 6, 7]),
            }
        )
        for n in rng.sample(range(1000), 60)
    ]
    engine = EmbeddedEngine(tmp_path)
    await engine.reindex(in_batches(docs, 25))
    field, descending = {
        "newest": ("declared_at", True),
        "price_asc": ("entry_price_minor", False),
        "expiry": ("expiry_ts", False),
    }[sort]
    expected = [d.id for d in sorted(docs, key=corpus.sort_key(field, descending=descending))]
    for per_page in (1, 4, 7, 60):
        got = []
        for page in range(1, 60 // per_page + 2):
            result = await engine.search(SearchQuery(sort=sort, page=page, per_page=per_page))
            assert result.total == 60
            got += [h.id for h in result.hits]
        assert got == expected, per_page
