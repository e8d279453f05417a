"""Pure checks on a declaration's free text and fee standard (rules 8, 10, 11, 12).

Callers use `rules.check_terms`; the word lists are in `words.py`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from openlicense.catalogue.rules.words import (
    LICENSEE_CLASSES,
    LIMIT_TERMS,
    NEGOTIATION_EXEMPTIONS,
    NEGOTIATION_TERMS,
    PER_LICENSEE_TERMS,
    find_terms,
)
from openlicense.core.violations import RuleViolation
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

if TYPE_CHECKING:
    from openlicense.catalogue.rules.facts import RuleConfig
    from openlicense.catalogue.terms import DeclarationTerms

_COMPUTABLE = (Free, LumpSum, Instalments, Royalty, EntryFeePlusRoyalty, Staged)


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
    standard: object = terms.fee_standard  # a copy made without validation may hold anything
    if not isinstance(standard, _COMPUTABLE):
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
    classes = find_terms(terms.field_of_use, LICENSEE_CLASSES)
    if len(classes) >= 2 or (classes and find_terms(terms.field_of_use, LIMIT_TERMS)):
        hits += [f"field of use by kind of licensee ({', '.join(classes)})"]
    if not hits:
        return []
    return [
        RuleViolation(
            rule=12,
            code="field_of_use_per_licensee",
            message="rule 12: the field of use must be the same for every licensee: "
            + ", ".join(hits),
            field="field_of_use",
        )
    ]
