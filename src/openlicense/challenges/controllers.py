"""HTTP routes of challenges: /api/challenges."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, HeaderParameter, JSONBody, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from openlicense.accounts.guards import allow, public
from openlicense.accounts.models import Role
from openlicense.agreements.schemas import AgreementRead
from openlicense.agreements.service import AcceptanceService
from openlicense.challenges.models import CooperationAgreement
from openlicense.challenges.schemas import (
    ApplicationCreate,
    ApplicationRead,
    ChallengeCreate,
    ChallengeRead,
    CooperationCreate,
    CooperationRead,
    MilestoneDone,
    MilestoneRead,
)
from openlicense.challenges.service import ChallengeService, CooperationService
from openlicense.challenges.service.cooperation import seal_valid
from openlicense.challenges.states import ChallengeStatus
from openlicense.core.clock import Clock

AnyRequest = Request[Any, Any, Any]
publishers = allow(Role.ENTERPRISE_MEMBER, Role.PROVINCIAL_AUTHORITY)
participants = allow(
    Role.ENTERPRISE_MEMBER, Role.PROVINCIAL_AUTHORITY, Role.TTO_OFFICER, Role.ADMIN
)
tto = allow(Role.TTO_OFFICER)


async def provide_challenges(
    db_session: NamedDependency[AsyncSession],
    clock: NamedDependency[Clock],
    acceptance: NamedDependency[AcceptanceService],
) -> ChallengeService:
    return ChallengeService(db_session, clock=clock, acceptance=acceptance)


async def provide_cooperation(
    db_session: NamedDependency[AsyncSession], clock: NamedDependency[Clock]
) -> CooperationService:
    return CooperationService(db_session, clock=clock)


async def cooperation_out(
    service: CooperationService, agreement: CooperationAgreement
) -> CooperationRead:
    out = CooperationRead.model_validate(agreement)
    out.milestones = [MilestoneRead.model_validate(m) for m in await service.milestones(agreement)]
    out.seal_valid = seal_valid(agreement)
    return out


class ChallengeController(Controller):
    path = "/api/challenges"
    tags = ["challenges"]

    @post("/", guards=[publishers], status_code=201)
    async def publish(
        self,
        request: AnyRequest,
        data: JSONBody[ChallengeCreate],
        challenges: NamedDependency[ChallengeService],
    ) -> ChallengeRead:
        """Publish a 揭榜挂帅 challenge from your need (an authority: a public challenge)."""
        return ChallengeRead.model_validate(await challenges.publish(request.user, data))

    @get("/", guards=[public])
    async def list_challenges(
        self,
        challenges: NamedDependency[ChallengeService],
        status: FromQuery[ChallengeStatus | None] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=100)] = 50,
        offset: Annotated[int, QueryParameter(ge=0, le=100_000)] = 0,
    ) -> list[ChallengeRead]:
        rows = await challenges.list(status=status, limit=limit, offset=offset)
        return [ChallengeRead.model_validate(c) for c in rows]

    @get("/{challenge_id:uuid}", guards=[public])
    async def get_challenge(
        self, challenge_id: FromPath[uuid.UUID], challenges: NamedDependency[ChallengeService]
    ) -> ChallengeRead:
        return ChallengeRead.model_validate(await challenges.get(challenge_id))

    @post("/{challenge_id:uuid}/applications", guards=[tto], status_code=201)
    async def apply(
        self,
        request: AnyRequest,
        challenge_id: FromPath[uuid.UUID],
        data: JSONBody[ApplicationCreate],
        challenges: NamedDependency[ChallengeService],
    ) -> ApplicationRead:
        """揭榜: answer with a proposal and a team, or point to one of your open licences."""
        application = await challenges.apply(request.user, challenge_id, data)
        return ApplicationRead.model_validate(application)

    @get("/{challenge_id:uuid}/applications", guards=[participants])
    async def list_applications(
        self,
        request: AnyRequest,
        challenge_id: FromPath[uuid.UUID],
        challenges: NamedDependency[ChallengeService],
    ) -> list[ApplicationRead]:
        """The publisher sees every application; a university only its own."""
        rows = await challenges.applications(request.user, challenge_id)
        return [ApplicationRead.model_validate(a) for a in rows]

    @get("/{challenge_id:uuid}/applications/{application_id:uuid}", guards=[participants])
    async def get_application(
        self,
        request: AnyRequest,
        challenge_id: FromPath[uuid.UUID],
        application_id: FromPath[uuid.UUID],
        challenges: NamedDependency[ChallengeService],
    ) -> ApplicationRead:
        application = await challenges.application(request.user, challenge_id, application_id)
        return ApplicationRead.model_validate(application)

    @post(
        "/{challenge_id:uuid}/applications/{application_id:uuid}/shortlist",
        guards=[publishers],
        status_code=200,
    )
    async def shortlist(
        self,
        request: AnyRequest,
        challenge_id: FromPath[uuid.UUID],
        application_id: FromPath[uuid.UUID],
        challenges: NamedDependency[ChallengeService],
    ) -> ApplicationRead:
        application = await challenges.shortlist(request.user, challenge_id, application_id)
        return ApplicationRead.model_validate(application)

    @post(
        "/{challenge_id:uuid}/applications/{application_id:uuid}/select",
        guards=[publishers],
        status_code=200,
    )
    async def select(
        self,
        request: AnyRequest,
        challenge_id: FromPath[uuid.UUID],
        application_id: FromPath[uuid.UUID],
        challenges: NamedDependency[ChallengeService],
    ) -> ApplicationRead:
        application = await challenges.select(request.user, challenge_id, application_id)
        return ApplicationRead.model_validate(application)

    @post(
        "/{challenge_id:uuid}/applications/{application_id:uuid}/licence",
        guards=[allow(Role.ENTERPRISE_MEMBER)],
        status_code=201,
    )
    async def accept_licence(
        self,
        request: AnyRequest,
        challenge_id: FromPath[uuid.UUID],
        application_id: FromPath[uuid.UUID],
        challenges: NamedDependency[ChallengeService],
        idempotency_key: Annotated[
            str, HeaderParameter(name="Idempotency-Key", min_length=8, max_length=128)
        ],
    ) -> Response[AgreementRead]:
        """Accept an open-licence answer in one step (PL 51 notice on the declared terms)."""
        agreement, created = await challenges.accept_licence(
            request.user,
            challenge_id,
            application_id,
            idempotency_key=idempotency_key,
            ip=request.client.host if request.client else None,
            user_agent=request.headers.get("user-agent"),
        )
        return Response(
            AgreementRead.model_validate(agreement), status_code=201 if created else 200
        )

    @post("/{challenge_id:uuid}/agreement", guards=[publishers], status_code=201)
    async def draw_up(
        self,
        request: AnyRequest,
        challenge_id: FromPath[uuid.UUID],
        data: JSONBody[CooperationCreate],
        cooperation: NamedDependency[CooperationService],
    ) -> CooperationRead:
        """Draw up, seal and sign the cooperation agreement with the selected team."""
        agreement = await cooperation.draw_up(request.user, challenge_id, data)
        return await cooperation_out(cooperation, agreement)

    @get("/{challenge_id:uuid}/agreement", guards=[participants])
    async def get_agreement(
        self,
        request: AnyRequest,
        challenge_id: FromPath[uuid.UUID],
        cooperation: NamedDependency[CooperationService],
    ) -> CooperationRead:
        """The parties, the platform and authorities read it, with its milestones and a fresh
        seal check."""
        return await cooperation_out(cooperation, await cooperation.get(request.user, challenge_id))

    @get(
        "/{challenge_id:uuid}/agreement/text",
        guards=[participants],
        media_type="text/markdown; charset=utf-8",
    )
    async def get_agreement_text(
        self,
        request: AnyRequest,
        challenge_id: FromPath[uuid.UUID],
        cooperation: NamedDependency[CooperationService],
        lang: FromQuery[Literal["zh", "en"]] = "zh",
    ) -> str:
        agreement = await cooperation.get(request.user, challenge_id)
        return agreement.text_en if lang == "en" else agreement.text_zh

    @post("/{challenge_id:uuid}/agreement/sign", guards=[tto], status_code=200)
    async def sign(
        self,
        request: AnyRequest,
        challenge_id: FromPath[uuid.UUID],
        cooperation: NamedDependency[CooperationService],
    ) -> CooperationRead:
        """The selected university signs the sealed text."""
        return await cooperation_out(
            cooperation, await cooperation.sign(request.user, challenge_id)
        )

    @post(
        "/{challenge_id:uuid}/milestones/{position:int}/done",
        guards=[publishers],
        status_code=200,
    )
    async def milestone_done(
        self,
        request: AnyRequest,
        challenge_id: FromPath[uuid.UUID],
        position: FromPath[int],
        data: JSONBody[MilestoneDone],
        cooperation: NamedDependency[CooperationService],
    ) -> CooperationRead:
        """The challenge's publisher (an enterprise, or the authority of a public challenge)
        accepts a milestone against the acceptance criteria."""
        agreement = await cooperation.complete_milestone(
            request.user, challenge_id, position, data.evidence
        )
        return await cooperation_out(cooperation, agreement)


router = Router(path="/", route_handlers=[ChallengeController])
