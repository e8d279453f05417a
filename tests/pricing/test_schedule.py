"""Payment schedules: one table test per fee type, with exact dates and amounts."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from pydantic import TypeAdapter

from openlicense.pricing.fee_standards import FeeStandard, RoyaltyTerms
from openlicense.pricing.schedule import (
    ItemKind,
    Schedule,
    StagePeriod,
    build_schedule,
    licence_period,
    royalty_amount,
    stage_at,
)

FEE_STANDARD: TypeAdapter[Any] = TypeAdapter(FeeStandard)

A = ItemKind.ACCEPTANCE
L = ItemKind.LUMP_SUM
I = ItemKind.INSTALMENT  # noqa: E741
F = ItemKind.ENTRY_FEE
R = ItemKind.ROYALTY
M = ItemKind.MINIMUM_TOPUP

D = date.fromisoformat


def schedule(
    standard: dict[str, Any],
    *,
    accepted: str = "2027-01-01",
    start: str = "2027-01-01",
    end: str = "2028-12-31",
    reports: Mapping[str, Decimal | int | str] | None = None,
    currency: str = "CNY",
) -> Schedule:
    return build_schedule(
        FEE_STANDARD.validate_python(standard),
        currency=currency,
        acceptance_date=D(accepted),
        declared_start=D(start),
        declared_end=D(end),
        reports={k: Decimal(v) for k, v in (reports or {}).items()},
    )


def rows(s: Schedule) -> list[tuple[str, ItemKind, date, int | None]]:
    return [(i.key, i.kind, i.due_date, i.amount_minor) for i in s.items]


def stage(label: str, months: int | None, standard: dict[str, Any]) -> dict[str, Any]:
    return {"label": label, "duration_months": months, "standard": standard}


def royalty(rate: str | None = "0.03", **extra: Any) -> dict[str, Any]:
    base = {"type": "ROYALTY", "base": "net_sales", "payable_on_acceptance_minor": 0}
    return base | ({"rate": rate} if rate else {}) | extra


# --- FREE, LUMP_SUM, INSTALMENTS -----------------------------------------------------------


def test_free_has_no_items_and_nothing_due() -> None:
    s = schedule({"type": "FREE"}, accepted="2027-01-10", end="2029-12-31")
    assert s.items == ()
    assert s.due_on_acceptance_minor == 0
    assert s.fixed_total_minor == 0
    assert s.stages == (
        StagePeriod(1, "Licence period", D("2027-01-10"), D("2029-12-31"), "FREE", False),
    )


def test_lump_sum_on_acceptance() -> None:
    s = schedule({"type": "LUMP_SUM", "amount_minor": 10_000_000}, accepted="2027-03-15")
    assert rows(s) == [("acceptance", A, D("2027-03-15"), 10_000_000)]
    item = s.items[0]
    assert item.is_due_on_acceptance
    assert item.description == "Lump sum, ¥100,000.00"
    assert item.stage_index == 1
    assert (item.period_start, item.rate, item.base) == (None, None, None)
    assert s.due_on_acceptance_minor == 10_000_000
    assert s.fixed_total_minor == 10_000_000
    assert (s.licence_start, s.licence_end) == (D("2027-03-15"), D("2028-12-31"))


def test_lump_sum_due_30_days_after_acceptance() -> None:
    std = {"type": "LUMP_SUM", "amount_minor": 10_000_000, "due_days_after_acceptance": 30}
    s = schedule(std, accepted="2027-03-15")
    assert rows(s) == [("lump_sum", L, D("2027-04-14"), 10_000_000)]
    assert not s.items[0].is_due_on_acceptance
    assert s.due_on_acceptance_minor == 0
    assert s.fixed_total_minor == 10_000_000


def test_lump_sum_accepted_before_declared_start_falls_due_on_the_start() -> None:
    s = schedule({"type": "LUMP_SUM", "amount_minor": 500}, accepted="2026-11-20")
    assert s.licence_start == D("2027-01-01")
    assert rows(s) == [("lump_sum", L, D("2027-01-01"), 500)]
    assert s.due_on_acceptance_minor == 0


def test_instalments_three_items_month_end_clamped() -> None:
    std = {
        "type": "INSTALMENTS",
        "instalments": [
            {"amount_minor": 3_000_000, "due_months_after_acceptance": 0},
            {"amount_minor": 3_000_000, "due_months_after_acceptance": 6},
            {"amount_minor": 4_000_000, "due_months_after_acceptance": 12},
        ],
    }
    s = schedule(std, accepted="2027-08-31", end="2029-12-31")
    assert rows(s) == [
        ("acceptance", A, D("2027-08-31"), 3_000_000),
        ("instalment-2", I, D("2028-02-29"), 3_000_000),  # Aug 31 + 6 months, leap year
        ("instalment-3", I, D("2028-08-31"), 4_000_000),
    ]
    assert [i.description for i in s.items] == [
        "Instalment 1 of 3, ¥30,000.00",
        "Instalment 2 of 3, ¥30,000.00",
        "Instalment 3 of 3, ¥40,000.00",
    ]
    assert s.due_on_acceptance_minor == 3_000_000
    assert s.fixed_total_minor == 10_000_000


# --- ROYALTY -------------------------------------------------------------------------------


def test_royalty_quarterly_reports_and_a_missing_report() -> None:
    reports = {"royalty-s1-p1": 1_000_000, "royalty-s1-p2": 123_455, "royalty-s1-p4": 0}
    s = schedule(royalty(), end="2027-12-31", reports=reports)
    assert rows(s) == [
        ("royalty-s1-p1", R, D("2027-04-30"), 30_000),
        ("royalty-s1-p2", R, D("2027-07-30"), 3704),  # 3,703.65 fen, half up
        ("royalty-s1-p3", R, D("2027-10-30"), None),  # report not in yet
        ("royalty-s1-p4", R, D("2028-01-30"), 0),
    ]
    p1 = s.items[0]
    assert (p1.period_start, p1.period_end) == (D("2027-01-01"), D("2027-03-31"))
    assert (p1.rate, p1.base) == (Decimal("0.03"), "net_sales")
    assert p1.description == "Royalty 3% of net sales, 2027-01-01–2027-03-31"
    assert [i.key for i in s.pending_royalty_items] == ["royalty-s1-p3"]
    assert s.fixed_total_minor == 33_704
    assert s.due_on_acceptance_minor == 0


def test_royalty_payable_on_acceptance_and_last_period_cut_at_end() -> None:
    std = royalty("0.025", payable_on_acceptance_minor=200_000, report_due_days=15)
    s = schedule(std, accepted="2027-02-10", start="2027-01-01", end="2027-08-31")
    assert rows(s) == [
        ("acceptance", A, D("2027-02-10"), 200_000),
        ("royalty-s1-p1", R, D("2027-05-24"), None),
        ("royalty-s1-p2", R, D("2027-08-24"), None),
        ("royalty-s1-p3", R, D("2027-09-15"), None),  # 2027-08-10..2027-08-31, cut at E
    ]
    assert s.items[0].description == "Royalty advance payable on acceptance, ¥2,000.00"
    assert s.items[3].description == "Royalty 2.5% of net sales, 2027-08-10–2027-08-31"
    assert s.due_on_acceptance_minor == 200_000


def test_rising_rate_steps_apply_from_licence_year_two() -> None:
    std = royalty("0.02", base="profit", reporting_period="annual")
    std["rate_steps"] = [{"from_year": 2, "rate": "0.04"}, {"from_year": 3, "rate": "0.05"}]
    reports = {"royalty-s1-p1": 1_000_000, "royalty-s1-p2": 1_000_000}
    s = schedule(std, reports=reports)
    assert rows(s) == [
        ("royalty-s1-p1", R, D("2028-01-30"), 20_000),
        ("royalty-s1-p2", R, D("2029-01-30"), 40_000),
    ]
    assert [i.rate for i in s.items] == [Decimal("0.02"), Decimal("0.04")]
    assert s.items[1].description == "Royalty 4% of profit, 2028-01-01–2028-12-31"


def test_licence_years_count_from_the_licensee_start() -> None:
    std = royalty("0.10", rate_steps=[{"from_year": 2, "rate": "0.05"}])
    s = schedule(std, accepted="2027-03-15", end="2028-12-31")
    royalties = [i for i in s.items if i.kind is R]
    starts_and_rates = [(i.period_start, i.rate) for i in royalties]
    assert starts_and_rates[3:6] == [
        (D("2027-12-15"), Decimal("0.10")),
        (D("2028-03-15"), Decimal("0.05")),  # year 2 starts 2028-03-15, not 2028-01-01
        (D("2028-06-15"), Decimal("0.05")),
    ]
    assert royalties[-1].period_end == D("2028-12-31")


def test_units_base() -> None:
    std = {
        "type": "ROYALTY",
        "base": "units",
        "amount_per_unit_minor": 150,
        "payable_on_acceptance_minor": 0,
        "reporting_period": "monthly",
    }
    reports = {"royalty-s1-p1": 1001, "royalty-s1-p2": "2.5", "royalty-s1-p3": "0.003"}
    s = schedule(std, end="2027-12-31", reports=reports)
    assert rows(s)[:4] == [
        ("royalty-s1-p1", R, D("2027-03-02"), 150_150),
        ("royalty-s1-p2", R, D("2027-03-30"), 375),
        ("royalty-s1-p3", R, D("2027-04-30"), 0),  # 0.45 fen rounds down
        ("royalty-s1-p4", R, D("2027-05-30"), None),
    ]
    assert len(s.items) == 12
    assert (s.items[0].rate, s.items[0].base) == (None, "units")
    assert s.items[0].description == "Royalty ¥1.50 per unit, 2027-01-01–2027-01-31"


def test_annual_minimum_top_up_and_pro_rated_final_year() -> None:
    std = royalty("0.05", annual_minimum_minor=1_000_000)
    reports = {f"royalty-s1-p{n}": 2_000_000 for n in range(1, 5)}
    reports |= {"royalty-s1-p5": 1_000_000, "royalty-s1-p6": 1_000_000}
    s = schedule(std, end="2028-06-30", reports=reports)
    assert rows(s) == [
        ("royalty-s1-p1", R, D("2027-04-30"), 100_000),
        ("royalty-s1-p2", R, D("2027-07-30"), 100_000),
        ("royalty-s1-p3", R, D("2027-10-30"), 100_000),
        ("minimum-y1", M, D("2028-01-30"), 600_000),
        ("royalty-s1-p4", R, D("2028-01-30"), 100_000),
        ("royalty-s1-p5", R, D("2028-04-30"), 50_000),
        # year 2 is 182 of 366 days: 1,000,000 * 182 / 366 = 497,267.76 → 497,268
        ("minimum-y2", M, D("2028-07-30"), 397_268),
        ("royalty-s1-p6", R, D("2028-07-30"), 50_000),
    ]
    top_up = s.items[3]
    assert (top_up.period_start, top_up.period_end) == (D("2027-01-01"), D("2027-12-31"))
    assert top_up.description == "Annual minimum top-up, licence year 1, 2027-01-01–2027-12-31"
    assert s.fixed_total_minor == 400_000 + 600_000 + 100_000 + 397_268


def test_annual_minimum_waits_for_every_report_and_is_skipped_when_met() -> None:
    std = royalty("0.05", annual_minimum_minor=1_000_000)
    reports = {"royalty-s1-p1": 2_000_000, "royalty-s1-p2": 2_000_000, "royalty-s1-p3": 1}
    reports |= {f"royalty-s1-p{n}": 10_000_000 for n in range(5, 9)}
    s = schedule(std, reports=reports)
    assert [i for i in s.items if i.kind is M] == []  # year 1: p4 missing; year 2: met


def test_entry_fee_plus_royalty() -> None:
    std = {
        "type": "ENTRY_FEE_PLUS_ROYALTY",
        "entry_fee_minor": 5_000_000,
        "base": "new_output_value",
        "rate": "0.02",
        "reporting_period": "annual",
    }
    s = schedule(std, reports={"royalty-s1-p1": 50_000_000})
    assert rows(s) == [
        ("entry_fee", F, D("2027-01-01"), 5_000_000),
        ("royalty-s1-p1", R, D("2028-01-30"), 1_000_000),
        ("royalty-s1-p2", R, D("2029-01-30"), None),
    ]
    assert s.items[0].is_due_on_acceptance
    assert s.items[0].description == "Entry fee, ¥50,000.00"
    assert s.items[2].description == "Royalty 2% of new output value, 2028-01-01–2028-12-31"
    assert s.due_on_acceptance_minor == 5_000_000
    assert s.fixed_total_minor == 6_000_000


# --- STAGED --------------------------------------------------------------------------------


def test_staged_trial_then_paid_stage() -> None:
    std = {
        "type": "STAGED",
        "stages": [
            {"label": "Trial", "duration_months": 6, "standard": {"type": "FREE"}},
            {"label": "Paid", "standard": royalty("0.03", payable_on_acceptance_minor=100_000)},
        ],
    }
    s = schedule(std, accepted="2027-03-31", start="2027-01-01", end="2028-03-31")
    assert s.stages == (
        StagePeriod(1, "Trial", D("2027-03-31"), D("2027-09-29"), "FREE", True),
        StagePeriod(2, "Paid", D("2027-09-30"), D("2028-03-31"), "ROYALTY", False),
    )
    assert rows(s) == [
        ("stage-2-advance", L, D("2027-09-30"), 100_000),
        ("royalty-s2-p1", R, D("2028-01-28"), None),  # 2027-09-30..2027-12-29
        ("royalty-s2-p2", R, D("2028-04-28"), None),  # 2027-12-30..2028-03-29
        ("royalty-s2-p3", R, D("2028-04-30"), None),  # 2028-03-30..2028-03-31, cut at E
    ]
    assert s.items[0].description == "Paid: royalty advance, ¥1,000.00"
    assert s.due_on_acceptance_minor == 0  # the trial is never charged
    assert stage_at(s, D("2027-09-29")) == s.stages[0]
    assert stage_at(s, D("2027-09-30")) == s.stages[1]
    assert stage_at(s, D("2027-03-30")) is None
    assert stage_at(s, D("2028-04-01")) is None


def test_staged_stage_truncated_by_licence_end_and_later_stages_dropped() -> None:
    instalments = {
        "type": "INSTALMENTS",
        "instalments": [
            {"amount_minor": 1_000, "due_months_after_acceptance": 0},
            {"amount_minor": 2_000, "due_months_after_acceptance": 12},
            {"amount_minor": 3_000, "due_months_after_acceptance": 18},
        ],
    }
    std = {
        "type": "STAGED",
        "stages": [
            stage("Launch", 12, {"type": "LUMP_SUM", "amount_minor": 500}),
            stage("Scale-up", 24, instalments),
            stage("Royalty", None, royalty("0.01")),
        ],
    }
    # declared 36 months, accepted 6 months late: S = 2027-07-01
    s = schedule(std, accepted="2027-07-01", start="2027-01-01", end="2029-12-31")
    assert s.stages == (
        StagePeriod(1, "Launch", D("2027-07-01"), D("2028-06-30"), "LUMP_SUM", False),
        StagePeriod(2, "Scale-up", D("2028-07-01"), D("2029-12-31"), "INSTALMENTS", False),
    )
    assert rows(s) == [
        ("acceptance", A, D("2027-07-01"), 500),
        ("stage-2-instalment-1", I, D("2028-07-01"), 1_000),
        ("stage-2-instalment-2", I, D("2029-07-01"), 2_000),
        ("stage-2-instalment-3", I, D("2030-01-01"), 3_000),  # declared schedule kept whole
    ]
    assert s.items[1].description == "Scale-up: instalment 1 of 3, ¥10.00"
    assert s.due_on_acceptance_minor == 500


def test_staged_keys_for_lump_sum_and_minimum() -> None:
    std = {
        "type": "STAGED",
        "stages": [
            stage("Trial", 3, {"type": "FREE"}),
            stage("Fee", 3, {"type": "LUMP_SUM", "amount_minor": 9}),
            stage("Royalty", None, royalty("0.1", annual_minimum_minor=3_650)),
        ],
    }
    reports = {"royalty-s3-p1": 0, "royalty-s3-p2": 0}
    s = schedule(std, end="2027-12-31", reports=reports)
    assert rows(s) == [
        ("stage-2-lump_sum", L, D("2027-04-01"), 9),
        ("royalty-s3-p1", R, D("2027-10-30"), 0),
        # year 1 part in stage 3 is 184 of 365 days: 3,650 * 184 / 365 = 1,840
        ("minimum-s3-y1", M, D("2028-01-30"), 1_840),
        ("royalty-s3-p2", R, D("2028-01-30"), 0),
    ]


# --- licence period ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accepted", "expected_start"),
    [("2026-12-01", "2027-01-01"), ("2027-01-01", "2027-01-01"), ("2027-05-20", "2027-05-20")],
)
def test_licence_period(accepted: str, expected_start: str) -> None:
    assert licence_period(
        declared_start=D("2027-01-01"), declared_end=D("2028-12-31"), acceptance_date=D(accepted)
    ) == (D(expected_start), D("2028-12-31"))


def test_acceptance_after_declared_start_shifts_the_schedule() -> None:
    s = schedule(royalty(), accepted="2027-02-15")
    assert s.licence_start == D("2027-02-15")
    assert s.stages[0].start == D("2027-02-15")
    first = s.items[0]
    assert (first.period_start, first.period_end, first.due_date) == (
        D("2027-02-15"),
        D("2027-05-14"),
        D("2027-06-13"),
    )


def test_start_after_end_raises() -> None:
    with pytest.raises(ValueError, match="after the declared period ends"):
        schedule({"type": "FREE"}, accepted="2029-01-01", end="2028-12-31")
    with pytest.raises(ValueError):
        licence_period(
            declared_start=D("2027-01-01"),
            declared_end=D("2026-12-31"),
            acceptance_date=D("2026-01-01"),
        )


def test_acceptance_on_the_last_day_gives_a_one_day_licence() -> None:
    s = schedule(royalty(), accepted="2028-12-31")
    assert rows(s) == [("royalty-s1-p1", R, D("2029-01-30"), None)]


# --- input errors and royalty_amount -------------------------------------------------------


def test_unknown_report_key_and_currency_raise() -> None:
    with pytest.raises(ValueError, match="royalty-s1-p99"):
        schedule(royalty(), reports={"royalty-s1-p99": 1})
    with pytest.raises(ValueError, match="unsupported currency"):
        schedule({"type": "FREE"}, currency="XXX")


def test_other_currency_descriptions() -> None:
    s = schedule({"type": "LUMP_SUM", "amount_minor": 1_234}, currency="JPY")
    assert s.items[0].description == "Lump sum, JPY 1,234"


@pytest.mark.parametrize(
    ("base_amount", "year", "expected"),
    [("1000", 1, 30), ("1000", 2, 25), ("1000", 9, 25), ("16.66", 1, 0), ("16.67", 1, 1)],
)
def test_royalty_amount(base_amount: str, year: int, expected: int) -> None:
    terms = RoyaltyTerms.model_validate(
        {"base": "net_sales", "rate": "0.03", "rate_steps": [{"from_year": 2, "rate": "0.025"}]}
    )
    assert royalty_amount(terms, base_amount=Decimal(base_amount), licence_year=year) == expected


def test_royalty_amount_rejects_negative_base() -> None:
    terms = RoyaltyTerms.model_validate({"base": "profit", "rate": "0.4"})
    with pytest.raises(ValueError, match="non-negative"):
        royalty_amount(terms, base_amount=Decimal(-1), licence_year=1)
