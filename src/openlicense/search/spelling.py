"""The vocabulary of English words in an index: typo and prefix expansions, and "did you mean".

Typo rules are Meilisearch's, so both engines accept the same words: a query word of
`oneTypo` (5) or more letters tolerates one typo, of `twoTypos` (9) or more two; a typo in the
first letter counts as two; a transposition counts as one. The last word of a query also
matches every word it begins (search as you type).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from openlicense.search.text import ParsedQuery, stem, typo_cost

__all__ = ["Lexicon", "typo_budget"]

MAX_TYPO_VARIANTS = 150
"""At most this many indexed words stand in for one misspelt word (Meilisearch: 150 for one
typo, 50 for two)."""
MAX_PREFIX_VARIANTS = 200
"""At most this many words (the most frequent) complete a prefix."""


def typo_budget(word: str, sizes: tuple[int, int]) -> int:
    one, two = sizes
    if len(word) >= two:
        return 2
    return 1 if len(word) >= one else 0


@dataclass
class Lexicon:
    """English index tokens with their document frequencies."""

    counts: Mapping[str, int]
    sizes: tuple[int, int] = (5, 9)
    spellings: Mapping[str, str] = field(default_factory=dict)
    """Stem → the word as most often written (for "did you mean")."""
    _sorted: list[str] = field(init=False, repr=False)
    _by_length: dict[int, list[str]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._sorted = sorted(self.counts)
        self._by_length = {}
        for word in self._sorted:
            self._by_length.setdefault(len(word), []).append(word)

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, int]], sizes: tuple[int, int]) -> Lexicon:
        """From (word as written, documents) pairs: the words and their stems (both are index
        tokens) with document counts, and the most frequent spelling of each stem."""
        counts: dict[str, int] = {}
        best: dict[str, tuple[int, str]] = {}
        for word, count in pairs:
            token = stem(word)
            if not token or not token.isalpha() or not word.isalpha():
                continue
            counts[word] = counts.get(word, 0) + int(count)
            if token != word:
                counts[token] = counts.get(token, 0) + int(count)
            if token not in best or (int(count), word) > best[token]:
                best[token] = (int(count), word)
        return cls(counts, sizes, {t: w for t, (_, w) in best.items()})

    def spelling(self, token: str) -> str:
        return self.spellings.get(token, token)

    def __contains__(self, word: object) -> bool:
        return word in self.counts

    def typos(self, word: str) -> list[tuple[str, int]]:
        """Indexed words within the typo budget of `word` (not `word` itself), with their
        cost, fewest typos and most frequent first."""
        budget = typo_budget(word, self.sizes)
        if budget == 0:
            return []
        found: list[tuple[str, int]] = []
        for length in range(len(word) - budget, len(word) + budget + 1):
            for candidate in self._by_length.get(length, ()):
                if candidate == word:
                    continue
                cost = typo_cost(word, candidate, budget)
                if cost <= budget:
                    found.append((candidate, cost))
        found.sort(key=lambda wc: (wc[1], -self.counts[wc[0]], wc[0]))
        return found[:MAX_TYPO_VARIANTS]

    def completions(self, prefix: str) -> list[str]:
        """Indexed words that begin with `prefix` (not `prefix` itself), most frequent first."""
        start = bisect.bisect_left(self._sorted, prefix)
        out: list[str] = []
        for word in self._sorted[start:]:
            if not word.startswith(prefix):
                break
            if word != prefix:
                out.append(word)
        out.sort(key=lambda w: (-self.counts[w], w))
        return out[:MAX_PREFIX_VARIANTS]

    def expansions(self, query: ParsedQuery) -> dict[str, list[str]]:
        """Query word → the indexed words it also matches (typos, and the prefix of the last
        word). Synonym alternatives match exactly, as in Meilisearch."""
        out: dict[str, list[str]] = {}
        for term in query.terms:
            if not term.is_word:
                continue
            variants = [w for w, _ in self.typos(term.token)]
            if term.prefix:
                variants += [w for w in self.completions(term.token) if w not in variants]
            if variants:
                out[term.token] = variants
        return out

    def correct(self, word: str) -> str | None:
        """The most likely intended word for an unknown one: fewest typos, then most
        frequent; up to two typos whatever the length (for "did you mean")."""
        if word in self.counts or len(word) < 3:
            return None
        best: tuple[int, int, str] | None = None
        for length in range(len(word) - 2, len(word) + 3):
            for candidate in self._by_length.get(length, ()):
                cost = typo_cost(word, candidate, 2)
                if cost <= 2:
                    key = (cost, -self.counts[candidate], candidate)
                    if best is None or key < best:
                        best = key
        return best[2] if best else None
