"""The IP-office audit API: read-only, for auditors (and their API keys) and platform admins.

Every read is logged (who, what, when); API keys are rate limited (429 + Retry-After)."""

from __future__ import annotations

import dataclasses
import datetime
import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

from litestar import Controller, Router, get
from litestar.di import NamedDependency, Provide
from litestar.middleware.rate_limit import RateLimitConfig
from litestar.params import FromPath, FromQuery, Parameter, QueryParameter
from litestar.response import Stream
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from openlicense.accounts.guards import allow, public
from openlicense.accounts.models import Role
from openlicense.agreements.contract import RenderedContract, seal
from openlicense.agreements.schemas import RecordingTaskRead, ScheduleEntryRead
from openlicense.agreements.service import AgreementReader
from openlicense.agreements.states import AgreementStatus
from openlicense.audit.checkpoints import published_key, to_checkpoint, to_stored
from openlicense.audit.exports import LEDGER_COLUMNS, csv_stream, ledger_export_row, ndjson_stream
from openlicense.audit.models import LedgerCheckpoint
from openlicense.audit.signing import checkpoint_to_dict
from openlicense.catalogue.schemas import DeclarationRead
from openlicense.core.clock import Clock
from openlicense.core.cursor import decode_cursor, encode_cursor
from openlicense.oversight import queries, statistics as stats
from openlicense.oversight.access_log import AuditAccessMiddleware
from openlicense.oversight.models import AuditAccess
from openlicense.oversight.queries import AgreementFilters
from openlicense.oversight.rate_limit import (
    api_key_identifier,
    is_api_key_request,
    retry_after_middleware,
)
from openlicense.oversight.schemas import (
    AccessLogRead,
    AgreementPage,
    AuditAgreement,
    AuditAgreementDetail,
    CheckpointPage,
    CheckpointRead,
    DeclarationPage,
    LedgerPage,
    RecordingItem,
    RecordingPage,
    audit_agreement,
    ledger_entry_read,
)
from openlicense.oversight.subscriptions import SubscriptionController, list_keys
from openlicense.oversight.verification import verify_all
from openlicense.payments.models import Payment, Refund
from openlicense.payments.schemas import PaymentRead, RefundRead
from openlicense.pricing.fee_standards import FeeType
from openlicense.settings import Settings

auditors = allow(Role.AUDITOR, Role.ADMIN, api_keys=True)
SEQ_MAX = 2**63 - 1
"""Ledger sequence numbers are BIGINT: a larger one is a 400, not a driver overflow."""
AGREEMENT_COLUMNS = list(AuditAgreement.model_fields)


def provide_filters(
    date_from: FromQuery[datetime.date | None] = None,
    date_to: FromQuery[datetime.date | None] = None,
    university_id: FromQuery[uuid.UUID | None] = None,
    enterprise_id: FromQuery[uuid.UUID | None] = None,
    province: Annotated[str | None, QueryParameter(min_length=1, max_length=32)] = None,
    patent_id: FromQuery[uuid.UUID | None] = None,
    ipc_class: Annotated[str | None, QueryParameter(pattern=r"^[A-Ha-h]\d{2}$")] = None,
    fee_type: FromQuery[FeeType | None] = None,
    status: FromQuery[AgreementStatus | None] = None,
    recording_status: FromQuery[Literal["open", "filed", "overdue", "none"] | None] = None,
) -> AgreementFilters:
    return AgreementFilters(
        date_from=date_from,
        date_to=date_to,
        university_id=university_id,
        enterprise_id=enterprise_id,
        province=province,
        patent_id=patent_id,
        ipc_class=ipc_class,
        fee_type=fee_type,
        status=status,
        recording_status=recording_status,
    )


class AuditController(Controller):
    path = "/api/audit"
    tags = ["audit"]
    guards = [auditors]

    @get("/agreements")
    async def list_agreements(
        self,
        db_session: NamedDependency[AsyncSession],
        clock: NamedDependency[Clock],
        filters: NamedDependency[AgreementFilters],
        limit: Annotated[int, Parameter(ge=1, le=500)] = 100,
        cursor: Annotated[str | None, QueryParameter(max_length=512)] = None,
    ) -> AgreementPage:
        """Filter and page through every agreement, oldest notice first (stable cursor order)."""
        today = clock.today()
        rows, next_cursor = await queries.agreement_page(
            db_session, filters, today=today, limit=limit, cursor=cursor
        )
        return AgreementPage(
            items=[audit_agreement(r, today) for r in rows], next_cursor=next_cursor
        )

    @get("/agreements/{agreement_id:uuid}")
    async def get_agreement(
        self,
        db_session: NamedDependency[AsyncSession],
        clock: NamedDependency[Clock],
        agreement_id: FromPath[uuid.UUID],
    ) -> AuditAgreementDetail:
        """Sealed snapshot, acceptance evidence, schedule, payments, refunds, recording, history."""
        today = clock.today()
        agreement = await AgreementReader(db_session).load(agreement_id)
        row = await queries.agreement_row(db_session, agreement_id, today=today)
        payments = await db_session.scalars(
            select(Payment).where(Payment.agreement_id == agreement_id).order_by(Payment.created_at)
        )
        refunds = await db_session.scalars(
            select(Refund).where(Refund.agreement_id == agreement_id).order_by(Refund.created_at)
        )
        task = agreement.recording
        recording = None
        if task is not None:
            recording = RecordingTaskRead.model_validate(task)
            recording.overdue = task.status.value == "open" and task.due_date < today
        return AuditAgreementDetail(
            agreement=audit_agreement(row, today),
            snapshot=agreement.snapshot,
            acceptance_evidence={
                **agreement.snapshot.get("notice", {}),
                "declaration_version": agreement.snapshot["declaration"]["version"],
                "terms_hash": agreement.snapshot["declaration"]["terms_hash"],
                "announcement_ref": agreement.snapshot["declaration"]["announcement_ref"],
            },
            schedule=[ScheduleEntryRead.model_validate(e) for e in agreement.entries],
            payments=[PaymentRead.model_validate(p) for p in payments],
            refunds=[RefundRead.model_validate(r) for r in refunds],
            recording=recording,
            events=[
                {
                    "key": e.key,
                    "kind": e.kind,
                    "from": e.from_status,
                    "to": e.to_status,
                    "occurred_on": e.occurred_on.isoformat(),
                    "detail": e.detail,
                }
                for e in agreement.events
            ],
            seal_intact=seal(
                agreement.snapshot, RenderedContract(agreement.text_zh, agreement.text_en)
            )
            == agreement.seal,
        )

    @get("/declarations")
    async def list_declarations(
        self,
        db_session: NamedDependency[AsyncSession],
        patent_id: FromQuery[uuid.UUID | None] = None,
        university_id: FromQuery[uuid.UUID | None] = None,
        limit: Annotated[int, Parameter(ge=1, le=500)] = 100,
        cursor: Annotated[str | None, QueryParameter(max_length=512)] = None,
    ) -> DeclarationPage:
        """Published and withdrawn declarations with every version and withdrawal."""
        rows, next_cursor = await queries.declaration_page(
            db_session, patent_id=patent_id, university_id=university_id, limit=limit, cursor=cursor
        )
        return DeclarationPage(
            items=[DeclarationRead.model_validate(d) for d in rows], next_cursor=next_cursor
        )

    @get("/recording-tasks")
    async def list_recording_tasks(
        self,
        db_session: NamedDependency[AsyncSession],
        clock: NamedDependency[Clock],
        overdue: FromQuery[bool] = False,
        limit: Annotated[int, Parameter(ge=1, le=500)] = 100,
        cursor: Annotated[str | None, QueryParameter(max_length=512)] = None,
    ) -> RecordingPage:
        """备案 tasks by due date; `overdue=true` lists only those past due (rules 21–22)."""
        today = clock.today()
        rows, next_cursor = await queries.recording_page(
            db_session, overdue_only=overdue, today=today, limit=limit, cursor=cursor
        )
        return RecordingPage(
            items=[
                RecordingItem(
                    agreement_id=a.id,
                    agreement_number=a.number,
                    due_date=t.due_date,
                    status=t.status.value,
                    overdue=t.status.value == "open" and t.due_date < today,
                    filed_on=t.filed_on,
                    cnipa_reference=t.cnipa_reference,
                    filed_by_party=t.filed_by_party,
                )
                for t, a in rows
            ],
            next_cursor=next_cursor,
        )

    @get("/ledger")
    async def list_ledger(
        self,
        db_session: NamedDependency[AsyncSession],
        cursor: Annotated[str | None, QueryParameter(max_length=200)] = None,
        after_seq: Annotated[int, QueryParameter(ge=0, le=SEQ_MAX)] = 0,
        up_to_seq: Annotated[int | None, QueryParameter(ge=0, le=SEQ_MAX)] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=1000)] = 500,
    ) -> LedgerPage:
        """Entries in seq order, after `after_seq` (or the page `cursor` names), up to
        `up_to_seq` when given (a checkpoint's seq): `{items, next_cursor}`."""
        if cursor:
            (after_seq,) = decode_cursor(cursor, int)
        rows = await queries.ledger_page(
            db_session, after_seq=after_seq, limit=limit + 1, up_to_seq=up_to_seq
        )
        items = [ledger_entry_read(e) for e in rows[:limit]]
        more = len(rows) > limit
        return LedgerPage(items=items, next_cursor=encode_cursor(items[-1].seq) if more else None)

    @get("/ledger/verify")
    async def verify_ledger(
        self, db_session: NamedDependency[AsyncSession], settings: NamedDependency[Settings]
    ) -> dict[str, Any]:
        """Recompute the chain and the checkpoints, and compare every agreement, declaration,
        payment and refund row with the ledger."""
        report = await verify_all(db_session, settings)
        return dataclasses.asdict(report)

    @get("/ledger/checkpoints")
    async def list_checkpoints(
        self,
        db_session: NamedDependency[AsyncSession],
        since: Annotated[int, QueryParameter(ge=0, le=SEQ_MAX)] = 0,
        cursor: Annotated[str | None, QueryParameter(max_length=200)] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=1000)] = 500,
    ) -> CheckpointPage:
        """Signed checkpoints with seq > `since`, oldest first: `{items, next_cursor}`."""
        if cursor:
            (since,) = decode_cursor(cursor, int)
        query = (
            select(LedgerCheckpoint)
            .where(LedgerCheckpoint.seq > since)
            .order_by(LedgerCheckpoint.seq)
            .limit(limit + 1)
        )
        rows = list(await db_session.scalars(query))
        items = [CheckpointRead(**checkpoint_to_dict(to_checkpoint(r))) for r in rows[:limit]]
        more = len(rows) > limit
        return CheckpointPage(
            items=items, next_cursor=encode_cursor(items[-1].seq) if more else None
        )

    @get("/statistics")
    async def get_statistics(
        self,
        db_session: NamedDependency[AsyncSession],
        clock: NamedDependency[Clock],
        group_by: FromQuery[stats.GroupBy] = "quarter",
        date_from: FromQuery[datetime.date] = datetime.date(2021, 6, 1),
        date_to: FromQuery[datetime.date | None] = None,
    ) -> list[dict[str, Any]]:
        """Declared patents, active declarations, licences, SMEs served, trial conversions,
        amounts agreed and paid (minor units), overdue recordings — per group."""
        today = clock.today()
        return await stats.statistics(
            db_session,
            group_by=group_by,
            date_from=date_from,
            date_to=date_to or today,
            today=today,
        )

    @get("/indicators")
    async def get_indicators(
        self,
        db_session: NamedDependency[AsyncSession],
        clock: NamedDependency[Clock],
        date_from: FromQuery[datetime.date] = datetime.date(2021, 6, 1),
        date_to: FromQuery[datetime.date | None] = None,
    ) -> dict[str, Any]:
        """千校万企: universities with at least one licence; enterprises served per university."""
        return await stats.indicators(
            db_session, date_from=date_from, date_to=date_to or clock.today()
        )

    @get("/exports/agreements")
    async def export_agreements(
        self,
        session_maker: NamedDependency[async_sessionmaker[AsyncSession]],
        clock: NamedDependency[Clock],
        filters: NamedDependency[AgreementFilters],
        format: FromQuery[Literal["csv", "ndjson"]] = "csv",
    ) -> Stream:
        """The agreements of the same filters as a streamed CSV or NDJSON file (flat memory)."""
        today = clock.today()

        async def rows() -> AsyncIterator[dict[str, Any]]:
            # Its own session: the request's is closed once the response starts.
            async with session_maker() as session:
                async for row in queries.stream_agreements(session, filters, today=today):
                    yield audit_agreement(row, today).model_dump(mode="json")

        return _stream(rows(), format, "agreements", AGREEMENT_COLUMNS)

    @get("/exports/ledger")
    async def export_ledger(
        self,
        session_maker: NamedDependency[async_sessionmaker[AsyncSession]],
        format: FromQuery[Literal["csv", "ndjson"]] = "ndjson",
        up_to_seq: Annotated[int | None, QueryParameter(ge=0, le=SEQ_MAX)] = None,
    ) -> Stream:
        """The ledger from seq 1, streamed, up to `up_to_seq` when given (cut it at a
        checkpoint's seq and the export ends exactly at the checkpoint); verify it offline with
        verifier/olverify.py."""

        async def rows() -> AsyncIterator[dict[str, Any]]:
            async with session_maker() as session:
                async for entry in queries.stream_ledger(session, up_to_seq=up_to_seq):
                    yield ledger_export_row(to_stored(entry))

        return _stream(rows(), format, "ledger", list(LEDGER_COLUMNS))


def _stream(rows: AsyncIterator[dict[str, Any]], fmt: str, name: str, columns: list[str]) -> Stream:
    if fmt == "csv":
        return Stream(
            csv_stream(rows, columns),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    return Stream(
        ndjson_stream(rows),
        media_type="application/x-ndjson",
        headers={"Content-Disposition": f'attachment; filename="{name}.ndjson"'},
    )


@get("/api/audit/public-key", guards=[public], tags=["audit"])
async def public_key(settings: NamedDependency[Settings]) -> dict[str, str]:
    """The platform's Ed25519 public key that signs ledger checkpoints."""
    return published_key(settings)


@get("/api/audit/access-log", guards=[allow(Role.ADMIN)], tags=["audit"])
async def access_log(
    db_session: NamedDependency[AsyncSession],
    limit: Annotated[int, Parameter(ge=1, le=500)] = 100,
    before: FromQuery[datetime.datetime | None] = None,
) -> list[AccessLogRead]:
    """Who read what in the audit API, newest first (platform admins)."""
    query = select(AuditAccess).order_by(AuditAccess.created_at.desc()).limit(limit)
    if before is not None:
        query = query.where(AuditAccess.created_at < before)
    return [AccessLogRead.model_validate(r) for r in await db_session.scalars(query)]


def oversight_router(settings: Settings, session_maker: async_sessionmaker[AsyncSession]) -> Router:
    """The audit API; every read of it is logged through `session_maker`."""
    limit = RateLimitConfig(
        rate_limit=("minute", settings.audit.api_key_requests_per_minute),
        identifier_for_request=api_key_identifier,
        check_throttle_handler=is_api_key_request,
        middleware_class=retry_after_middleware(),
        store="audit_rate_limit",
    )
    audit = Router(
        path="/",
        route_handlers=[AuditController],
        middleware=[AuditAccessMiddleware(session_maker)],
    )
    return Router(
        path="/",
        route_handlers=[audit, public_key, list_keys, access_log, SubscriptionController],
        dependencies={"filters": Provide(provide_filters, sync_to_thread=False)},
        middleware=[limit.middleware],
    )
