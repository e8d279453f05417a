"""Plain enums of the needs library."""

from __future__ import annotations

from enum import StrEnum


class NeedVisibility(StrEnum):
    PUBLIC = "public"
    """Anyone may read it, signed in or not."""
    UNIVERSITIES = "universities"
    """Only universities (TTO officers), the platform and the authorities may read it."""


class NeedStatus(StrEnum):
    OPEN = "open"
    MET = "met"
    """Answered by a licence or a cooperation agreement (`met_by_*`)."""
    CLOSED = "closed"
    """Withdrawn by its enterprise."""


class CooperationForm(StrEnum):
    LICENCE = "licence"
    TRANSFER = "transfer"
    JOINT_DEVELOPMENT = "joint_development"
    CONSULTING = "consulting"


class MatchKind(StrEnum):
    PATENT = "patent"
    ACHIEVEMENT = "achievement"
    EXPERT = "expert"
