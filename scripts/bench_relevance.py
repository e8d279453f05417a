"""`make bench-relevance`: how well search finds what a buyer means, on the judged set.

Loads the relevance set of `tests/search/relevance/` (213 patents, 72 graded queries), runs every
query against

- the **embedded** engine (tantivy, in a temporary folder),
- the **Meilisearch** adapter with the index settings of `search/indexes/patents.json`, against
  the in-process fake server of `tests/search/fake_meilisearch.py` (it implements Meilisearch's
  documented matching and ranking, not a real server's) — or against a real server when
  MEILISEARCH_URL is set,
- a plain **character-bigram BM25** baseline (`tests/search/relevance/baseline.py`),

and prints macro nDCG@10 and recall@20 per category (recall of the patents graded 2–3, and in
brackets of every patent graded 1–3), the share of "null" queries that returned nothing, and
how many of the embedded engine's top 10 the Meilisearch settings also return.
Results go to var/bench/relevance.json.

    uv run python scripts/bench_relevance.py            # the table
    uv run python scripts/bench_relevance.py --misses   # also each query below 0.9
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import platform
import statistics
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests" / "search"), str(ROOT / "tests" / "search" / "relevance")]

from baseline import BigramBM25  # noqa: E402
from dataset import CATEGORIES, load_documents, load_queries  # noqa: E402
from fake_meilisearch import FakeMeilisearch  # noqa: E402
from metrics import evaluate  # noqa: E402

from openlicense.search.embedded import EmbeddedEngine  # noqa: E402
from openlicense.search.engine import SearchEngine, SearchQuery  # noqa: E402
from openlicense.search.meili import MeilisearchEngine  # noqa: E402
from openlicense.search.setup import apply_settings  # noqa: E402

DEPTH = 20
TODAY = datetime.date(2026, 11, 23)


async def run_engine(engine: SearchEngine, queries: list) -> dict[str, list[str]]:  # type: ignore[type-arg]
    await engine.ensure_index()
    await apply_settings(engine, dry_run=False)
    await engine.upsert(load_documents())
    runs = {}
    for query in queries:
        result = await engine.search(SearchQuery(q=query.q, per_page=DEPTH, today=TODAY))
        runs[query.id] = [h.id for h in result.hits]
    return runs


async def run_all(queries: list) -> dict[str, dict[str, list[str]]]:  # type: ignore[type-arg]
    runs: dict[str, dict[str, list[str]]] = {}
    with tempfile.TemporaryDirectory() as folder:
        embedded = EmbeddedEngine(Path(folder))
        runs["embedded"] = await run_engine(embedded, queries)
        await embedded.close()
    real = os.environ.get("MEILISEARCH_URL")
    with FakeMeilisearch() as fake:
        url = real or fake.url
        meili = MeilisearchEngine(
            url,
            api_key=os.environ.get("MEILISEARCH_API_KEY") or None,
            index_uid=f"relevance_{uuid.uuid4().hex[:8]}",
        )
        try:
            runs["meilisearch"] = await run_engine(meili, queries)
        finally:
            task = await meili.client.index(meili.uid).delete()
            await meili.client.wait_for_task(task.task_uid)
            await meili.close()
    baseline = BigramBM25(load_documents())
    runs["baseline"] = {q.id: baseline.search(q.q, DEPTH) for q in queries}
    return runs


def overlap(a: dict[str, list[str]], b: dict[str, list[str]], ids: list[str], k: int = 10) -> float:
    shares = []
    for qid in ids:
        top_a, top_b = a[qid][:k], b[qid][:k]
        if top_a or top_b:
            shares.append(len(set(top_a) & set(top_b)) / max(len(top_a), len(top_b)))
    return statistics.fmean(shares) if shares else 1.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--misses", action="store_true", help="list queries below 0.9 nDCG@10")
    args = parser.parse_args()
    queries = load_queries()
    runs = asyncio.run(run_all(queries))
    results = {name: evaluate(queries, run) for name, run in runs.items()}
    server = (
        "a real server at MEILISEARCH_URL"
        if os.environ.get("MEILISEARCH_URL")
        else ("the in-process fake server (Meilisearch's documented behaviour), not a real server")
    )
    patents = len(load_documents())
    print(f"{patents} patents, {len(queries)} queries; Meilisearch settings against {server}\n")
    names = ["embedded", "meilisearch", "baseline"]
    header = f"{'category':10} {'n':>3}  " + "  ".join(f"{n:>26}" for n in names)
    print(header)
    print(f"{'':10} {'':>3}  " + "  ".join(f"{'nDCG@10  recall@20 (≥1)':>26}" for _ in names))
    for category in [*CATEGORIES, "overall"]:
        row = [f"{category:10} {results['embedded'][category]['queries']:>3}"]
        for name in names:
            r = results[name][category]
            if category == "null":
                row.append(f"{'empty ' + format(r['empty'], '.2f'):>26}")
            else:
                row.append(f"{r['ndcg10']:>9.3f} {r['recall20']:>9.3f} ({r['related20']:.2f})")
        print("  ".join(row))
    judged = [q.id for q in queries if q.category != "null"]
    share = overlap(runs["embedded"], runs["meilisearch"], judged)
    print(f"\ntop-10 overlap, embedded vs Meilisearch settings: {share:.2f} (judged queries)")
    if args.misses:
        print("\nqueries below 0.9 nDCG@10 (embedded | meilisearch | baseline):")
        for q in queries:
            if q.category == "null":
                continue
            scores = [results[n]["_queries"][q.id]["ndcg10"] for n in names]
            recalls = [results[n]["_queries"][q.id]["recall20"] for n in names]
            if min(scores[:2]) < 0.9 or min(recalls[:2]) < 0.9:
                print(
                    f"  {q.id:9} {q.q!r:32} "
                    + " | ".join(f"{s:.2f}/{r:.2f}" for s, r in zip(scores, recalls, strict=True))
                )
                for n in names[:2]:
                    print(f"      {n:11} {runs[n][q.id][:10]}")
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    summary = {name: {k: v for k, v in r.items() if k != "_queries"} for name, r in results.items()}
    (out / "relevance.json").write_text(
        json.dumps(
            {
                "date": datetime.date.today().isoformat(),
                "machine": f"{os.cpu_count()} cores, {platform.machine()}",
                "meilisearch": server,
                "results": summary,
                "top10_overlap_embedded_meilisearch": share,
                "runs": runs,
            },
            indent=1,
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
