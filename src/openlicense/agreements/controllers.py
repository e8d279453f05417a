"""HTTP routes: quotes and acceptance (/api/offers), agreements and their obligations."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, HeaderParameter, JSONBody, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from openlicense.accounts.guards import allow, public
from openlicense.accounts.models import Role
from openlicense.agreements.errors import InvalidEstimate
from openlicense.agreements.rules import LifecycleConfig
from openlicense.agreements.schemas import (
    AcceptanceRequest,
    AgreementEventRead,
    AgreementRead,
    AgreementSummary,
    Quote,
    RecordingFiled,
    RoyaltyAmendmentIn,
    RoyaltyReportIn,
    RoyaltyReportRead,
    SealCheck,
)
from openlicense.agreements.service import AcceptanceService, ObligationService, quote
from openlicense.agreements.service.printing import contract_pdf
from openlicense.agreements.service.seal import seal_check
from openlicense.agreements.states import AgreementStatus
from openlicense.catalogue.schemas import CursorPage
from openlicense.catalogue.service import DeclarationService
from openlicense.core.clock import Clock
from openlicense.settings import Settings

AnyRequest = Request[Any, Any, Any]
parties = allow(Role.TTO_OFFICER, Role.ENTERPRISE_MEMBER)
readers = allow(Role.TTO_OFFICER, Role.ENTERPRISE_MEMBER, Role.AUDITOR, Role.ADMIN, api_keys=True)


async def provide_acceptance_service(
    db_session: NamedDependency[AsyncSession],
    clock: NamedDependency[Clock],
    settings: NamedDependency[Settings],
) -> AcceptanceService:
    return AcceptanceService(
        db_session, clock=clock, config=LifecycleConfig.from_settings(settings.lifecycle)
    )


async def provide_obligation_service(
    db_session: NamedDependency[AsyncSession], clock: NamedDependency[Clock]
) -> ObligationService:
    return ObligationService(db_session, clock=clock)


class OfferController(Controller):
    path = "/api/offers"
    tags = ["licensing"]

    @get("/{declaration_id:uuid}/quote", guards=[public])
    async def get_quote(
        self,
        request: AnyRequest,
        declaration_id: FromPath[uuid.UUID],
        declarations: NamedDependency[DeclarationService],
        clock: NamedDependency[Clock],
        acceptance_date: FromQuery[datetime.date | None] = None,
        estimated_annual_base: FromQuery[Decimal | None] = None,
    ) -> Quote:
        """The payment schedule if you accepted on `acceptance_date` (default today).
        `estimated_annual_base` (minor units, or units) projects royalty amounts."""
        if estimated_annual_base is not None and not 0 <= estimated_annual_base <= 10**15:
            raise InvalidEstimate("estimated_annual_base must be between 0 and 10^15.")
        return await quote(
            declarations,
            request.scope.get("user"),
            declaration_id,
            acceptance_date=acceptance_date or clock.today(),
            estimated_annual_base=estimated_annual_base,
        )

    @post("/{declaration_id:uuid}/accept", guards=[allow(Role.ENTERPRISE_MEMBER)], status_code=201)
    async def accept(
        self,
        request: AnyRequest,
        declaration_id: FromPath[uuid.UUID],
        acceptance: NamedDependency[AcceptanceService],
        idempotency_key: Annotated[
            str, HeaderParameter(name="Idempotency-Key", min_length=8, max_length=128)
        ],
        data: JSONBody[AcceptanceRequest | None] = None,
    ) -> Response[AgreementRead]:
        """The written notice of PL 51: accept the declared terms. Retrying with the same
        `Idempotency-Key` returns the same agreement (200) instead of creating another."""
        agreement, created = await acceptance.accept(
            request.user,
            declaration_id,
            data or AcceptanceRequest(),
            idempotency_key=idempotency_key,
            ip=request.client.host if request.client else None,
            user_agent=request.headers.get("user-agent"),
        )
        return Response(
            AgreementRead.model_validate(agreement), status_code=201 if created else 200
        )


class AgreementController(Controller):
    path = "/api/agreements"
    tags = ["licensing"]

    @get("/", guards=[readers])
    async def list_agreements(
        self,
        request: AnyRequest,
        obligations: NamedDependency[ObligationService],
        limit: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
        cursor: Annotated[str | None, QueryParameter(max_length=512)] = None,
        status: FromQuery[AgreementStatus | None] = None,
    ) -> CursorPage[AgreementSummary]:
        """A TTO sees its university's licences, an enterprise its own; auditors and admins all.
        Newest first; page with `next_cursor`."""
        rows, next_cursor = await obligations.list(
            request.user, limit=limit, cursor=cursor, status=status
        )
        return CursorPage[AgreementSummary](
            items=[AgreementSummary.model_validate(a) for a in rows],
            limit=limit,
            next_cursor=next_cursor,
        )

    @get("/{agreement_id:uuid}", guards=[readers])
    async def get_agreement(
        self,
        request: AnyRequest,
        agreement_id: FromPath[uuid.UUID],
        obligations: NamedDependency[ObligationService],
    ) -> AgreementRead:
        return AgreementRead.model_validate(await obligations.get(request.user, agreement_id))

    @get("/{agreement_id:uuid}/events", guards=[readers])
    async def list_events(
        self,
        request: AnyRequest,
        agreement_id: FromPath[uuid.UUID],
        obligations: NamedDependency[ObligationService],
    ) -> list[AgreementEventRead]:
        agreement = await obligations.get(request.user, agreement_id)
        return [AgreementEventRead.model_validate(e) for e in agreement.events]

    @get(
        "/{agreement_id:uuid}/contract", guards=[readers], media_type="text/markdown; charset=utf-8"
    )
    async def get_contract_text(
        self,
        request: AnyRequest,
        agreement_id: FromPath[uuid.UUID],
        obligations: NamedDependency[ObligationService],
        lang: FromQuery[Literal["zh", "en"]] = "zh",
    ) -> str:
        agreement = await obligations.get(request.user, agreement_id)
        return agreement.text_zh if lang == "zh" else agreement.text_en

    @get("/{agreement_id:uuid}/contract.pdf", guards=[readers], media_type="application/pdf")
    async def get_contract_pdf(
        self,
        request: AnyRequest,
        agreement_id: FromPath[uuid.UUID],
        obligations: NamedDependency[ObligationService],
        settings: NamedDependency[Settings],
    ) -> Response[bytes]:
        """The sealed contract as PDF, rendered in a worker process and cached by its seal."""
        agreement = await obligations.get(request.user, agreement_id)
        pdf = await contract_pdf(agreement, settings)
        return Response(
            pdf,
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{agreement.number}.pdf"'},
        )

    @get("/{agreement_id:uuid}/seal", guards=[readers])
    async def check_seal(
        self,
        request: AnyRequest,
        agreement_id: FromPath[uuid.UUID],
        obligations: NamedDependency[ObligationService],
    ) -> SealCheck:
        """Recompute the seal over the stored snapshot and texts: any later change shows."""
        return seal_check(await obligations.get(request.user, agreement_id))

    @post(
        "/{agreement_id:uuid}/royalty-reports",
        guards=[allow(Role.ENTERPRISE_MEMBER)],
        status_code=201,
    )
    async def report_royalty(
        self,
        request: AnyRequest,
        agreement_id: FromPath[uuid.UUID],
        data: JSONBody[RoyaltyReportIn],
        obligations: NamedDependency[ObligationService],
    ) -> RoyaltyReportRead:
        """The licensee reports a period's net sales / profit / units; the amount is computed."""
        return RoyaltyReportRead.model_validate(
            await obligations.report_royalty(request.user, agreement_id, data)
        )

    @post(
        "/{agreement_id:uuid}/royalty-reports/{entry_key:str}/amend",
        guards=[allow(Role.ENTERPRISE_MEMBER)],
        status_code=200,
    )
    async def amend_royalty(
        self,
        request: AnyRequest,
        agreement_id: FromPath[uuid.UUID],
        entry_key: FromPath[str],
        data: JSONBody[RoyaltyAmendmentIn],
        obligations: NamedDependency[ObligationService],
    ) -> RoyaltyReportRead:
        """Correct a filed report within the following reporting period; the difference is
        settled on the next payment, and the amendment is recorded (event and ledger)."""
        report = await obligations.amend_royalty(request.user, agreement_id, entry_key, data)
        return RoyaltyReportRead.model_validate(report)

    @post("/{agreement_id:uuid}/recording", guards=[parties], status_code=200)
    async def file_recording(
        self,
        request: AnyRequest,
        agreement_id: FromPath[uuid.UUID],
        data: JSONBody[RecordingFiled],
        obligations: NamedDependency[ObligationService],
    ) -> AgreementRead:
        """Either party marks the licence recorded with CNIPA (备案, IR 87)."""
        return AgreementRead.model_validate(
            await obligations.file_recording(request.user, agreement_id, data)
        )


router = Router(
    path="/",
    route_handlers=[OfferController, AgreementController],
)
