"""Listings that change with the calendar: the dates a document carries, and its status on a day.

A document is built on one day, but stays in the index for many. Whatever the calendar alone
changes is stored as a date and evaluated against today's date *at query time*, so a listing
leaves the public results on the right day even if no job has refreshed it:

- `patent_ends_ts`: the first day the patent is not in force — its expiry date (a patent
  expiring on 2031-04-30 is closed that day, not the day after) or, with the annual fee unpaid,
  the day after the six-month late-payment period (滞纳期) ends;
- `withdrawn_ts`: the effective (announcement) date of the declaration's withdrawal;
- `offer_ends_ts`: the day after the declared licence period ends.

All three are days since 1970-01-01. `effective_status` is the order of precedence the
catalogue's `build_document` uses: the patent's end beats a withdrawal, which beats the end of
the period.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from openlicense.core.dates import add_months

__all__ = [
    "LATE_PAYMENT_MONTHS",
    "CalendarDates",
    "day_number",
    "effective_status",
]

_EPOCH = datetime.date(1970, 1, 1)

LATE_PAYMENT_MONTHS = 6
"""IR 115: an annual fee may be paid late within six months of its due date; a patent whose fee
is still unpaid then lapses."""

STATUSES = ("open", "none", "withdrawn", "closed")


def day_number(day: datetime.date) -> int:
    return (day - _EPOCH).days


@dataclass(frozen=True, slots=True)
class CalendarDates:
    patent_ends_ts: int | None
    withdrawn_ts: int | None
    offer_ends_ts: int | None


def lapse_day(annual_fee_paid_through: datetime.date | None) -> datetime.date | None:
    """The first day a patent whose fees are paid through `annual_fee_paid_through` has lapsed
    unless the next fee is paid: the next fee is due the day after, and may be paid late for
    six months."""
    if annual_fee_paid_through is None:
        return None
    due = annual_fee_paid_through + datetime.timedelta(days=1)
    return add_months(due, LATE_PAYMENT_MONTHS)


def effective_status(stored: str, doc: Any, today: datetime.date) -> str:
    """The licence status of a document (`stored` as built, its calendar dates) on `today`."""
    day = day_number(today)

    def reached(value: int | None) -> bool:
        return value is not None and value <= day

    if reached(doc.patent_ends_ts) or stored == "closed":
        return "closed"
    if stored == "withdrawn" or reached(doc.withdrawn_ts):
        return "withdrawn"
    if stored == "open" and reached(doc.offer_ends_ts):
        return "closed"
    return stored
