"""Input and output models of the talent library and consulting."""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from openlicense.experts.states import ConsultingStatus

Term = Annotated[str, Field(min_length=1, max_length=40)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ExpertCreate(_In):
    name: Annotated[str, Field(min_length=1, max_length=60)]
    title: Annotated[str | None, Field(max_length=60)] = None
    unit: Annotated[str | None, Field(max_length=120)] = None
    research_directions: Annotated[list[Term], Field(max_length=20)] = []
    fields: Annotated[list[Annotated[str, Field(max_length=40)]], Field(max_length=10)] = []
    keywords: Annotated[list[Term], Field(max_length=20)] = []
    bio: Annotated[str | None, Field(max_length=5_000)] = None
    is_mentor: bool = False


class ExpertRead(_Out):
    id: uuid.UUID
    organisation_id: uuid.UUID
    name: str
    title: str | None
    unit: str | None
    research_directions: list[str]
    fields: list[str]
    keywords: list[str]
    bio: str | None
    is_mentor: bool
    province: str | None


class ExpertWork(BaseModel):
    id: uuid.UUID
    title: str


class ExpertProfile(BaseModel):
    expert: ExpertRead
    patents: list[ExpertWork]
    """Patents of the expert's university naming the expert among the inventors."""
    achievements: list[ExpertWork]
    """Achievements of the expert's university naming the expert in the team."""


class ConsultingCreate(_In):
    topic: Annotated[str, Field(min_length=2, max_length=200)]
    description: Annotated[str, Field(min_length=10, max_length=5_000)]
    need_id: uuid.UUID | None = None


class ConsultingApproval(_In):
    unit_consent_ref: Annotated[str, Field(min_length=2, max_length=200)]
    """The professor's own unit's written agreement (reference of the document)."""
    note: Annotated[str | None, Field(max_length=2_000)] = None


class ConsultingDecline(_In):
    note: Annotated[str, Field(min_length=2, max_length=2_000)]


class SessionCreate(_In):
    held_on: datetime.date
    summary: Annotated[str, Field(min_length=5, max_length=10_000)]
    outcome: Annotated[str | None, Field(max_length=200)] = None


class SessionRead(_Out):
    id: uuid.UUID
    held_on: datetime.date
    summary: str
    outcome: str | None


class ConsultingRead(_Out):
    id: uuid.UUID
    expert_id: uuid.UUID
    university_id: uuid.UUID
    enterprise_id: uuid.UUID
    need_id: uuid.UUID | None
    topic: str
    description: str
    status: ConsultingStatus
    unit_consent_ref: str | None
    decided_at: datetime.datetime | None
    decision_note: str | None
    created_at: datetime.datetime
    sessions: list[SessionRead] = []
