"""Royalty arithmetic for payment schedules (提成支付, CC 846): periods, amounts, minimums.

`schedule.py` turns these into schedule items, keys and descriptions.

- **Licence years** count from the licensee's own licence start S: year 1 is S up to the day
  before S + 12 months (calendar months, `add_months`), year 2 the next twelve months, and so on.
  A reporting period belongs to the licence year of its **start** date; that year's rate applies
  to the whole period (CC 846's rising or falling rates, `RoyaltyTerms.rate_for_year`).
- **Reporting periods** are 1, 3 or 12 calendar months, aligned to the start of the stage they
  belong to; the last one is cut at the stage end.
- **Amounts** follow the one rounding rule of `money.py`: exact Decimal in minor units, then
  ROUND_HALF_UP to a whole minor unit.
- **Annual minimum** for a partial licence year (the final year cut at the licence end, or a year
  shared between two stages) is pro-rated by days: `minimum * days_in_year_part /
  days_in_full_year`, rounded with the same rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, localcontext

from openlicense.core.dates import add_months, months_between
from openlicense.pricing.fee_standards import ReportingPeriod, RoyaltyBase, RoyaltyTerms
from openlicense.pricing.money import format_money, round_minor

__all__ = [
    "BASE_LABELS",
    "PERIOD_MONTHS",
    "MinimumShortfall",
    "RoyaltyPeriod",
    "format_period",
    "format_rate",
    "licence_year",
    "licence_year_bounds",
    "minimum_shortfalls",
    "prorated_minimum",
    "reporting_periods",
    "royalty_amount",
    "royalty_label",
    "stage_royalty_periods",
]

PERIOD_MONTHS: dict[ReportingPeriod, int] = {
    ReportingPeriod.MONTHLY: 1,
    ReportingPeriod.QUARTERLY: 3,
    ReportingPeriod.ANNUAL: 12,
}

BASE_LABELS: dict[RoyaltyBase, str] = {
    RoyaltyBase.NET_SALES: "net sales",
    RoyaltyBase.PROFIT: "profit",
    RoyaltyBase.UNITS: "units",
    RoyaltyBase.NEW_OUTPUT_VALUE: "new output value",
}

_ONE_DAY = timedelta(days=1)


def royalty_amount(terms: RoyaltyTerms, *, base_amount: Decimal, licence_year: int) -> int:
    """The royalty for one reporting period, in whole minor units.

    `base_amount` is what the licensee reported for the period: for a money base (net sales,
    profit, new output value) an amount in **minor units** of the schedule's currency, multiplied
    by the rate of `licence_year`; for the `units` base a number of units (a Decimal, so weights
    and volumes work too), multiplied by `amount_per_unit_minor`. The exact product is rounded
    half up once. A negative base (e.g. a loss on a profit base) must be reported as 0."""
    base_amount = Decimal(base_amount)
    if not base_amount.is_finite() or base_amount < 0:
        raise ValueError(f"a reported base must be a non-negative number, not {base_amount}")
    if licence_year < 1:
        raise ValueError(f"licence years count from 1, not {licence_year}")
    if terms.base is RoyaltyBase.UNITS:
        factor = Decimal(terms.amount_per_unit_minor or 0)
    else:
        factor = terms.rate_for_year(licence_year) or Decimal(0)
    with localcontext() as ctx:
        ctx.prec = 60
        return round_minor(base_amount * factor)


def licence_year(licence_start: date, day: date) -> int:
    """The 1-based licence year, counted from `licence_start`, that contains `day`."""
    if day < licence_start:
        raise ValueError(f"{day} is before the licence start {licence_start}")
    return months_between(licence_start, day) // 12 + 1


def licence_year_bounds(licence_start: date, year: int) -> tuple[date, date]:
    """First and last day (inclusive) of licence year `year`."""
    return (
        add_months(licence_start, 12 * (year - 1)),
        add_months(licence_start, 12 * year) - _ONE_DAY,
    )


def reporting_periods(start: date, end: date, months: int) -> list[tuple[date, date]]:
    """Consecutive `months`-long periods from `start`, the last cut at `end` (all inclusive).

    Each boundary is `add_months(start, k * months)` from the original start, so month-end
    clamping (Jan 31 → Feb 28) never drifts into later periods."""
    periods: list[tuple[date, date]] = []
    k = 0
    period_start = start
    while period_start <= end:
        k += 1
        next_start = add_months(start, k * months)
        periods.append((period_start, min(next_start - _ONE_DAY, end)))
        period_start = next_start
    return periods


def prorated_minimum(minimum_minor: int, part: tuple[date, date], year: tuple[date, date]) -> int:
    """The annual minimum for the `part` of a licence `year` (both inclusive date ranges):
    the whole minimum for a whole year, else `minimum * part_days / year_days`, half up."""
    part_days = (part[1] - part[0]).days + 1
    year_days = (year[1] - year[0]).days + 1
    if part_days >= year_days:
        return minimum_minor
    with localcontext() as ctx:
        ctx.prec = 60
        return round_minor(Decimal(minimum_minor) * part_days / year_days)


def format_rate(rate: Decimal) -> str:
    """A rate fraction as a percentage without trailing zeros: 0.03 → "3%", 0.025 → "2.5%"."""
    percent = (Decimal(rate) * 100).normalize()
    return f"{percent:f}%"


def format_period(start: date, end: date) -> str:
    return f"{start.isoformat()}–{end.isoformat()}"


def royalty_label(terms: RoyaltyTerms, rate: Decimal | None, currency: str) -> str:
    """ "3% of net sales" or "¥1.50 per unit"."""
    if terms.base is RoyaltyBase.UNITS:
        return f"{format_money(terms.amount_per_unit_minor or 0, currency)} per unit"
    return f"{format_rate(rate or Decimal(0))} of {BASE_LABELS[terms.base]}"


@dataclass(frozen=True, slots=True)
class RoyaltyPeriod:
    number: int  # 1-based within the stage
    start: date
    end: date  # inclusive
    due: date
    licence_year: int
    rate: Decimal | None  # None for the units base
    amount_minor: int | None  # None until the period is reported


@dataclass(frozen=True, slots=True)
class MinimumShortfall:
    licence_year: int
    start: date  # the part of the licence year inside the stage
    end: date
    due: date
    amount_minor: int


def stage_royalty_periods(
    terms: RoyaltyTerms,
    *,
    stage: tuple[date, date],
    licence_start: date,
    reported: Callable[[int], Decimal | None],
) -> list[RoyaltyPeriod]:
    """The reporting periods of one stage; `reported(n)` is period n's base, or None."""
    months = PERIOD_MONTHS[terms.reporting_period]
    out = []
    for n, (start, end) in enumerate(reporting_periods(stage[0], stage[1], months), 1):
        year = licence_year(licence_start, start)
        base = reported(n)
        amount = (
            None if base is None else royalty_amount(terms, base_amount=base, licence_year=year)
        )
        rate = None if terms.base is RoyaltyBase.UNITS else terms.rate_for_year(year)
        due = end + timedelta(days=terms.report_due_days)
        out.append(RoyaltyPeriod(n, start, end, due, year, rate, amount))
    return out


def minimum_shortfalls(
    minimum_minor: int,
    periods: list[RoyaltyPeriod],
    *,
    stage: tuple[date, date],
    licence_start: date,
) -> list[MinimumShortfall]:
    """Top-ups to the annual minimum, per licence year part of the stage whose periods are all
    reported; due with that year's last period. A year part in which no period starts (possible
    only with annual reporting in a stage not aligned to licence years) gets none."""
    by_year: dict[int, list[RoyaltyPeriod]] = {}
    for period in periods:
        by_year.setdefault(period.licence_year, []).append(period)
    out = []
    for year, group in by_year.items():
        amounts = [p.amount_minor for p in group]
        if any(a is None for a in amounts):
            continue  # not every report of the year is in yet
        bounds = licence_year_bounds(licence_start, year)
        part = (max(bounds[0], stage[0]), min(bounds[1], stage[1]))
        shortfall = prorated_minimum(minimum_minor, part, bounds) - sum(a or 0 for a in amounts)
        if shortfall > 0:
            out.append(MinimumShortfall(year, part[0], part[1], group[-1].due, shortfall))
    return out
