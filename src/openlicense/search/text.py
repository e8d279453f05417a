"""Text analysis shared by the engines: analyzers, synonyms, the parsed query, highlighting.

One definition of "what matches" for the whole project:

- **Chinese** (any run of Han characters) is indexed as single characters plus overlapping
  character bigrams. A query run matches a text when the text contains *every character* of the
  run and *at least half of its bigrams* (rounded up). So 锂电池 finds 锂离子电池正极材料
  (锂, 电, 池 are all there, and 电池 is one of its two bigrams), 电池 finds it too, while
  characters scattered over unrelated words do not. Long runs are first cut at the terms of
  the synonym dictionary (forward maximum matching), so 锂电池正极材料 is read as 锂电池 + 正极材料.
- **Latin words** (and numbers) are lowercased, accent-folded and stemmed (Snowball English):
  "cathodes" and "cathode" are one term, in every field. In the English fields a word of 5+
  characters also tolerates one typo and one of 9+ characters two (Damerau-Levenshtein on the
  words as written, like Meilisearch's `minWordSizeForTypos`; numbers never take typos), and the
  last word of the query (3+ characters) also matches as a prefix (search as you type).
- **Every query term must match** (Meilisearch's `matchingStrategy: "all"`), each in any
  searchable field.
- **Synonyms** (`search/synonyms/*.json`) are groups of equivalent terms. A query term (or a
  sequence of words) equal to a group member matches any member of the group; synonym
  alternatives match exactly (no typos, no prefix).

The tantivy analyzers here are also what the embedded index uses, so the query and the index
tokenise identically; the in-process Meilisearch fake used by the tests analyses documents with the
same functions.
"""

from __future__ import annotations

import functools
import html
import json
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tantivy

__all__ = [
    "HAN_RE",
    "MARK_END",
    "MARK_START",
    "Alternative",
    "Clause",
    "HanTerm",
    "Highlighter",
    "ParsedQuery",
    "SynonymIndex",
    "WordTerm",
    "bigram_analyzer",
    "damerau_levenshtein",
    "english_analyzer",
    "han_bigrams",
    "highlight",
    "load_synonym_groups",
    "marks_to_html",
    "normalise",
    "parse_query",
    "stem",
    "typo_budget",
    "unigram_analyzer",
]

_HAN_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
HAN_RE = re.compile(f"[{_HAN_CLASS}]+")
_TOKEN_RE = re.compile(f"(?P<han>[{_HAN_CLASS}]+)|(?P<word>[^\\W_{_HAN_CLASS}]+)")

MARK_START = "\ue000"
"""Private-use sentinels around a highlighted match: escaped text is wrapped in <mark> later."""
MARK_END = "\ue001"

PREFIX_MIN_CHARS = 3
ONE_TYPO_MIN_CHARS = 5
TWO_TYPOS_MIN_CHARS = 9

# --- tantivy analyzers ---------------------------------------------------------------------

UNIGRAM_TOKENIZER = "ol_zh_uni"
BIGRAM_TOKENIZER = "ol_zh_bi"
ENGLISH_TOKENIZER = "ol_en"
RAW_TOKENIZER = "ol_en_raw"


@functools.cache
def unigram_analyzer() -> tantivy.TextAnalyzer:
    """Chinese-capable fields: one token per Han character, one per Latin word (stemmed)."""
    tokenizer = tantivy.Tokenizer.regex(r"\p{Han}|[\p{L}\p{N}--\p{Han}]+")
    return (
        tantivy.TextAnalyzerBuilder(tokenizer)
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )


@functools.cache
def bigram_analyzer() -> tantivy.TextAnalyzer:
    """Chinese-capable fields: every overlapping pair of characters (queries use Han pairs)."""
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.ngram(2, 2))
        .filter(tantivy.Filter.lowercase())
        .build()
    )


@functools.cache
def english_analyzer() -> tantivy.TextAnalyzer:
    """English fields: words, lowercased, accents folded, Snowball English stems."""
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )


@functools.cache
def raw_analyzer() -> tantivy.TextAnalyzer:
    """English fields, unstemmed (typos and prefixes apply to the words as written)."""
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .build()
    )


def register_analyzers(index: tantivy.Index) -> None:
    index.register_tokenizer(UNIGRAM_TOKENIZER, unigram_analyzer())
    index.register_tokenizer(BIGRAM_TOKENIZER, bigram_analyzer())
    index.register_tokenizer(ENGLISH_TOKENIZER, english_analyzer())
    index.register_tokenizer(RAW_TOKENIZER, raw_analyzer())


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The index term of one Latin word (lowercased, folded, stemmed); "" for none."""
    tokens = english_analyzer().analyze(word)
    return tokens[0] if tokens else ""


@functools.lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """One Latin word as the unstemmed English fields index it (lowercased, folded)."""
    tokens = raw_analyzer().analyze(word)
    return tokens[0] if tokens else ""


def normalise(text: str) -> str:
    """NFKC (full-width letters and digits become ASCII) and lowercase."""
    return unicodedata.normalize("NFKC", text).lower()


def han_bigrams(run: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(run[i : i + 2] for i in range(len(run) - 1)))


def typo_budget(word: str) -> int:
    if word.isdigit():
        return 0
    if len(word) >= TWO_TYPOS_MIN_CHARS:
        return 2
    return 1 if len(word) >= ONE_TYPO_MIN_CHARS else 0


# --- the parsed query ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WordTerm:
    """A Latin word or number."""

    raw: str  # as written, lowercased and accent-folded
    stem: str  # index term of the stemmed fields
    typos: int = 0  # edit distance allowed against words as written (English fields)
    prefix: bool = False  # also matches words starting with `raw` (English fields)

    @property
    def key(self) -> str:
        return self.stem


@dataclass(frozen=True, slots=True)
class HanTerm:
    """A run of Han characters."""

    text: str

    @property
    def key(self) -> str:
        return self.text

    @property
    def chars(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.text))

    @property
    def bigrams(self) -> tuple[str, ...]:
        return han_bigrams(self.text)

    @property
    def min_bigrams(self) -> int:
        return math.ceil(len(self.bigrams) / 2)


Term = WordTerm | HanTerm


@dataclass(frozen=True, slots=True)
class Alternative:
    """Terms that must all match (a multi-word synonym is one alternative)."""

    terms: tuple[Term, ...]
    synonym: bool = False


@dataclass(frozen=True, slots=True)
class Clause:
    """One query term (or synonym phrase): any one alternative must match."""

    alternatives: tuple[Alternative, ...]


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    clauses: tuple[Clause, ...]

    @property
    def is_placeholder(self) -> bool:
        """No searchable term: every visible document matches (browse mode)."""
        return not self.clauses

    def terms(self) -> Iterable[Term]:
        for clause in self.clauses:
            for alternative in clause.alternatives:
                yield from alternative.terms


def _units(text: str, dictionary: frozenset[str] | None = None) -> list[Term]:
    """Terms of a text in order; Han runs are cut at dictionary words when given."""
    units: list[Term] = []
    for match in _TOKEN_RE.finditer(normalise(text)):
        if match.group("han"):
            run = match.group("han")
            units += [HanTerm(piece) for piece in _segment(run, dictionary or frozenset())]
        else:
            word = match.group("word")
            if (term_stem := stem(word)) and (folded := fold(word)):
                units.append(WordTerm(folded, term_stem))
    return units


def _segment(run: str, dictionary: frozenset[str]) -> list[str]:
    """Forward maximum matching of dictionary words; text between them stays as one piece."""
    if not dictionary:
        return [run]
    longest = max(map(len, dictionary))
    pieces: list[str] = []
    gap_start = i = 0
    while i < len(run):
        for size in range(min(longest, len(run) - i), 1, -1):
            if run[i : i + size] in dictionary:
                if gap_start < i:
                    pieces.append(run[gap_start:i])
                pieces.append(run[i : i + size])
                i += size
                gap_start = i
                break
        else:
            i += 1
    if gap_start < len(run):
        pieces.append(run[gap_start:])
    return pieces


@dataclass(frozen=True)
class SynonymIndex:
    """Groups of equivalent terms, looked up by their sequence of term keys."""

    groups: tuple[tuple[str, ...], ...] = ()
    _by_key: dict[tuple[str, ...], list[tuple[Term, ...]]] = field(
        default_factory=dict, repr=False, compare=False
    )
    _dictionary: frozenset[str] = field(default=frozenset(), repr=False, compare=False)
    _longest: int = field(default=0, repr=False, compare=False)

    @classmethod
    def from_groups(cls, groups: Iterable[Sequence[str]]) -> SynonymIndex:
        clean = tuple(tuple(dict.fromkeys(s.strip() for s in g if s.strip())) for g in groups)
        by_key: dict[tuple[str, ...], list[tuple[Term, ...]]] = {}
        dictionary: set[str] = set()
        for group in clean:
            parsed = [tuple(_units(member)) for member in group]
            parsed = [p for p in parsed if p]
            for member in parsed:
                key = tuple(t.key for t in member)
                others = [o for o in parsed if tuple(t.key for t in o) != key]
                by_key.setdefault(key, [])
                by_key[key] += [o for o in others if o not in by_key[key]]
                if len(member) == 1 and isinstance(member[0], HanTerm):
                    dictionary.add(member[0].text)
        longest = max((len(k) for k in by_key), default=0)
        return cls(clean, by_key, frozenset(dictionary), longest)

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Sequence[str]]) -> SynonymIndex:
        """From Meilisearch's `synonyms` setting (term → its synonyms, possibly one-way)."""
        by_key: dict[tuple[str, ...], list[tuple[Term, ...]]] = {}
        dictionary: set[str] = set()
        for term, others in mapping.items():
            member = tuple(_units(term))
            if not member:
                continue
            key = tuple(t.key for t in member)
            targets = by_key.setdefault(key, [])
            for other in others:
                parsed = tuple(_units(other))
                if parsed and tuple(t.key for t in parsed) != key and parsed not in targets:
                    targets.append(parsed)
            if len(member) == 1 and isinstance(member[0], HanTerm):
                dictionary.add(member[0].text)
        groups = tuple((k, *v) for k, v in mapping.items())
        longest = max((len(k) for k in by_key), default=0)
        return cls(groups, by_key, frozenset(dictionary), longest)

    @property
    def dictionary(self) -> frozenset[str]:
        return self._dictionary

    def lookup(self, keys: tuple[str, ...]) -> list[tuple[Term, ...]]:
        return self._by_key.get(keys, [])

    @property
    def longest(self) -> int:
        return self._longest

    def to_meilisearch(self) -> dict[str, list[str]]:
        """Meilisearch `synonyms` setting: every member maps to the other members."""
        out: dict[str, list[str]] = {}
        for group in self.groups:
            for member in group:
                key = normalise(member)
                others = [normalise(o) for o in group if normalise(o) != key]
                merged = out.setdefault(key, [])
                merged += [o for o in others if o not in merged]
        return {k: sorted(v) for k, v in sorted(out.items())}


def load_synonym_groups(path: Path) -> list[list[str]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    groups = data["groups"] if isinstance(data, Mapping) else data
    return [list(g) for g in groups]


def parse_query(q: str, synonyms: SynonymIndex | None = None) -> ParsedQuery:
    """The query as AND-ed clauses of OR-ed alternatives (see the module docstring)."""
    synonyms = synonyms or SynonymIndex()
    units = _units(q, synonyms.dictionary)
    if units and isinstance(units[-1], WordTerm) and not q[-1:].isspace():
        last = units[-1]
        if len(last.raw) >= PREFIX_MIN_CHARS and not last.raw.isdigit():
            units[-1] = WordTerm(last.raw, last.stem, prefix=True)
    units = [
        WordTerm(u.raw, u.stem, typo_budget(u.raw), u.prefix) if isinstance(u, WordTerm) else u
        for u in units
    ]
    clauses: list[Clause] = []
    i = 0
    while i < len(units):
        for size in range(min(synonyms.longest, len(units) - i), 0, -1):
            span = tuple(units[i : i + size])
            others = synonyms.lookup(tuple(u.key for u in span))
            if others:
                alternatives = [Alternative(span)]
                alternatives += [Alternative(o, synonym=True) for o in others]
                clauses.append(Clause(tuple(alternatives)))
                i += size
                break
        else:
            clauses.append(Clause((Alternative((units[i],)),)))
            i += 1
    return ParsedQuery(tuple(dict.fromkeys(clauses)))


# --- matching helpers (used by highlighting and the test fake) -----------------------------


def damerau_levenshtein(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance, stopping early above `limit` (returns limit + 1)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def word_matches(term: WordTerm, word: str) -> bool:
    """Does a word of an English text (lowercased and folded) match the query word?"""
    if stem(word) == term.stem:
        return True
    if term.prefix and word.startswith(term.raw):
        return True
    return term.typos > 0 and damerau_levenshtein(term.raw, word, term.typos) <= term.typos


# --- highlighting --------------------------------------------------------------------------

_WORD_RE = re.compile(f"[^\\W_{_HAN_CLASS}]+")


class Highlighter:
    """Marks a query's matches in texts; caches word decisions across the texts of a page."""

    def __init__(self, query: ParsedQuery) -> None:
        self.query = query
        self.words = tuple(dict.fromkeys(t for t in query.terms() if isinstance(t, WordTerm)))
        needles: set[str] = set()
        for term in query.terms():
            if isinstance(term, HanTerm):
                needles.add(term.text)
                needles.update(term.bigrams)
        self.needles = tuple(sorted(needles))
        self._decided: dict[str, bool] = {}

    def _word(self, word: str) -> bool:
        decided = self._decided.get(word)
        if decided is None:
            folded = fold(word)
            decided = bool(folded) and any(word_matches(w, folded) for w in self.words)
            self._decided[word] = decided
        return decided

    def __call__(self, text: str) -> str | None:
        """`text` with the matches wrapped in MARK_START/MARK_END, or None without a match."""
        if not text or self.query.is_placeholder:
            return None
        spans: list[tuple[int, int]] = []
        if self.words:
            spans += [m.span() for m in _WORD_RE.finditer(text) if self._word(m.group())]
        for needle in self.needles:
            start = text.find(needle)
            while start >= 0:
                spans.append((start, start + len(needle)))
                start = text.find(needle, start + 1)
        if not spans:
            return None
        merged: list[list[int]] = []
        for start, end in sorted(spans):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        out, pos = [], 0
        for start, end in merged:
            out += [text[pos:start], MARK_START, text[start:end], MARK_END]
            pos = end
        out.append(text[pos:])
        return "".join(out)


def highlight(text: str, query: ParsedQuery) -> str | None:
    """`text` with the query's matches wrapped in MARK_START/MARK_END, or None without a match."""
    return Highlighter(query)(text)


def marks_to_html(marked: str) -> str:
    """Escape the text for HTML and turn the sentinels into <mark>…</mark>."""
    return (
        html.escape(marked, quote=False).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    )


def settings_json(value: Any) -> str:
    """Stable JSON for diffs."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
