"""Dependencies of the page handlers: the visitor's language and the same services the JSON API
builds (constructed here the same way, from the request's database session)."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.di import NamedDependency, Provide
from sqlalchemy.ext.asyncio import AsyncSession

from openlicense.accounts.service import AccountService
from openlicense.agreements.rules import LifecycleConfig
from openlicense.agreements.service import AcceptanceService, ObligationService
from openlicense.catalogue.rules import RuleConfig
from openlicense.catalogue.service import DeclarationService, PatentService
from openlicense.core.clock import Clock
from openlicense.payments.gateway import PaymentGateway
from openlicense.payments.service import PaymentService
from openlicense.settings import Settings
from openlicense.web.i18n import Translator
from openlicense.web.jinja import request_translator


async def provide_tr(request: Request[Any, Any, Any]) -> Translator:
    return request_translator(request)


async def provide_accounts(
    db_session: NamedDependency[AsyncSession], settings: NamedDependency[Settings]
) -> AccountService:
    return AccountService(db_session, auth=settings.auth)


async def provide_patents(
    db_session: NamedDependency[AsyncSession], clock: NamedDependency[Clock]
) -> PatentService:
    return PatentService(db_session, clock=clock)


async def provide_declarations(
    db_session: NamedDependency[AsyncSession],
    clock: NamedDependency[Clock],
    settings: NamedDependency[Settings],
) -> DeclarationService:
    rules = RuleConfig.from_settings(settings.rules)
    return DeclarationService(db_session, clock=clock, rules=rules)


async def provide_acceptance(
    db_session: NamedDependency[AsyncSession],
    clock: NamedDependency[Clock],
    settings: NamedDependency[Settings],
) -> AcceptanceService:
    config = LifecycleConfig.from_settings(settings.lifecycle)
    return AcceptanceService(db_session, clock=clock, config=config)


async def provide_obligations(
    db_session: NamedDependency[AsyncSession], clock: NamedDependency[Clock]
) -> ObligationService:
    return ObligationService(db_session, clock=clock)


async def provide_payments(
    db_session: NamedDependency[AsyncSession],
    payment_gateway: NamedDependency[PaymentGateway],
    clock: NamedDependency[Clock],
    settings: NamedDependency[Settings],
) -> PaymentService:
    return PaymentService(db_session, gateway=payment_gateway, clock=clock, settings=settings)


DEPENDENCIES = {
    "tr": Provide(provide_tr),
    "accounts": Provide(provide_accounts),
    "patents": Provide(provide_patents),
    "declarations": Provide(provide_declarations),
    "acceptance": Provide(provide_acceptance),
    "obligations": Provide(provide_obligations),
    "payments": Provide(provide_payments),
}
