"""Demand-side pages, part two: the achievements and talent libraries, online zones and
matchmaking events (with an enterprise's registration). Same services as the API."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from openlicense.accounts.guards import allow, public
from openlicense.accounts.models import Role
from openlicense.accounts.principal import Principal
from openlicense.achievements.service import AchievementService
from openlicense.experts.service import ExpertService
from openlicense.web.rendering import page, redirect
from openlicense.zones.service import ZoneService

AnyRequest = Request[Any, Any, Any]


def _principal(request: AnyRequest) -> Principal | None:
    user: Principal | None = request.scope.get("user")
    return user


class LibraryPages(Controller):
    path = "/"
    include_in_schema = False

    @get("/achievements", guards=[public], name="achievements")
    async def achievements(
        self, request: AnyRequest, achievements: NamedDependency[AchievementService]
    ) -> Template:
        rows = [achievements.read(a) for a in await achievements.list(limit=100)]
        return page(request, "demand/achievements.html", {"achievements": rows})

    @get("/experts", guards=[public], name="experts")
    async def experts(
        self, request: AnyRequest, experts: NamedDependency[ExpertService]
    ) -> Template:
        return page(request, "demand/experts.html", {"experts": await experts.list(limit=100)})

    @get("/experts/{expert_id:uuid}", guards=[public], name="expert")
    async def expert(
        self,
        request: AnyRequest,
        expert_id: FromPath[uuid.UUID],
        experts: NamedDependency[ExpertService],
    ) -> Template:
        return page(request, "demand/expert.html", {"profile": await experts.profile(expert_id)})


class ZonePages(Controller):
    path = "/"
    include_in_schema = False

    @get("/zones", guards=[public], name="zones")
    async def zones(self, request: AnyRequest, zones: NamedDependency[ZoneService]) -> Template:
        events = [await zones.event_read(e, _principal(request)) for e in await zones.events()]
        return page(request, "demand/zones.html", {"zones": await zones.zones(), "events": events})

    @get("/zones/{zone_id:uuid}", guards=[public], name="zone")
    async def zone(
        self, request: AnyRequest, zone_id: FromPath[uuid.UUID], zones: NamedDependency[ZoneService]
    ) -> Template:
        context = {"zone": await zones.zone(zone_id), "items": await zones.items(zone_id=zone_id)}
        return page(request, "demand/zone.html", context)

    @get("/events/{event_id:uuid}", guards=[public], name="event")
    async def event(
        self,
        request: AnyRequest,
        event_id: FromPath[uuid.UUID],
        zones: NamedDependency[ZoneService],
    ) -> Template:
        read = await zones.event_read(await zones.event(event_id), _principal(request))
        return page(request, "demand/event.html", {"event": read})

    @post(
        "/events/{event_id:uuid}/register",
        guards=[allow(Role.ENTERPRISE_MEMBER)],
        name="event_register",
    )
    async def register(
        self,
        request: AnyRequest,
        event_id: FromPath[uuid.UUID],
        zones: NamedDependency[ZoneService],
    ) -> Response[Any]:
        await zones.register(request.user, event_id)
        return redirect(request, f"/events/{event_id}")


LIBRARY_CONTROLLERS = (LibraryPages, ZonePages)
