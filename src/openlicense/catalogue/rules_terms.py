"""Pure checks on a declaration's free text and fee standard (rules 8, 10, 11, 12).

Split out of `rules.py` to keep it short; callers use `rules.check_terms`. The word lists are
plain tuples so ops can change them in one place.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

from openlicense.pricing.fee_standards import (
    EntryFeePlusRoyalty,
    Free,
    Instalments,
    LumpSum,
    Royalty,
    RoyaltyBase,
    RoyaltyTerms,
    Staged,
)
from openlicense.violations import RuleViolation

if TYPE_CHECKING:
    from openlicense.catalogue.rules import RuleConfig
    from openlicense.catalogue.terms import DeclarationTerms

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

_COMPUTABLE = (Free, LumpSum, Instalments, Royalty, EntryFeePlusRoyalty, Staged)


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


def marketing_language(terms: DeclarationTerms, config: RuleConfig) -> list[RuleViolation]:
    """Rule 8 (IR 85): the declaration must be accurate and free of advertising language."""
    out = []
    for field in ("field_of_use", "other_terms"):
        hits = find_terms(getattr(terms, field), config.marketing_terms)
        if hits:
            out.append(
                RuleViolation(
                    rule=8,
                    code="marketing_language",
                    message=f"{field} contains advertising language (广告用语): {', '.join(hits)}",
                    field=field,
                )
            )
    return out


def fee_standard_computable(terms: DeclarationTerms, config: RuleConfig) -> list[RuleViolation]:
    """Rule 10 (PL 50, CC 846): a typed, machine-computable standard in an allowed currency,
    with nothing left "to be negotiated"."""
    out = []
    if not isinstance(terms.fee_standard, _COMPUTABLE):
        out.append(
            RuleViolation(
                rule=10,
                code="fee_standard_not_computable",
                message="The fee standard is not one of the computable types.",
                field="fee_standard",
            )
        )
    if terms.currency not in config.currencies:
        allowed = ", ".join(config.currencies)
        out.append(
            RuleViolation(
                rule=10,
                code="currency_not_allowed",
                message=f"Currency {terms.currency} is not allowed (allowed: {allowed}).",
                field="currency",
            )
        )
    hits = find_terms(terms.other_terms, NEGOTIATION_TERMS, NEGOTIATION_EXEMPTIONS)
    if hits:
        out.append(
            RuleViolation(
                rule=10,
                code="fee_to_be_negotiated",
                message="The announced terms may not leave anything to negotiation (面议/待定): "
                + ", ".join(hits),
                field="other_terms",
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class _Excess:
    field: str
    what: str


def _excesses(standard: object, config: RuleConfig, path: str) -> Iterator[_Excess]:
    cap = config.lump_sum_cap_minor
    if isinstance(standard, Staged):
        for i, stage in enumerate(standard.stages):
            yield from _excesses(stage.standard, config, f"{path}.stages[{i}].standard")
    elif isinstance(standard, LumpSum) and standard.amount_minor > cap:
        yield _Excess(f"{path}.amount_minor", f"lump sum {standard.amount_minor} > {cap}")
    elif isinstance(standard, Instalments) and standard.total_minor > cap:
        yield _Excess(f"{path}.instalments", f"instalment total {standard.total_minor} > {cap}")
    if isinstance(standard, EntryFeePlusRoyalty) and standard.entry_fee_minor > cap:
        yield _Excess(f"{path}.entry_fee_minor", f"entry fee {standard.entry_fee_minor} > {cap}")
    if isinstance(standard, RoyaltyTerms):
        rate_cap = _royalty_cap(standard.base, config)
        if rate_cap is not None and any(r > rate_cap for r in standard.rates):
            top = max(standard.rates)
            yield _Excess(f"{path}.rate", f"royalty {top} of {standard.base.value} > {rate_cap}")


def _royalty_cap(base: RoyaltyBase, config: RuleConfig) -> Decimal | None:
    if base is RoyaltyBase.NET_SALES:
        return config.royalty_cap_net_sales
    if base is RoyaltyBase.PROFIT:
        return config.royalty_cap_profit
    return None  # units and new output value have no published cap


def fee_caps(terms: DeclarationTerms, config: RuleConfig) -> list[RuleViolation]:
    """Rule 11 (CNIPA 2024 notice, soft): fixed fee ≤ RMB 20M, royalty ≤ 20% of net sales or
    ≤ 40% of profit. `block` rejects; `warn` accepts with a written justification."""
    excesses = list(_excesses(terms.fee_standard, config, "fee_standard"))
    if not excesses:
        return []
    if config.fee_caps_mode == "warn" and not (terms.fee_cap_justification or "").strip():
        return [
            RuleViolation(
                rule=11,
                code="fee_cap_justification_missing",
                message="A fee above the CNIPA guidance caps needs a justification ("
                + "; ".join(e.what for e in excesses)
                + ").",
                field="fee_cap_justification",
            )
        ]
    warning = config.fee_caps_mode == "warn"
    return [
        RuleViolation(
            rule=11,
            code="fee_above_cap",
            message=f"Fee above the CNIPA guidance cap: {e.what}.",
            field=e.field,
            warning=warning,
        )
        for e in excesses
    ]


def field_of_use_uniform(terms: DeclarationTerms) -> list[RuleViolation]:
    """Rule 12 (CNIPA FAQ, 一视同仁): the field of use may not vary by licensee."""
    hits = find_terms(terms.field_of_use, PER_LICENSEE_TERMS)
    if not hits:
        return []
    return [
        RuleViolation(
            rule=12,
            code="field_of_use_per_licensee",
            message="The field of use must be the same for every licensee: " + ", ".join(hits),
            field="field_of_use",
        )
    ]
