"""Money in minor units: the one rounding rule (ROUND_HALF_UP, 四舍五入) and formatting."""

from __future__ import annotations

from decimal import Decimal

import pytest

from openlicense.pricing.money import (
    MINOR_UNIT_EXPONENT,
    format_money,
    minor_unit_exponent,
    round_minor,
    to_minor,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", 0),
        ("0.4", 0),
        ("0.49999", 0),
        ("0.5", 1),  # half up, not banker's rounding (which would give 0)
        ("1.5", 2),
        ("2.5", 3),  # banker's rounding would give 2
        ("2.4999999999", 2),
        ("2.5000000001", 3),
        ("12345.5", 12346),
        ("999999999999999.5", 1_000_000_000_000_000),
        ("100", 100),
        ("3.000000", 3),
    ],
)
def test_round_minor_is_half_up(value: str, expected: int) -> None:
    assert round_minor(Decimal(value)) == expected


@pytest.mark.parametrize("value", ["-0.5", "-1", "-0.0001"])
def test_round_minor_never_produces_a_negative_amount(value: str) -> None:
    with pytest.raises(ValueError, match="negative"):
        round_minor(Decimal(value))


@pytest.mark.parametrize("value", ["NaN", "Infinity"])
def test_round_minor_rejects_non_finite(value: str) -> None:
    with pytest.raises(ValueError, match="non-finite"):
        round_minor(Decimal(value))


def test_royalty_style_product_rounds_once() -> None:
    # 3% of ¥1,234.55 net sales = 3,703.65 fen → 3,704 fen; no intermediate rounding.
    assert round_minor(Decimal(123_455) * Decimal("0.03")) == 3704
    # 2.5% of 1 fen = 0.025 fen → 0
    assert round_minor(Decimal(1) * Decimal("0.025")) == 0
    # 0.5% of 100 fen = 0.5 fen → 1 (half up)
    assert round_minor(Decimal(100) * Decimal("0.005")) == 1


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("1234.56", "CNY", 123_456),
        ("12.345", "CNY", 1235),
        ("12.344", "CNY", 1234),
        ("0.005", "USD", 1),
        ("0.004", "EUR", 0),
        ("7", "HKD", 700),
        ("1234", "JPY", 1234),  # exponent 0: yen have no minor unit
        ("99.5", "JPY", 100),
        ("99.49", "KRW", 99),
        ("0", "CNY", 0),
    ],
)
def test_to_minor(amount: str, currency: str, expected: int) -> None:
    assert to_minor(Decimal(amount), currency) == expected


def test_to_minor_rejects_negative_and_unknown_currency() -> None:
    with pytest.raises(ValueError, match="negative"):
        to_minor(Decimal("-1.00"), "CNY")
    with pytest.raises(ValueError, match="unsupported currency"):
        to_minor(Decimal(1), "GBP")


def test_minor_unit_exponents() -> None:
    assert MINOR_UNIT_EXPONENT == {"CNY": 2, "USD": 2, "EUR": 2, "HKD": 2, "JPY": 0, "KRW": 0}
    assert minor_unit_exponent("JPY") == 0
    with pytest.raises(ValueError):
        minor_unit_exponent("cny")


@pytest.mark.parametrize(
    ("amount_minor", "currency", "expected"),
    [
        (123_456, "CNY", "¥1,234.56"),
        (0, "CNY", "¥0.00"),
        (5, "CNY", "¥0.05"),
        (100_000_000_000, "CNY", "¥1,000,000,000.00"),
        (123_456, "USD", "USD 1,234.56"),
        (99, "EUR", "EUR 0.99"),
        (1_234, "JPY", "JPY 1,234"),
        (1_000_000, "KRW", "KRW 1,000,000"),
        (-150, "CNY", "-¥1.50"),
    ],
)
def test_format_money(amount_minor: int, currency: str, expected: str) -> None:
    assert format_money(amount_minor, currency) == expected


def test_format_money_unknown_currency() -> None:
    with pytest.raises(ValueError, match="unsupported currency"):
        format_money(100, "XYZ")
