"""Highlighting: a query's matches marked in a document's texts, the way the engines match them."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from openlicense.search import ipc
from openlicense.search.segment import HAN_CLASS, fold
from openlicense.search.text import (
    MARK_END,
    MARK_START,
    ParsedQuery,
    is_word_token,
    stem,
    typo_cost,
)

_WORD_RE = re.compile(f"[^\\W_{HAN_CLASS}]+")


class Highlighter:
    """Marks a query's matches in texts, the way the engines match: an English word whose stem
    equals a query stem or a synonym, is within the query word's typo budget, or (the last
    word) begins with it; any other token as a substring of the folded text."""

    def __init__(
        self,
        words: Iterable[tuple[str, int, bool]],
        exact_words: Iterable[str],
        needles: Iterable[str],
    ) -> None:
        self.words = tuple(words)
        self.exact_words = frozenset(exact_words)
        self.needles = tuple(sorted({n for n in needles if not n.isascii() or len(n) > 1}))
        self._decided: dict[str, bool] = {}

    @classmethod
    def for_query(cls, query: ParsedQuery, sizes: tuple[int, int] = (5, 9)) -> Highlighter:
        one, two = sizes
        words: list[tuple[str, int, bool]] = []
        exact_words: set[str] = set()
        needles: set[str] = set()
        for clause in query.clauses:
            for term in clause.terms:
                if term.is_word:
                    n = len(term.token)
                    words.append((term.token, 2 if n >= two else 1 if n >= one else 0, term.prefix))
            for alternative in clause.alternatives:
                for token in alternative:
                    if is_word_token(token):
                        exact_words.add(token)
                    elif not ipc.parse(token):
                        needles.add(token)
        return cls(words, exact_words, needles)

    def _word(self, word: str) -> bool:
        decided = self._decided.get(word)
        if decided is None:
            token = stem(word)
            decided = bool(token) and (
                token in self.exact_words
                or any(
                    (prefix and (token.startswith(q) or word.startswith(q)))
                    or (budget and typo_cost(q, token, budget) <= budget)
                    for q, budget, prefix in self.words
                )
            )
            self._decided[word] = decided
        return decided

    def __call__(self, text: str) -> str | None:
        """`text` with the matches wrapped in MARK_START/MARK_END, or None without a match."""
        if not text or not (self.words or self.exact_words or self.needles):
            return None
        folded = fold(text)
        if len(folded) != len(text):
            return None  # positions would not line up; rare (NFKC ligatures)
        spans: list[tuple[int, int]] = []
        if self.words or self.exact_words:
            spans += [m.span() for m in _WORD_RE.finditer(folded) if self._word(m.group())]
        for needle in self.needles:
            start = folded.find(needle)
            while start >= 0:
                spans.append((start, start + len(needle)))
                start = folded.find(needle, start + 1)
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


def marks_to_html(marked: str) -> str:
    """Escape the text for HTML and turn the sentinels into <mark>…</mark>."""
    return (
        html.escape(marked, quote=False).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    )
