"""Pure rules of the achievements library: the half-year review."""

from __future__ import annotations

import datetime

REVIEW_EVERY = datetime.timedelta(days=182)
"""Each entry is reviewed every half year (千校万企: libraries kept current each half year)."""


def review_due_at(last_reviewed_at: datetime.datetime) -> datetime.datetime:
    return last_reviewed_at + REVIEW_EVERY


def review_due(last_reviewed_at: datetime.datetime, now: datetime.datetime) -> bool:
    return now >= review_due_at(last_reviewed_at)
