"""Word lists the rules look for in free text, and the matcher. Plain tuples: ops change them
in one place."""

from __future__ import annotations

import re
from functools import lru_cache

DEFAULT_MARKETING_TERMS: tuple[str, ...] = (
    "最",
    "第一",
    "国家级",
    "保证收益",
    "顶级",
    "独家",
    "唯一",
    "100%",
    "best",
    "guaranteed",
    "No. 1",
    "world-leading",
    "risk-free",
)
"""IR 85: no commercial advertising language (商业广告用语). 最 alone is deliberate: any hit,
even in 最低 ("lowest"), is an error the patentee rewords."""

NEGOTIATION_TERMS: tuple[str, ...] = (
    "面议",
    "待定",
    "另议",
    "to be negotiated",
    "TBD",
    "negotiable",
)
"""Rule 10: nothing in the announced standard may be left to negotiation (PL 50)."""

NEGOTIATION_EXEMPTIONS: tuple[str, ...] = ("non-negotiable", "non negotiable", "not negotiable")
"""Phrases that contain a negotiation term but say the opposite."""

PER_LICENSEE_TERMS: tuple[str, ...] = (
    "licensee-specific",
    "per licensee",
    "视被许可人",
    "因人而异",
    "另行约定",
    "待定",
    "面议",
)
"""Rule 12: one field of use for every licensee (一视同仁)."""

CONDITION_TERMS: tuple[str, ...] = (
    "条件是",
    "前提是",
    "除非",
    "provided that",
    "on condition",
    "unless",
    "subject to",
)
"""Rule 23: a withdrawal may not carry conditions (CNIPA FAQ Q25)."""


def find_terms(text: str | None, terms: tuple[str, ...], exempt: tuple[str, ...] = ()) -> list[str]:
    """The listed terms found in `text`, case-insensitively, in list order.

    Terms starting or ending in an ASCII letter or digit only match at word edges, so "best"
    does not hit "bestow" and "No. 1" does not hit "No. 12"; CJK terms match anywhere.
    """
    if not text:
        return []
    for phrase in exempt:
        text = re.sub(re.escape(phrase), " ", text, flags=re.IGNORECASE)
    return [t for t in terms if _term_pattern(t).search(text)]


@lru_cache(maxsize=256)
def _term_pattern(term: str) -> re.Pattern[str]:
    edge = "[A-Za-z0-9]"
    head = f"(?<!{edge})" if re.match(edge, term[0]) else ""
    tail = f"(?!{edge})" if re.match(edge, term[-1]) else ""
    return re.compile(head + re.escape(term) + tail, re.IGNORECASE)
