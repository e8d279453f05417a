"""What both engines add to their hits the same way: highlights and "did you mean"."""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Sequence

from openlicense.search.documents import PatentDocument
from openlicense.search.engine import FACET_FIELDS, HIGHLIGHT_FIELDS
from openlicense.search.freshness import effective_status
from openlicense.search.highlight import Highlighter, marks_to_html
from openlicense.search.spelling import Lexicon
from openlicense.search.text import ParsedQuery, english_word, stem

__all__ = ["did_you_mean", "facets_of", "highlights"]

_LATIN = re.compile(r"[^\W\d_]+", re.ASCII)


def highlights(doc: PatentDocument, marker: Highlighter) -> dict[str, str]:
    out = {}
    for name in HIGHLIGHT_FIELDS:
        text = getattr(doc, name)
        if text and (marked := marker(text)):
            out[name] = marks_to_html(marked)
    return out


def facets_of(
    docs: Sequence[PatentDocument], names: Sequence[str], today: datetime.date
) -> dict[str, dict[str, int]]:
    """Facet counts over a list of documents (a relaxed result list is short, and complete)."""
    out: dict[str, dict[str, int]] = {}
    for name in names:
        counts: Counter[str] = Counter()
        for doc in docs:
            if name == "licence_status":
                counts[effective_status(doc.licence_status, doc, today)] += 1
                continue
            value = getattr(doc, FACET_FIELDS[name])
            for v in value if isinstance(value, list) else [value]:
                if v is not None:
                    counts["true" if v is True else "false" if v is False else str(v)] += 1
        out[name] = dict(counts)
    return out


def did_you_mean(q: str, parsed: ParsedQuery, lexicon: Lexicon, total: int) -> str | None:
    """`q` with each English word the index does not know replaced by the likeliest indexed
    word (fewest typos, then most documents), spelt as the index most often spells it; None
    when every word is known or nothing is close. Typo tolerance already finds most of these;
    the suggestion says what was understood, and rescues words beyond the typo budget. Words
    with synonyms are known by definition; the word being typed (a prefix) is only corrected
    when nothing was found."""
    unknown: dict[str, str] = {}
    for clause in parsed.clauses:
        if clause.synonyms:
            continue
        for term in clause.terms:
            token = term.token
            if not term.is_word or token in lexicon or len(token) < 4:
                continue
            if term.prefix and lexicon.completions(token):
                continue
            if (fix := lexicon.correct(token)) is not None:
                unknown[token] = lexicon.spelling(fix)
    if not unknown:
        return None
    out: list[str] = []
    pos = 0
    for match in _LATIN.finditer(q):
        word = english_word(match.group())
        if word and (fix := unknown.get(word) or unknown.get(stem(word))):
            out += [q[pos : match.start()], fix]
            pos = match.end()
    out.append(q[pos:])
    return "".join(out)
