"""HTTP routes of the achievements library: /api/achievements."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Controller, Request, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from openlicense.accounts.guards import allow, public
from openlicense.accounts.models import Role
from openlicense.achievements.schemas import AchievementCreate, AchievementRead
from openlicense.achievements.service import AchievementService
from openlicense.core.clock import Clock

AnyRequest = Request[Any, Any, Any]
tto = allow(Role.TTO_OFFICER)


async def provide_achievements(
    db_session: NamedDependency[AsyncSession], clock: NamedDependency[Clock]
) -> AchievementService:
    return AchievementService(db_session, clock=clock)


class AchievementController(Controller):
    path = "/api/achievements"
    tags = ["achievements"]

    @post("/", guards=[tto], status_code=201)
    async def add(
        self,
        request: AnyRequest,
        data: JSONBody[AchievementCreate],
        achievements: NamedDependency[AchievementService],
    ) -> AchievementRead:
        return achievements.read(await achievements.add(request.user, data))

    @get("/", guards=[public])
    async def list_achievements(
        self,
        achievements: NamedDependency[AchievementService],
        organisation_id: FromQuery[uuid.UUID | None] = None,
        technology_field: Annotated[str | None, QueryParameter(max_length=40)] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=100)] = 50,
        offset: Annotated[int, QueryParameter(ge=0, le=100_000)] = 0,
    ) -> list[AchievementRead]:
        rows = await achievements.list(
            organisation_id=organisation_id,
            technology_field=technology_field,
            limit=limit,
            offset=offset,
        )
        return [achievements.read(a) for a in rows]

    @get("/{achievement_id:uuid}", guards=[public])
    async def get_achievement(
        self,
        achievement_id: FromPath[uuid.UUID],
        achievements: NamedDependency[AchievementService],
    ) -> AchievementRead:
        return achievements.read(await achievements.get(achievement_id))

    @post("/{achievement_id:uuid}/review", guards=[tto], status_code=200)
    async def review(
        self,
        request: AnyRequest,
        achievement_id: FromPath[uuid.UUID],
        achievements: NamedDependency[AchievementService],
    ) -> AchievementRead:
        """The half-year review."""
        return achievements.read(await achievements.review(request.user, achievement_id))

    @post("/{achievement_id:uuid}/withdraw", guards=[tto], status_code=200)
    async def withdraw(
        self,
        request: AnyRequest,
        achievement_id: FromPath[uuid.UUID],
        achievements: NamedDependency[AchievementService],
    ) -> AchievementRead:
        return achievements.read(await achievements.withdraw(request.user, achievement_id))


router = Router(path="/", route_handlers=[AchievementController])
