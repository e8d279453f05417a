"""Payments and refunds against schedule items, the Stripe webhook inbox and payment anomalies.

The invariant "an amount due is settled at most once" is held by two unique columns on
`payments`: `settled_entry_id` (at most one payment settles an item) and
`open_checkout_entry_id` (at most one Checkout Session per item can take money)."""

from __future__ import annotations

import datetime
import uuid
from enum import StrEnum
from typing import Any

from advanced_alchemy.base import UUIDv7AuditBase
from advanced_alchemy.types import JsonB
from sqlalchemy import BigInteger, ForeignKey, String, Text, UniqueConstraint, false
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
    settled_entry_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("schedule_entries.id"), unique=True
    )
    """The item this payment settled. Unique: a second settlement of an item is impossible."""
    open_checkout_entry_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("schedule_entries.id"), unique=True
    )
    """Set while this payment's Checkout Session may still take money (or is being created).
    Unique: at most one open checkout per item."""
    checkout_attempt: Mapped[int | None]
    """Which attempt at paying the item online this is; the Stripe idempotency key derives
    from it, so a retry of the same attempt can only ever return the same session."""
    overpayment: Mapped[bool] = mapped_column(default=False, server_default=false())
    """Money that arrived for an item already settled: never applied, refunded automatically."""


class Refund(UUIDv7AuditBase):
    __tablename__ = "refunds"
    __table_args__ = (UniqueConstraint("payment_id", "idempotency_key"),)

    payment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("payments.id"), index=True)
    agreement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agreements.id"), index=True)
    entry_key: Mapped[str] = mapped_column(String(40))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str] = mapped_column(String(300))
    stripe_refund_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    status: Mapped[str] = mapped_column(String(24))
    """`requested` until Stripe answers (the amount is reserved), then Stripe's status
    (`succeeded`, `pending`, …), or `rejected` when Stripe refused it."""
    requested_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    idempotency_key: Mapped[str | None] = mapped_column(String(128))
    """The client's `Idempotency-Key` (or `overpayment` for the automatic refund): one refund
    per key and payment."""
    stripe_idempotency_key: Mapped[str | None] = mapped_column(String(255))
    """Sent to Stripe on every attempt, so resending a requested refund cannot refund twice."""


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


class PaymentAnomaly(UUIDv7AuditBase):
    """Something Stripe reported that does not match what is due (amount, currency, agreement,
    item), an unreadable event, money for an item already settled, a refused refund: stored for
    the admin, never applied."""

    __tablename__ = "payment_anomalies"

    kind: Mapped[str] = mapped_column(String(40), index=True)
    agreement_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("agreements.id"), index=True)
    payment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("payments.id"))
    stripe_event_id: Mapped[str | None] = mapped_column(String(255))
    dedupe_key: Mapped[str] = mapped_column(String(255), unique=True)
    """The same finding seen again (a redelivered event, the next reconcile run) is stored once."""
    detail: Mapped[dict[str, Any]] = mapped_column(JsonB)
