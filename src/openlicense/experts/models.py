"""Experts, consulting requests and consulting sessions."""

from __future__ import annotations

import datetime
import uuid

from advanced_alchemy.base import UUIDv7AuditBase
from advanced_alchemy.types import JsonB
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from openlicense.core.columns import str_enum
from openlicense.experts.states import ConsultingStatus


class Expert(UUIDv7AuditBase):
    __tablename__ = "experts"

    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(60))
    title: Mapped[str | None] = mapped_column(String(60))
    """Academic title (教授, 研究员 …)."""
    unit: Mapped[str | None] = mapped_column(String(120))
    """The professor's own unit (school, institute): it must agree to consulting."""
    research_directions: Mapped[list[str]] = mapped_column(JsonB, default=list)
    fields: Mapped[list[str]] = mapped_column(JsonB, default=list)
    """Technology fields they can cooperate in (catalogue field keys)."""
    keywords: Mapped[list[str]] = mapped_column(JsonB, default=list)
    bio: Mapped[str | None] = mapped_column(Text)
    is_mentor: Mapped[bool] = mapped_column(default=False)
    """Serves SMEs as a technical mentor (one-to-one consulting)."""
    province: Mapped[str | None] = mapped_column(String(32), index=True)


class ConsultingRequest(UUIDv7AuditBase):
    __tablename__ = "consulting_requests"

    expert_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("experts.id", ondelete="RESTRICT"), index=True
    )
    university_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    enterprise_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    requested_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    need_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("needs.id", ondelete="SET NULL"))
    topic: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[ConsultingStatus] = mapped_column(
        str_enum(ConsultingStatus), default=ConsultingStatus.REQUESTED, index=True
    )
    unit_consent_ref: Mapped[str | None] = mapped_column(String(200))
    """The unit's written agreement, recorded by the TTO on approval."""
    decided_by: Mapped[uuid.UUID | None]
    decided_at: Mapped[datetime.datetime | None]
    decision_note: Mapped[str | None] = mapped_column(Text)


class ConsultingSession(UUIDv7AuditBase):
    __tablename__ = "consulting_sessions"

    request_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("consulting_requests.id", ondelete="CASCADE"), index=True
    )
    held_on: Mapped[datetime.date]
    summary: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(200))
    recorded_by: Mapped[uuid.UUID]
