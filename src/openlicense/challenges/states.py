"""Plain enums of challenges."""

from __future__ import annotations

from enum import StrEnum


class ChallengeStatus(StrEnum):
    OPEN = "open"
    """Taking applications until the deadline."""
    SELECTED = "selected"
    """A team is selected; the cooperation agreement is next."""
    AGREED = "agreed"
    """The cooperation agreement is sealed; milestones run."""
    LICENSED = "licensed"
    """Met by an existing open licence, accepted in one step."""
    COMPLETED = "completed"
    """Every milestone is done."""
    CANCELLED = "cancelled"


class ApplicationKind(StrEnum):
    PROPOSAL = "proposal"
    """A team's proposal for new work (揭榜)."""
    OPEN_LICENCE = "open_licence"
    """A pointer to an existing open-licence declaration that already meets the need."""


class ApplicationStatus(StrEnum):
    SUBMITTED = "submitted"
    SHORTLISTED = "shortlisted"
    SELECTED = "selected"
    NOT_SELECTED = "not_selected"


class CooperationKind(StrEnum):
    COMMISSIONED = "commissioned"
    """委托开发 (Civil Code 851 ff.)."""
    JOINT = "joint"
    """合作开发."""


class MilestoneStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
