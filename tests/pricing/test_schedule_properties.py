"""Property tests: whatever the (valid) fee standard and dates, a schedule is well formed."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import given, settings, strategies as st
from pydantic import TypeAdapter

from openlicense.core.dates import add_months
from openlicense.pricing.fee_standards import FeeStandard
from openlicense.pricing.schedule import ItemKind, Schedule, build_schedule

FEE_STANDARD: TypeAdapter[Any] = TypeAdapter(FeeStandard)

amounts = st.integers(min_value=1, max_value=10**9)
rates = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("0.2"), places=4).map(str)


@st.composite
def rate_steps(draw: st.DrawFn) -> list[dict[str, Any]]:
    years = draw(st.lists(st.integers(2, 12), max_size=3, unique=True))
    return [{"from_year": y, "rate": draw(rates)} for y in sorted(years)]


@st.composite
def royalty_terms(draw: st.DrawFn) -> dict[str, Any]:
    base = draw(st.sampled_from(["net_sales", "profit", "units", "new_output_value"]))
    terms: dict[str, Any] = {
        "base": base,
        "reporting_period": draw(st.sampled_from(["monthly", "quarterly", "annual"])),
        "report_due_days": draw(st.integers(1, 120)),
        "annual_minimum_minor": draw(st.none() | st.integers(0, 10**9)),
    }
    if base == "units":
        terms["amount_per_unit_minor"] = draw(amounts)
    else:
        terms |= {"rate": draw(rates), "rate_steps": draw(rate_steps())}
    return terms


@st.composite
def instalments(draw: st.DrawFn) -> dict[str, Any]:
    later = draw(st.lists(st.integers(1, 600), min_size=1, max_size=5, unique=True))
    months = [0, *sorted(later)]
    return {
        "type": "INSTALMENTS",
        "instalments": [
            {"amount_minor": draw(amounts), "due_months_after_acceptance": m} for m in months
        ],
    }


def stage_standards() -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        st.just({"type": "FREE"}),
        st.builds(
            lambda amount, days: {
                "type": "LUMP_SUM",
                "amount_minor": amount,
                "due_days_after_acceptance": days,
            },
            amounts,
            st.integers(0, 365),
        ),
        instalments(),
        st.builds(
            lambda terms, advance: {
                "type": "ROYALTY",
                **terms,
                "payable_on_acceptance_minor": advance,
            },
            royalty_terms(),
            st.integers(0, 10**9),
        ),
        st.builds(
            lambda terms, fee: {"type": "ENTRY_FEE_PLUS_ROYALTY", **terms, "entry_fee_minor": fee},
            royalty_terms(),
            amounts,
        ),
    )


@st.composite
def staged(draw: st.DrawFn) -> dict[str, Any]:
    count = draw(st.integers(2, 4))
    stages = [
        {
            "label": f"Stage {n}",
            "duration_months": draw(st.integers(1, 36)),
            "standard": draw(stage_standards()),
        }
        for n in range(1, count + 1)
    ]
    if draw(st.booleans()):
        stages[-1]["duration_months"] = None
    return {"type": "STAGED", "stages": stages}


# STAGED half the time (a flat one_of would give it one draw in six)
fee_standards = st.booleans().flatmap(
    lambda is_staged: staged() if is_staged else stage_standards()
)


@st.composite
def periods(draw: st.DrawFn) -> tuple[date, date, date]:
    """(declared start, declared end, acceptance date), acceptance no later than the end."""
    start = draw(st.dates(min_value=date(2026, 1, 1), max_value=date(2028, 12, 31)))
    end = add_months(start, draw(st.integers(12, 120))) - timedelta(days=1)
    accepted = start + timedelta(days=draw(st.integers(-400, (end - start).days)))
    return start, end, accepted


def build(standard: Any, period: tuple[date, date, date], reports: Any = None) -> Schedule:
    start, end, accepted = period
    return build_schedule(
        standard,
        currency="CNY",
        acceptance_date=accepted,
        declared_start=start,
        declared_end=end,
        reports=reports,
    )


@settings(max_examples=200, deadline=None)
@given(raw=fee_standards, period=periods(), data=st.data())
def test_schedule_invariants(
    raw: dict[str, Any], period: tuple[date, date, date], data: st.DataObject
) -> None:
    standard = FEE_STANDARD.validate_python(raw)
    royalty_keys = [i.key for i in build(standard, period).items if i.kind is ItemKind.ROYALTY]
    reported = (
        data.draw(st.lists(st.sampled_from(royalty_keys), unique=True)) if royalty_keys else []
    )
    bases = st.decimals(min_value=0, max_value=10**12, places=2)
    reports = {key: data.draw(bases) for key in reported}
    s = build(standard, period, reports)
    declared_start, declared_end, accepted = period
    start = max(accepted, declared_start)
    assert (s.licence_start, s.licence_end, s.acceptance_date) == (start, declared_end, accepted)

    # stages cover [S, E] exactly, in order, without gaps or overlaps
    assert s.stages[0].start == start
    assert s.stages[-1].end == declared_end
    assert all(stage.start <= stage.end for stage in s.stages)
    for prev, nxt in itertools.pairwise(s.stages):
        assert nxt.start == prev.end + timedelta(days=1)
        assert nxt.index == prev.index + 1

    known = [i.amount_minor for i in s.items if i.amount_minor is not None]
    assert all(a >= 0 for a in known)
    assert s.fixed_total_minor == sum(known)
    assert all(i.due_date >= start for i in s.items)

    # nothing is ever charged in a FREE stage (a trial)
    by_index = {stage.index: stage for stage in s.stages}
    for item in s.items:
        assert item.stage_index in by_index
        assert by_index[item.stage_index].fee_type != "FREE"
        if item.period_start is not None and item.period_end is not None:
            stage = by_index[item.stage_index]
            assert stage.start <= item.period_start <= item.period_end <= stage.end

    assert list(s.items) == sorted(s.items, key=lambda i: (i.due_date, i.key))
    keys = [i.key for i in s.items]
    assert len(keys) == len(set(keys))

    on_acceptance = [i for i in s.items if i.due_date == accepted]
    assert s.due_on_acceptance_minor == sum(i.amount_minor or 0 for i in on_acceptance)
    assert all(i.is_due_on_acceptance for i in on_acceptance)
    assert all(i.is_due_on_acceptance for i in s.items if i.kind is ItemKind.ACCEPTANCE)

    # a royalty has an amount exactly when its report is in
    royalties = {i.key: i for i in s.items if i.kind is ItemKind.ROYALTY}
    assert sorted(royalties) == sorted(royalty_keys)
    assert all((royalties[k].amount_minor is not None) == (k in reports) for k in royalties)
    assert {i.key for i in s.pending_royalty_items} == set(royalties) - set(reports)


@settings(max_examples=200, deadline=None)
@given(raw=fee_standards, period=periods())
def test_due_at_start_equals_the_schedule_items_due_at_the_start(
    raw: dict[str, Any], period: tuple[date, date, date]
) -> None:
    """The O(1) figure search indexes equals the full schedule's, for any standard and period."""
    from openlicense.pricing.schedule import due_at_start_minor

    standard = TypeAdapter(FeeStandard).validate_python(raw)
    start, end, _ = period
    schedule = build(standard, (start, end, start))
    expected = sum(
        i.amount_minor or 0 for i in schedule.items if i.due_date <= schedule.licence_start
    )
    assert due_at_start_minor(standard) == expected
