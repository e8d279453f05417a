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
    _by_start: dict[tuple[str, int], list[str]] = field(init=False, repr=False)
    _by_tail: dict[str, list[str]] = field(init=False, repr=False)
    _memo: dict[tuple[str, int], list[tuple[str, int]]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._sorted = sorted(self.counts)
        self._by_start = {}
        self._by_tail = {}
        self._memo = {}
        for word in self._sorted:
            self._by_start.setdefault((word[:1], len(word)), []).append(word)
            self._by_tail.setdefault(word[1:], []).append(word)

    def _within(self, word: str, budget: int) -> list[tuple[str, int]]:
        """Indexed words (not `word`) within `budget` typos, with their cost. A different first
        letter costs two, so those words are found by the rest of the word alone."""
        key = (word, budget)
        if key in self._memo:
            return self._memo[key]
        found: dict[str, int] = {}
        for length in range(len(word) - budget, len(word) + budget + 1):
            for candidate in self._by_start.get((word[:1], length), ()):
                if candidate != word:
                    cost = typo_cost(word, candidate, budget)
                    if cost <= budget:
                        found[candidate] = cost
        if budget >= 2:  # the first letter changed, inserted or deleted; nothing else
            others = [*self._by_tail.get(word[1:], ()), *self._by_tail.get(word, ())]
            if word[1:] in self.counts:
                others.append(word[1:])
            for candidate in others:
                if candidate != word and candidate not in found:
                    cost = typo_cost(word, candidate, budget)
                    if cost <= budget:
                        found[candidate] = cost
        result = sorted(found.items(), key=lambda wc: (wc[1], -self.counts[wc[0]], wc[0]))
        if len(self._memo) > 10_000:
            self._memo.clear()
        self._memo[key] = result
        return result

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
        return self._within(word, budget)[:MAX_TYPO_VARIANTS]

    def completions(self, prefix: str) -> list[str]:
        """Indexed words that begin with `prefix` (not `prefix` itself), most frequent first."""
        key = (prefix, -1)
        if key in self._memo:
            return [w for w, _ in self._memo[key]]
        start = bisect.bisect_left(self._sorted, prefix)
        end = bisect.bisect_left(self._sorted, prefix + "\uffff", lo=start)
        out = [w for w in self._sorted[start:end] if w != prefix]
        out.sort(key=lambda w: (-self.counts[w], w))
        out = out[:MAX_PREFIX_VARIANTS]
        if len(self._memo) > 10_000:
            self._memo.clear()
        self._memo[key] = [(w, 0) for w in out]
        return out

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
        found = self._within(word, 2)
        return found[0][0] if found else None
