"""Fee standards (许可使用费支付方式、标准) as validated data, never free text (rule 10).

Money is integer minor units (fen for CNY) in the declaration's currency; rates are Decimal
fractions (0.05 = 5 %). The JSON form of these models is what a declaration stores and hashes.
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

MinorUnits = Annotated[int, Field(ge=0, le=10**15)]
PositiveMinorUnits = Annotated[int, Field(gt=0, le=10**15)]
Rate = Annotated[Decimal, Field(gt=0, le=1, max_digits=7, decimal_places=6)]


class FeeType(StrEnum):
    FREE = "FREE"
    LUMP_SUM = "LUMP_SUM"
    INSTALMENTS = "INSTALMENTS"
    ROYALTY = "ROYALTY"
    ENTRY_FEE_PLUS_ROYALTY = "ENTRY_FEE_PLUS_ROYALTY"
    STAGED = "STAGED"


class RoyaltyBase(StrEnum):
    NET_SALES = "net_sales"
    PROFIT = "profit"
    UNITS = "units"
    NEW_OUTPUT_VALUE = "new_output_value"


class ReportingPeriod(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    ANNUAL = "annual"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Free(_Strict):
    type: Literal[FeeType.FREE] = FeeType.FREE


class LumpSum(_Strict):
    """一次总算、一次总付: one amount, due a fixed number of days after acceptance (0 = on it)."""

    type: Literal[FeeType.LUMP_SUM] = FeeType.LUMP_SUM
    amount_minor: PositiveMinorUnits
    due_days_after_acceptance: Annotated[int, Field(ge=0, le=365)] = 0


class Instalment(_Strict):
    amount_minor: PositiveMinorUnits
    due_months_after_acceptance: Annotated[int, Field(ge=0, le=600)]


class Instalments(_Strict):
    """一次总算、分期支付: a full schedule; the first instalment is due on acceptance."""

    type: Literal[FeeType.INSTALMENTS] = FeeType.INSTALMENTS
    instalments: Annotated[list[Instalment], Field(min_length=2, max_length=120)]

    @model_validator(mode="after")
    def _schedule_is_ordered(self) -> Instalments:
        months = [i.due_months_after_acceptance for i in self.instalments]
        if months[0] != 0:
            raise ValueError("the first instalment must be due on acceptance (month 0)")
        if any(b <= a for a, b in itertools.pairwise(months)):
            raise ValueError("instalments must be due in strictly increasing months")
        return self

    @property
    def total_minor(self) -> int:
        return sum(i.amount_minor for i in self.instalments)


class RateStep(_Strict):
    """From licence year `from_year` (1-based) on, the royalty rate is `rate` (rising/falling)."""

    from_year: Annotated[int, Field(ge=2, le=30)]
    rate: Rate


class RoyaltyTerms(_Strict):
    """提成支付: a rate on a base, reported and paid each period (CC 846)."""

    base: RoyaltyBase
    rate: Rate | None = None
    """Fraction of the base; required unless the base is `units`."""
    amount_per_unit_minor: PositiveMinorUnits | None = None
    """Fee per unit; required when the base is `units`."""
    rate_steps: Annotated[list[RateStep], Field(max_length=30)] = []
    reporting_period: ReportingPeriod = ReportingPeriod.QUARTERLY
    report_due_days: Annotated[int, Field(ge=1, le=120)] = 30
    """Days after a period ends by which its report and payment are due."""
    annual_minimum_minor: MinorUnits | None = None

    @model_validator(mode="after")
    def _rate_matches_base(self) -> RoyaltyTerms:
        if self.base is RoyaltyBase.UNITS:
            if self.amount_per_unit_minor is None or self.rate is not None or self.rate_steps:
                raise ValueError("a per-unit royalty needs amount_per_unit_minor and no rate")
        elif self.rate is None or self.amount_per_unit_minor is not None:
            raise ValueError(f"a royalty on {self.base.value} needs a rate and no per-unit amount")
        years = [s.from_year for s in self.rate_steps]
        if years != sorted(set(years)):
            raise ValueError("rate_steps must have strictly increasing from_year")
        return self

    def rate_for_year(self, year: int) -> Decimal | None:
        rate = self.rate
        for step in self.rate_steps:
            if step.from_year <= year:
                rate = step.rate
        return rate

    @property
    def rates(self) -> list[Decimal]:
        return [r for r in [self.rate, *(s.rate for s in self.rate_steps)] if r is not None]


class Royalty(RoyaltyTerms):
    type: Literal[FeeType.ROYALTY] = FeeType.ROYALTY
    payable_on_acceptance_minor: MinorUnits
    """Rule 18: a pure royalty must say what is paid on acceptance (0 is an explicit answer)."""


class EntryFeePlusRoyalty(RoyaltyTerms):
    """提成支付附加预付入门费: an entry fee on acceptance, then a royalty."""

    type: Literal[FeeType.ENTRY_FEE_PLUS_ROYALTY] = FeeType.ENTRY_FEE_PLUS_ROYALTY
    entry_fee_minor: PositiveMinorUnits


StageStandard = Annotated[
    Free | LumpSum | Instalments | Royalty | EntryFeePlusRoyalty, Field(discriminator="type")
]


class Stage(_Strict):
    label: Annotated[str, Field(min_length=1, max_length=80)]
    duration_months: Annotated[int | None, Field(ge=1, le=600)] = None
    """Length of the stage; `None` only for the last stage, which runs to the licence end."""
    standard: StageStandard


class Staged(_Strict):
    """分阶段许可: consecutive periods, each with its own standard. A FREE first stage is a
    try-before-pay trial (先试用后付费), identical for every licensee."""

    type: Literal[FeeType.STAGED] = FeeType.STAGED
    stages: Annotated[list[Stage], Field(min_length=2, max_length=12)]

    @model_validator(mode="after")
    def _only_last_stage_is_open_ended(self) -> Staged:
        if any(s.duration_months is None for s in self.stages[:-1]):
            raise ValueError("every stage but the last needs duration_months")
        return self

    @property
    def has_trial(self) -> bool:
        return isinstance(self.stages[0].standard, Free)

    @property
    def fixed_months(self) -> int:
        return sum(s.duration_months or 0 for s in self.stages)


FeeStandard = Annotated[
    Free | LumpSum | Instalments | Royalty | EntryFeePlusRoyalty | Staged,
    Field(discriminator="type"),
]
