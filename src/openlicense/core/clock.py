"""The clock, injected so tests (and the lifecycle worker) can move time. Always UTC."""

from __future__ import annotations

import datetime
from typing import Protocol, runtime_checkable


@runtime_checkable
class Clock(Protocol):
    def now(self) -> datetime.datetime: ...

    def today(self) -> datetime.date: ...


class SystemClock:
    def now(self) -> datetime.datetime:
        return datetime.datetime.now(datetime.UTC)

    def today(self) -> datetime.date:
        return self.now().date()


class FixedClock:
    """A clock that stays where it is put; `advance` moves it."""

    def __init__(self, at: datetime.datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")
        self._at = at.astimezone(datetime.UTC)

    def now(self) -> datetime.datetime:
        return self._at

    def today(self) -> datetime.date:
        return self._at.date()

    def set(self, at: datetime.datetime) -> None:
        self._at = at.astimezone(datetime.UTC)

    def advance(self, **delta: float) -> None:
        self._at += datetime.timedelta(**delta)
