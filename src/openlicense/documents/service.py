"""Upload and download attachments. Never commits, never Litestar.

An upload is checked whole before anything is stored (size, sniffed type, the caller's right to
the subject); then the bytes go to the storage and the row to the session. If the transaction
later rolls back, the stored bytes are an orphan without a row: never served, never listed.
A document that supports an agreement has its SHA-256 in the audit ledger."""

from __future__ import annotations

import hashlib
import uuid
from typing import TYPE_CHECKING

from sqlalchemy import select
from uuid_utils.compat import uuid7

from openlicense.accounts.models import Role
from openlicense.agreements.models import Agreement
from openlicense.audit import ledger
from openlicense.audit.ledger import LedgerRecord
from openlicense.catalogue.models import Patent
from openlicense.core.errors import NotFound
from openlicense.documents.errors import (
    DocumentTooLarge,
    EmptyDocument,
    NotYourSubject,
    UnsupportedDocumentType,
)
from openlicense.documents.models import Document, DocumentPurpose, SubjectType
from openlicense.documents.rules import ALLOWED, clean_filename, sniff

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from openlicense.accounts.principal import Principal
    from openlicense.documents.storage import DocumentStorage


class DocumentService:
    def __init__(self, session: AsyncSession, *, storage: DocumentStorage, max_bytes: int) -> None:
        self.session = session
        self.storage = storage
        self.max_bytes = max_bytes

    async def upload(
        self,
        principal: Principal,
        *,
        purpose: DocumentPurpose,
        subject_type: SubjectType,
        subject_id: uuid.UUID,
        filename: str,
        content: bytes,
    ) -> Document:
        content_type = self._checked_type(content)
        await self._ensure_may_attach(principal, subject_type, subject_id)
        digest = hashlib.sha256(content).hexdigest()
        document_id = uuid7()
        key = f"{digest[:2]}/{document_id}"
        await self.storage.put(key, content, content_type)
        document = Document(
            id=document_id,
            organisation_id=principal.organisation_id,
            uploaded_by_id=principal.user_id,
            purpose=purpose,
            subject_type=subject_type,
            subject_id=subject_id,
            filename=clean_filename(filename, content_type),
            content_type=content_type,
            size=len(content),
            sha256=digest,
            storage_key=key,
        )
        self.session.add(document)
        if subject_type is SubjectType.AGREEMENT:
            ledger.append(self.session, _attached_record(document, principal))
        await self.session.flush()
        return document

    def _checked_type(self, content: bytes) -> str:
        """The content type sniffed from the bytes; refuses empty, too large and other files."""
        if not content:
            raise EmptyDocument("The file is empty.")
        if len(content) > self.max_bytes:
            raise DocumentTooLarge(
                f"Documents may be at most {self.max_bytes // (1024 * 1024)} MB.",
                max_bytes=self.max_bytes,
            )
        content_type = sniff(content)
        if content_type is None:
            raise UnsupportedDocumentType(
                "Only PDF, PNG, JPEG and XLSX documents are kept (checked from the content, "
                "not the file name).",
                allowed=list(ALLOWED),
            )
        return content_type

    async def get(self, principal: Principal, document_id: uuid.UUID) -> Document:
        document = await self.session.get(Document, document_id)
        if document is None or not await self._may_read(principal, document):
            raise NotFound("No such document.")
        return document

    async def content(self, principal: Principal, document_id: uuid.UUID) -> tuple[Document, bytes]:
        document = await self.get(principal, document_id)
        return document, await self.storage.get(document.storage_key)

    async def list_for(
        self, principal: Principal, subject_type: SubjectType, subject_id: uuid.UUID
    ) -> list[Document]:
        rows = await self.session.scalars(
            select(Document)
            .where(Document.subject_type == subject_type, Document.subject_id == subject_id)
            .order_by(Document.created_at)
        )
        return [d for d in rows if await self._may_read(principal, d)]

    async def _parties(self, subject_type: SubjectType, subject_id: uuid.UUID) -> set[uuid.UUID]:
        """The organisations a subject belongs to (empty when it does not exist)."""
        if subject_type is SubjectType.ORGANISATION:
            return {subject_id}
        if subject_type is SubjectType.PATENT:
            owner = await self.session.scalar(
                select(Patent.owner_organisation_id).where(Patent.id == subject_id)
            )
            return {owner} if owner else set()
        row = (
            await self.session.execute(
                select(
                    Agreement.licensor_organisation_id, Agreement.licensee_organisation_id
                ).where(Agreement.id == subject_id)
            )
        ).first()
        return set(row) if row else set()

    async def _ensure_may_attach(
        self, principal: Principal, subject_type: SubjectType, subject_id: uuid.UUID
    ) -> None:
        parties = await self._parties(subject_type, subject_id)
        if not parties:
            raise NotFound(f"No such {subject_type.value}.")
        if principal.organisation_id not in parties:
            raise NotYourSubject(
                f"Only the parties to this {subject_type.value} attach documents to it."
            )

    async def _may_read(self, principal: Principal, document: Document) -> bool:
        if principal.role in {Role.ADMIN, Role.AUDITOR}:
            return True
        if principal.organisation_id == document.organisation_id:
            return True
        return principal.organisation_id in await self._parties(
            document.subject_type, document.subject_id
        )


def _attached_record(document: Document, principal: Principal) -> LedgerRecord:
    """The ledger's note that a document supports an agreement: its hash, not its content."""
    return LedgerRecord(
        action="document.attached",
        subject_type="agreement",
        subject_id=str(document.subject_id),
        actor_id=ledger.actor(principal.user_id),
        data={
            "document_id": str(document.id),
            "purpose": document.purpose.value,
            "sha256": document.sha256,
            "size": document.size,
            "content_type": document.content_type,
        },
    )
