"""The ranking plan both engines follow: which query clauses may be dropped, in which order.

1. **All clauses, then fewer** (Meilisearch's `matchingStrategy: "frequency"`): documents that
   match every clause first; then those missing the most frequent clause; … down to the
   documents that match only the rarest clause. Within each bucket the engine's own relevance
   orders documents (weighted BM25 embedded, ranking rules in Meilisearch).
2. **Relaxed tail.** When that leaves fewer than `RELAX_BELOW` results and every clause matches
   something, documents that miss the rarest clause but match another *important* clause (at
   least `RELAX_SHARE` of the query's total IDF) follow, clause by clause from the rarest, up to
   `RELAX_DEPTH` results in all: 滑雪场造雪 also lists the snow guns that never say 滑雪场. A
   query with a clause found nowhere (a topic the catalogue lacks) is never relaxed, so it stays
   empty.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = [
    "RELAX_BELOW",
    "RELAX_DEPTH",
    "RELAX_SHARE",
    "drop_order",
    "idf",
    "relaxed_clauses",
]

RELAX_BELOW = 30
RELAX_DEPTH = 100
RELAX_SHARE = 0.3


def idf(df: int, n: int) -> float:
    """BM25's inverse document frequency."""
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def drop_order(df: Sequence[int]) -> list[int]:
    """Clause indexes, the first dropped first: most frequent first, the later one on a tie."""
    return sorted(range(len(df)), key=lambda i: (-df[i], -i))


def relaxed_clauses(df: Sequence[int], n: int) -> list[int]:
    """Clauses (indexes) whose documents follow the strict results, rarest first; the rarest
    clause itself is not among them (its documents are the strict results)."""
    if len(df) < 2 or min(df) == 0 or n <= 0:
        return []
    weights = [idf(d, n) for d in df]
    total = sum(weights)
    order = drop_order(df)[::-1]  # rarest first
    return [i for i in order[1:] if weights[i] >= RELAX_SHARE * total]
