"""HTTP routes: quotes and acceptance (/api/offers), agreements and their obligations."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, Router, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, HeaderParameter, JSONBody, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from openlicense.accounts.guards import allow, public
from openlicense.accounts.models import Role
from openlicense.agreements.errors import InvalidEstimate
from openlicense.agreements.models import AgreementDispute
from openlicense.agreements.rules import DISPUTE_GUIDANCE, LifecycleConfig
from openlicense.agreements.schemas import (
    AcceptanceRequest,
    AgreementEventRead,
    AgreementRead,
    AgreementSummary,
    DisputeOpen,
    DisputeRead,
    DisputeStep,
    InventorRewardReport,
    Quote,
    RecordingFiled,
    RewardRuleIn,
    RoyaltyAmendmentIn,
    RoyaltyReportIn,
    RoyaltyReportRead,
    SealCheck,
    SublicenceRequest,
)
from openlicense.agreements.service import AcceptanceService, ObligationService, quote
from openlicense.agreements.service.disputes import DisputeService
from openlicense.agreements.service.printing import contract_pdf
from openlicense.agreements.service.rewards import RewardService
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
        estimated_annual_base: Annotated[
            str | None, QueryParameter(max_length=22, pattern=r"^\d{1,15}(\.\d{1,6})?$")
        ] = None,
    ) -> Quote:
        """The payment schedule if you accepted on `acceptance_date` (default today).
        `estimated_annual_base` (minor units, or units) projects royalty amounts."""
        estimate = Decimal(estimated_annual_base) if estimated_annual_base else None
        if estimate is not None and not 0 <= estimate <= 10**15:
            raise InvalidEstimate("estimated_annual_base must be between 0 and 10^15.")
        return await quote(
            declarations,
            request.scope.get("user"),
            declaration_id,
            acceptance_date=acceptance_date or clock.today(),
            estimated_annual_base=estimate,
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


class DisputeController(Controller):
    """Rule 28 (PL 52): negotiation → CNIPA mediation request → court; rule 19: no sublicence."""

    path = "/api/agreements/{agreement_id:uuid}"
    tags = ["licensing"]

    @get("/disputes", guards=[readers])
    async def list_disputes(
        self,
        request: AnyRequest,
        agreement_id: FromPath[uuid.UUID],
        disputes: NamedDependency[DisputeService],
    ) -> list[DisputeRead]:
        rows = await disputes.list(request.user, agreement_id)
        return [_dispute(d) for d in rows]

    @post("/disputes", guards=[parties], status_code=201)
    async def open_dispute(
        self,
        request: AnyRequest,
        agreement_id: FromPath[uuid.UUID],
        data: JSONBody[DisputeOpen],
        disputes: NamedDependency[DisputeService],
    ) -> DisputeRead:
        """Either party opens a dispute; it starts with negotiation between the parties."""
        return _dispute(await disputes.open(request.user, agreement_id, data))

    @post("/disputes/{dispute_id:uuid}/steps", guards=[parties], status_code=200)
    async def step_dispute(
        self,
        request: AnyRequest,
        agreement_id: FromPath[uuid.UUID],
        dispute_id: FromPath[uuid.UUID],
        data: JSONBody[DisputeStep],
        disputes: NamedDependency[DisputeService],
    ) -> DisputeRead:
        """Next step: ask CNIPA (or a local IP office) to mediate, go to court, or resolve.
        CNIPA mediates; it cannot set the fee (a request that it should is refused)."""
        return _dispute(await disputes.step(request.user, agreement_id, dispute_id, data))

    @post("/sublicences", guards=[allow(Role.ENTERPRISE_MEMBER)], status_code=201)
    async def request_sublicence(
        self,
        request: AnyRequest,
        agreement_id: FromPath[uuid.UUID],
        data: JSONBody[SublicenceRequest],
        disputes: NamedDependency[DisputeService],
    ) -> None:
        """Rule 19: an open licence cannot be sublicensed; always refused with 422."""
        await disputes.sublicense(request.user, agreement_id, data)


class RewardController(Controller):
    """Rule 32 (PTSTA 45): the inventor-reward report of a university-owned patent."""

    path = "/api/inventor-rewards"
    tags = ["licensing"]

    @put("/rule", guards=[allow(Role.TTO_OFFICER)])
    async def record_reward_rule(
        self,
        request: AnyRequest,
        data: JSONBody[RewardRuleIn],
        rewards: NamedDependency[RewardService],
    ) -> dict[str, str]:
        """Record the university's own reward rule; it replaces the statutory 50 %."""
        rule = await rewards.record_rule(request.user, data)
        return {"share": str(rule.share), "reference": rule.reference}

    @get(
        "/{patent_id:uuid}",
        guards=[allow(Role.TTO_OFFICER, Role.AUDITOR, Role.ADMIN)],
    )
    async def inventor_reward(
        self,
        request: AnyRequest,
        patent_id: FromPath[uuid.UUID],
        rewards: NamedDependency[RewardService],
    ) -> InventorRewardReport:
        """Net licence income of the patent and the minimum inventor reward."""
        return await rewards.report(request.user, patent_id)


def _dispute(dispute: AgreementDispute) -> DisputeRead:
    read = DisputeRead.model_validate(dispute)
    read.guidance = DISPUTE_GUIDANCE
    return read


async def provide_disputes(
    db_session: NamedDependency[AsyncSession], clock: NamedDependency[Clock]
) -> DisputeService:
    return DisputeService(db_session, clock=clock)


async def provide_rewards(
    db_session: NamedDependency[AsyncSession], clock: NamedDependency[Clock]
) -> RewardService:
    return RewardService(db_session, clock=clock)


router = Router(
    path="/",
    route_handlers=[OfferController, AgreementController, DisputeController, RewardController],
)
