"""Input and output models of the achievements library."""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from openlicense.achievements.models import AchievementKind
from openlicense.pricing.fee_standards import FeeStandard

Term = Annotated[str, Field(min_length=1, max_length=40)]


class AchievementCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Annotated[str, Field(min_length=4, max_length=200)]
    description: Annotated[str, Field(min_length=10, max_length=20_000)]
    kind: AchievementKind
    technology_field: Annotated[str | None, Field(max_length=40)] = None
    ipc_codes: Annotated[list[Annotated[str, Field(max_length=20)]], Field(max_length=10)] = []
    keywords: Annotated[list[Term], Field(max_length=20)] = []
    team: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=60)]], Field(max_length=30)
    ] = []
    maturity: Annotated[int, Field(ge=1, le=9)]
    """Technology readiness level."""
    fee_standard: FeeStandard | None = None
    """Offered on the same fee standards as open licences; None = terms on request."""
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = "CNY"


class AchievementRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    organisation_id: uuid.UUID
    title: str
    description: str
    kind: AchievementKind
    technology_field: str | None
    ipc_codes: list[str]
    keywords: list[str]
    team: list[str]
    maturity: int
    fee_standard: dict[str, Any] | None
    currency: str
    province: str | None
    last_reviewed_at: datetime.datetime
    review_due_at: datetime.datetime | None = None
    review_due: bool | None = None
    withdrawn_at: datetime.datetime | None
    created_at: datetime.datetime
