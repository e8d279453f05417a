"""Calendar arithmetic shared by the rules, pricing and the lifecycle. Pure."""

from __future__ import annotations

import calendar
from datetime import date


def add_months(d: date, n: int) -> date:
    """`d` moved by `n` calendar months, the day clamped to the month end (Jan 31 + 1 → Feb 28)."""
    index = d.year * 12 + d.month - 1 + n
    year, month = divmod(index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(d.day, last_day))


def months_between(start: date, end: date) -> int:
    """Whole calendar months from `start` to `end`: the largest n with add_months(start, n) <= end.
    Negative when `end` is before `start`."""
    if end < start:
        return -months_between(end, start)
    n = (end.year - start.year) * 12 + end.month - start.month
    return n - 1 if add_months(start, n) > end else n
