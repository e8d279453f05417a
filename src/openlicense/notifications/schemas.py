"""Pydantic in/out models for the inbox and the email preferences."""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class NotificationRead(BaseModel):
    id: uuid.UUID
    kind: str
    subject_type: str
    subject_id: str
    title: str
    body: str
    """In the language asked for (`?lang=zh|en`)."""
    read_at: datetime.datetime | None
    created_at: datetime.datetime


class InboxPage(BaseModel):
    unread: int
    items: list[NotificationRead]


class UnreadCount(BaseModel):
    unread: int


class MarkRead(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ids: Annotated[list[uuid.UUID] | None, Field(max_length=500)] = None
    """Which to mark read; none = all of the caller's notifications."""


class EmailPreferenceRead(BaseModel):
    kind: str
    email: bool
    title: str
    """The kind's name in the language asked for."""


class EmailPreferenceUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Annotated[str, Field(max_length=60)]
    email: bool
