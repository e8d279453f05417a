"""Precision@5 of the needs matcher on a judged set of needs.

Each need of `tests/demand/needs_judged.jsonl` is judged by one graded query of the search
relevance set (`tests/search/relevance/`, 213 patents): a patent graded 2–3 is *relevant* to the
need, 1–3 *related*. The script indexes that corpus in the embedded engine (a temporary
folder), runs the matcher's patent path exactly as the service does
(`needs.service.matching.search_patents` + `explain_patent`: the search engine, then the
reasons; a hit no reason explains is dropped), keeps the top 5 by score and prints precision@5
per need and on average — plain, and against the best achievable (a need with two relevant
patents can reach at most 2/5).

    uv run python scripts/eval_matching.py
"""

from __future__ import annotations

import asyncio
import datetime
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests" / "search" / "relevance")]

from dataset import load_documents, load_queries  # noqa: E402

from openlicense.needs.rules import NeedText  # noqa: E402
from openlicense.needs.service.matching import explain_patent, search_patents  # noqa: E402
from openlicense.search.embedded import EmbeddedEngine  # noqa: E402

TODAY = datetime.date(2026, 11, 23)
NEEDS = ROOT / "tests" / "demand" / "needs_judged.jsonl"
K = 5


async def evaluate() -> dict[str, Any]:
    queries = {q.id: q for q in load_queries()}
    needs = [json.loads(line) for line in NEEDS.read_text(encoding="utf-8").splitlines() if line]
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        engine = EmbeddedEngine(Path(folder))
        await engine.ensure_index()
        await engine.upsert(load_documents())
        for need in needs:
            text = NeedText(
                title=need["title"],
                description=need["description"],
                keywords=need["keywords"],
                technology_field=None,
                ipc_hints=[],
            )
            ranked = await search_patents(engine, text, TODAY)
            scored = [
                (explain_patent(text, doc, rank).score, pid) for pid, (rank, doc) in ranked.items()
            ]
            top = [pid for score, pid in sorted(scored, key=lambda s: (-s[0], s[1])) if score > 0][
                :K
            ]
            judged = queries[need["judged_by"]]
            relevant = sum(1 for pid in top if pid in judged.relevant)
            related = sum(1 for pid in top if pid in judged.related)
            best = min(K, len(judged.relevant))
            rows.append(
                {
                    "need": need["id"],
                    "title": need["title"],
                    "top": top,
                    "p_at_5": relevant / K,
                    "p_at_5_related": related / K,
                    "p_at_5_of_best": relevant / best if best else 1.0,
                }
            )
        await engine.close()
    mean = {
        key: round(sum(r[key] for r in rows) / len(rows), 3)
        for key in ("p_at_5", "p_at_5_related", "p_at_5_of_best")
    }
    return {"needs": rows, "mean": mean}


def main() -> None:
    result = asyncio.run(evaluate())
    print(f"{'need':8} {'P@5':>5} {'P@5 rel.':>8} {'of best':>8}  title")
    for r in result["needs"]:
        print(
            f"{r['need']:8} {r['p_at_5']:5.2f} {r['p_at_5_related']:8.2f} "
            f"{r['p_at_5_of_best']:8.2f}  {r['title']}"
        )
    m = result["mean"]
    print(f"{'mean':8} {m['p_at_5']:5.2f} {m['p_at_5_related']:8.2f} {m['p_at_5_of_best']:8.2f}")


if __name__ == "__main__":
    main()
