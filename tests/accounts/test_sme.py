"""SME classification (中小企业划型标准规定, 2011; domain.md §7)."""

from __future__ import annotations

import pytest

from openlicense.accounts.rules import SME_INDUSTRIES, SME_THRESHOLDS, classify, is_sme

WAN = 1_000_000  # fen per 万元
M400 = 40_000 * WAN  # RMB 400 million
M100 = 10_000 * WAN  # RMB 100 million


def test_revenue_is_in_fen() -> None:
    assert M400 == 40_000_000_000


def test_industries_are_the_table_keys() -> None:
    assert tuple(SME_THRESHOLDS) == SME_INDUSTRIES
    for key in (
        "agriculture",
        "industrial",
        "construction",
        "wholesale",
        "retail",
        "transport",
        "warehousing",
        "postal",
        "accommodation",
        "catering",
        "information_transmission",
        "software_it",
        "real_estate_development",
        "property_management",
        "leasing_business_services",
        "other",
    ):
        assert key in SME_INDUSTRIES


@pytest.mark.parametrize(
    ("headcount", "revenue", "expected"),
    [
        # Both at or above the bounds: large.
        (1_000, M400, False),
        (5_000, 10 * M400, False),
        # Below on headcount alone is enough (或).
        (999, M400, True),
        (999, 10 * M400, True),
        # Below on revenue alone is enough.
        (1_000, M400 - 1, True),
        (50_000, M400 - 1, True),
        # Small on both.
        (10, 1_000 * WAN, True),
        (0, 0, True),
    ],
)
def test_industrial_boundaries(headcount: int, revenue: int, expected: bool) -> None:
    assert is_sme("industrial", headcount, revenue) is expected
    assert classify("industrial", headcount, revenue) == ("sme" if expected else "large")


@pytest.mark.parametrize(
    ("headcount", "revenue", "expected"),
    [
        (300, M100, False),
        (1_000, 5 * M100, False),
        (299, M100, True),
        (299, 5 * M100, True),
        (300, M100 - 1, True),
        (2_000, M100 - 1, True),
        (50, 20 * WAN, True),
    ],
)
def test_software_it_boundaries(headcount: int, revenue: int, expected: bool) -> None:
    assert is_sme("software_it", headcount, revenue) is expected
    assert classify("software_it", headcount, revenue) == ("sme" if expected else "large")


@pytest.mark.parametrize(
    ("industry", "headcount", "revenue", "expected"),
    [
        # Revenue-only industries: headcount is irrelevant.
        ("agriculture", 100_000, 20_000 * WAN - 1, True),
        ("agriculture", 1, 20_000 * WAN, False),
        ("construction", 100_000, 80_000 * WAN - 1, True),
        ("construction", 1, 80_000 * WAN, False),
        ("real_estate_development", 1, 200_000 * WAN - 1, True),
        ("real_estate_development", 1, 200_000 * WAN, False),
        # Headcount-only industries: revenue is irrelevant.
        ("other", 299, 10**15, True),
        ("other", 300, 0, False),
        ("leasing_business_services", 299, 10**15, True),
        ("leasing_business_services", 300, 0, False),
        # Two-criterion industries, each bound.
        ("wholesale", 199, M400, True),
        ("wholesale", 200, M400, False),
        ("wholesale", 200, M400 - 1, True),
        ("retail", 299, 20_000 * WAN, True),
        ("retail", 300, 20_000 * WAN, False),
        ("transport", 1_000, 30_000 * WAN, False),
        ("transport", 1_000, 30_000 * WAN - 1, True),
        ("warehousing", 200, 30_000 * WAN, False),
        ("warehousing", 199, 30_000 * WAN, True),
        ("postal", 999, 30_000 * WAN, True),
        ("postal", 1_000, 30_000 * WAN, False),
        ("accommodation", 300, 10_000 * WAN, False),
        ("catering", 300, 10_000 * WAN - 1, True),
        ("information_transmission", 1_999, 100_000 * WAN, True),
        ("information_transmission", 2_000, 100_000 * WAN, False),
        ("property_management", 1_000, 5_000 * WAN, False),
        ("property_management", 1_000, 5_000 * WAN - 1, True),
    ],
)
def test_other_industries(industry: str, headcount: int, revenue: int, expected: bool) -> None:
    assert is_sme(industry, headcount, revenue) is expected


@pytest.mark.parametrize("industry", [None, "", "unknown", "Industrial", "manufacturing"])
def test_unknown_industry_is_none(industry: str | None) -> None:
    assert is_sme(industry, 10, 1_000) is None
    assert classify(industry, 10, 1_000) is None


@pytest.mark.parametrize(
    ("industry", "headcount", "revenue"),
    [
        ("industrial", None, None),
        ("software_it", None, None),
        # The known figure is at or above its bound, the other is missing: undecidable.
        ("industrial", 1_000, None),
        ("industrial", None, M400),
        ("software_it", 5_000, None),
        ("software_it", None, M100),
        # Single-criterion industries with that criterion missing.
        ("agriculture", 10, None),
        ("other", None, 1_000),
    ],
)
def test_missing_data_is_none(industry: str, headcount: int | None, revenue: int | None) -> None:
    assert is_sme(industry, headcount, revenue) is None
    assert classify(industry, headcount, revenue) is None


@pytest.mark.parametrize(
    ("industry", "headcount", "revenue"),
    [
        # Either criterion suffices, so one figure below its bound decides even if the other
        # is missing.
        ("industrial", 999, None),
        ("industrial", None, M400 - 1),
        ("software_it", 299, None),
        ("software_it", None, M100 - 1),
        # A criterion the industry does not use may be missing.
        ("agriculture", None, 20_000 * WAN - 1),
        ("other", 299, None),
    ],
)
def test_one_decisive_figure_is_enough(
    industry: str, headcount: int | None, revenue: int | None
) -> None:
    assert is_sme(industry, headcount, revenue) is True


def test_unused_criterion_missing_still_decides_large() -> None:
    assert is_sme("agriculture", None, 20_000 * WAN) is False
    assert is_sme("other", 300, None) is False


@pytest.mark.parametrize(("headcount", "revenue"), [(-1, 0), (0, -1)])
def test_negative_figures_are_rejected(headcount: int, revenue: int) -> None:
    with pytest.raises(ValueError, match="negative"):
        is_sme("industrial", headcount, revenue)
