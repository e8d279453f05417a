"""Inbox rows, email preferences, the mail outbox and the reminder keys."""

from __future__ import annotations

import datetime
import uuid
from enum import StrEnum
from typing import Any

from advanced_alchemy.base import UUIDv7AuditBase
from advanced_alchemy.types import JsonB
from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from openlicense.core.columns import str_enum


class Notification(UUIDv7AuditBase):
    """One message in one user's inbox. The text is not stored: it is rendered from `kind` and
    `data` in the reader's language (`texts.py`), so every message exists in zh and en."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(60), index=True)
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JsonB, default=dict)
    read_at: Mapped[datetime.datetime | None]


class EmailPreference(UUIDv7AuditBase):
    """A user's choice for one kind: mailed or inbox only. No row = the kind's default."""

    __tablename__ = "email_preferences"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(60))
    email: Mapped[bool]


class MailState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    """Gave up after `mail.max_attempts`."""


class OutgoingMail(UUIDv7AuditBase):
    """The mail outbox: queued in the transaction that decided to write, sent by the mail job.
    A sender claims a row by a conditional UPDATE (pending → sending), so two workers never send
    the same row."""

    __tablename__ = "outgoing_mail"

    to_address: Mapped[str] = mapped_column(String(254))
    kind: Mapped[str] = mapped_column(String(60))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[MailState] = mapped_column(str_enum(MailState), index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    claimed_at: Mapped[datetime.datetime | None]
    sent_at: Mapped[datetime.datetime | None]


class ReminderKey(UUIDv7AuditBase):
    """One reminder that has been sent: unique per (kind, subject, due date), inserted with
    ON CONFLICT DO NOTHING before the reminder is written, so however many workers run the
    reminder pass at once, each reminder goes out exactly once."""

    __tablename__ = "reminder_keys"
    __table_args__ = (UniqueConstraint("kind", "subject_id", "due_date"),)

    kind: Mapped[str] = mapped_column(String(60))
    subject_id: Mapped[str] = mapped_column(String(64))
    due_date: Mapped[datetime.date]
