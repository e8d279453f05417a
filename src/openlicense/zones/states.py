"""Plain enums of zones and events."""

from __future__ import annotations

from enum import StrEnum


class ItemKind(StrEnum):
    PATENT = "patent"
    ACHIEVEMENT = "achievement"
    CHALLENGE = "challenge"


class OutcomeKind(StrEnum):
    INTRODUCTION = "introduction"
    LICENCE = "licence"
    AGREEMENT = "agreement"
