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

LICENSEE_CLASSES: tuple[str, ...] = (
    "大型企业",
    "大企业",
    "中小企业",
    "小微企业",
    "中型企业",
    "国有企业",
    "国企",
    "民营企业",
    "外资企业",
    "上市公司",
    "个人",
    "高校",
    "科研院所",
    "本省企业",
    "省外企业",
    "large enterprise",
    "large enterprises",
    "large companies",
    "SME",
    "SMEs",
    "small and medium",
    "state-owned",
    "foreign",
    "private companies",
    "local companies",
)
"""Rule 12: kinds of licensee; a field of use that names one and limits it differs by licensee
("对大型企业仅限医疗领域，对中小企业不限领域")."""

LIMIT_TERMS: tuple[str, ...] = (
    "仅限",
    "限于",
    "不限",
    "只能",
    "only",
    "limited to",
    "restricted to",
    "unrestricted",
    "any field",
)

CONDITION_TERMS: tuple[str, ...] = (
    "条件是",
    "前提是",
    "除非",
    "如果",
    "假如",
    "倘若",
    "若",
    "一旦",
    "只要",
    "届时",
    "视情况",
    "情况下",
    "的话",
    "否则",
    "provided that",
    "on condition",
    "unless",
    "subject to",
    "if",
    "in case",
    "in the event",
    "should no",
    "otherwise",
    "as long as",
)
"""Rule 23: a withdrawal may not carry conditions (CNIPA FAQ Q25). Chinese conditionals are
matched anywhere (如果…则, 若…, 一旦…, …的话); English ones at word edges."""

CONDITION_EXEMPTIONS: tuple[str, ...] = ("若干", "倘若干")
"""若 inside 若干 ("several") states no condition."""


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
