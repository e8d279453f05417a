"""A relevance smoke test on the judged set (`relevance/`): floors, not the full benchmark.

`make bench-relevance` reports the full numbers; this keeps a regression from passing
unnoticed in `make test`: both engines on every query, compared with floors a little under
what they reach today, and every "null" query must return nothing.
"""

from __future__ import annotations

import datetime
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from conftest import ENGINES, close_engine, make_engine_for

sys.path.insert(0, str(Path(__file__).parent / "relevance"))

from baseline import BigramBM25
from dataset import load_documents, load_queries
from metrics import evaluate

from openlicense.search.engine import SearchEngine, SearchQuery

QUERIES = load_queries()
TODAY = datetime.date(2026, 11, 23)
FLOOR = {"ndcg10": 0.85, "recall20": 0.85}
CATEGORY_FLOOR = 0.75


@pytest.fixture(scope="module", params=ENGINES)
async def relevance_runs(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, meilisearch_url: str
) -> AsyncIterator[dict[str, list[str]]]:
    directory = tmp_path_factory.mktemp(f"relevance-{request.param}")
    engine: SearchEngine = await make_engine_for(request.param, directory, meilisearch_url)
    await engine.upsert(load_documents())
    runs = {}
    for query in QUERIES:
        result = await engine.search(SearchQuery(q=query.q, per_page=20, today=TODAY))
        runs[query.id] = [h.id for h in result.hits]
    yield runs
    await close_engine(engine)


def test_the_judged_set_is_what_the_benchmark_assumes() -> None:
    docs = load_documents()
    assert len(docs) >= 200 and len({d.id for d in docs}) == len(docs)
    assert len(QUERIES) >= 60
    ids = {d.id for d in docs}
    for query in QUERIES:
        assert set(query.grades) <= ids, query.id
        assert all(0 <= g <= 3 for g in query.grades.values())
        assert all(query.notes[pid] for pid in query.grades), query.id
        assert query.category == "null" or query.relevant, query.id
    assert {q.category for q in QUERIES} == {"zh", "en", "en-typo", "mixed", "ipc", "null"}


def test_relevance_floors(relevance_runs: dict[str, list[str]]) -> None:
    results = evaluate(QUERIES, relevance_runs)
    assert results["null"]["empty"] == 1.0  # queries about what the catalogue lacks: nothing
    for key, floor in FLOOR.items():
        assert results["overall"][key] >= floor, (key, results["overall"])
    for category in ("zh", "en", "en-typo", "mixed", "ipc"):
        assert results[category]["ndcg10"] >= CATEGORY_FLOOR, (category, results[category])


def test_the_engines_beat_the_bigram_baseline(relevance_runs: dict[str, list[str]]) -> None:
    baseline = BigramBM25(load_documents())
    base = evaluate(QUERIES, {q.id: baseline.search(q.q, 20) for q in QUERIES})
    ours = evaluate(QUERIES, relevance_runs)
    assert ours["overall"]["ndcg10"] > base["overall"]["ndcg10"]
    assert ours["en-typo"]["ndcg10"] > base["en-typo"]["ndcg10"] + 0.2
    assert ours["null"]["empty"] > base["null"]["empty"]
