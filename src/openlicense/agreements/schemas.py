"""Pydantic in/out models for quotes, agreements, payments, reports and recording."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from openlicense.agreements.models import AgreementStatus, EntryStatus, RecordingStatus


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class QuoteItem(BaseModel):
    key: str
    kind: str
    due_date: datetime.date
    amount_minor: int | None
    projected: bool = False
    """True when the amount comes from the caller's estimate, not a real report."""
    stage_index: int | None
    period_start: datetime.date | None
    period_end: datetime.date | None
    rate: Decimal | None
    base: str | None
    description: str


class QuoteStage(BaseModel):
    index: int
    label: str
    start: datetime.date
    end: datetime.date
    fee_type: str
    is_trial: bool


class Quote(BaseModel):
    declaration_id: uuid.UUID
    currency: str
    acceptance_date: datetime.date
    licence_start: datetime.date
    licence_end: datetime.date
    due_on_acceptance_minor: int
    fixed_total_minor: int
    projected_total_minor: int
    stages: list[QuoteStage]
    items: list[QuoteItem]


class AcceptanceRequest(_In):
    """The written notice (书面通知) of PL 51: the licensee accepts the declared terms as is."""

    declaration_version: int | None = None
    """If given, must match the version being accepted (guards against accepting stale terms)."""
    terms_hash: Annotated[str | None, Field(pattern=r"^[0-9a-f]{64}$")] = None
    """If given, must equal the declaration's terms hash (rule 14: byte-identical terms)."""


class ScheduleEntryRead(_Out):
    key: str
    kind: str
    due_date: datetime.date
    amount_minor: int | None
    stage_index: int | None
    period_start: datetime.date | None
    period_end: datetime.date | None
    rate: Decimal | None
    base: str | None
    description: str
    status: EntryStatus
    paid_minor: int | None
    paid_on: datetime.date | None
    payment_reference: str | None


class RecordingTaskRead(_Out):
    due_date: datetime.date
    status: RecordingStatus
    filed_on: datetime.date | None
    cnipa_reference: str | None
    filed_by_party: str | None
    overdue: bool = False


class AgreementSummary(_Out):
    id: uuid.UUID
    number: str
    declaration_id: uuid.UUID
    patent_id: uuid.UUID
    licensor_organisation_id: uuid.UUID
    licensee_organisation_id: uuid.UUID
    status: AgreementStatus
    status_reason: str | None
    fee_type: str
    currency: str
    licence_start: datetime.date
    licence_end: datetime.date
    notified_at: datetime.datetime
    effective_on: datetime.date | None
    ended_on: datetime.date | None


class AgreementRead(AgreementSummary):
    seal: str
    seal_version: int
    fairness_review_required: bool
    paid_at: datetime.datetime | None
    snapshot: dict[str, Any]
    entries: list[ScheduleEntryRead]
    recording: RecordingTaskRead | None


class AgreementEventRead(_Out):
    key: str
    kind: str
    from_status: str | None
    to_status: str | None
    occurred_on: datetime.date
    detail: dict[str, Any]
    created_at: datetime.datetime


class SealCheck(BaseModel):
    agreement_id: uuid.UUID
    seal: str
    recomputed: str
    intact: bool
    text_matches_snapshot: bool
    """The stored texts equal a fresh rendering of the stored snapshot."""


Reference = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


class PaymentConfirmation(_In):
    """Offline / bank-transfer confirmation by the licensor's TTO: "received, reference X"."""

    entry_key: Annotated[str, Field(max_length=40)]
    amount_minor: Annotated[int, Field(gt=0)]
    reference: Reference
    received_on: datetime.date


class RoyaltyReportIn(_In):
    entry_key: Annotated[str, Field(max_length=40)]
    base_amount: Annotated[Decimal, Field(ge=0, max_digits=20, decimal_places=4)]
    """Net sales / profit / new output value in minor units (fen), or units sold."""


class RoyaltyAmendmentIn(_In):
    base_amount: Annotated[Decimal, Field(ge=0, max_digits=20, decimal_places=4)]
    """The corrected base for the period (same unit as the report)."""
    reason: Annotated[str, Field(min_length=2, max_length=300)]


class RoyaltyReportRead(_Out):
    entry_key: str
    period_start: datetime.date
    period_end: datetime.date
    base_amount: Decimal
    amount_minor: int
    created_at: datetime.datetime


class RecordingFiled(_In):
    cnipa_reference: Reference
    filed_on: datetime.date


class JobRunReport(BaseModel):
    today: datetime.date
    examined: int
    transitions: dict[str, int]
    mode: Literal["worker", "cli", "api"] = "cli"


class SublicenceRequest(_In):
    """Rule 19: asking to sublicense an open licence (always refused; documented for clarity)."""

    sublicensee_name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
    scope: Annotated[str | None, Field(max_length=1000)] = None


DisputeSubject = Literal["fee", "payment", "royalty_report", "scope", "recording", "other"]


class DisputeOpen(_In):
    """Rule 28: a dispute starts with negotiation between the parties (PL 52)."""

    subject: DisputeSubject
    description: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)
    ]


class DisputeStep(_In):
    stage: Literal["mediation_requested", "court", "resolved"]
    mediator: Literal["cnipa", "local_ip_office"] | None = None
    """For `mediation_requested`: who is asked to mediate."""
    note: Annotated[str | None, Field(max_length=4000)] = None


class DisputeRead(_Out):
    id: uuid.UUID
    agreement_id: uuid.UUID
    stage: str
    subject: str
    description: str
    history: list[dict[str, Any]]
    guidance: str = ""
    created_at: datetime.datetime


class RewardRuleIn(_In):
    """Rule 32: the university's own inventor-reward rule (PTSTA 45), replacing the 50 %."""

    share: Annotated[Decimal, Field(ge=0, le=1, max_digits=5, decimal_places=4)]
    reference: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)
    ]


class RewardLine(BaseModel):
    currency: str
    received_minor: int
    refunded_minor: int
    net_income_minor: int
    minimum_reward_minor: int


class InventorRewardReport(BaseModel):
    """Rule 32: net licence income of a university-owned patent and the minimum inventor reward."""

    patent_id: uuid.UUID
    inventors: list[str]
    share: Decimal
    basis: str
    """`statutory_ptsta_45` (≥ 50 %) or `university_rule`."""
    rule_reference: str | None
    lines: list[RewardLine]
    note: str
