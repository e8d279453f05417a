"""Named refusals of the achievements library."""

from __future__ import annotations

from openlicense.core.errors import Forbidden, NotFound


class AchievementNotFound(NotFound):
    code = "achievement_not_found"


class NotAchievementOwner(Forbidden):
    code = "not_achievement_owner"


class UniversitiesOnly(Forbidden):
    code = "universities_only"
