"""Achievements (成果库)."""

from __future__ import annotations

import datetime
import uuid
from enum import StrEnum
from typing import Any

from advanced_alchemy.base import UUIDv7AuditBase
from advanced_alchemy.types import JsonB
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from openlicense.core.columns import str_enum


class AchievementKind(StrEnum):
    KNOW_HOW = "know_how"
    SOFTWARE = "software"
    PLANT_VARIETY = "plant_variety"
    PROTOTYPE = "prototype"
    OTHER = "other"


class Achievement(UUIDv7AuditBase):
    __tablename__ = "achievements"

    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    """The university that owns it."""
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    kind: Mapped[AchievementKind] = mapped_column(str_enum(AchievementKind))
    technology_field: Mapped[str | None] = mapped_column(String(40), index=True)
    ipc_codes: Mapped[list[str]] = mapped_column(JsonB, default=list)
    keywords: Mapped[list[str]] = mapped_column(JsonB, default=list)
    team: Mapped[list[str]] = mapped_column(JsonB, default=list)
    """Researchers' names, as on expert profiles (links an expert to its achievements)."""
    maturity: Mapped[int] = mapped_column()
    """Technology readiness level, 1–9."""
    fee_standard: Mapped[dict[str, Any] | None] = mapped_column(JsonB)
    """Offered on the same fee standards as open licences (pricing.fee_standards), or None
    (terms on request)."""
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    province: Mapped[str | None] = mapped_column(String(32), index=True)
    last_reviewed_at: Mapped[datetime.datetime] = mapped_column(index=True)
    withdrawn_at: Mapped[datetime.datetime | None]
