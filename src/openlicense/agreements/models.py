"""Licence agreements, their payment schedule, royalty reports, recording tasks and history.

An agreement's sealed content (snapshot, texts, seal) is written once and never updated;
later changes are events and amendments that reference it."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Any

from advanced_alchemy.base import UUIDv7AuditBase
from advanced_alchemy.types import JsonB
from sqlalchemy import BigInteger, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from openlicense.agreements.sealed import Snapshot
from openlicense.agreements.states import (
    LIVE_STATUSES as LIVE_STATUSES,
    AgreementStatus as AgreementStatus,
    EntryStatus as EntryStatus,
    RecordingStatus as RecordingStatus,
)
from openlicense.core.columns import str_enum


class Agreement(UUIDv7AuditBase):
    __tablename__ = "agreements"
    __table_args__ = (
        UniqueConstraint("licensee_organisation_id", "idempotency_key"),
        # One live open licence per patent per enterprise: concurrent accepts create one.
        Index(
            "uq_agreements_live_licence",
            "patent_id",
            "licensee_organisation_id",
            unique=True,
            sqlite_where=text("status IN ('notified','paid','effective','suspended')"),
            postgresql_where=text("status IN ('notified','paid','effective','suspended')"),
        ),
        # Keyset lists, newest notice first: each party's, everyone's, by status.
        Index("ix_agreements_licensor_notified", "licensor_organisation_id", "notified_at", "id"),
        Index("ix_agreements_licensee_notified", "licensee_organisation_id", "notified_at", "id"),
        Index("ix_agreements_notified", "notified_at", "id"),
        Index("ix_agreements_status_notified", "status", "notified_at", "id"),
    )

    number: Mapped[str] = mapped_column(String(24), unique=True)
    declaration_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("declarations.id"), index=True)
    patent_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patents.id"), index=True)
    licensor_organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    licensee_organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    accepted_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    idempotency_key: Mapped[str] = mapped_column(String(128))
    status: Mapped[AgreementStatus] = mapped_column(str_enum(AgreementStatus))
    notified_at: Mapped[datetime.datetime]
    paid_at: Mapped[datetime.datetime | None]
    effective_on: Mapped[datetime.date | None]
    ended_on: Mapped[datetime.date | None]
    status_reason: Mapped[str | None] = mapped_column(String(200))
    licence_start: Mapped[datetime.date]
    licence_end: Mapped[datetime.date]
    currency: Mapped[str] = mapped_column(String(3))
    fee_type: Mapped[str] = mapped_column(String(32), index=True)
    has_trial: Mapped[bool] = mapped_column(default=False)
    """Try-before-pay: the first stage is free (for conversion statistics)."""
    notice_ip: Mapped[str | None] = mapped_column(String(64))
    notice_user_agent: Mapped[str | None] = mapped_column(String(400))
    snapshot: Mapped[Snapshot] = mapped_column(JsonB)
    """Frozen terms, clause versions, parties, patent, schedule: sealed, never updated."""
    text_zh: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text)
    seal: Mapped[str] = mapped_column(String(64))
    """SHA-256 over the canonical snapshot and both texts (agreements/contract.py)."""
    seal_version: Mapped[int] = mapped_column(default=1)
    fairness_review_required: Mapped[bool] = mapped_column(default=False)
    """Rule 24 / PL 47: the patent was invalidated; fees paid are reviewed, not refunded."""

    entries: Mapped[list[ScheduleEntry]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="ScheduleEntry.due_date"
    )
    recording: Mapped[RecordingTask | None] = relationship(lazy="raise", uselist=False)
    events: Mapped[list[AgreementEvent]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="AgreementEvent.created_at"
    )


class ScheduleEntry(UUIDv7AuditBase):
    """One amount of the agreement's payment schedule (pricing.schedule.ScheduleItem), with
    its payment state. Royalty entries get their amount when the report comes in."""

    __tablename__ = "schedule_entries"
    __table_args__ = (UniqueConstraint("agreement_id", "key"),)

    agreement_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(24))
    due_date: Mapped[datetime.date] = mapped_column(index=True)
    amount_minor: Mapped[int | None] = mapped_column(BigInteger)
    stage_index: Mapped[int | None]
    period_start: Mapped[datetime.date | None]
    period_end: Mapped[datetime.date | None]
    rate: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    base: Mapped[str | None] = mapped_column(String(24))
    description: Mapped[str] = mapped_column(String(300))
    status: Mapped[EntryStatus] = mapped_column(str_enum(EntryStatus), index=True)
    paid_minor: Mapped[int | None] = mapped_column(BigInteger)
    paid_on: Mapped[datetime.date | None]
    payment_reference: Mapped[str | None] = mapped_column(String(120))
    refunded_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    """Refunds recorded against this item (e.g. after a fairness review, PL 47)."""
    confirmed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))


class RoyaltyReport(UUIDv7AuditBase):
    __tablename__ = "royalty_reports"
    __table_args__ = (UniqueConstraint("agreement_id", "entry_key"),)

    agreement_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), index=True
    )
    entry_key: Mapped[str] = mapped_column(String(40))
    period_start: Mapped[datetime.date]
    period_end: Mapped[datetime.date]
    base_amount: Mapped[Decimal] = mapped_column(Numeric(20, 4))
    """Net sales / profit / new output value in minor units, or a count of units."""
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    submitted_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))


class RecordingTask(UUIDv7AuditBase):
    """备案 (IR 87, 15(2); rule 21): due 3 months after the agreement takes effect."""

    __tablename__ = "recording_tasks"

    agreement_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), unique=True
    )
    due_date: Mapped[datetime.date] = mapped_column(index=True)
    status: Mapped[RecordingStatus] = mapped_column(str_enum(RecordingStatus), index=True)
    filed_on: Mapped[datetime.date | None]
    cnipa_reference: Mapped[str | None] = mapped_column(String(64))
    filed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    filed_by_party: Mapped[str | None] = mapped_column(String(16))


class AgreementEvent(UUIDv7AuditBase):
    """Append-only history: state changes, stage starts, overdue notices, amendments.
    `key` makes time-driven events idempotent: the worker can run twice safely."""

    __tablename__ = "agreement_events"
    __table_args__ = (UniqueConstraint("agreement_id", "key"),)

    agreement_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    occurred_on: Mapped[datetime.date]
    detail: Mapped[dict[str, Any]] = mapped_column(JsonB, default=dict)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))


class AgreementDispute(UUIDv7AuditBase):
    """A dispute about an open licence (PL 52, rule 28): the parties negotiate first; either may
    then ask CNIPA (or a local IP office) to **mediate**, or go to the People's Court. CNIPA
    mediates; it never sets the fee."""

    __tablename__ = "agreement_disputes"

    agreement_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), index=True
    )
    stage: Mapped[str] = mapped_column(String(24))
    """`negotiation` → `mediation_requested` → `court`, or `resolved` from any of them."""
    subject: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text)
    opened_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    history: Mapped[list[dict[str, Any]]] = mapped_column(JsonB, default=list)
    """One entry per step: {stage, on, by, note}."""


class InventorRewardRule(UUIDv7AuditBase):
    """A university's own inventor-reward rule (PTSTA 45): without one, the statutory minimum
    of 50 % of net licence income applies (rule 32)."""

    __tablename__ = "inventor_reward_rules"

    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), unique=True
    )
    share: Mapped[Decimal] = mapped_column(Numeric(5, 4))
    reference: Mapped[str] = mapped_column(String(200))
    recorded_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
