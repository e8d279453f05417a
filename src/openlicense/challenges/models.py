"""Challenges, applications, cooperation agreements and their milestones."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from advanced_alchemy.base import UUIDv7AuditBase
from advanced_alchemy.types import JsonB
from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from openlicense.challenges.states import (
    ApplicationKind,
    ApplicationStatus,
    ChallengeStatus,
    CooperationKind,
    MilestoneStatus,
)
from openlicense.core.columns import str_enum


class Challenge(UUIDv7AuditBase):
    __tablename__ = "challenges"

    need_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("needs.id", ondelete="RESTRICT"), index=True
    )
    publisher_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    """The enterprise (or, for a public challenge, the authority) that publishes it."""
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    title: Mapped[str] = mapped_column(String(200))
    goals: Mapped[str] = mapped_column(Text)
    acceptance_criteria: Mapped[str] = mapped_column(Text)
    budget_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    deadline: Mapped[datetime.date]
    technology_field: Mapped[str | None] = mapped_column(String(40))
    province: Mapped[str | None] = mapped_column(String(32), index=True)
    status: Mapped[ChallengeStatus] = mapped_column(
        str_enum(ChallengeStatus), default=ChallengeStatus.OPEN, index=True
    )
    selected_application_id: Mapped[uuid.UUID | None]


class ChallengeApplication(UUIDv7AuditBase):
    """A university team's answer (揭榜). Only the publisher and the applying university see it."""

    __tablename__ = "challenge_applications"
    __table_args__ = (UniqueConstraint("challenge_id", "university_id"),)

    challenge_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), index=True
    )
    university_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    submitted_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    kind: Mapped[ApplicationKind] = mapped_column(str_enum(ApplicationKind))
    proposal: Mapped[str] = mapped_column(Text)
    team: Mapped[list[dict[str, Any]]] = mapped_column(JsonB, default=list)
    """[{"name", "title", "role"}]; the leader first."""
    price_minor: Mapped[int | None] = mapped_column(BigInteger)
    declaration_id: Mapped[uuid.UUID | None]
    """For an open-licence answer: the published declaration it points to."""
    status: Mapped[ApplicationStatus] = mapped_column(
        str_enum(ApplicationStatus), default=ApplicationStatus.SUBMITTED
    )
    licence_agreement_id: Mapped[uuid.UUID | None]
    """The open licence made when an open-licence answer was accepted."""


class CooperationAgreement(UUIDv7AuditBase):
    """A sealed 产学研 cooperation agreement: snapshot and texts written once, sealed like an open
    licence (agreements.contract.seal_payload)."""

    __tablename__ = "cooperation_agreements"

    number: Mapped[str] = mapped_column(String(40), unique=True)
    challenge_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("challenges.id", ondelete="RESTRICT"), unique=True
    )
    application_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("challenge_applications.id", ondelete="RESTRICT")
    )
    enterprise_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    university_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    kind: Mapped[CooperationKind] = mapped_column(str_enum(CooperationKind))
    price_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    clause_set: Mapped[list[dict[str, Any]]] = mapped_column(JsonB)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JsonB)
    text_zh: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text)
    seal: Mapped[str] = mapped_column(String(64))
    sealed_at: Mapped[datetime.datetime]
    enterprise_signed_at: Mapped[datetime.datetime | None]
    """The publisher signs when it draws the agreement up."""
    university_signed_at: Mapped[datetime.datetime | None]
    """The selected team's university signs the same sealed text; milestones run from then."""
    completed_at: Mapped[datetime.datetime | None]


class Milestone(UUIDv7AuditBase):
    __tablename__ = "cooperation_milestones"
    __table_args__ = (UniqueConstraint("agreement_id", "position"),)

    agreement_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cooperation_agreements.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[datetime.date]
    amount_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[MilestoneStatus] = mapped_column(
        str_enum(MilestoneStatus), default=MilestoneStatus.OPEN
    )
    completed_at: Mapped[datetime.datetime | None]
    evidence: Mapped[str | None] = mapped_column(Text)
