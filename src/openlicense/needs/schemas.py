"""Input and output models of the needs library."""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from openlicense.core.patch import NotNull, PatchModel
from openlicense.needs.states import CooperationForm, MatchKind, NeedStatus, NeedVisibility

Term = Annotated[str, Field(min_length=1, max_length=40)]
IpcHint = Annotated[str, Field(min_length=1, max_length=20, pattern=r"^[A-Ha-h][0-9A-Za-z /]*$")]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NeedCreate(_In):
    title: Annotated[str, Field(min_length=4, max_length=200)]
    description: Annotated[str, Field(min_length=10, max_length=10_000)]
    technology_field: Annotated[str | None, Field(max_length=40)] = None
    ipc_hints: Annotated[list[IpcHint], Field(max_length=10)] = []
    keywords: Annotated[list[Term], Field(max_length=20)] = []
    budget_min_minor: Annotated[int | None, Field(ge=0, le=10**14)] = None
    budget_max_minor: Annotated[int | None, Field(ge=0, le=10**14)] = None
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = "CNY"
    cooperation_forms: Annotated[list[CooperationForm], Field(min_length=1, max_length=4)] = [
        CooperationForm.LICENCE
    ]
    deadline: datetime.date | None = None
    visibility: NeedVisibility = NeedVisibility.PUBLIC


class NeedUpdate(_In, PatchModel):
    """Only the fields sent change; `null` clears the optional ones (field, budget, deadline)
    and is refused for those a need always has (core.patch)."""

    title: Annotated[str, Field(min_length=4, max_length=200)] | NotNull = None
    description: Annotated[str, Field(min_length=10, max_length=10_000)] | NotNull = None
    technology_field: Annotated[str | None, Field(max_length=40)] = None
    ipc_hints: Annotated[list[IpcHint], Field(max_length=10)] | NotNull = None
    keywords: Annotated[list[Term], Field(max_length=20)] | NotNull = None
    budget_min_minor: Annotated[int | None, Field(ge=0, le=10**14)] = None
    budget_max_minor: Annotated[int | None, Field(ge=0, le=10**14)] = None
    cooperation_forms: (
        Annotated[list[CooperationForm], Field(min_length=1, max_length=4)] | NotNull
    ) = None
    deadline: datetime.date | None = None
    visibility: NeedVisibility | NotNull = None


class NeedRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    organisation_id: uuid.UUID
    title: str
    description: str
    technology_field: str | None
    ipc_hints: list[str]
    keywords: list[str]
    budget_min_minor: int | None
    budget_max_minor: int | None
    currency: str
    cooperation_forms: list[str]
    deadline: datetime.date | None
    visibility: NeedVisibility
    status: NeedStatus
    province: str | None
    last_confirmed_at: datetime.datetime
    confirm_due_at: datetime.datetime | None = None
    freshness: str | None = None
    """fresh, due (confirm now: the half-year reminder) or lapsed (hidden from others)."""
    met_at: datetime.datetime | None
    met_by_agreement_id: uuid.UUID | None
    met_by_cooperation_id: uuid.UUID | None
    created_at: datetime.datetime


class MatchRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    need_id: uuid.UUID
    kind: MatchKind
    target_id: uuid.UUID
    declaration_id: uuid.UUID | None
    university_id: uuid.UUID
    title: str
    score: float
    reasons: list[dict[str, Any]]
    """[{"kind": "terms"|"field"|"ipc"|"search"|"patent", "values": [...]}]: why it matched."""
    first_seen_at: datetime.datetime
    new: bool = False
    """Found since the reader last listed these matches."""


class NeedMatches(BaseModel):
    need: NeedRead
    matches: list[MatchRead]
    new_count: int


class MatchedNeed(BaseModel):
    """For a TTO: a need its university's results matched, with those matches."""

    need: NeedRead
    matches: list[MatchRead]
    new_count: int


class LicenceAnswer(_In):
    declaration_id: uuid.UUID
    """The published open-licence declaration that meets the need."""
