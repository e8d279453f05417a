"""HTTP routes of the indicators: /api/authority/indicators (JSON and XLSX)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, Router, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from openlicense.accounts.guards import allow
from openlicense.accounts.models import Role
from openlicense.core.clock import Clock
from openlicense.indicators.rules import current_half
from openlicense.indicators.service import IndicatorService, to_xlsx

AnyRequest = Request[Any, Any, Any]
readers = allow(Role.PROVINCIAL_AUTHORITY, Role.AUDITOR, Role.ADMIN)
Period = Annotated[str | None, QueryParameter(max_length=10, pattern=r"^\d{4}(-(H[12]|Q[1-4]))?$")]
Province = Annotated[str | None, QueryParameter(max_length=32)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def provide_indicators(db_session: NamedDependency[AsyncSession]) -> IndicatorService:
    return IndicatorService(db_session)


class IndicatorController(Controller):
    path = "/api/authority"
    tags = ["authority"]

    @get("/indicators", guards=[readers])
    async def get_indicators(
        self,
        request: AnyRequest,
        indicators: NamedDependency[IndicatorService],
        clock: NamedDependency[Clock],
        period: Period = None,
        province: Province = None,
    ) -> dict[str, Any]:
        """The 千校万企 indicators for `period` (YYYY, YYYY-H1/H2, YYYY-Q1..4; default: the
        current half year). An authority sees its own province; others any `province` or all."""
        return await indicators.for_principal(
            request.user, period or current_half(clock.today()), province
        )

    @get("/indicators.xlsx", guards=[readers], media_type=XLSX)
    async def export_indicators(
        self,
        request: AnyRequest,
        indicators: NamedDependency[IndicatorService],
        clock: NamedDependency[Clock],
        period: Period = None,
        province: Province = None,
    ) -> Response[bytes]:
        label = period or current_half(clock.today())
        data = await indicators.for_principal(request.user, label, province)
        return Response(
            to_xlsx(data),
            media_type=XLSX,
            headers={"Content-Disposition": f'attachment; filename="indicators-{label}.xlsx"'},
        )


router = Router(path="/", route_handlers=[IndicatorController])
