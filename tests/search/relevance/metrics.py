"""nDCG@k and recall@k over graded judgments, and the per-category macro averages."""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence

from dataset import CATEGORIES, Query


def ndcg(ranked: Sequence[str], grades: Mapping[str, int], k: int = 10) -> float:
    """Normalised discounted cumulative gain with gains 2^grade − 1."""

    def dcg(values: Sequence[int]) -> float:
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(values[:k]))

    ideal = dcg(sorted(grades.values(), reverse=True))
    return dcg([grades.get(pid, 0) for pid in ranked]) / ideal if ideal else 0.0


def recall(ranked: Sequence[str], relevant: set[str], k: int = 20) -> float:
    """Share of the relevant patents in the top k, out of at most k (a query with more than k
    relevant patents can still reach 1.0)."""
    return len(set(ranked[:k]) & relevant) / min(len(relevant), k) if relevant else 0.0


def evaluate(queries: Sequence[Query], runs: Mapping[str, Sequence[str]]) -> dict[str, dict]:
    """Per category: macro nDCG@10, recall@20 of the patents graded 2–3 and of those graded 1–3
    ("related20"); for null queries the share that returned nothing. "overall" averages every
    query that has judged patents."""
    per_query: dict[str, dict[str, float]] = {}
    for query in queries:
        ranked = runs[query.id]
        if query.category == "null":
            per_query[query.id] = {"empty": 1.0 if not ranked else 0.0}
        else:
            per_query[query.id] = {
                "ndcg10": ndcg(ranked, query.grades),
                "recall20": recall(ranked, query.relevant),
                "related20": recall(ranked, query.related),
            }
    out: dict[str, dict] = {}
    for category in CATEGORIES:
        ids = [q.id for q in queries if q.category == category]
        if not ids:
            continue
        keys = per_query[ids[0]].keys()
        out[category] = {key: statistics.fmean(per_query[i][key] for i in ids) for key in keys} | {
            "queries": len(ids)
        }
    judged = [q.id for q in queries if q.category != "null"]
    out["overall"] = {
        key: statistics.fmean(per_query[i][key] for i in judged)
        for key in ("ndcg10", "recall20", "related20")
    } | {"queries": len(judged)}
    out["_queries"] = per_query
    return out
