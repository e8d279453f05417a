"""Meilisearch's documented matching and ranking, for the fake server — written from the
documentation, independent of `openlicense.search` (it imports nothing from the project).

What it follows (Meilisearch docs: "Typo tolerance", "Typo tolerance calculations", "Prefix
search", "Built-in ranking rules", "Use matching strategy", "Concatenated and split queries",
"Synonyms", "Known limitations"):

- **Tokenizing** (charabia): lowercase; accents removed from Latin letters; camelCase split;
  words split on whitespace and punctuation; runs of Chinese characters segmented into words
  with jieba's default dictionary (charabia uses jieba for Chinese). Each word has a position
  in its attribute.
- **Query words**: at most 10 (later words are ignored); stop words removed; the last word is
  a prefix unless the query ends with a separator.
- **Typos** per query word: none below `minWordSizeForTypos.oneTypo` (5) characters, one up to
  `twoTypos` (9), two from there; Damerau-Levenshtein (a transposition is one typo); a typo on
  the first character counts as two; no typos on numbers with `disableOnNumbers`, on words of
  `disableOnWords`, or in attributes of `disableOnAttributes`. The prefix word also matches the
  beginning of longer words, with its typo budget.
- **Concatenation**: two or three consecutive query words also match their concatenation, as one
  typo. **Split**: a query word also matches two adjacent words it splits into, when both are
  words of the index (the most frequent split), as one typo.
- **Synonyms** of 1- to 3-word query terms; a multi-word synonym matches as consecutive words.
- **Matching strategies**: `all`; `last` (drop words from the end); `frequency` (drop the most
  frequent words first). The words rule is applied before typo, proximity, attribute and
  exactness whatever its position.
- **Ranking rules**, in the index's order: words, typo (fewer first), proximity (closer matched
  words first; 8 when not in the same attribute, at most 7 otherwise), attribute (= attributeRank
  then wordPosition), attributeRank, wordPosition, sort, exactness (more exactly-typed words
  first), custom `attr:asc|desc`.

Not modelled: proximity precision by attribute, the exact ranking score formula, word
derivation caps (150 one-typo, 50 two-typo words), phrase search with quotes, and languages
other than Latin-script and Chinese.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import rjieba

MAX_QUERY_WORDS = 10
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_WORDS = re.compile(r"[^\W_]+")


@functools.cache
def _jieba() -> rjieba.Jieba:
    return rjieba.Jieba()


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def tokenize(text: str) -> list[str]:
    """Words of a text in order, the way charabia cuts them (see the module docstring)."""
    out: list[str] = []
    for piece in _WORDS.findall(_CAMEL.sub(" ", unicodedata.normalize("NFKC", text))):
        start = 0
        for match in _HAN.finditer(piece):
            if match.start() > start:
                out.append(_fold(piece[start : match.start()]))
            out += [w for w in _jieba().cut(match.group(), True) if w.strip()]
            start = match.end()
        if start < len(piece):
            out.append(_fold(piece[start:]))
    return [w for w in out if w]


def ends_with_separator(text: str) -> bool:
    return bool(text) and not text[-1].isalnum() and not _HAN.match(text[-1])


def typos(query: str, word: str, limit: int) -> int:
    """Damerau-Levenshtein distance with a first-character difference counted twice; anything
    above `limit` is reported as limit + 1."""
    if query == word:
        return 0
    first = 1 if query[:1] != word[:1] else 0
    if abs(len(query) - len(word)) + first > limit:
        return limit + 1
    a, b = query, word
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], previous2[j - 2] + 1)
        if min(row) + first > limit:
            return limit + 1
        previous2, previous = previous, row
    distance = previous[-1] + first
    return distance if distance <= limit else limit + 1


def prefix_typos(query: str, word: str, limit: int) -> int:
    """Typos between `query` and the best prefix of `word` (the prefix word's derivations)."""
    if word.startswith(query):
        return 0
    best = limit + 1
    for size in range(max(1, len(query) - limit), min(len(word), len(query) + limit) + 1):
        best = min(best, typos(query, word[:size], limit))
    return best


@dataclass
class Analysed:
    """One document: word → [(attribute index, position)]."""

    positions: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    sequence: list[list[str]] = field(default_factory=list)  # words per attribute


def analyse(doc: dict[str, Any], attributes: Sequence[str]) -> Analysed:
    out = Analysed()
    for index, attribute in enumerate(attributes):
        words: list[str] = []
        for value in _strings(doc.get(attribute)):
            words += tokenize(value)
        out.sequence.append(words)
        for pos, word in enumerate(words):
            out.positions.setdefault(word, []).append((index, pos))
    return out


def _strings(value: Any) -> list[str]:
    if value is None or isinstance(value, bool | dict):
        return []
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [str(value)]


@dataclass
class Derivation:
    """One way a query term can match: a word (or consecutive words) of the index.

    `typos` is the base cost (a concatenation or a split costs one); `fuzzy` derivations (the
    query's own words) also match words within their typo budget, and the prefix word the
    beginning of longer words."""

    words: tuple[str, ...]
    typos: int
    exact: bool
    prefix: bool = False
    fuzzy: bool = False
    candidates: dict[str, int] = field(default_factory=dict)
    """Index word → typos, for one-word derivations (filled by `prepare`)."""

    def prepare(self, vocabulary: Vocabulary, settings: Settings) -> None:
        if len(self.words) != 1:
            return
        word = self.words[0]
        budget = settings.budget(word) if self.fuzzy else 0
        out: dict[str, int] = {}
        if word in vocabulary.counts:
            out[word] = self.typos
        if self.prefix and self.fuzzy:
            pool = vocabulary.starting_with(word[:1]) if budget < 2 else vocabulary.counts
            for candidate in pool:
                if candidate != word and len(candidate) >= len(word) - budget:
                    cost = prefix_typos(word, candidate, budget)
                    if cost <= budget:
                        out[candidate] = cost
        elif budget:
            # a different first letter costs two typos: with a budget of one, only words that
            # begin with the same letter can match
            pool = (
                vocabulary.starting_with(word[:1])
                if budget == 1
                else vocabulary.near_length(len(word), budget)
            )
            for candidate in pool:
                if candidate != word:
                    cost = typos(word, candidate, budget)
                    if cost <= budget:
                        out[candidate] = cost
        self.candidates = out


class Vocabulary:
    """The words of an index with their document counts, bucketed for derivation look-ups."""

    def __init__(self, counts: dict[str, int]) -> None:
        self.counts = counts
        self.by_length: dict[int, list[str]] = {}
        self.by_first: dict[str, list[str]] = {}
        for word in counts:
            self.by_length.setdefault(len(word), []).append(word)
            self.by_first.setdefault(word[:1], []).append(word)

    def near_length(self, length: int, budget: int) -> Iterable[str]:
        for n in range(length - budget, length + budget + 1):
            yield from self.by_length.get(n, ())

    def starting_with(self, first: str) -> list[str]:
        """Words that begin with `first`."""
        return self.by_first.get(first, [])


@dataclass
class Term:
    """A query term: the query words it covers [start, end) and how it may match."""

    start: int
    end: int
    derivations: list[Derivation]

    def matches(
        self, doc: Analysed, settings: Settings
    ) -> tuple[int, list[tuple[int, int]], bool] | None:
        """(typos, [(attribute, position)], exact) of the best derivation found, or None."""
        best: tuple[int, list[tuple[int, int]], bool] | None = None
        for d in self.derivations:
            found = _find(d, doc, settings)
            if found is not None and (best is None or found[0] < best[0]):
                best = found
        return best


def _find(
    d: Derivation, doc: Analysed, settings: Settings
) -> tuple[int, list[tuple[int, int]], bool] | None:
    if len(d.words) > 1:  # a phrase: consecutive words in one attribute
        places = [set(doc.positions.get(w, [])) for w in d.words]
        hits = [
            (a, p)
            for a, p in places[0]
            if all((a, p + k) in places[k] for k in range(1, len(d.words)))
        ]
        return (d.typos, hits, d.exact) if hits else None
    best: int | None = None
    where: list[tuple[int, int]] = []
    for candidate, cost in d.candidates.items():
        places = doc.positions.get(candidate)
        if not places:
            continue
        allowed = [
            (a, p)
            for a, p in places
            if cost == 0 or settings.attributes[a] not in settings.no_typo_attributes
        ]
        if not allowed:
            continue
        if best is None or cost < best:
            best, where = cost, allowed
        elif cost == best:
            where = where + allowed
    if best is None:
        return None
    exact = d.exact and best == 0 and d.words[0] in doc.positions
    return best, where, exact


@dataclass
class Settings:
    attributes: list[str]
    one_typo: int
    two_typos: int
    typo_enabled: bool
    no_typo_words: set[str]
    no_typo_attributes: set[str]
    no_typo_numbers: bool
    prefix_search: bool
    stop_words: set[str]
    synonyms: dict[tuple[str, ...], list[tuple[str, ...]]]

    def budget(self, word: str) -> int:
        if not self.typo_enabled or word in self.no_typo_words:
            return 0
        if self.no_typo_numbers and word.isdigit():
            return 0
        if len(word) >= self.two_typos:
            return 2
        return 1 if len(word) >= self.one_typo else 0

    @classmethod
    def of(cls, settings: dict[str, Any], attributes: list[str]) -> Settings:
        typo = settings.get("typoTolerance") or {}
        sizes = typo.get("minWordSizeForTypos") or {}
        synonyms: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
        for key, values in (settings.get("synonyms") or {}).items():
            words = tuple(tokenize(key))
            if 1 <= len(words) <= 3:
                synonyms[words] = [tuple(tokenize(v)) for v in values if tokenize(v)]
        return cls(
            attributes=attributes,
            one_typo=int(sizes.get("oneTypo", 5)),
            two_typos=int(sizes.get("twoTypos", 9)),
            typo_enabled=bool(typo.get("enabled", True)),
            no_typo_words={w for x in typo.get("disableOnWords") or [] for w in tokenize(x)},
            no_typo_attributes=set(typo.get("disableOnAttributes") or []),
            no_typo_numbers=bool(typo.get("disableOnNumbers")),
            prefix_search=settings.get("prefixSearch", "indexingTime") != "disabled",
            stop_words={w for x in settings.get("stopWords") or [] for w in tokenize(x)},
            synonyms=synonyms,
        )


def query_words(q: str, settings: Settings) -> list[str]:
    return [w for w in tokenize(q) if w not in settings.stop_words][:MAX_QUERY_WORDS]


def parse(q: str, settings: Settings, vocabulary: Vocabulary) -> list[Term]:
    """Query terms: each query word with its derivations, plus concatenations, splits and
    synonyms of runs of words."""
    words = query_words(q, settings)
    prefix_last = settings.prefix_search and not ends_with_separator(q)
    terms: list[Term] = []
    for i, word in enumerate(words):
        is_prefix = prefix_last and i == len(words) - 1
        derivations = [Derivation((word,), 0, True, prefix=is_prefix, fuzzy=True)]
        split = _split(word, vocabulary.counts) if settings.budget(word) else None
        if split:
            derivations.append(Derivation(split, 1, False))
        terms.append(Term(i, i + 1, derivations))
    for size in (2, 3):  # concatenations of consecutive words, one typo
        for i in range(len(words) - size + 1):
            joined = "".join(words[i : i + size])
            terms.append(Term(i, i + size, [Derivation((joined,), 1, False)]))
    for size in (3, 2, 1):
        for i in range(len(words) - size + 1):
            key = tuple(words[i : i + size])
            for alternative in settings.synonyms.get(key, []):
                target = terms[i] if size == 1 else None
                synonym = Derivation(alternative, 0, False)
                if target is not None:
                    target.derivations.append(synonym)
                else:
                    terms.append(Term(i, i + size, [synonym]))
    for term in terms:
        for derivation in term.derivations:
            derivation.prepare(vocabulary, settings)
    return terms


def _split(word: str, vocabulary: dict[str, int]) -> tuple[str, str] | None:
    best: tuple[int, tuple[str, str]] | None = None
    for cut in range(1, len(word)):
        left, right = word[:cut], word[cut:]
        if left in vocabulary and right in vocabulary:
            score = min(vocabulary[left], vocabulary[right])
            if best is None or score > best[0]:
                best = (score, (left, right))
    return best[1] if best else None


@dataclass
class Match:
    """How one document matched the query words that are kept at its bucket."""

    words: int
    typos: int
    proximity: int
    attribute_rank: int
    word_position: int
    exact: int


def evaluate(
    terms: list[Term], word_count: int, kept: set[int], doc: Analysed, settings: Settings
) -> Match | None:
    """The document's match on the query words in `kept` (every kept word must match, through
    its own term or a multi-word term covering it)."""
    per_word: dict[int, tuple[int, list[tuple[int, int]], bool]] = {}
    for term in terms:
        covered = set(range(term.start, term.end))
        if not covered <= kept:
            continue
        found = term.matches(doc, settings)
        if found is None:
            continue
        for w in covered:
            if w not in per_word or found[0] < per_word[w][0]:
                per_word[w] = found
    if not kept <= set(per_word):
        return None
    matched = [per_word[w] for w in sorted(kept)]
    typo_total = sum(m[0] for m in matched)
    attribute_rank = sum(min(a for a, _ in m[1]) for m in matched)
    word_position = sum(min(p for a, p in m[1]) for m in matched)
    exact = sum(1 for m in matched if m[2])
    proximity = 0
    for left, right in itertools.pairwise(matched):
        proximity += _proximity(left[1], right[1])
    return Match(len(kept), typo_total, proximity, attribute_rank, word_position, exact)


def _proximity(left: Iterable[tuple[int, int]], right: Iterable[tuple[int, int]]) -> int:
    best = 8
    right = list(right)
    for a, p in left:
        for b, q in right:
            if a != b:
                continue
            distance = q - p if q > p else p - q + 1
            best = min(best, min(distance, 7))
    return best


def frequencies(
    terms: list[Term], word_count: int, docs: list[Analysed], settings: Settings
) -> list[int]:
    """Documents containing each query word (through any of its terms)."""
    counts = []
    for w in range(word_count):
        own = [t for t in terms if t.start == w and t.end == w + 1]
        counts.append(sum(1 for doc in docs if any(t.matches(doc, settings) for t in own)))
    return counts


def buckets(strategy: str, word_count: int, frequency: list[int]) -> list[set[int]]:
    """The sets of query words to keep, bucket by bucket (Meilisearch's words rule)."""
    everything = set(range(word_count))
    if word_count == 0:
        return [set()]
    if strategy == "all":
        return [everything]
    if strategy == "frequency":
        order = sorted(range(word_count), key=lambda w: (-frequency[w], -w))
    else:  # "last"
        order = list(range(word_count - 1, -1, -1))
    out = [set(everything)]
    kept = set(everything)
    for w in order[:-1]:
        kept = kept - {w}
        out.append(set(kept))
    return out
