"""Pydantic out-models for documents (uploads arrive as multipart form data)."""

from __future__ import annotations

import datetime
import uuid

from pydantic import BaseModel, ConfigDict

from openlicense.documents.models import DocumentPurpose, SubjectType


class DocumentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    purpose: DocumentPurpose
    subject_type: SubjectType
    subject_id: uuid.UUID
    filename: str
    content_type: str
    size: int
    sha256: str
    organisation_id: uuid.UUID
    uploaded_by_id: uuid.UUID
    created_at: datetime.datetime
