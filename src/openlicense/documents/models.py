"""One row per stored attachment; the bytes live in the storage under `storage_key`."""

from __future__ import annotations

import uuid
from enum import StrEnum

from advanced_alchemy.base import UUIDv7AuditBase
from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from openlicense.core.columns import str_enum


class DocumentPurpose(StrEnum):
    CONSENT_LETTER = "consent_letter"
    """A co-owner's consent to open licensing (rule 3)."""
    PLEDGEE_CONSENT = "pledgee_consent"
    EVALUATION_REPORT = "evaluation_report"
    ROYALTY_EVIDENCE = "royalty_evidence"
    PROPOSAL = "proposal"
    AUTHORITY_LETTER = "authority_letter"
    """An organisation's letter of authority, for its verification."""
    OTHER = "other"


class SubjectType(StrEnum):
    PATENT = "patent"
    AGREEMENT = "agreement"
    ORGANISATION = "organisation"


class Document(UUIDv7AuditBase):
    __tablename__ = "documents"
    __table_args__ = (Index("ix_documents_subject", "subject_type", "subject_id"),)

    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    """The uploader's organisation."""
    uploaded_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    purpose: Mapped[DocumentPurpose] = mapped_column(str_enum(DocumentPurpose))
    subject_type: Mapped[SubjectType] = mapped_column(str_enum(SubjectType))
    subject_id: Mapped[uuid.UUID]
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    """Sniffed from the content, never taken from the client."""
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
