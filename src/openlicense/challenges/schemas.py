"""Input and output models of challenges."""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from openlicense.challenges.states import (
    ApplicationKind,
    ApplicationStatus,
    ChallengeStatus,
    CooperationKind,
    MilestoneStatus,
)

Money = Annotated[int, Field(ge=0, le=10**14)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ChallengeCreate(_In):
    need_id: uuid.UUID | None = None
    """The need it is published from (an enterprise's own); None for an authority's public
    challenge."""
    title: Annotated[str | None, Field(min_length=4, max_length=200)] = None
    """Defaults to the need's title."""
    goals: Annotated[str, Field(min_length=10, max_length=10_000)]
    acceptance_criteria: Annotated[str, Field(min_length=5, max_length=10_000)]
    budget_minor: Money
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = "CNY"
    deadline: datetime.date
    technology_field: Annotated[str | None, Field(max_length=40)] = None


class ChallengeRead(_Out):
    id: uuid.UUID
    need_id: uuid.UUID | None
    publisher_id: uuid.UUID
    title: str
    goals: str
    acceptance_criteria: str
    budget_minor: int
    currency: str
    deadline: datetime.date
    technology_field: str | None
    province: str | None
    status: ChallengeStatus
    selected_application_id: uuid.UUID | None
    created_at: datetime.datetime


class TeamMember(_In):
    name: Annotated[str, Field(min_length=1, max_length=60)]
    title: Annotated[str | None, Field(max_length=60)] = None
    role: Annotated[str | None, Field(max_length=60)] = None


class ApplicationCreate(_In):
    kind: ApplicationKind = ApplicationKind.PROPOSAL
    proposal: Annotated[str, Field(min_length=10, max_length=20_000)]
    team: Annotated[list[TeamMember], Field(max_length=50)] = []
    price_minor: Money | None = None
    declaration_id: uuid.UUID | None = None
    """Required for an open-licence answer: the published declaration that meets the need."""


class ApplicationRead(_Out):
    id: uuid.UUID
    challenge_id: uuid.UUID
    university_id: uuid.UUID
    kind: ApplicationKind
    proposal: str
    team: list[dict[str, Any]]
    price_minor: int | None
    declaration_id: uuid.UUID | None
    status: ApplicationStatus
    licence_agreement_id: uuid.UUID | None
    created_at: datetime.datetime


class MilestoneIn(_In):
    title: Annotated[str, Field(min_length=2, max_length=200)]
    due_on: datetime.date
    amount_minor: Money = 0


class CooperationCreate(_In):
    kind: CooperationKind
    price_minor: Money
    clauses: dict[Annotated[str, Field(max_length=60)], Annotated[str, Field(max_length=60)]] = {}
    """Guideline clause choices (key → option) from the clause library; unchosen keys take their
    defaults; `ownership.scenario` defaults by kind (Civil Code 859, 860)."""
    milestones: Annotated[list[MilestoneIn], Field(min_length=1, max_length=20)]


class MilestoneRead(_Out):
    position: int
    title: str
    due_on: datetime.date
    amount_minor: int
    status: MilestoneStatus
    completed_at: datetime.datetime | None
    evidence: str | None


class CooperationRead(_Out):
    id: uuid.UUID
    number: str
    challenge_id: uuid.UUID
    application_id: uuid.UUID
    enterprise_id: uuid.UUID
    university_id: uuid.UUID
    kind: CooperationKind
    price_minor: int
    currency: str
    clause_set: list[dict[str, Any]]
    seal: str
    sealed_at: datetime.datetime
    enterprise_signed_at: datetime.datetime | None
    university_signed_at: datetime.datetime | None
    completed_at: datetime.datetime | None
    milestones: list[MilestoneRead] = []
    seal_valid: bool | None = None


class MilestoneDone(_In):
    evidence: Annotated[str, Field(min_length=2, max_length=5_000)]
