"""Pydantic in/out models for patents and declarations."""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from openlicense.catalogue import identifiers
from openlicense.catalogue.models import (
    DeclarationStatus,
    LegalStatus,
    LicenceKind,
    ListingStatus,
    PatentType,
)
from openlicense.catalogue.terms import DeclarationTerms as DeclarationTerms
from openlicense.core.patch import NotNull, PatchModel

Text200 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
ShortList = Annotated[
    list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]],
    Field(max_length=50),
]

TECHNOLOGY_FIELDS = (
    "new_materials",
    "biomedicine",
    "intelligent_equipment",
    "agricultural_machinery",
    "food_processing",
    "new_energy",
    "digital_economy",
    "energy_saving_environmental",
    "electronic_information",
    "modern_agriculture",
)
TechnologyField = Literal[
    "new_materials",
    "biomedicine",
    "intelligent_equipment",
    "agricultural_machinery",
    "food_processing",
    "new_energy",
    "digital_economy",
    "energy_saving_environmental",
    "electronic_information",
    "modern_agriculture",
]


T = TypeVar("T")


def _ipc(code: str) -> str:
    try:
        return identifiers.normalise_ipc(code)
    except identifiers.InvalidIdentifier as exc:
        raise ValueError(f"{code!r} is not an IPC code: {exc.reason}") from exc


IpcCode = Annotated[str, Field(max_length=30), AfterValidator(_ipc)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class EvaluationReport(_In):
    reference: Text200
    issued_on: datetime.date
    conclusion: Literal["positive", "negative"]
    """Whether the report finds the patent meets the conditions for grant (CNIPA FAQ)."""


class PatentOwnerIn(_In):
    name: Text200
    organisation_id: uuid.UUID | None = None
    consents_to_open_licence: bool = False
    consent_document_ref: Annotated[str | None, Field(max_length=200)] = None

    @model_validator(mode="after")
    def _consent_has_evidence(self) -> PatentOwnerIn:
        if self.consents_to_open_licence and not self.consent_document_ref:
            raise ValueError("a recorded consent needs consent_document_ref (the written consent)")
        return self


class PatentFields(_In):
    """Fields a TTO may set on create and change on update."""

    title_zh: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=300)]
    title_en: Annotated[str | None, Field(max_length=400)] = None
    abstract_zh: Annotated[str | None, Field(max_length=5000)] = None
    abstract_en: Annotated[str | None, Field(max_length=8000)] = None
    claims: Annotated[str | None, Field(max_length=50000)] = None
    ipc_codes: Annotated[list[IpcCode], Field(min_length=1, max_length=30)]
    inventors: Annotated[list[Text200], Field(min_length=1, max_length=50)]
    grant_date: datetime.date | None = None
    announcement_date: datetime.date | None = None
    legal_status: LegalStatus = LegalStatus.VALID
    annual_fee_paid_through: datetime.date | None = None
    pledged: bool = False
    pledgee_consent_ref: Annotated[str | None, Field(max_length=200)] = None
    suspended: bool = False
    evaluation_report: EvaluationReport | None = None
    technology_field: TechnologyField
    trl: Annotated[int | None, Field(ge=1, le=9)] = None
    application_scenarios: ShortList = []
    keywords: ShortList = []
    co_owners: Annotated[list[PatentOwnerIn], Field(min_length=1, max_length=20)]


class PatentCreate(PatentFields):
    application_number: str
    patent_type: PatentType
    filing_date: datetime.date

    @field_validator("application_number")
    @classmethod
    def _application_number_valid(cls, raw: str) -> str:
        try:
            return identifiers.normalise_application_number(raw)
        except identifiers.InvalidIdentifier as exc:
            raise ValueError(exc.reason) from exc

    @model_validator(mode="after")
    def _consistent(self) -> PatentCreate:
        if not identifiers.type_matches(self.application_number, self.patent_type.value):
            raise ValueError("the application number's type digit does not match patent_type")
        year = identifiers.filing_year(self.application_number)
        if year != self.filing_date.year:
            raise ValueError(
                f"the application number's year digits ({year}) contradict filing_date "
                f"({self.filing_date.isoformat()})"
            )
        _check_dates(self.filing_date, self.grant_date, self.announcement_date)
        return self


class PatentUpdate(_In, PatchModel):
    """Partial update: only the fields sent are changed (register facts and descriptions);
    `null` clears an optional field and is refused for those a patent always has (core.patch)."""

    title_zh: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=300)]
        | NotNull
    ) = None
    title_en: Annotated[str | None, Field(max_length=400)] = None
    abstract_zh: Annotated[str | None, Field(max_length=5000)] = None
    abstract_en: Annotated[str | None, Field(max_length=8000)] = None
    claims: Annotated[str | None, Field(max_length=50000)] = None
    ipc_codes: Annotated[list[IpcCode], Field(min_length=1, max_length=30)] | NotNull = None
    inventors: Annotated[list[Text200], Field(min_length=1, max_length=50)] | NotNull = None
    grant_date: datetime.date | None = None
    announcement_date: datetime.date | None = None
    legal_status: LegalStatus | NotNull = None
    annual_fee_paid_through: datetime.date | None = None
    pledged: bool | NotNull = None
    pledgee_consent_ref: Annotated[str | None, Field(max_length=200)] = None
    suspended: bool | NotNull = None
    evaluation_report: EvaluationReport | None = None
    technology_field: TechnologyField | NotNull = None
    trl: Annotated[int | None, Field(ge=1, le=9)] = None
    application_scenarios: ShortList | NotNull = None
    keywords: ShortList | NotNull = None
    co_owners: Annotated[list[PatentOwnerIn], Field(min_length=1, max_length=20)] | NotNull = None


def _check_dates(
    filing: datetime.date, grant: datetime.date | None, announced: datetime.date | None
) -> None:
    if grant is not None and grant < filing:
        raise ValueError("grant_date cannot be before filing_date")
    if announced is not None and (grant is None or announced < grant):
        raise ValueError("announcement_date needs a grant_date on or before it")


class PatentOwnerRead(_Out):
    id: uuid.UUID
    name: str
    organisation_id: uuid.UUID | None
    consents_to_open_licence: bool
    consent_document_ref: str | None
    consent_recorded_at: datetime.datetime | None


class RecordedLicenceIn(_In):
    kind: LicenceKind
    licensee_name: Text200
    start_date: datetime.date
    end_date: datetime.date
    negotiated: bool = False
    recording_ref: Annotated[str | None, Field(max_length=100)] = None

    @model_validator(mode="after")
    def _period(self) -> RecordedLicenceIn:
        if self.end_date <= self.start_date:
            raise ValueError("end_date must be after start_date")
        return self


class RecordedLicenceRead(_Out):
    id: uuid.UUID
    kind: LicenceKind
    licensee_name: str
    start_date: datetime.date
    end_date: datetime.date
    terminated_on: datetime.date | None
    negotiated: bool
    recording_ref: str | None


class PatentRead(_Out):
    id: uuid.UUID
    application_number: str
    patent_number: str | None
    patent_type: PatentType
    title_zh: str
    title_en: str | None
    abstract_zh: str | None
    abstract_en: str | None
    claims: str | None
    ipc_codes: list[str]
    inventors: list[str]
    filing_date: datetime.date
    grant_date: datetime.date | None
    announcement_date: datetime.date | None
    expiry_date: datetime.date
    legal_status: LegalStatus
    annual_fee_paid_through: datetime.date | None
    pledged: bool
    pledgee_consent_ref: str | None
    suspended: bool
    evaluation_report: dict[str, Any] | None
    technology_field: str
    trl: int | None
    application_scenarios: list[str]
    keywords: list[str]
    owner_organisation_id: uuid.UUID
    listing_status: ListingStatus
    register_source: str = "patentee"
    """Rule 27: `patentee` (typed at creation, unverified), `admin` or `register_extract`."""
    register_verified_at: datetime.datetime | None = None
    co_owners: list[PatentOwnerRead]
    licences: list[RecordedLicenceRead]
    created_at: datetime.datetime
    updated_at: datetime.datetime


class PatentSummary(_Out):
    id: uuid.UUID
    application_number: str
    patent_type: PatentType
    title_zh: str
    title_en: str | None
    technology_field: str
    legal_status: LegalStatus
    listing_status: ListingStatus
    owner_organisation_id: uuid.UUID
    expiry_date: datetime.date


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


class CursorPage(BaseModel, Generic[T]):
    """A keyset page: pass `next_cursor` back as `cursor` for the next one (None: the last)."""

    items: list[T]
    limit: int
    next_cursor: str | None
    total_estimate: int | None = None


class DeclarationCreate(_In):
    terms: DeclarationTerms


class DeclarationPublish(_In):
    attest_truthful: Literal[True]
    """Rule 27 / IR 88: the officer attests the declaration and the register facts are true."""


class OwnerConsent(_In):
    owner_id: uuid.UUID
    document_ref: Text200


class DeclarationWithdraw(_In):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
    effective_date: datetime.date
    """Announcement date of the withdrawal: from this day no new acceptances (rule 23)."""
    consents: Annotated[list[OwnerConsent], Field(max_length=20)]


class WithdrawalRead(_Out):
    reason: str
    effective_date: datetime.date
    owner_consents: list[dict[str, Any]]
    created_at: datetime.datetime


class DeclarationRead(_Out):
    id: uuid.UUID
    patent_id: uuid.UUID
    version: int
    status: DeclarationStatus
    terms: dict[str, Any]
    terms_hash: str | None
    fee_type: str
    currency: str
    licence_start: datetime.date
    licence_end: datetime.date
    published_at: datetime.datetime | None
    announcement_date: datetime.date | None
    announcement_ref: str | None
    withdrawal: WithdrawalRead | None = None
    warnings: list[dict[str, Any]] = []
    price_publicity: dict[str, Any] | None = None
    """Rule 31: the internal price-publicity record, if one was made."""


class Acceptability(BaseModel):
    declaration_id: uuid.UUID
    on: datetime.date
    acceptable: bool
    violations: list[dict[str, Any]]


class BatchImportResult(BaseModel):
    created: int
    errors: list[dict[str, Any]]


class RegisterSnapshotIn(_In):
    """Rule 27: a verified register snapshot, entered by a platform admin from the register
    (or loaded from a register extract), with its source recorded."""

    legal_status: LegalStatus
    annual_fee_paid_through: datetime.date | None = None
    pledged: bool = False
    suspended: bool = False
    source: Literal["admin", "register_extract"] = "admin"
    reference: Text200
    """The register extract or CNIPA query the facts come from."""


class RegisterRead(BaseModel):
    """A patent's register facts, where they come from, and the flags of rules 24–26."""

    patent_id: uuid.UUID
    legal_status: LegalStatus
    annual_fee_paid_through: datetime.date | None
    pledged: bool
    suspended: bool
    source: str
    reference: str | None
    verified_at: datetime.datetime | None
    refresh_requested_at: datetime.datetime | None
    at_risk_of_lapse: bool
    """Rule 25: annual fee in arrears; still listed, but a lapse ends the licences."""
    fee_reduction_eligible: bool
    """Rule 26: under an active declaration; 15 %, not combinable with other reductions."""
    fee_reduction_rate: str | None
    warnings: list[str]


class PricePublicityIn(_In):
    """Rule 31 (PTSTA 18): a state university publicised the price inside the university."""

    achievement_name: Text200
    price_text: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)
    ]
    publicised_from: datetime.date
    publicised_until: datetime.date
    reference: Text200
    """Where it was published (notice number, intranet URL)."""

    @model_validator(mode="after")
    def _period(self) -> PricePublicityIn:
        if self.publicised_until < self.publicised_from:
            raise ValueError("publicised_until cannot be before publicised_from")
        return self
