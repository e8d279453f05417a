"""Plain enums of consulting."""

from __future__ import annotations

from enum import StrEnum


class ConsultingStatus(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    DECLINED = "declined"
    COMPLETED = "completed"
