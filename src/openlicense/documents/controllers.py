"""HTTP routes for documents: upload (multipart), list per subject, metadata, download."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import quote

from litestar import Controller, Request, Response, Router, get, post
from litestar.datastructures import State, UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from openlicense.accounts.guards import allow
from openlicense.accounts.models import Role
from openlicense.accounts.principal import Principal
from openlicense.core.errors import Invalid
from openlicense.documents.models import DocumentPurpose, SubjectType
from openlicense.documents.schemas import DocumentRead
from openlicense.documents.service import DocumentService
from openlicense.documents.storage import DocumentStorage
from openlicense.settings import Settings

HARD_LIMIT = 64 * 1024 * 1024
"""The framework refuses bodies above this before parsing; `documents.max_bytes` is the rule."""

UPLOADERS = allow(Role.TTO_OFFICER, Role.ENTERPRISE_MEMBER, Role.ADMIN)
READERS = allow(Role.TTO_OFFICER, Role.ENTERPRISE_MEMBER, Role.AUDITOR, Role.ADMIN, api_keys=True)


async def provide_document_service(
    db_session: NamedDependency[AsyncSession],
    settings: NamedDependency[Settings],
    document_storage: NamedDependency[DocumentStorage],
) -> DocumentService:
    return DocumentService(
        db_session, storage=document_storage, max_bytes=settings.documents.max_bytes
    )


class UploadFields(BaseModel):
    model_config = ConfigDict(extra="ignore")

    purpose: DocumentPurpose
    subject_type: SubjectType
    subject_id: uuid.UUID


class DocumentController(Controller):
    path = "/api/documents"
    tags = ["documents"]

    @post("/", guards=[UPLOADERS], status_code=201, request_max_body_size=HARD_LIMIT)
    async def upload(
        self, request: Request[Principal, Any, State], documents: NamedDependency[DocumentService]
    ) -> DocumentRead:
        """Multipart form: `file`, `purpose`, `subject_type` (patent, agreement, organisation),
        `subject_id`. PDF, PNG, JPEG or XLSX, sniffed from the content; the size is limited."""
        form = await request.form()
        upload = form.get("file")
        try:
            fields = UploadFields.model_validate(dict(form))
        except ValidationError as exc:
            raise Invalid(
                "purpose, subject_type and subject_id are needed.",
                errors=[
                    {"field": ".".join(map(str, e["loc"])), "message": e["msg"], "source": "body"}
                    for e in exc.errors()
                ],
            ) from exc
        if not isinstance(upload, UploadFile):
            raise Invalid(
                "Attach the document as the `file` field of a multipart form.",
                errors=[{"field": "file", "message": "required", "source": "body"}],
            )
        content = await upload.read()
        document = await documents.upload(
            request.user,
            purpose=fields.purpose,
            subject_type=fields.subject_type,
            subject_id=fields.subject_id,
            filename=upload.filename or "document",
            content=content,
        )
        return DocumentRead.model_validate(document)

    @get("/", guards=[READERS])
    async def list_documents(
        self,
        request: Request[Principal, Any, State],
        documents: NamedDependency[DocumentService],
        subject_type: FromQuery[SubjectType],
        subject_id: FromQuery[uuid.UUID],
    ) -> list[DocumentRead]:
        found = await documents.list_for(request.user, subject_type, subject_id)
        return [DocumentRead.model_validate(d) for d in found]

    @get("/{document_id:uuid}", guards=[READERS])
    async def get_document(
        self,
        request: Request[Principal, Any, State],
        documents: NamedDependency[DocumentService],
        document_id: FromPath[uuid.UUID],
    ) -> DocumentRead:
        return DocumentRead.model_validate(await documents.get(request.user, document_id))

    @get("/{document_id:uuid}/content", guards=[READERS])
    async def download(
        self,
        request: Request[Principal, Any, State],
        documents: NamedDependency[DocumentService],
        document_id: FromPath[uuid.UUID],
    ) -> Response[bytes]:
        """The stored bytes, as an attachment, with their SHA-256 in `Digest`-style header."""
        document, content = await documents.content(request.user, document_id)
        return Response(
            content,
            media_type=document.content_type,
            headers={
                "Content-Disposition": f"attachment; filename*=UTF-8''{quote(document.filename)}",
                "X-Content-Type-Options": "nosniff",
                "X-Document-SHA256": document.sha256,
                "Cache-Control": "private, no-store",
            },
        )


router = Router(path="/", route_handlers=[DocumentController])
