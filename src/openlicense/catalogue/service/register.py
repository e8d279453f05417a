"""Rule 27: the register snapshot. Register facts (status, fees, pledge, suspension) are
changed only by a platform admin or a register-extract import, with their source recorded;
the patentee asks for a refresh. Also the flags of rules 25–26 and rule 24's closing of the
listings of ended patents (run by the lifecycle job)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from openlicense.audit import ledger
from openlicense.audit.ledger import LedgerRecord
from openlicense.catalogue.models import LegalStatus, ListingStatus, Patent
from openlicense.catalogue.rules.register import FEE_REDUCTION, register_flags
from openlicense.catalogue.schemas import RegisterRead, RegisterSnapshotIn
from openlicense.catalogue.service.access import ensure_manages, ensure_visible
from openlicense.catalogue.service.patents import open_licence_active
from openlicense.core.clock import Clock
from openlicense.core.errors import Forbidden, NotFound
from openlicense.search.enqueue import enqueue

if TYPE_CHECKING:
    import datetime

    from openlicense.accounts.principal import Principal


class RegisterService:
    def __init__(self, session: AsyncSession, *, clock: Clock) -> None:
        self.session = session
        self.clock = clock

    async def read(self, principal: Principal | None, patent_id: uuid.UUID) -> RegisterRead:
        patent = await self._load(patent_id)
        ensure_visible(principal, patent)
        return await self._view(patent)

    async def verify(
        self, principal: Principal, patent_id: uuid.UUID, data: RegisterSnapshotIn
    ) -> RegisterRead:
        """Rule 27: a platform admin records the register facts and their source."""
        if not principal.is_admin:
            raise Forbidden("rule 27: only a platform admin can change the register snapshot.")
        patent = await self._load(patent_id)
        patent.legal_status = data.legal_status
        patent.annual_fee_paid_through = data.annual_fee_paid_through
        patent.pledged = data.pledged
        patent.suspended = data.suspended
        patent.register_source = data.source
        patent.register_reference = data.reference
        patent.register_verified_at = self.clock.now()
        patent.register_refresh_requested_at = None
        ledger.append(
            self.session,
            LedgerRecord(
                action="patent.register_verified",
                subject_type="patent",
                subject_id=str(patent.id),
                actor_id=ledger.actor(principal.user_id),
                data=data.model_dump(mode="json"),
            ),
        )
        enqueue(self.session, patent.id, "patent.updated")
        await self.session.flush()
        return await self._view(patent)

    async def request_refresh(self, principal: Principal, patent_id: uuid.UUID) -> RegisterRead:
        """Rule 27: the patentee cannot edit register facts; it asks for a refresh."""
        patent = await self._load(patent_id)
        ensure_manages(principal, patent)
        patent.register_refresh_requested_at = self.clock.now()
        ledger.append(
            self.session,
            LedgerRecord(
                action="patent.register_refresh_requested",
                subject_type="patent",
                subject_id=str(patent.id),
                actor_id=ledger.actor(principal.user_id),
                data={},
            ),
        )
        await self.session.flush()
        return await self._view(patent)

    async def _view(self, patent: Patent) -> RegisterRead:
        today = self.clock.today()
        flags = register_flags(
            legal_status=patent.legal_status.value,
            expiry_date=patent.expiry_date,
            annual_fee_paid_through=patent.annual_fee_paid_through,
            open_licence_active=await open_licence_active(self.session, patent.id, today),
            today=today,
        )
        return RegisterRead(
            patent_id=patent.id,
            legal_status=patent.legal_status,
            annual_fee_paid_through=patent.annual_fee_paid_through,
            pledged=patent.pledged,
            suspended=patent.suspended,
            source=patent.register_source,
            reference=patent.register_reference,
            verified_at=patent.register_verified_at,
            refresh_requested_at=patent.register_refresh_requested_at,
            at_risk_of_lapse=flags.at_risk_of_lapse,
            fee_reduction_eligible=flags.fee_reduction_eligible,
            fee_reduction_rate=FEE_REDUCTION if flags.fee_reduction_eligible else None,
            warnings=list(flags.warnings),
        )

    async def _load(self, patent_id: uuid.UUID) -> Patent:
        patent = await self.session.get(Patent, patent_id)
        if patent is None:
            raise NotFound("No such patent.")
        return patent


ENDED_STATUSES = (LegalStatus.LAPSED, LegalStatus.EXPIRED, LegalStatus.INVALIDATED)


async def close_ended_listings(
    session: AsyncSession, today: datetime.date, now: datetime.datetime
) -> int:
    """Rule 24: the listing of an expired, lapsed or invalidated patent closes (retired), so no
    new licence can start; the agreements' own lifecycle ends their future obligations."""
    rows = await session.scalars(
        select(Patent).where(
            Patent.listing_status == ListingStatus.PUBLISHED,
            or_(Patent.legal_status.in_(ENDED_STATUSES), Patent.expiry_date <= today),
        )
    )
    closed = 0
    for patent in rows:
        patent.listing_status = ListingStatus.RETIRED
        patent.retired_at = now
        enqueue(session, patent.id, "patent.retired")
        ledger.append(
            session,
            LedgerRecord(
                action="patent.listing_closed",
                subject_type="patent",
                subject_id=str(patent.id),
                actor_id=None,
                data={"rule": 24, "legal_status": patent.legal_status.value},
            ),
        )
        closed += 1
    return closed
