"""The auditors' access log: every read of the audit API, who and when."""

from __future__ import annotations

import uuid

from advanced_alchemy.base import UUIDv7AuditBase
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column


class AuditAccess(UUIDv7AuditBase):
    """Every auditor read: who, what, when (visible to platform admins)."""

    __tablename__ = "audit_access_log"

    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), index=True)
    via_api_key: Mapped[bool] = mapped_column(default=False)
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(300))
    query: Mapped[str | None] = mapped_column(Text)
    status_code: Mapped[int]
