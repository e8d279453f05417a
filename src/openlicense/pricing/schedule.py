"""Payment schedules: a declaration's fee standard plus one licensee's facts → what is due when.

Pure functions, no database, no web, no clock. Money is integer minor units (`money.py`, one
rounding rule); dates are inclusive on both ends, as contracts write them (至2027-11-30).

**The licensee's licence period** runs from S = max(acceptance date, declared start) to
E = the declared end. An early acceptor waits for the declared start; a late one gets the rest of
the declared period. Every stage, licence year and reporting period is counted from S, so a trial
(先试用后付费) is the same length for every licensee (rule 14).

**Stages** (STAGED) follow each other without gaps: each lasts `duration_months` calendar months
from its own start (`add_months`), the last one runs to E, any stage reaching E is cut there, and
stages that would start after E are dropped. Every other standard is one stage over [S, E].

**Items per stage standard** (a stage's start is S for stage 1):

- FREE: nothing, ever — a trial is never charged.
- LUMP_SUM: one item, due `due_days_after_acceptance` days after the stage start.
- INSTALMENTS: one item per instalment, due `due_months_after_acceptance` months after the
  stage start. The full declared schedule is kept, even when a shortened period (late acceptance,
  a cut stage) ends before the last instalment: the announced price is the same for everyone.
- ROYALTY: the `payable_on_acceptance_minor` advance at the stage start (rule 18; none when 0),
  then one ROYALTY item per reporting period, due `report_due_days` after the period ends, whose
  amount stays `None` until `reports` holds that item's key (rule 20). See `schedule_royalty.py`
  for licence years, rate steps, rounding and the annual minimum.
- ENTRY_FEE_PLUS_ROYALTY: an ENTRY_FEE item at the stage start, then the royalty items.

Stage 1's fixed payment (lump sum, instalment, royalty advance) that falls due **on the
acceptance date** has kind ACCEPTANCE and key "acceptance". The entry fee keeps kind ENTRY_FEE
but counts in `due_on_acceptance_minor` when it is due that day (rule 17). An acceptance before
the declared start owes nothing on acceptance: the first payments fall due on S.

**Keys** are stable for a given licence: "acceptance", "lump_sum", "instalment-2", "entry_fee",
"royalty-s1-p3", "minimum-y1"; items of a STAGED standard carry their stage, as in
"stage-2-lump_sum", "stage-2-advance", "royalty-s2-p3", "minimum-s2-y1". `reports` is keyed by
royalty item key; an unknown key raises `ValueError`.

**Annual minimum**: once a licence year's royalties in a stage are all reported, a MINIMUM_TOPUP
item for any shortfall (pro-rated for a partial year, `schedule_royalty.minimum_shortfalls`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from openlicense.core.dates import add_months
from openlicense.pricing.fee_standards import (
    EntryFeePlusRoyalty,
    FeeStandard,
    Free,
    Instalments,
    LumpSum,
    Royalty,
    RoyaltyBase,
    RoyaltyTerms,
    Staged,
    StageStandard,
)
from openlicense.pricing.money import format_money, minor_unit_exponent
from openlicense.pricing.schedule_royalty import (
    format_period,
    minimum_shortfalls,
    royalty_amount,
    royalty_label,
    stage_royalty_periods,
)

__all__ = [
    "ItemKind",
    "Schedule",
    "ScheduleItem",
    "StagePeriod",
    "build_schedule",
    "licence_period",
    "royalty_amount",
    "stage_at",
]

_ONE_DAY = timedelta(days=1)


class ItemKind(StrEnum):
    ACCEPTANCE = "acceptance"
    LUMP_SUM = "lump_sum"
    INSTALMENT = "instalment"
    ENTRY_FEE = "entry_fee"
    ROYALTY = "royalty"
    MINIMUM_TOPUP = "minimum_topup"


@dataclass(frozen=True, slots=True)
class StagePeriod:
    index: int  # 1-based, as declared
    label: str
    start: date
    end: date  # inclusive
    fee_type: str  # FeeType value of the stage's standard
    is_trial: bool  # a FREE stage of a STAGED standard (先试用后付费)


@dataclass(frozen=True, slots=True)
class ScheduleItem:
    key: str
    kind: ItemKind
    due_date: date
    amount_minor: int | None  # None = a royalty awaiting its report
    stage_index: int | None
    period_start: date | None
    period_end: date | None  # inclusive
    rate: Decimal | None
    base: str | None  # RoyaltyBase value for royalty and minimum items
    description: str
    acceptance_date: date = field(repr=False)

    @property
    def is_due_on_acceptance(self) -> bool:
        return self.due_date == self.acceptance_date


@dataclass(frozen=True, slots=True)
class Schedule:
    currency: str
    acceptance_date: date
    licence_start: date  # S
    licence_end: date  # E, inclusive
    stages: tuple[StagePeriod, ...]
    items: tuple[ScheduleItem, ...]  # ordered by (due_date, key)

    @property
    def due_on_acceptance_minor(self) -> int:
        """What must be paid before the licence is PAID (rule 17): 0 for FREE."""
        return sum(
            i.amount_minor
            for i in self.items
            if i.is_due_on_acceptance and i.amount_minor is not None
        )

    @property
    def fixed_total_minor(self) -> int:
        """Sum of every amount known so far (pending royalties count as nothing)."""
        return sum(i.amount_minor for i in self.items if i.amount_minor is not None)

    @property
    def pending_royalty_items(self) -> tuple[ScheduleItem, ...]:
        return tuple(i for i in self.items if i.kind is ItemKind.ROYALTY and i.amount_minor is None)


def licence_period(
    *, declared_start: date, declared_end: date, acceptance_date: date
) -> tuple[date, date]:
    """The licensee's (start, inclusive end): max(acceptance, declared start) to declared end."""
    start = max(acceptance_date, declared_start)
    if start > declared_end:
        raise ValueError(
            f"the licence would start {start}, after the declared period ends {declared_end}"
        )
    return start, declared_end


def stage_at(schedule: Schedule, day: date) -> StagePeriod | None:
    """The stage in force on `day`, or None outside the licence period."""
    return next((s for s in schedule.stages if s.start <= day <= s.end), None)


def build_schedule(
    standard: FeeStandard,
    *,
    currency: str,
    acceptance_date: date,
    declared_start: date,
    declared_end: date,
    reports: Mapping[str, Decimal] | None = None,
) -> Schedule:
    """The licensee's payment schedule; see the module docstring for the rules."""
    minor_unit_exponent(currency)  # unknown currency → ValueError
    start, end = licence_period(
        declared_start=declared_start, declared_end=declared_end, acceptance_date=acceptance_date
    )
    if isinstance(standard, Staged):
        stages = _stage_periods(standard, start, end)
        standards = [s.standard for s in standard.stages[: len(stages)]]
    else:
        stages = (StagePeriod(1, "Licence period", start, end, standard.type.value, False),)
        standards = [standard]
    builder = _Builder(
        currency=currency,
        acceptance_date=acceptance_date,
        licence_start=start,
        staged=isinstance(standard, Staged),
        reports=dict(reports or {}),
    )
    items: list[ScheduleItem] = []
    for period, stage_standard in zip(stages, standards, strict=True):
        items += builder.stage_items(stage_standard, period)
    royalty_keys = {i.key for i in items if i.kind is ItemKind.ROYALTY}
    if unknown := sorted(set(builder.reports) - royalty_keys):
        raise ValueError(f"reports for unknown royalty periods: {', '.join(unknown)}")
    items.sort(key=lambda i: (i.due_date, i.key))
    return Schedule(
        currency=currency,
        acceptance_date=acceptance_date,
        licence_start=start,
        licence_end=end,
        stages=stages,
        items=tuple(items),
    )


def _stage_periods(standard: Staged, start: date, end: date) -> tuple[StagePeriod, ...]:
    periods: list[StagePeriod] = []
    last = len(standard.stages)
    for index, stage in enumerate(standard.stages, 1):
        if start > end:
            break
        if index == last or stage.duration_months is None:
            stage_end = end
        else:
            stage_end = min(add_months(start, stage.duration_months) - _ONE_DAY, end)
        is_free = isinstance(stage.standard, Free)
        periods.append(
            StagePeriod(index, stage.label, start, stage_end, stage.standard.type.value, is_free)
        )
        start = stage_end + _ONE_DAY
    return tuple(periods)


@dataclass(frozen=True, slots=True)
class _Builder:
    currency: str
    acceptance_date: date
    licence_start: date
    staged: bool
    reports: dict[str, Decimal]

    def stage_items(self, standard: StageStandard, stage: StagePeriod) -> list[ScheduleItem]:
        match standard:
            case Free():
                return []
            case LumpSum():
                due = stage.start + timedelta(days=standard.due_days_after_acceptance)
                return [self._fixed(stage, "lump_sum", due, standard.amount_minor, "Lump sum")]
            case Instalments():
                count = len(standard.instalments)
                return [
                    self._fixed(
                        stage,
                        f"instalment-{n}",
                        add_months(stage.start, inst.due_months_after_acceptance),
                        inst.amount_minor,
                        f"Instalment {n} of {count}",
                        kind=ItemKind.INSTALMENT,
                    )
                    for n, inst in enumerate(standard.instalments, 1)
                ]
            case Royalty():
                items = []
                if standard.payable_on_acceptance_minor > 0:
                    amount = standard.payable_on_acceptance_minor
                    when = " payable on acceptance" if stage.index == 1 else ""
                    what = f"Royalty advance{when}"
                    items.append(self._fixed(stage, "advance", stage.start, amount, what))
                return items + self._royalty_items(standard, stage)
            case EntryFeePlusRoyalty():
                fee, kind = standard.entry_fee_minor, ItemKind.ENTRY_FEE
                entry = self._fixed(stage, "entry_fee", stage.start, fee, "Entry fee", kind=kind)
                return [entry, *self._royalty_items(standard, stage)]
        raise TypeError(f"not a stage fee standard: {standard!r}")  # pragma: no cover

    def _fixed(
        self,
        stage: StagePeriod,
        name: str,
        due: date,
        amount: int,
        what: str,
        *,
        kind: ItemKind = ItemKind.LUMP_SUM,
    ) -> ScheduleItem:
        """A fixed payment; stage 1's on the acceptance date becomes the ACCEPTANCE item."""
        key = f"stage-{stage.index}-{name}" if self.staged else name
        on_acceptance = stage.index == 1 and due == self.acceptance_date
        if on_acceptance and kind is not ItemKind.ENTRY_FEE:
            kind, key = ItemKind.ACCEPTANCE, "acceptance"
        if self.staged:
            what = f"{stage.label}: {what[0].lower()}{what[1:]}"
        money = format_money(amount, self.currency)
        return self._item(key, kind, due, amount, stage, f"{what}, {money}")

    def _item(
        self,
        key: str,
        kind: ItemKind,
        due: date,
        amount: int | None,
        stage: StagePeriod,
        description: str,
        *,
        period: tuple[date, date] | None = None,
        rate: Decimal | None = None,
        base: RoyaltyBase | None = None,
    ) -> ScheduleItem:
        return ScheduleItem(
            key=key,
            kind=kind,
            due_date=due,
            amount_minor=amount,
            stage_index=stage.index,
            period_start=period[0] if period else None,
            period_end=period[1] if period else None,
            rate=rate,
            base=base.value if base else None,
            description=description,
            acceptance_date=self.acceptance_date,
        )

    def _royalty_items(self, terms: RoyaltyTerms, stage: StagePeriod) -> list[ScheduleItem]:
        bounds = (stage.start, stage.end)
        periods = stage_royalty_periods(
            terms,
            stage=bounds,
            licence_start=self.licence_start,
            reported=lambda n: self.reports.get(f"royalty-s{stage.index}-p{n}"),
        )
        items = [
            self._item(
                f"royalty-s{stage.index}-p{p.number}",
                ItemKind.ROYALTY,
                p.due,
                p.amount_minor,
                stage,
                f"Royalty {royalty_label(terms, p.rate, self.currency)}, "
                f"{format_period(p.start, p.end)}",
                period=(p.start, p.end),
                rate=p.rate,
                base=terms.base,
            )
            for p in periods
        ]
        if not terms.annual_minimum_minor:
            return items
        shortfalls = minimum_shortfalls(
            terms.annual_minimum_minor, periods, stage=bounds, licence_start=self.licence_start
        )
        prefix = f"minimum-s{stage.index}" if self.staged else "minimum"
        return items + [
            self._item(
                f"{prefix}-y{m.licence_year}",
                ItemKind.MINIMUM_TOPUP,
                m.due,
                m.amount_minor,
                stage,
                f"Annual minimum top-up, licence year {m.licence_year}, "
                f"{format_period(m.start, m.end)}",
                period=(m.start, m.end),
                base=terms.base,
            )
            for m in shortfalls
        ]


def due_at_start_minor(standard: FeeStandard) -> int:
    """What falls due on the first day of a licence accepted on (or before) its start: the same
    number `build_schedule` gives for items due on or before S, in O(1) — search indexes it for
    every listing. Royalty periods are never due at the start; only stage 1 counts."""
    if isinstance(standard, Staged):
        return due_at_start_minor(standard.stages[0].standard)
    if isinstance(standard, LumpSum):
        return standard.amount_minor if standard.due_days_after_acceptance == 0 else 0
    if isinstance(standard, Instalments):
        return sum(
            i.amount_minor for i in standard.instalments if i.due_months_after_acceptance == 0
        )
    if isinstance(standard, Royalty):
        return standard.payable_on_acceptance_minor
    if isinstance(standard, EntryFeePlusRoyalty):
        return standard.entry_fee_minor
    return 0
