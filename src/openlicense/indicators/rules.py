"""Pure rules of the indicators: reporting periods, and the per-university threshold."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

SERVED_THRESHOLD = 10
"""每所高校服务10家及以上企业: each university serves at least ten enterprises."""

_PERIOD = re.compile(r"^(?P<year>\d{4})(?:-(?P<part>H[12]|Q[1-4]))?$")


@dataclass(frozen=True, slots=True)
class Period:
    label: str
    start: datetime.date
    end: datetime.date
    """Inclusive."""


def parse_period(text: str) -> Period | None:
    """ "2026" (year), "2026-H1"/"2026-H2" (half year), "2026-Q1".."2026-Q4" (quarter)."""
    m = _PERIOD.match(text.strip())
    if m is None:
        return None
    year, part = int(m["year"]), m["part"]
    if not 2000 <= year <= 2100:
        return None
    if part is None:
        first, months = 1, 12
    elif part[0] == "H":
        first, months = (1 if part == "H1" else 7), 6
    else:
        first, months = 3 * (int(part[1]) - 1) + 1, 3
    start = datetime.date(year, first, 1)
    last_month = first + months - 1
    end = (
        datetime.date(year + 1, 1, 1)
        if last_month == 12
        else datetime.date(year, last_month + 1, 1)
    ) - datetime.timedelta(days=1)
    return Period(text.strip(), start, end)


def current_half(today: datetime.date) -> str:
    return f"{today.year}-H{1 if today.month <= 6 else 2}"


def meets_threshold(enterprises: int) -> bool:
    return enterprises >= SERVED_THRESHOLD
