"""Text analysis shared by both engines: index tokens, the parsed query, synonyms, highlights.

One definition of "what matches", applied before either engine sees the text:

- **Folding** (`segment.fold`): NFKC, lowercase, traditional → simplified Chinese.
- **Chinese** documents are indexed with every dictionary word found in them plus every
  character (`segment.Segmenter`); a query run is cut into dictionary words and single
  characters. A query word matches a document that contains it as a substring.
- **Latin words** become Snowball English stems ("cathodes" → "cathod"); words with digits
  ("3d", "5g", "18650") and IPC codes are exact tokens. Typos and prefixes apply to stems only
  (see `spelling.py`); exact tokens match exactly.
- **IPC codes** in a query, as typed (`H01M`, `h01m4`, `H01M 4/36`), become one token that
  finds every patent classified at or below that level (`ipc.py`).
- **Clauses.** A query is a sequence of clauses, at most `MAX_QUERY_WORDS` tokens in all (the
  limit Meilisearch applies): each query token, or a run of up to three tokens that is a
  synonym key, is one clause whose alternatives are its synonyms. Stop words outside synonyms
  are dropped. How clauses combine (all first, then dropping the most frequent) and rank is the
  engines' job; both follow `docs/search.md`.

Tokens are plain strings. A *word* token is lowercase ASCII letters (an English stem); anything
else is an *exact* token. The Meilisearch adapter sends the same tokens, spelled with letters
only (`meili_token`), so the server's tokenizer keeps each one as one word.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

import tantivy

from openlicense.search import ipc
from openlicense.search.segment import COMPOUND_CHARS, HAN_CLASS, Segmenter, fold

__all__ = [
    "MARK_END",
    "MARK_START",
    "MAX_QUERY_WORDS",
    "Analyzer",
    "Clause",
    "ParsedQuery",
    "SynonymIndex",
    "Term",
    "english_word",
    "is_word_token",
    "meili_token",
    "settings_json",
    "stem",
]

MARK_START = "\ue000"
"""Private-use sentinels around a highlighted match: escaped text is wrapped in <mark> later."""
MARK_END = "\ue001"

MAX_QUERY_WORDS = 10
"""Meilisearch ignores every query word after the 10th (a documented hard limit); both engines
read the same first ten tokens."""

_TOKEN_RE = re.compile(f"(?P<han>[{HAN_CLASS}]+)|(?P<word>[^\\W_{HAN_CLASS}]+)")
_LETTERS = re.compile(r"[a-z]+")

_STOP_WORDS_EN = "a an and are as at based by for from in into is it its of on or the their this"
_STOP_WORDS_ZH = "的 了 和 与 及 及其 或 并 其 一种 一 种 用于 基于 对 在 中 等 所述 以及 之"
STOP_WORDS = frozenset([*_STOP_WORDS_EN.split(), "that", "to", "using", "via", "with",
                        *_STOP_WORDS_ZH.split()])  # fmt: skip
"""Dropped from queries (outside synonyms); documents keep them."""


# --- tokens --------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _english() -> tantivy.TextAnalyzer:
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.raw())
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )


@lru_cache(maxsize=131072)
def stem(word: str) -> str:
    """The token of one Latin word: accents folded, Snowball English stem; words with digits
    stay as written (lowercased)."""
    tokens = _english().analyze(word)
    token = tokens[0] if tokens else ""
    if not token.isascii():
        return ""
    return token


@lru_cache(maxsize=131072)
def english_word(word: str) -> str:
    """A Latin word as written, lowercased and accent-folded ("" if it is not letters)."""
    folded = "".join(
        c for c in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(c)
    )
    return folded if folded.isascii() and folded.isalpha() else ""


def english_words(text: str | None) -> list[str]:
    """The English words of a text as written (lowercased, accent-folded)."""
    if not text:
        return []
    return [w for m in _TOKEN_RE.finditer(fold(text)) if (w := english_word(m.group()))]


def is_word_token(token: str) -> bool:
    """An English stem (typos and prefixes apply), as opposed to an exact token."""
    return bool(_LETTERS.fullmatch(token))


def meili_token(token: str) -> str:
    """`token` spelled so that Meilisearch keeps it as one word and never confuses it with
    another: English stems as they are; any other token as `z` + four letters `a`–`y` per
    character (its code point in base 25) + `z`. The closing `z` stops one code from being a
    prefix of a longer one, and no concatenation of two codes is a code."""
    if is_word_token(token):
        return token
    out = ["z"]
    for char in token:
        n = ord(char)
        digits = []
        for _ in range(4):
            n, r = divmod(n, 25)
            digits.append(chr(97 + r))
        if n:  # beyond 25**4: never for Unicode text up to U+5F5E0
            digits.append(chr(97 + n % 25))
        out.extend(reversed(digits))
    out.append("z")
    return "".join(out)


class Vocabulary(Protocol):
    """The English index tokens (words as written and stems) an index holds."""

    def __contains__(self, token: object) -> bool: ...

    def typos(self, word: str) -> Sequence[object]: ...


# --- synonyms ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SynonymIndex:
    """Groups of equivalent terms, looked up by their token sequence (keys of 1–3 tokens, as
    Meilisearch only looks up synonyms of 1- to 3-word terms)."""

    groups: tuple[tuple[str, ...], ...] = ()
    by_key: Mapping[tuple[str, ...], tuple[tuple[str, ...], ...]] = field(
        default_factory=dict, repr=False, compare=False
    )

    @property
    def longest(self) -> int:
        return max((len(k) for k in self.by_key), default=0)

    def lookup(self, key: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
        return self.by_key.get(key, ())

    def to_meilisearch(self) -> dict[str, list[str]]:
        """The `synonyms` setting, in Meilisearch's spelling of our tokens."""

        def spell(tokens: Iterable[str]) -> str:
            return " ".join(meili_token(t) for t in tokens)

        return {
            spell(key): sorted(spell(alt) for alt in alts)
            for key, alts in sorted(self.by_key.items())
        }


def load_synonym_groups(data: Any) -> list[list[str]]:
    groups = data["groups"] if isinstance(data, Mapping) else data
    return [[str(m) for m in g] for g in groups]


def load_narrower(data: Any) -> dict[str, list[str]]:
    """One-way synonyms: a broad term → narrower terms it also finds."""
    if not isinstance(data, Mapping):
        return {}
    return {str(k): [str(v) for v in vs] for k, vs in (data.get("narrower") or {}).items()}


# --- the parsed query ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Term:
    token: str
    prefix: bool = False
    """The last word of a query not followed by a space also matches as a prefix."""

    @property
    def is_word(self) -> bool:
        return is_word_token(self.token)


@dataclass(frozen=True, slots=True)
class Clause:
    """One query term (or synonym phrase of up to three tokens) and its synonyms."""

    terms: tuple[Term, ...]
    synonyms: tuple[tuple[str, ...], ...] = ()
    part: bool = False
    """A part of a compound query word (`Analyzer._compound_parts`): it ranks and relaxes, but
    is not sent in Meilisearch's `q`, whose synonyms know only the whole word."""

    @property
    def tokens(self) -> tuple[str, ...]:
        return tuple(t.token for t in self.terms)

    @property
    def alternatives(self) -> tuple[tuple[str, ...], ...]:
        return (self.tokens, *self.synonyms)


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    clauses: tuple[Clause, ...]
    text: str = ""

    @property
    def is_placeholder(self) -> bool:
        """No searchable term: every visible document matches (browse mode)."""
        return not self.clauses

    @property
    def terms(self) -> tuple[Term, ...]:
        return tuple(t for c in self.clauses for t in c.terms)

    def meili_q(self) -> str:
        """The query as sent to Meilisearch: the same tokens, in Meilisearch's spelling; a
        trailing space when the last word is not a prefix (Meilisearch treats the last word of
        a query as a prefix unless a separator follows it)."""
        terms = tuple(t for c in self.clauses if not c.part for t in c.terms)
        q = " ".join(meili_token(t.token) for t in terms)
        return q if terms and terms[-1].prefix else f"{q} " if q else ""


class Analyzer:
    """Index tokens of documents and parsed queries, with one segmenter and synonym index."""

    def __init__(
        self,
        dictionary: Iterable[str] = (),
        synonym_groups: Iterable[Sequence[str]] = (),
        narrower: Mapping[str, Sequence[str]] | None = None,
    ):
        groups = [list(g) for g in synonym_groups]
        narrower = dict(narrower or {})
        chinese = [m for g in groups for m in g] + [m for v in narrower.values() for m in v]
        self.segmenter = Segmenter([*dictionary, *chinese, *narrower])
        self.synonyms = self._synonyms(groups, narrower)

    # documents

    def tokens(self, text: str | None) -> list[str]:
        """Index tokens of a text, in order."""
        return self.analyse(text)[0]

    def analyse(self, text: str | None) -> tuple[list[str], list[str]]:
        """Index tokens of a text, in order, and its English words as written (one pass: a
        reindex analyses every document)."""
        if not text:
            return [], []
        folded = fold(text)
        out: list[str] = []
        words: list[str] = []
        has_han = False
        for han, word in _TOKEN_RE.findall(folded):
            if han:
                has_han = True
                continue
            forms = _latin_forms(word)
            out += forms[0]
            if forms[1]:
                words.append(forms[1])
        if has_han:  # one full-mode pass over the whole text, its Han words kept
            out += self.segmenter.han_tokens(folded)
        return out, words

    # queries

    def units(self, text: str, known: Vocabulary | None = None) -> list[str]:
        """Query tokens of a text, in order (no stop-word removal). An English word is its
        stem, unless `known` (the index's English words and stems) knows neither the stem nor
        the word: then it is misspelt, and searched in the form that has indexed words within
        its typo budget — as written ("desalinaton" → "desalination") or stemmed ("vacine" →
        "vacin" → "vaccin")."""
        out: list[str] = []
        for match in _TOKEN_RE.finditer(text):
            if run := match.group("han"):
                out += self.segmenter.query_words(run)
            elif token := _latin(match.group("word")):
                raw = english_word(match.group("word"))
                unknown = known is not None and raw and token not in known and raw not in known
                if unknown and known is not None and (known.typos(raw) or not known.typos(token)):
                    token = raw
                out.append(token)
        return out

    def parse(self, q: str, known: Vocabulary | None = None) -> ParsedQuery:
        """The query's clauses. `known`: the index's English words and stems (see `units`)."""
        folded = fold(q)
        units: list[str] = []
        pos = 0
        for start, end, code in ipc.find_codes(folded):
            units += self.units(folded[pos:start], known)
            units.append(code.token)
            pos = end
        units += self.units(folded[pos:], known)
        prefix_last = bool(units) and is_word_token(units[-1]) and bool(folded[-1:].isalnum())
        clauses: list[Clause] = []
        count, i = 0, 0
        longest = self.synonyms.longest
        while i < len(units) and count < MAX_QUERY_WORDS:
            for size in range(min(longest, len(units) - i, MAX_QUERY_WORDS - count), 0, -1):
                key = tuple(units[i : i + size])
                if alternatives := self.synonyms.lookup(key):
                    break
            else:
                size, key, alternatives = 1, (units[i],), ()
                if units[i] in STOP_WORDS:
                    i += 1
                    continue
            last = i + size == len(units)
            terms = tuple(
                Term(t, prefix=last and prefix_last and j == size - 1) for j, t in enumerate(key)
            )
            clauses.append(Clause(terms, alternatives))
            count += size
            i += size
        if len(clauses) == 1:  # more clauses already give lower buckets (ranking.py)
            clauses += self._compound_parts(clauses[0])
        return ParsedQuery(tuple(dict.fromkeys(clauses)), q)

    def _compound_parts(self, clause: Clause) -> list[Clause]:
        """A query that is one compound dictionary word is also searched as its parts
        (输电线路巡检 → 输电线路, 巡检): a document that names only one part (输电线路除冰机器人)
        follows those that match the whole term, in a lower bucket, instead of not being found
        at all. A part also matches the whole term and its synonyms (植保无人机 ⇒ 无人机). Every
        part must be a user-dictionary (domain) word: 制雪设备 is not split into 制雪 + 设备, nor
        无人驾驶飞行器 (a drone) into 无人驾驶 (self-driving) + 飞行器."""
        if len(clause.terms) != 1 or clause.terms[0].is_word:
            return []
        word = clause.terms[0].token
        parts = self.segmenter.parts(word) if len(word) >= COMPOUND_CHARS else []
        if len(parts) < 2 or any(part not in self.segmenter.words for part in parts):
            return []  # only domain words: 设备 or 飞行器 alone would find the wrong things
        out: list[Clause] = []
        whole = clause.alternatives  # a document naming the whole term names each part
        for part in parts:
            own = self.synonyms.lookup((part,))
            out.append(Clause((Term(part),), tuple(dict.fromkeys((*own, *whole))), part=True))
        return out

    def _synonyms(
        self, groups: list[list[str]], narrower: Mapping[str, Sequence[str]]
    ) -> SynonymIndex:
        by_key: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
        clean: list[tuple[str, ...]] = []

        def add(member: tuple[str, ...], others: Iterable[tuple[str, ...]]) -> None:
            if not member or len(member) > 3:
                return  # only 1- to 3-word terms have synonyms (Meilisearch)
            targets = by_key.setdefault(member, [])
            targets += [o for o in others if o and o != member and o not in targets]

        for group in groups:
            members = [tuple(self.units(fold(m))) for m in group]
            members = list(dict.fromkeys(m for m in members if m))
            clean.append(tuple(group))
            for member in members:
                add(member, members)
        for broad, narrow in narrower.items():
            add(tuple(self.units(fold(broad))), [tuple(self.units(fold(n))) for n in narrow])
        return SynonymIndex(tuple(clean), {k: tuple(v) for k, v in by_key.items() if v})


@lru_cache(maxsize=131072)
def _latin(word: str) -> str:
    if word.isascii() and word.isalpha():
        return stem(word)
    if any(c.isdigit() for c in word):
        return word
    return stem(word)


@lru_cache(maxsize=131072)
def _latin_forms(word: str) -> tuple[tuple[str, ...], str]:
    """(index tokens, the word as written) of a Latin word: its stem, and the word as written
    too when it differs (typos are measured against it)."""
    token = _latin(word)
    raw = english_word(word)
    if not token:
        return (), raw
    return ((token, raw) if raw and raw != token else (token,)), raw


# --- typo distance -------------------------------------------------------------------------


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


def typo_cost(query_word: str, word: str, limit: int) -> int:
    """Typos between a query word and an indexed word, the way Meilisearch counts them: a
    Damerau-Levenshtein distance in which a difference in the first letter costs two."""
    if not query_word or not word:
        return limit + 1
    if query_word[0] != word[0]:
        return 1 + damerau_levenshtein(query_word, word, max(limit - 1, 0))
    return damerau_levenshtein(query_word, word, limit)


# --- highlighting --------------------------------------------------------------------------


def settings_json(value: Any) -> str:
    """Stable JSON for diffs."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def iter_tokens(analyzer: Analyzer, texts: Iterable[str | None]) -> Iterator[str]:
    for text in texts:
        yield from analyzer.tokens(text)
