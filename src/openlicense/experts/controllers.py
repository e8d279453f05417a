"""HTTP routes of the talent library (/api/experts) and consulting (/api/consulting)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Controller, Request, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from openlicense.accounts.guards import allow, public
from openlicense.accounts.models import Role
from openlicense.core.clock import Clock
from openlicense.experts.models import ConsultingRequest
from openlicense.experts.schemas import (
    ConsultingApproval,
    ConsultingCreate,
    ConsultingDecline,
    ConsultingRead,
    ExpertCreate,
    ExpertProfile,
    ExpertRead,
    SessionCreate,
    SessionRead,
)
from openlicense.experts.service import ConsultingService, ExpertService

AnyRequest = Request[Any, Any, Any]
tto = allow(Role.TTO_OFFICER)
parties = allow(Role.TTO_OFFICER, Role.ENTERPRISE_MEMBER, Role.ADMIN)


async def provide_experts(
    db_session: NamedDependency[AsyncSession], clock: NamedDependency[Clock]
) -> ExpertService:
    return ExpertService(db_session, clock=clock)


async def provide_consulting(
    db_session: NamedDependency[AsyncSession], clock: NamedDependency[Clock]
) -> ConsultingService:
    return ConsultingService(db_session, clock=clock)


async def consulting_out(service: ConsultingService, request: ConsultingRequest) -> ConsultingRead:
    out = ConsultingRead.model_validate(request)
    out.sessions = [SessionRead.model_validate(s) for s in await service.sessions(request)]
    return out


class ExpertController(Controller):
    path = "/api/experts"
    tags = ["experts"]

    @post("/", guards=[tto], status_code=201)
    async def add(
        self,
        request: AnyRequest,
        data: JSONBody[ExpertCreate],
        experts: NamedDependency[ExpertService],
    ) -> ExpertRead:
        return ExpertRead.model_validate(await experts.add(request.user, data))

    @get("/", guards=[public])
    async def list_experts(
        self,
        experts: NamedDependency[ExpertService],
        mentors: FromQuery[bool] = False,
        organisation_id: FromQuery[uuid.UUID | None] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=100)] = 50,
        offset: Annotated[int, QueryParameter(ge=0, le=100_000)] = 0,
    ) -> list[ExpertRead]:
        rows = await experts.list(
            mentors_only=mentors, organisation_id=organisation_id, limit=limit, offset=offset
        )
        return [ExpertRead.model_validate(e) for e in rows]

    @get("/{expert_id:uuid}", guards=[public])
    async def get_expert(
        self, expert_id: FromPath[uuid.UUID], experts: NamedDependency[ExpertService]
    ) -> ExpertProfile:
        """The profile with the expert's patents and achievements."""
        return await experts.profile(expert_id)

    @post("/{expert_id:uuid}/consulting", guards=[allow(Role.ENTERPRISE_MEMBER)], status_code=201)
    async def request_consulting(
        self,
        request: AnyRequest,
        expert_id: FromPath[uuid.UUID],
        data: JSONBody[ConsultingCreate],
        consulting: NamedDependency[ConsultingService],
    ) -> ConsultingRead:
        """Ask a technical mentor for one-to-one consulting; the mentor's TTO decides."""
        return await consulting_out(
            consulting, await consulting.request(request.user, expert_id, data)
        )


class ConsultingController(Controller):
    path = "/api/consulting"
    tags = ["experts"]

    @get("/", guards=[parties])
    async def list_requests(
        self, request: AnyRequest, consulting: NamedDependency[ConsultingService]
    ) -> list[ConsultingRead]:
        """Your enterprise's requests, or the requests to your university's mentors."""
        return [await consulting_out(consulting, r) for r in await consulting.list(request.user)]

    @get("/{request_id:uuid}", guards=[parties])
    async def get_request(
        self,
        request: AnyRequest,
        request_id: FromPath[uuid.UUID],
        consulting: NamedDependency[ConsultingService],
    ) -> ConsultingRead:
        return await consulting_out(consulting, await consulting.get(request.user, request_id))

    @post("/{request_id:uuid}/approve", guards=[tto], status_code=200)
    async def approve(
        self,
        request: AnyRequest,
        request_id: FromPath[uuid.UUID],
        data: JSONBody[ConsultingApproval],
        consulting: NamedDependency[ConsultingService],
    ) -> ConsultingRead:
        """Approve with the reference of the professor's unit's written consent."""
        return await consulting_out(
            consulting, await consulting.approve(request.user, request_id, data)
        )

    @post("/{request_id:uuid}/decline", guards=[tto], status_code=200)
    async def decline(
        self,
        request: AnyRequest,
        request_id: FromPath[uuid.UUID],
        data: JSONBody[ConsultingDecline],
        consulting: NamedDependency[ConsultingService],
    ) -> ConsultingRead:
        return await consulting_out(
            consulting, await consulting.decline(request.user, request_id, data.note)
        )

    @post(
        "/{request_id:uuid}/sessions",
        guards=[allow(Role.TTO_OFFICER, Role.ENTERPRISE_MEMBER)],
        status_code=201,
    )
    async def add_session(
        self,
        request: AnyRequest,
        request_id: FromPath[uuid.UUID],
        data: JSONBody[SessionCreate],
        consulting: NamedDependency[ConsultingService],
    ) -> ConsultingRead:
        return await consulting_out(
            consulting, await consulting.add_session(request.user, request_id, data)
        )

    @post(
        "/{request_id:uuid}/complete",
        guards=[allow(Role.TTO_OFFICER, Role.ENTERPRISE_MEMBER)],
        status_code=200,
    )
    async def complete(
        self,
        request: AnyRequest,
        request_id: FromPath[uuid.UUID],
        consulting: NamedDependency[ConsultingService],
    ) -> ConsultingRead:
        return await consulting_out(consulting, await consulting.complete(request.user, request_id))


router = Router(path="/", route_handlers=[ExpertController, ConsultingController])
