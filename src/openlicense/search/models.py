"""The search outbox: every change that affects a listing, written in the same transaction."""

from __future__ import annotations

import datetime
import uuid

from advanced_alchemy.base import UUIDv7AuditBase
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column


class SearchOutbox(UUIDv7AuditBase):
    """One pending index update for a patent. The drainer rebuilds the patent's document from
    the database at drain time, so several rows for one patent collapse into one write."""

    __tablename__ = "search_outbox"
    __table_args__ = (Index("ix_search_outbox_pending", "failed_at", "next_attempt_at"),)

    patent_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("patents.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(String(40))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime.datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    failed_at: Mapped[datetime.datetime | None]
    """Set after `outbox_max_attempts` failures: parked until retried by hand."""
