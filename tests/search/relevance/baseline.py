"""The baseline: a plain character-bigram BM25, written independently of the project's search.

Every text field of a patent (titles, keywords, abstracts, claims, IPC codes, university) is
lowercased and cut into overlapping character bigrams (a lone character stays one token; runs of
letters and digits are one token each); a query is cut the same way; documents are ranked by
BM25 (k1 = 1.2, b = 0.75) summed over the query's tokens, any token matching (OR).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable

from openlicense.search.documents import PatentDocument

_RUN = re.compile(r"[a-z0-9]+|[\u3400-\u9fff]+")


def tokens(text: str) -> list[str]:
    out: list[str] = []
    for run in _RUN.findall(text.lower()):
        if run.isascii() or len(run) == 1:
            out.append(run)
        else:
            out += [run[i : i + 2] for i in range(len(run) - 1)]
    return out


class BigramBM25:
    def __init__(self, docs: Iterable[PatentDocument], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.ids: list[str] = []
        self.tf: list[Counter[str]] = []
        for d in docs:
            texts = [
                d.title_zh,
                d.title_en,
                *d.keywords,
                d.abstract_zh,
                d.abstract_en,
                d.claims,
                *d.ipc_codes,
                d.university_name,
            ]
            self.ids.append(d.id)
            self.tf.append(Counter(t for text in texts if text for t in tokens(text)))
        self.lengths = [sum(c.values()) for c in self.tf]
        self.avg = sum(self.lengths) / max(len(self.lengths), 1)
        df: Counter[str] = Counter(t for c in self.tf for t in c)
        n = len(self.ids)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}

    def search(self, q: str, limit: int = 100) -> list[str]:
        terms = tokens(q)
        scores: list[tuple[float, str]] = []
        for doc_id, tf, length in zip(self.ids, self.tf, self.lengths, strict=True):
            score = 0.0
            for t in terms:
                if f := tf.get(t):
                    norm = self.k1 * (1 - self.b + self.b * length / self.avg)
                    score += self.idf[t] * f * (self.k1 + 1) / (f + norm)
            if score > 0:
                scores.append((score, doc_id))
        scores.sort(key=lambda s: (-s[0], s[1]))
        return [doc_id for _, doc_id in scores[:limit]]
