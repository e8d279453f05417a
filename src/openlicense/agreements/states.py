"""The states of an agreement, its schedule items and its recording task (plain enums, no I/O):
shared by the models, the schemas and the pure rules."""

from __future__ import annotations

from enum import StrEnum


class AgreementStatus(StrEnum):
    NOTIFIED = "notified"
    """Written notice given (rule 17); the amount due on acceptance is not yet paid."""
    PAID = "paid"
    """Acceptance amount confirmed; effective once the licence period starts."""
    EFFECTIVE = "effective"
    SUSPENDED = "suspended"
    """Payment or report overdue past the grace period: the licensee must stop using (rule 20)."""
    TERMINATED = "terminated"
    ENDED = "ended"
    """Licence period over, or the patent expired, lapsed or was invalidated (rule 24)."""


LIVE_STATUSES = (
    AgreementStatus.NOTIFIED,
    AgreementStatus.PAID,
    AgreementStatus.EFFECTIVE,
    AgreementStatus.SUSPENDED,
)


class EntryStatus(StrEnum):
    SCHEDULED = "scheduled"
    AWAITING_REPORT = "awaiting_report"
    PAID = "paid"
    CANCELLED = "cancelled"
    """A future obligation ended by rule 24 (expiry, lapse, invalidation) or termination."""


class RecordingStatus(StrEnum):
    OPEN = "open"
    FILED = "filed"
