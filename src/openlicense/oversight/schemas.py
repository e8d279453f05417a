"""Out models of the audit API."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict

from openlicense.agreements.schemas import RecordingTaskRead, ScheduleEntryRead
from openlicense.audit.chain import format_timestamp
from openlicense.catalogue.schemas import DeclarationRead
from openlicense.payments.schemas import PaymentRead, RefundRead


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class AuditAgreement(BaseModel):
    id: uuid.UUID
    number: str
    status: str
    status_reason: str | None
    fee_type: str
    currency: str
    notified_at: datetime.datetime
    effective_on: datetime.date | None
    ended_on: datetime.date | None
    licence_start: datetime.date
    licence_end: datetime.date
    declaration_id: uuid.UUID
    declaration_version: int
    announcement_ref: str | None
    patent_id: uuid.UUID
    patent_number: str | None
    ipc_codes: list[str]
    licensor_id: uuid.UUID
    licensor: str
    licensor_province: str | None
    licensee_id: uuid.UUID
    licensee: str
    licensee_province: str | None
    recording_status: str
    recording_due: datetime.date | None
    recording_overdue: bool
    clause_refs: list[dict[str, Any]]
    seal: str


def audit_agreement(row: tuple[Any, Any, Any, Any], today: datetime.date) -> AuditAgreement:
    """One audit-API agreement from an `(agreement, licensor, licensee, patent)` row. The
    parties' names and the patent's number and IPC codes are served as sealed in the snapshot
    (what was agreed, covered by `seal`); only `licensor_province` is the organisation's current
    record (the snapshot does not hold it)."""
    agreement, licensor, licensee, patent = row
    task = agreement.recording
    snapshot = agreement.snapshot
    declaration = snapshot.get("declaration", {})
    sealed_patent = snapshot.get("patent", {})
    sealed_licensor, sealed_licensee = snapshot.get("licensor", {}), snapshot.get("licensee", {})
    return AuditAgreement(
        id=agreement.id,
        number=agreement.number,
        status=agreement.status.value,
        status_reason=agreement.status_reason,
        fee_type=agreement.fee_type,
        currency=agreement.currency,
        notified_at=agreement.notified_at,
        effective_on=agreement.effective_on,
        ended_on=agreement.ended_on,
        licence_start=agreement.licence_start,
        licence_end=agreement.licence_end,
        declaration_id=agreement.declaration_id,
        declaration_version=declaration.get("version", 0),
        announcement_ref=declaration.get("announcement_ref"),
        patent_id=agreement.patent_id,
        patent_number=sealed_patent.get("patent_number", patent.patent_number),
        ipc_codes=list(sealed_patent.get("ipc_codes", patent.ipc_codes)),
        licensor_id=agreement.licensor_organisation_id,
        licensor=sealed_licensor.get("name", licensor.name),
        licensor_province=licensor.province,
        licensee_id=agreement.licensee_organisation_id,
        licensee=sealed_licensee.get("name", licensee.name),
        licensee_province=sealed_licensee.get("province", licensee.province),
        recording_status=task.status.value if task else "none",
        recording_due=task.due_date if task else None,
        recording_overdue=bool(task and task.status.value == "open" and task.due_date < today),
        clause_refs=[
            {"key": c["key"], "option": c["option"], "version": c["version"]}
            for c in agreement.snapshot.get("clauses", [])
        ],
        seal=agreement.seal,
    )


class AgreementPage(BaseModel):
    items: list[AuditAgreement]
    next_cursor: str | None


class AuditAgreementDetail(BaseModel):
    agreement: AuditAgreement
    snapshot: dict[str, Any]
    acceptance_evidence: dict[str, Any]
    schedule: list[ScheduleEntryRead]
    payments: list[PaymentRead]
    refunds: list[RefundRead]
    recording: RecordingTaskRead | None
    events: list[dict[str, Any]]
    seal_intact: bool


class DeclarationPage(BaseModel):
    items: list[DeclarationRead]
    next_cursor: str | None


class RecordingItem(BaseModel):
    agreement_id: uuid.UUID
    agreement_number: str
    due_date: datetime.date
    status: str
    overdue: bool
    filed_on: datetime.date | None
    cnipa_reference: str | None
    filed_by_party: str | None


class RecordingPage(BaseModel):
    items: list[RecordingItem]
    next_cursor: str | None


class LedgerEntryRead(BaseModel):
    """One entry exactly as hashed: `occurred_at` is the hashed text (UTC, microseconds,
    `+00:00`), so an entry read here re-hashes without any conversion."""

    seq: int
    occurred_at: str
    action: str
    subject_type: str
    subject_id: str
    actor_id: str | None
    data: dict[str, Any]
    prev_hash: str
    hash: str


class LedgerPage(BaseModel):
    items: list[LedgerEntryRead]
    next_cursor: str | None


class CheckpointRead(BaseModel):
    seq: int
    hash: str
    created_at: str
    key_id: str
    signature: str


class CheckpointPage(BaseModel):
    items: list[CheckpointRead]
    next_cursor: str | None


class AccessLogRead(_Out):
    id: uuid.UUID
    user_id: uuid.UUID | None
    via_api_key: bool
    method: str
    path: str
    query: str | None
    status_code: int
    created_at: datetime.datetime


def ledger_entry_read(row: Any) -> LedgerEntryRead:
    """A stored `LedgerEntry` as served: `occurred_at` as hashed."""
    occurred = row.occurred_at
    if occurred.tzinfo is None:  # SQLite hands back naive UTC
        occurred = occurred.replace(tzinfo=datetime.UTC)
    return LedgerEntryRead(
        seq=row.seq,
        occurred_at=format_timestamp(occurred),
        action=row.action,
        subject_type=row.subject_type,
        subject_id=row.subject_id,
        actor_id=row.actor_id,
        data=row.data,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )
