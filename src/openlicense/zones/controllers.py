"""HTTP routes of zones (/api/zones) and matchmaking events (/api/events)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Controller, Request, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from openlicense.accounts.guards import allow, public
from openlicense.accounts.models import Role
from openlicense.accounts.principal import Principal
from openlicense.core.clock import Clock
from openlicense.zones.schemas import (
    EventCreate,
    EventRead,
    ItemAdd,
    OutcomeCreate,
    ZoneCreate,
    ZoneRead,
)
from openlicense.zones.service import ZoneService

AnyRequest = Request[Any, Any, Any]
curators = allow(Role.TTO_OFFICER, Role.PROVINCIAL_AUTHORITY, Role.ADMIN)


async def provide_zones(
    db_session: NamedDependency[AsyncSession], clock: NamedDependency[Clock]
) -> ZoneService:
    return ZoneService(db_session, clock=clock)


def _principal(request: AnyRequest) -> Principal | None:
    user: Principal | None = request.scope.get("user")
    return user


class ZoneController(Controller):
    path = "/api/zones"
    tags = ["zones"]

    @post("/", guards=[curators], status_code=201)
    async def create(
        self, request: AnyRequest, data: JSONBody[ZoneCreate], zones: NamedDependency[ZoneService]
    ) -> ZoneRead:
        """An online zone (线上专区) curated by a TTO, a province or the platform."""
        return ZoneRead.model_validate(await zones.create_zone(request.user, data))

    @get("/", guards=[public])
    async def list_zones(
        self,
        zones: NamedDependency[ZoneService],
        province: Annotated[str | None, QueryParameter(max_length=32)] = None,
    ) -> list[ZoneRead]:
        return [ZoneRead.model_validate(z) for z in await zones.zones(province=province)]

    @get("/{zone_id:uuid}", guards=[public])
    async def get_zone(
        self, zone_id: FromPath[uuid.UUID], zones: NamedDependency[ZoneService]
    ) -> ZoneRead:
        out = ZoneRead.model_validate(await zones.zone(zone_id))
        out.items = await zones.items(zone_id=zone_id)
        return out

    @post("/{zone_id:uuid}/items", guards=[curators], status_code=201)
    async def add_item(
        self,
        request: AnyRequest,
        zone_id: FromPath[uuid.UUID],
        data: JSONBody[ItemAdd],
        zones: NamedDependency[ZoneService],
    ) -> ZoneRead:
        """List a patent, an achievement or a challenge in the zone."""
        out = ZoneRead.model_validate(await zones.add_to_zone(request.user, zone_id, data))
        out.items = await zones.items(zone_id=zone_id)
        return out


class EventController(Controller):
    path = "/api/events"
    tags = ["zones"]

    @post("/", guards=[curators], status_code=201)
    async def create(
        self, request: AnyRequest, data: JSONBody[EventCreate], zones: NamedDependency[ZoneService]
    ) -> EventRead:
        """A matchmaking event (专场对接活动): date, place or link."""
        event = await zones.create_event(request.user, data)
        return await zones.event_read(event, request.user)

    @get("/", guards=[public])
    async def list_events(
        self,
        request: AnyRequest,
        zones: NamedDependency[ZoneService],
        upcoming: FromQuery[bool] = False,
    ) -> list[EventRead]:
        return [
            await zones.event_read(e, _principal(request))
            for e in await zones.events(upcoming=upcoming)
        ]

    @get("/{event_id:uuid}", guards=[public])
    async def get_event(
        self,
        request: AnyRequest,
        event_id: FromPath[uuid.UUID],
        zones: NamedDependency[ZoneService],
    ) -> EventRead:
        """The event with the items on show, its registrations and its outcome counts."""
        return await zones.event_read(await zones.event(event_id), _principal(request))

    @post("/{event_id:uuid}/items", guards=[curators], status_code=201)
    async def add_item(
        self,
        request: AnyRequest,
        event_id: FromPath[uuid.UUID],
        data: JSONBody[ItemAdd],
        zones: NamedDependency[ZoneService],
    ) -> EventRead:
        return await zones.event_read(
            await zones.add_to_event(request.user, event_id, data), request.user
        )

    @post("/{event_id:uuid}/register", guards=[allow(Role.ENTERPRISE_MEMBER)], status_code=201)
    async def register(
        self,
        request: AnyRequest,
        event_id: FromPath[uuid.UUID],
        zones: NamedDependency[ZoneService],
    ) -> EventRead:
        return await zones.event_read(await zones.register(request.user, event_id), request.user)

    @post("/{event_id:uuid}/outcomes", guards=[curators], status_code=201)
    async def record_outcome(
        self,
        request: AnyRequest,
        event_id: FromPath[uuid.UUID],
        data: JSONBody[OutcomeCreate],
        zones: NamedDependency[ZoneService],
    ) -> EventRead:
        """Count an introduction, a licence or an agreement made at the event."""
        return await zones.event_read(
            await zones.record_outcome(request.user, event_id, data), request.user
        )


router = Router(path="/", route_handlers=[ZoneController, EventController])
