"""Suggest-as-you-type: completions of what the user is typing, for the search box of the pages.

`GET /api/search/suggest?q=锂电` answers with

- **terms**: keywords, universities and IPC classes whose text (or zh/en label, or code) has a
  word that begins with the typed text, most listed first — from a small in-memory vocabulary
  of the engine's public listings (`Vocabulary`), rebuilt at most every `REFRESH_SECONDS`;
- **patents**: up to `PATENTS` public listings whose title matches (the engine's own title
  search, the last word as a prefix).

Matching is on folded text (NFKC, lowercase, traditional → simplified), at the start of the
text or of any word in it (jieba words for Chinese, so 电池 completes 锂电池 through its word
电池 as well as 锂离子电池组 … and an IPC label such as 电池组 by its words).
"""

from __future__ import annotations

import asyncio
import bisect
import datetime
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable

from pydantic import BaseModel

from openlicense.search import ipc
from openlicense.search.segment import HAN_RE, Segmenter, fold

__all__ = [
    "SuggestPatent",
    "SuggestResult",
    "SuggestSource",
    "Suggester",
    "Suggestion",
    "Vocabulary",
    "suggest",
]

REFRESH_SECONDS = 60.0
PATENTS = 5
KEY_CHARS = 24
"""Keys are cut to this many characters: enough to tell completions apart, and small."""

Kind = Literal["keyword", "university", "ipc"]
_WORD_START = re.compile(r"(?<![a-z0-9])[a-z0-9]")


class Suggestion(BaseModel):
    kind: Kind
    text: str
    """What to put in the search box (a keyword, a university name, an IPC code)."""
    label_zh: str | None = None
    label_en: str | None = None
    count: int
    """Public listings with it."""


class SuggestPatent(BaseModel):
    id: str
    title_zh: str
    title_en: str | None


class SuggestResult(BaseModel):
    q: str
    terms: list[Suggestion]
    patents: list[SuggestPatent]


@runtime_checkable
class SuggestSource(Protocol):
    """What an engine provides for suggestions."""

    async def suggest_counts(self, today: datetime.date) -> dict[str, dict[str, int]]:
        """Public listings per keyword ("keywords"), university ("university_name"), IPC
        subclass ("ipc_subclasses") and main group ("ipc_groups")."""

    async def suggest_titles(self, q: str, limit: int, today: datetime.date) -> list[SuggestPatent]:
        """Public listings whose title matches `q` (last word as a prefix), best first."""


@dataclass
class _Entry:
    kind: Kind
    text: str
    count: int
    label_zh: str | None = None
    label_en: str | None = None


@dataclass
class Vocabulary:
    """Entries and a sorted list of (key, entry) for prefix look-ups with bisect."""

    entries: list[_Entry]
    keys: list[tuple[str, int]] = field(default_factory=list)
    built_at: float = field(default_factory=time.monotonic)

    @classmethod
    def build(
        cls,
        counts: Mapping[str, Mapping[str, int]],
        labels: Iterable[ipc.IpcLabel],
        segmenter: Segmenter,
    ) -> Vocabulary:
        entries: list[_Entry] = []
        for text, n in counts.get("keywords", {}).items():
            entries.append(_Entry("keyword", text, n))
        for text, n in counts.get("university_name", {}).items():
            entries.append(_Entry("university", text, n))
        by_code = {label.code: label for label in labels}
        for name in ("ipc_subclasses", "ipc_groups"):
            for code, n in counts.get(name, {}).items():
                label = by_code.get(code) or by_code.get(code.split(" ")[0])
                entries.append(
                    _Entry(
                        "ipc",
                        code,
                        n,
                        label.zh if label else None,
                        label.en if label else None,
                    )
                )
        keys: list[tuple[str, int]] = []
        for i, entry in enumerate(entries):
            texts = [entry.text, entry.label_zh, entry.label_en]
            if entry.kind == "ipc":
                texts.append(entry.text.replace(" ", ""))
            for key in {k for t in texts if t for k in _starts(fold(t), segmenter)}:
                keys.append((key, i))
        keys.sort()
        return cls(entries, keys)

    def complete(self, q: str, limit: int) -> list[Suggestion]:
        prefix = fold(q).strip()
        if not prefix:
            return []
        start = bisect.bisect_left(self.keys, (prefix, -1))
        seen: dict[int, None] = {}
        for key, i in self.keys[start:]:
            if not key.startswith(prefix[:KEY_CHARS]):
                break
            seen[i] = None
        found = sorted(seen, key=lambda i: (-self.entries[i].count, self.entries[i].text))
        return [
            Suggestion(
                kind=e.kind, text=e.text, label_zh=e.label_zh, label_en=e.label_en, count=e.count
            )
            for e in (self.entries[i] for i in found[:limit])
        ]


def _starts(text: str, segmenter: Segmenter) -> set[str]:
    """The text from each word start on, cut to KEY_CHARS: where a typed prefix may begin."""
    starts = {0}
    starts.update(m.start() for m in _WORD_START.finditer(text))
    for match in HAN_RE.finditer(text):
        pos = match.start()
        starts.add(pos)
        for word in segmenter.query_words(match.group()):
            pos += len(word)
            if pos < match.end():
                starts.add(pos)
    return {text[s : s + KEY_CHARS] for s in starts if text[s : s + KEY_CHARS].strip()}


class Suggester:
    """Keeps one engine's vocabulary fresh (rebuilt in the background when older than
    `REFRESH_SECONDS`; the first call builds it)."""

    def __init__(self, source: SuggestSource, segmenter: Segmenter) -> None:
        self.source = source
        self.segmenter = segmenter
        self.vocabulary: Vocabulary | None = None
        self._refreshing: asyncio.Task[None] | None = None

    async def _rebuild(self, today: datetime.date) -> None:
        counts = await self.source.suggest_counts(today)
        vocabulary = await asyncio.to_thread(Vocabulary.build, counts, ipc.labels(), self.segmenter)
        self.vocabulary = vocabulary

    async def terms(self, q: str, limit: int, today: datetime.date) -> list[Suggestion]:
        if self.vocabulary is None:
            await self._rebuild(today)
        elif time.monotonic() - self.vocabulary.built_at > REFRESH_SECONDS and (
            self._refreshing is None or self._refreshing.done()
        ):
            self._refreshing = asyncio.create_task(self._rebuild(today))
        assert self.vocabulary is not None
        return self.vocabulary.complete(q, limit)


_suggesters: dict[int, Suggester] = {}


async def suggest(
    engine: object,
    q: str,
    *,
    today: datetime.date,
    segmenter: Segmenter,
    limit: int = 8,
) -> SuggestResult:
    """Completions of `q` from `engine` (an engine that is no `SuggestSource` suggests
    nothing)."""
    q = q.strip()
    if not q or not isinstance(engine, SuggestSource):
        return SuggestResult(q=q, terms=[], patents=[])
    suggester = _suggesters.get(id(engine))
    if suggester is None or suggester.source is not engine:
        suggester = _suggesters[id(engine)] = Suggester(engine, segmenter)
    terms, patents = await asyncio.gather(
        suggester.terms(q, limit, today), engine.suggest_titles(q, PATENTS, today)
    )
    return SuggestResult(q=q, terms=terms, patents=patents)
