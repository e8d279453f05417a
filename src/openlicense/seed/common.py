"""Small helpers of the demo data: stable ids, dates, weighted picks, person names."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table

import openlicense.seed.data as data


def _uid(key: str) -> uuid.UUID:
    return uuid.uuid5(data.NAMESPACE, key)


def _at(day: dt.date, seconds: int = 0) -> dt.datetime:
    """A moment on `day`, `seconds` after 09:00 Beijing time (01:00 UTC)."""
    return dt.datetime.combine(day, dt.time(1, 0), _UTC) + dt.timedelta(seconds=seconds)


def _between(rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    """A day in [lo, hi] (lo if the range is empty)."""
    span = (hi - lo).days
    return lo if span <= 0 else lo + dt.timedelta(days=rng.randint(0, span))


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _article(phrase: str) -> str:
    return "an" if phrase[:1].lower() in "aeiou" else "a"


def _cumulative(weights: Sequence[float]) -> list[float]:
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return out


_SURNAME_CUM = _cumulative([1 / (k + 4) for k in range(len(data.SURNAMES))])


def _pick(rng: random.Random, items: Sequence[Any], cum_weights: Sequence[float]) -> Any:
    """`rng.choices(items, cum_weights=...)[0]` without its per-call overhead (hot path)."""
    return items[bisect_right(cum_weights, rng.random() * cum_weights[-1], 0, len(items) - 1)]


def _person(rng: random.Random) -> str:
    surname: str = _pick(rng, data.SURNAMES, _SURNAME_CUM)
    given = "".join(rng.choice(data.GIVEN_CHARS) for _ in range(1 if rng.random() < 0.3 else 2))
    return surname + given


_SERIAL_SPACE = 2_000_000

_SERIAL_STEP = 1_048_573  # coprime with the space: i -> serial is a bijection

_SERIAL_OFFSET = 123_457

MAX_PATENTS = _SERIAL_SPACE
"""Each patent gets its own 7-digit serial number (0000000–1999999), so at most this many."""

_UTC = dt.UTC

_DAY = dt.timedelta(days=1)

_OFFICE_HOURS = 8 * 3600
"""Seconds in 01:00–09:00 UTC, i.e. 09:00–17:00 Beijing time."""


@dataclass(frozen=True, slots=True)
class _OrgRef:
    id: uuid.UUID
    name: str
    code: str
    """Short code used in document references (university slug, E01…)."""


@dataclass(frozen=True, slots=True)
class _UniRef:
    org: _OrgRef
    tto_user_id: uuid.UUID
    field_cum: list[float]


@dataclass(slots=True)
class _Bundle:
    patent: dict[str, Any]
    owners: list[dict[str, Any]]
    declaration: dict[str, Any] | None = None
    withdrawal: dict[str, Any] | None = None


def table_of(model: Any) -> Table:
    """A mapped class's table, for Core inserts (the demo data is inserted in bulk)."""
    table = model.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{model!r} is not mapped to a table")
    return table
