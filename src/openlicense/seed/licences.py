"""Demo licences: enterprises accepting some of the seeded open licences, through the same
`AcceptanceService` as the API and the pages (sealed contracts, ledger entries, recording
tasks), so statistics, dashboards and the audit pages have something to show.

Deterministic and idempotent: the n-th licence goes to a fixed enterprise with a fixed
idempotency key and a fixed acceptance day, so a second run creates nothing. Only free licences
and free trials are taken: they need no payment to take effect, so no payment is invented."""

from __future__ import annotations

import datetime as dt
import uuid
import zlib
from typing import TYPE_CHECKING

from sqlalchemy import select

from openlicense.accounts.models import OrganisationKind, Role, User
from openlicense.accounts.principal import Principal
from openlicense.agreements.rules import LifecycleConfig
from openlicense.agreements.schemas import AcceptanceRequest
from openlicense.agreements.service import AcceptanceService
from openlicense.catalogue.models import Declaration, DeclarationStatus
from openlicense.core.clock import FixedClock
from openlicense.core.errors import OpenLicenseError

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

DEMO_KINDS = ("FREE", "STAGED")
"""Free licences and staged licences whose first stage is a free trial."""


async def seed_licences(
    session_maker: async_sessionmaker[AsyncSession], *, count: int = 60, today: dt.date
) -> int:
    """Accept up to `count` seeded open licences on behalf of demo enterprises; returns how many
    agreements this run created (0 on a second run)."""
    async with session_maker() as session:
        declarations = list(
            await session.execute(
                select(Declaration.id, Declaration.announcement_date, Declaration.terms)
                .where(
                    Declaration.status == DeclarationStatus.PUBLISHED,
                    Declaration.fee_type.in_(DEMO_KINDS),
                )
                .order_by(Declaration.id)
            )
        )
        members = list(
            await session.execute(
                select(User.id, User.organisation_id)
                .where(User.role == Role.ENTERPRISE_MEMBER, User.email.like("member%@ent.test"))
                .order_by(User.email)
            )
        )
    offers = [(d, day) for d, day, terms in declarations if _trial_or_free(terms)]
    if not offers or not members:
        return 0
    created = 0
    for n in range(min(count, len(offers))):
        declaration_id, announced = offers[(n * 7) % len(offers)]
        user_id, org_id = members[n % len(members)]
        on = _acceptance_day(n, announced or today, today)
        created += await _accept(session_maker, n, declaration_id, user_id, org_id, on)
    return created


def _trial_or_free(terms: dict[str, object]) -> bool:
    fee = terms.get("fee_standard")
    if not isinstance(fee, dict):
        return False
    if fee.get("type") == "FREE":
        return True
    stages = fee.get("stages")
    return isinstance(stages, list) and bool(stages) and stages[0]["standard"]["type"] == "FREE"


def _acceptance_day(n: int, announced: dt.date, today: dt.date) -> dt.date:
    """A fixed day between the announcement and today, spread over the period."""
    span = max((today - announced).days, 0)
    return announced + dt.timedelta(days=zlib.crc32(f"licence-{n}".encode()) % (span + 1))


async def _accept(
    session_maker: async_sessionmaker[AsyncSession],
    n: int,
    declaration_id: uuid.UUID,
    user_id: uuid.UUID,
    organisation_id: uuid.UUID,
    on: dt.date,
) -> int:
    clock = FixedClock(dt.datetime.combine(on, dt.time(3, 0), tzinfo=dt.UTC))
    principal = Principal(
        user_id, Role.ENTERPRISE_MEMBER, organisation_id, OrganisationKind.ENTERPRISE
    )
    async with session_maker() as session:
        service = AcceptanceService(session, clock=clock, config=LifecycleConfig())
        try:
            async with session.begin():
                _, created = await service.accept(
                    principal,
                    declaration_id,
                    AcceptanceRequest(),
                    idempotency_key=f"demo-licence-{n:04d}",
                    ip=None,
                    user_agent="openlicense seed",
                )
        except OpenLicenseError:  # e.g. this enterprise already holds that licence
            return 0
    return int(created)
