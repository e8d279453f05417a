"""The plain facts the catalogue rules take, and their configurable knobs. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from openlicense.catalogue.rules.words import DEFAULT_MARKETING_TERMS

if TYPE_CHECKING:
    from openlicense.settings import RulesSettings


@dataclass(frozen=True, slots=True)
class OwnerFacts:
    name: str
    consents: bool
    owner_id: str = ""


@dataclass(frozen=True, slots=True)
class LicenceFacts:
    kind: str  # "exclusive" | "sole" | "ordinary"
    start: date
    end: date
    terminated_on: date | None = None
    negotiated: bool = False


@dataclass(frozen=True, slots=True)
class PatentFacts:
    patent_type: str  # "invention" | "utility_model" | "design"
    legal_status: str  # "pending" | "valid" | "lapsed" | "expired" | "invalidated"
    patent_number: str | None
    announcement_date: date | None  # grant announcement date
    expiry_date: date
    annual_fee_paid_through: date | None
    pledged: bool = False
    pledgee_consent_ref: str | None = None
    suspended: bool = False
    evaluation_conclusion: str | None = None  # "positive" | "negative" | None (no report)
    owners: tuple[OwnerFacts, ...] = ()
    licences: tuple[LicenceFacts, ...] = ()


@dataclass(frozen=True, slots=True)
class RuleConfig:
    """The configurable knobs of rules 8, 9, 10 and 11 (see `RulesSettings`)."""

    min_licence_months: int = 12
    fee_caps_mode: str = "block"  # "block" | "warn"
    lump_sum_cap_minor: int = 2_000_000_000
    royalty_cap_net_sales: Decimal = Decimal("0.20")
    royalty_cap_profit: Decimal = Decimal("0.40")
    currencies: tuple[str, ...] = ("CNY",)
    marketing_terms: tuple[str, ...] = DEFAULT_MARKETING_TERMS

    def __post_init__(self) -> None:
        if self.fee_caps_mode not in ("block", "warn"):
            raise ValueError(f"fee_caps_mode must be 'block' or 'warn', not {self.fee_caps_mode!r}")

    @classmethod
    def from_settings(cls, rules: RulesSettings) -> RuleConfig:
        return cls(
            min_licence_months=rules.min_licence_months,
            fee_caps_mode=rules.fee_caps_mode,
            lump_sum_cap_minor=rules.lump_sum_cap_minor,
            royalty_cap_net_sales=rules.royalty_cap_net_sales,
            royalty_cap_profit=rules.royalty_cap_profit,
            currencies=tuple(rules.currencies),
        )
