"""Zones, matchmaking events, their items, registrations and outcomes."""

from __future__ import annotations

import datetime
import uuid

from advanced_alchemy.base import UUIDv7AuditBase
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from openlicense.core.columns import str_enum
from openlicense.zones.states import ItemKind, OutcomeKind


class Zone(UUIDv7AuditBase):
    __tablename__ = "zones"

    curator_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    province: Mapped[str | None] = mapped_column(String(32), index=True)


class ZoneItem(UUIDv7AuditBase):
    __tablename__ = "zone_items"
    __table_args__ = (UniqueConstraint("zone_id", "event_id", "kind", "target_id"),)

    zone_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("zones.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("match_events.id", ondelete="CASCADE"), index=True
    )
    """An item is listed in a zone or shown at an event (exactly one of the two)."""
    kind: Mapped[ItemKind] = mapped_column(str_enum(ItemKind))
    target_id: Mapped[uuid.UUID]
    title: Mapped[str] = mapped_column(String(300))


class MatchEvent(UUIDv7AuditBase):
    __tablename__ = "match_events"

    organiser_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    zone_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("zones.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime.datetime] = mapped_column(index=True)
    place: Mapped[str | None] = mapped_column(String(200))
    link: Mapped[str | None] = mapped_column(String(500))
    province: Mapped[str | None] = mapped_column(String(32), index=True)


class EventRegistration(UUIDv7AuditBase):
    __tablename__ = "event_registrations"
    __table_args__ = (UniqueConstraint("event_id", "enterprise_id"),)

    event_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("match_events.id", ondelete="CASCADE"), index=True
    )
    enterprise_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    registered_by: Mapped[uuid.UUID]


class EventOutcome(UUIDv7AuditBase):
    __tablename__ = "event_outcomes"

    event_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("match_events.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[OutcomeKind] = mapped_column(str_enum(OutcomeKind))
    enterprise_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT")
    )
    reference_id: Mapped[uuid.UUID | None]
    """agreements.id for a licence, cooperation_agreements.id for an agreement."""
    note: Mapped[str | None] = mapped_column(String(500))
    recorded_by: Mapped[uuid.UUID]
