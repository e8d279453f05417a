"""Payments and refunds against schedule items, and the Stripe webhook inbox."""

from __future__ import annotations

import datetime
import uuid
from enum import StrEnum
from typing import Any

from advanced_alchemy.base import UUIDv7AuditBase
from advanced_alchemy.types import JsonB
from sqlalchemy import BigInteger, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from openlicense.core.columns import str_enum
from openlicense.payments.gateway import PaymentState


class PaymentMethod(StrEnum):
    STRIPE = "stripe"
    OFFLINE = "offline"


class Payment(UUIDv7AuditBase):
    __tablename__ = "payments"

    agreement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agreements.id"), index=True)
    entry_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("schedule_entries.id"), index=True)
    entry_key: Mapped[str] = mapped_column(String(40))
    method: Mapped[PaymentMethod] = mapped_column(str_enum(PaymentMethod))
    status: Mapped[PaymentState] = mapped_column(str_enum(PaymentState), index=True)
    """Moves only forward (gateway.combine_states), whatever order Stripe's events arrive in."""
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    refunded_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    reference: Mapped[str | None] = mapped_column(String(120))
    """Offline: the bank reference the licensor confirmed."""
    stripe_checkout_session_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    stripe_payment_intent_id: Mapped[str | None] = mapped_column(String(255), index=True)
    checkout_url: Mapped[str | None] = mapped_column(Text)
    expires_at: Mapped[datetime.datetime | None]
    succeeded_at: Mapped[datetime.datetime | None]
    failure_reason: Mapped[str | None] = mapped_column(String(300))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))


class Refund(UUIDv7AuditBase):
    __tablename__ = "refunds"

    payment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("payments.id"), index=True)
    agreement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agreements.id"), index=True)
    entry_key: Mapped[str] = mapped_column(String(40))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str] = mapped_column(String(300))
    stripe_refund_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    status: Mapped[str] = mapped_column(String(24))
    requested_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))


class StripeEvent(UUIDv7AuditBase):
    """The webhook inbox: each Stripe event stored once under its id and applied in the same
    transaction, so duplicates and replays change nothing."""

    __tablename__ = "stripe_events"

    stripe_event_id: Mapped[str] = mapped_column(String(255), unique=True)
    type: Mapped[str] = mapped_column(String(80), index=True)
    stripe_created: Mapped[int] = mapped_column(BigInteger)
    payload: Mapped[dict[str, Any]] = mapped_column(JsonB)
    outcome: Mapped[str] = mapped_column(String(40))
    """What applying it did: applied, no_change, unknown_payment, …"""
