"""Input and output models of zones and events."""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from openlicense.zones.states import ItemKind, OutcomeKind


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ZoneCreate(_In):
    title: Annotated[str, Field(min_length=2, max_length=120)]
    description: Annotated[str, Field(max_length=5_000)] = ""
    province: Annotated[str | None, Field(max_length=32)] = None


class ItemAdd(_In):
    kind: ItemKind
    target_id: uuid.UUID


class ItemRead(_Out):
    kind: ItemKind
    target_id: uuid.UUID
    title: str


class ZoneRead(_Out):
    id: uuid.UUID
    curator_id: uuid.UUID
    title: str
    description: str
    province: str | None
    created_at: datetime.datetime
    items: list[ItemRead] = []


class EventCreate(_In):
    title: Annotated[str, Field(min_length=2, max_length=120)]
    description: Annotated[str, Field(max_length=5_000)] = ""
    starts_at: datetime.datetime
    place: Annotated[str | None, Field(max_length=200)] = None
    link: Annotated[str | None, Field(max_length=500, pattern=r"^https?://")] = None
    zone_id: uuid.UUID | None = None
    province: Annotated[str | None, Field(max_length=32)] = None


class OutcomeCreate(_In):
    kind: OutcomeKind
    enterprise_id: uuid.UUID | None = None
    reference_id: uuid.UUID | None = None
    """The licence (agreements.id) or the cooperation agreement it led to."""
    note: Annotated[str | None, Field(max_length=500)] = None


class EventRead(_Out):
    id: uuid.UUID
    organiser_id: uuid.UUID
    zone_id: uuid.UUID | None
    title: str
    description: str
    starts_at: datetime.datetime
    place: str | None
    link: str | None
    province: str | None
    items: list[ItemRead] = []
    registrations: int = 0
    outcomes: dict[str, int] = {}
    """Introductions, licences and agreements counted for this event."""
    registered: bool | None = None
    """Whether the reader's enterprise is registered."""
