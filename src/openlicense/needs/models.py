"""Needs, their matches, and when each organisation last looked at its matches."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from advanced_alchemy.base import UUIDv7AuditBase
from advanced_alchemy.types import JsonB
from sqlalchemy import BigInteger, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from openlicense.core.columns import str_enum
from openlicense.needs.states import MatchKind, NeedStatus, NeedVisibility


class Need(UUIDv7AuditBase):
    __tablename__ = "needs"

    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    """The enterprise that posted it."""
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    technology_field: Mapped[str | None] = mapped_column(String(40), index=True)
    ipc_hints: Mapped[list[str]] = mapped_column(JsonB, default=list)
    keywords: Mapped[list[str]] = mapped_column(JsonB, default=list)
    budget_min_minor: Mapped[int | None] = mapped_column(BigInteger)
    budget_max_minor: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    cooperation_forms: Mapped[list[str]] = mapped_column(JsonB, default=list)
    deadline: Mapped[datetime.date | None]
    visibility: Mapped[NeedVisibility] = mapped_column(str_enum(NeedVisibility), index=True)
    status: Mapped[NeedStatus] = mapped_column(
        str_enum(NeedStatus), default=NeedStatus.OPEN, index=True
    )
    province: Mapped[str | None] = mapped_column(String(32), index=True)
    """The enterprise's province when posted (authorities read their province's needs)."""
    last_confirmed_at: Mapped[datetime.datetime] = mapped_column(index=True)
    """Posting counts as confirming; the owner confirms again every half year."""
    owner_seen_matches_at: Mapped[datetime.datetime | None]
    """When the enterprise last listed this need's matches ("new since your last visit")."""
    met_at: Mapped[datetime.datetime | None]
    met_by_agreement_id: Mapped[uuid.UUID | None]
    """The open licence (agreements.id) that met it, when a licence did."""
    met_by_cooperation_id: Mapped[uuid.UUID | None]
    """The cooperation agreement (challenges) that met it, when a challenge did."""


class NeedMatch(UUIDv7AuditBase):
    """One thing the matcher found for a need, kept so that new matches can be told apart."""

    __tablename__ = "need_matches"
    __table_args__ = (UniqueConstraint("need_id", "kind", "target_id"),)

    need_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("needs.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[MatchKind] = mapped_column(str_enum(MatchKind))
    target_id: Mapped[uuid.UUID]
    """patents.id, achievements.id or experts.id."""
    declaration_id: Mapped[uuid.UUID | None]
    """For a patent: the open-licence declaration it was listed under when matched."""
    university_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JsonB, default=list)
    first_seen_at: Mapped[datetime.datetime] = mapped_column(index=True)
    last_seen_at: Mapped[datetime.datetime]


class MatchVisit(UUIDv7AuditBase):
    """When a university last listed the needs its results matched."""

    __tablename__ = "need_match_visits"

    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), unique=True
    )
    seen_at: Mapped[datetime.datetime]
