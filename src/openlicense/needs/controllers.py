"""HTTP routes of the needs library: /api/needs."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Controller, Request, Response, Router, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, HeaderParameter, JSONBody, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from openlicense.accounts.guards import allow, public
from openlicense.accounts.models import Role
from openlicense.accounts.principal import Principal
from openlicense.agreements.schemas import AcceptanceRequest, AgreementRead
from openlicense.agreements.service import AcceptanceService
from openlicense.core.clock import Clock
from openlicense.needs.errors import NeedNotOpen
from openlicense.needs.models import NeedMatch
from openlicense.needs.schemas import (
    LicenceAnswer,
    MatchedNeed,
    MatchRead,
    NeedCreate,
    NeedMatches,
    NeedRead,
    NeedUpdate,
)
from openlicense.needs.service import MatchingService, NeedService, mark_met
from openlicense.needs.states import NeedStatus
from openlicense.search.engine import SearchEngine

AnyRequest = Request[Any, Any, Any]
enterprise = allow(Role.ENTERPRISE_MEMBER)


async def provide_needs(
    db_session: NamedDependency[AsyncSession], clock: NamedDependency[Clock]
) -> NeedService:
    return NeedService(db_session, clock=clock)


async def provide_matching(
    db_session: NamedDependency[AsyncSession],
    clock: NamedDependency[Clock],
    search_engine: NamedDependency[SearchEngine],
) -> MatchingService:
    return MatchingService(db_session, clock=clock, engine=search_engine)


def _principal(request: AnyRequest) -> Principal | None:
    user: Principal | None = request.scope.get("user")
    return user


def matches_out(matches: list[NeedMatch], new: set[uuid.UUID]) -> tuple[list[MatchRead], int]:
    out = [MatchRead.model_validate(m).model_copy(update={"new": m.id in new}) for m in matches]
    return out, sum(1 for m in out if m.new)


class NeedController(Controller):
    path = "/api/needs"
    tags = ["needs"]

    @post("/", guards=[enterprise], status_code=201)
    async def post_need(
        self,
        request: AnyRequest,
        data: JSONBody[NeedCreate],
        needs: NamedDependency[NeedService],
        matching: NamedDependency[MatchingService],
    ) -> NeedRead:
        """Post a technical need; the matcher runs at once."""
        need = await needs.post(request.user, data)
        await matching.refresh(need)
        return needs.read(need)

    @get("/", guards=[public])
    async def list_needs(
        self,
        request: AnyRequest,
        needs: NamedDependency[NeedService],
        mine: FromQuery[bool] = False,
        technology_field: Annotated[str | None, QueryParameter(max_length=40)] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=100)] = 50,
        offset: Annotated[int, QueryParameter(ge=0, le=100_000)] = 0,
    ) -> list[NeedRead]:
        """Open needs you may read (public ones; universities also see universities-only
        needs); `mine=true`: your enterprise's needs in every state."""
        rows = await needs.list(
            _principal(request),
            mine=mine,
            technology_field=technology_field,
            limit=limit,
            offset=offset,
        )
        return [needs.read(n) for n in rows]

    @get("/matched", guards=[allow(Role.TTO_OFFICER)])
    async def matched_needs(
        self,
        request: AnyRequest,
        needs: NamedDependency[NeedService],
        matching: NamedDependency[MatchingService],
    ) -> list[MatchedNeed]:
        """For a TTO: open needs its university's patents, achievements or experts match, with
        those matches; `new` marks what appeared since its last visit."""
        grouped, new = await matching.for_university(request.user)
        out = []
        for need, ms in grouped:
            reads, count = matches_out(ms, new)
            out.append(MatchedNeed(need=needs.read(need), matches=reads, new_count=count))
        return out

    @get("/{need_id:uuid}", guards=[public])
    async def get_need(
        self, request: AnyRequest, need_id: FromPath[uuid.UUID], needs: NamedDependency[NeedService]
    ) -> NeedRead:
        return needs.read(await needs.get(_principal(request), need_id))

    @patch("/{need_id:uuid}", guards=[enterprise])
    async def update_need(
        self,
        request: AnyRequest,
        need_id: FromPath[uuid.UUID],
        data: JSONBody[NeedUpdate],
        needs: NamedDependency[NeedService],
        matching: NamedDependency[MatchingService],
    ) -> NeedRead:
        """Change a need (counts as confirming it); the matcher runs again."""
        need = await needs.update(request.user, need_id, data)
        await matching.refresh(need)
        return needs.read(need)

    @post("/{need_id:uuid}/confirm", guards=[enterprise], status_code=200)
    async def confirm_need(
        self, request: AnyRequest, need_id: FromPath[uuid.UUID], needs: NamedDependency[NeedService]
    ) -> NeedRead:
        """The half-year confirmation: still wanted as written."""
        return needs.read(await needs.confirm(request.user, need_id))

    @post("/{need_id:uuid}/close", guards=[enterprise], status_code=200)
    async def close_need(
        self, request: AnyRequest, need_id: FromPath[uuid.UUID], needs: NamedDependency[NeedService]
    ) -> NeedRead:
        return needs.read(await needs.close(request.user, need_id))

    @get("/{need_id:uuid}/matches", guards=[allow(Role.ENTERPRISE_MEMBER, Role.ADMIN)])
    async def need_matches(
        self,
        request: AnyRequest,
        need_id: FromPath[uuid.UUID],
        needs: NamedDependency[NeedService],
        matching: NamedDependency[MatchingService],
        refresh: FromQuery[bool] = False,
    ) -> NeedMatches:
        """Ranked matches with their reasons; `new` marks those found since your last visit.
        `refresh=true` runs the matcher first."""
        need = await needs.get(request.user, need_id)
        if not request.user.is_admin:
            need = await needs.owned(request.user, need_id)
        if refresh:
            await matching.refresh(need)
        matches, new = await matching.for_owner(need)
        reads, count = matches_out(matches, new)
        return NeedMatches(need=needs.read(need), matches=reads, new_count=count)

    @post("/{need_id:uuid}/licence", guards=[enterprise], status_code=201)
    async def answer_with_licence(
        self,
        request: AnyRequest,
        need_id: FromPath[uuid.UUID],
        data: JSONBody[LicenceAnswer],
        needs: NamedDependency[NeedService],
        acceptance: NamedDependency[AcceptanceService],
        clock: NamedDependency[Clock],
        idempotency_key: Annotated[
            str, HeaderParameter(name="Idempotency-Key", min_length=8, max_length=128)
        ],
    ) -> Response[AgreementRead]:
        """Meet the need with a matched open licence: the written notice of PL 51 on the declared
        terms (rule 14), in one step; the need is marked met by that licence."""
        need = await needs.owned(request.user, need_id)
        if need.status is not NeedStatus.OPEN and need.met_by_agreement_id is None:
            raise NeedNotOpen("This need is closed or already met.")
        agreement, created = await acceptance.accept(
            request.user,
            data.declaration_id,
            AcceptanceRequest(),
            idempotency_key=idempotency_key,
            ip=request.client.host if request.client else None,
            user_agent=request.headers.get("user-agent"),
        )
        await mark_met(
            needs.session,
            need.id,
            now=clock.now(),
            actor_id=request.user.user_id,
            agreement_id=agreement.id,
        )
        return Response(
            AgreementRead.model_validate(agreement), status_code=201 if created else 200
        )


router = Router(path="/", route_handlers=[NeedController])
