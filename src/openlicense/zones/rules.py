"""Pure rules of zones and events."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable

from openlicense.zones.states import OutcomeKind


def registration_open(starts_at: datetime.datetime, now: datetime.datetime) -> bool:
    """Enterprises register until the event starts."""
    return now < starts_at


def outcome_counts(kinds: Iterable[OutcomeKind]) -> dict[str, int]:
    """Introductions, licences and agreements made at an event (zero counts included)."""
    counts = Counter(k.value for k in kinds)
    return {k.value: counts.get(k.value, 0) for k in OutcomeKind}
