"""Patents, their co-owners and recorded licences, and open-licence declarations."""

from __future__ import annotations

import datetime
import uuid
from enum import StrEnum
from typing import Any

from advanced_alchemy.base import UUIDv7AuditBase
from advanced_alchemy.types import JsonB
from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from openlicense.accounts.models import Organisation
from openlicense.core.columns import str_enum


class PatentType(StrEnum):
    INVENTION = "invention"
    UTILITY_MODEL = "utility_model"
    DESIGN = "design"


class LegalStatus(StrEnum):
    PENDING = "pending"
    """Filed, not yet granted and announced."""
    VALID = "valid"
    LAPSED = "lapsed"
    EXPIRED = "expired"
    INVALIDATED = "invalidated"


class ListingStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"


class LicenceKind(StrEnum):
    EXCLUSIVE = "exclusive"  # 独占
    SOLE = "sole"  # 排他
    ORDINARY = "ordinary"  # 普通


class DeclarationStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


class Patent(UUIDv7AuditBase):
    __tablename__ = "patents"
    __table_args__ = (
        # Keyset lists, newest first (catalogue/service/listing.py): public, by field, by
        # university (and a TTO's own), everything (admins).
        Index("ix_patents_listing_created", "listing_status", "created_at", "id"),
        Index(
            "ix_patents_listing_field_created",
            "listing_status",
            "technology_field",
            "created_at",
            "id",
        ),
        Index("ix_patents_owner_created", "owner_organisation_id", "created_at", "id"),
        Index("ix_patents_created", "created_at", "id"),
    )

    application_number: Mapped[str] = mapped_column(String(16), unique=True)
    """Canonical CN application number with check character, e.g. `202110123456.7`."""
    patent_number: Mapped[str | None] = mapped_column(String(20), unique=True)
    """`ZL` + application number once granted."""
    patent_type: Mapped[PatentType] = mapped_column(str_enum(PatentType))
    title_zh: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str | None] = mapped_column(String(400))
    abstract_zh: Mapped[str | None] = mapped_column(Text)
    abstract_en: Mapped[str | None] = mapped_column(Text)
    claims: Mapped[str | None] = mapped_column(Text)
    ipc_codes: Mapped[list[str]] = mapped_column(JsonB, default=list)
    inventors: Mapped[list[str]] = mapped_column(JsonB, default=list)
    filing_date: Mapped[datetime.date]
    grant_date: Mapped[datetime.date | None]
    announcement_date: Mapped[datetime.date | None]
    """Date the grant was announced; a declaration is possible only after it (IR 85)."""
    expiry_date: Mapped[datetime.date]
    """Computed from type and filing date (PL 42): 20 / 10 / 15 years."""
    legal_status: Mapped[LegalStatus] = mapped_column(str_enum(LegalStatus), index=True)
    annual_fee_paid_through: Mapped[datetime.date | None]
    pledged: Mapped[bool] = mapped_column(default=False)
    pledgee_consent_ref: Mapped[str | None] = mapped_column(String(200))
    """Reference of the uploaded written consent of the pledgee (IR 86(4))."""
    suspended: Mapped[bool] = mapped_column(default=False)
    """Proceedings suspended for an ownership dispute or preservation order (IR 103–105)."""
    evaluation_report: Mapped[dict[str, Any] | None] = mapped_column(JsonB)
    """Patent-right evaluation report: {reference, issued_on, conclusion: positive|negative}."""
    technology_field: Mapped[str] = mapped_column(String(40), index=True)
    trl: Mapped[int | None]
    """Technology readiness level 1–9."""
    application_scenarios: Mapped[list[str]] = mapped_column(JsonB, default=list)
    keywords: Mapped[list[str]] = mapped_column(JsonB, default=list)
    owner_organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT")
    )
    """The university whose TTO manages this listing."""
    listing_status: Mapped[ListingStatus] = mapped_column(
        str_enum(ListingStatus), default=ListingStatus.DRAFT
    )
    retired_at: Mapped[datetime.datetime | None]
    register_source: Mapped[str] = mapped_column(
        String(40), default="patentee", server_default="patentee"
    )
    """Rule 27: where the register facts (status, fees, pledge, suspension) come from:
    `patentee` (typed at creation, unverified), `admin` or `register_extract` (verified)."""
    register_reference: Mapped[str | None] = mapped_column(String(200))
    """The register extract or CNIPA query the verified snapshot was taken from."""
    register_verified_at: Mapped[datetime.datetime | None]
    register_refresh_requested_at: Mapped[datetime.datetime | None]
    """The patentee asked the platform to refresh the snapshot (it cannot edit it)."""

    owner_organisation: Mapped[Organisation] = relationship(lazy="raise")
    co_owners: Mapped[list[PatentOwner]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="PatentOwner.position"
    )
    licences: Mapped[list[RecordedLicence]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="RecordedLicence.start_date"
    )


class PatentOwner(UUIDv7AuditBase):
    """A patentee (co-owner) and its recorded consent to open licensing (PL 14, rule 7)."""

    __tablename__ = "patent_owners"
    __table_args__ = (UniqueConstraint("patent_id", "position"),)

    patent_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patents.id", ondelete="CASCADE"))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL")
    )
    consents_to_open_licence: Mapped[bool] = mapped_column(default=False)
    consent_document_ref: Mapped[str | None] = mapped_column(String(200))
    consent_recorded_at: Mapped[datetime.datetime | None]


class RecordedLicence(UUIDv7AuditBase):
    """A licence recorded on the patent outside the open licence: exclusive / sole licences
    (which bar a declaration, rule 3) and negotiated ordinary licences (rule 15)."""

    __tablename__ = "recorded_licences"

    patent_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("patents.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[LicenceKind] = mapped_column(str_enum(LicenceKind))
    licensee_name: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[datetime.date]
    end_date: Mapped[datetime.date]
    terminated_on: Mapped[datetime.date | None]
    negotiated: Mapped[bool] = mapped_column(default=False)
    """True for an ordinary licence priced apart from the open licence (rule 15)."""
    recording_ref: Mapped[str | None] = mapped_column(String(100))


class Declaration(UUIDv7AuditBase):
    """One version of a patent's open-licence declaration. Immutable once published (rule 16):
    the service refuses edits, and `terms_hash` lets anyone check the stored terms."""

    __tablename__ = "declarations"
    __table_args__ = (UniqueConstraint("patent_id", "version"),)

    patent_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("patents.id", ondelete="RESTRICT"), index=True
    )
    version: Mapped[int]
    status: Mapped[DeclarationStatus] = mapped_column(
        str_enum(DeclarationStatus), default=DeclarationStatus.DRAFT, index=True
    )
    terms: Mapped[dict[str, Any]] = mapped_column(JsonB)
    """Validated DeclarationTerms (fee standard, period, territory, other terms), canonical JSON."""
    clause_set: Mapped[list[dict[str, Any]] | None] = mapped_column(JsonB)
    """Clause versions fixed at publication: [{key, option, version}] (clauses.library)."""
    terms_hash: Mapped[str | None] = mapped_column(String(64))
    """SHA-256 of the canonical terms, fixed at publication; every licensee sees these bytes."""
    fee_type: Mapped[str] = mapped_column(String(32), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    licence_start: Mapped[datetime.date]
    licence_end: Mapped[datetime.date]
    attested_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    """User who made the truthfulness attestation at publication (IR 88, rule 27)."""
    published_at: Mapped[datetime.datetime | None]
    announcement_date: Mapped[datetime.date | None]
    """Date the declaration was announced (published); it is an offer from that day."""
    announcement_ref: Mapped[str | None] = mapped_column(String(64))
    price_publicity: Mapped[dict[str, Any] | None] = mapped_column(JsonB)
    """Rule 31 (PTSTA 18): the record that a state university publicised the price inside the
    university: {achievement_name, price_text, publicised_from, publicised_until, reference}."""
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))

    patent: Mapped[Patent] = relationship(lazy="raise")
    withdrawal: Mapped[DeclarationWithdrawal | None] = relationship(
        lazy="raise", back_populates="declaration", uselist=False
    )


class DeclarationWithdrawal(UUIDv7AuditBase):
    """Withdrawal of a published declaration (PL 50(2), rule 23): no new acceptances from
    `effective_date` (its announcement), existing licences run on."""

    __tablename__ = "declaration_withdrawals"

    declaration_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("declarations.id", ondelete="RESTRICT"), unique=True
    )
    reason: Mapped[str] = mapped_column(Text)
    effective_date: Mapped[datetime.date]
    """Announcement date of the withdrawal."""
    owner_consents: Mapped[list[dict[str, Any]]] = mapped_column(JsonB)
    """One entry per co-owner: {owner_id, name, document_ref}."""
    withdrawn_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))

    declaration: Mapped[Declaration] = relationship(lazy="raise", back_populates="withdrawal")


class CatalogueVersion(UUIDv7AuditBase):
    """One row: the catalogue's version, raised by every transaction that changes a patent, its
    co-owners or its recorded licences (`service/published.py`). Its row lock, held from the
    raise to COMMIT, makes versions commit in order."""

    __tablename__ = "catalogue_versions"

    name: Mapped[str] = mapped_column(String(20), unique=True)
    version: Mapped[int] = mapped_column(BigInteger)


class CatalogueChange(UUIDv7AuditBase):
    """A patent whose public document changed in catalogue version `version` (`patent_id`
    NULL: any patent may have changed)."""

    __tablename__ = "catalogue_changes"

    version: Mapped[int] = mapped_column(BigInteger, index=True)
    patent_id: Mapped[uuid.UUID | None]
