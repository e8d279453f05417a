"""Money as integer minor units (fen for CNY), and the one rounding rule for computed amounts.

Every amount the platform stores or charges is a non-negative `int` of minor units in the
declaration's currency (`MINOR_UNIT_EXPONENT` gives the digits after the decimal point).

**Rounding rule (the only one).** A computed amount is first worked out exactly in minor units
as a `Decimal` — a royalty is `base_minor * rate`, a per-unit royalty is `units *
amount_per_unit_minor`, a pro-rated minimum is `minimum_minor * days / days_in_year` — and only
then rounded to a whole minor unit with `ROUND_HALF_UP` (四舍五入, the convention of Chinese
invoices): 0.5 fen and above rounds up, below 0.5 fen rounds down. Intermediate results are never
rounded, and no amount is rounded twice. `round_minor` is that rule; `to_minor` applies it to an
amount in major units (yuan). Computed amounts are never negative: both functions refuse a
negative value rather than produce one.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext

__all__ = [
    "MINOR_UNIT_EXPONENT",
    "format_money",
    "minor_unit_exponent",
    "round_minor",
    "to_minor",
]

MINOR_UNIT_EXPONENT: dict[str, int] = {
    "CNY": 2,
    "USD": 2,
    "EUR": 2,
    "HKD": 2,
    "JPY": 0,
    "KRW": 0,
}
"""ISO 4217 minor-unit digits of the currencies the platform can price in."""

_PRECISION = 60  # digits for intermediate Decimal arithmetic: far beyond any real amount


def minor_unit_exponent(currency: str) -> int:
    """Digits after the decimal point for `currency`; `ValueError` for an unknown currency."""
    try:
        return MINOR_UNIT_EXPONENT[currency]
    except KeyError:
        raise ValueError(f"unsupported currency {currency!r}") from None


def round_minor(value: Decimal) -> int:
    """Round an exact amount in minor units to a whole minor unit, half up (四舍五入).

    `Decimal("12.5")` → 13, `Decimal("12.49")` → 12. A negative or non-finite value is a bug in
    the caller and raises `ValueError`."""
    value = Decimal(value)
    if not value.is_finite():
        raise ValueError(f"cannot round a non-finite amount ({value})")
    if value < 0:
        raise ValueError(f"a computed amount cannot be negative ({value})")
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def to_minor(amount: Decimal, currency: str) -> int:
    """An amount in major units (yuan, dollars, yen) as whole minor units, rounded half up.

    `to_minor(Decimal("12.345"), "CNY")` → 1235; `to_minor(Decimal("99.5"), "JPY")` → 100."""
    exponent = minor_unit_exponent(currency)
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return round_minor(Decimal(amount).scaleb(exponent))


def format_money(amount_minor: int, currency: str) -> str:
    """`¥1,234.56` for CNY; `USD 1,234.56` (or `JPY 1,235`) for every other currency."""
    exponent = minor_unit_exponent(currency)
    sign = "-" if amount_minor < 0 else ""
    units, fraction = divmod(abs(amount_minor), 10**exponent)
    number = f"{units:,}" + (f".{fraction:0{exponent}d}" if exponent else "")
    if currency == "CNY":
        return f"{sign}¥{number}"
    return f"{sign}{currency} {number}"
