"""A need met: by an open licence or by a cooperation agreement."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from openlicense.audit import ledger
from openlicense.audit.ledger import LedgerRecord
from openlicense.needs.models import Need
from openlicense.needs.states import NeedStatus

if TYPE_CHECKING:
    import datetime

    from sqlalchemy.ext.asyncio import AsyncSession


async def mark_met(
    session: AsyncSession,
    need_id: uuid.UUID,
    *,
    now: datetime.datetime,
    actor_id: uuid.UUID | None,
    agreement_id: uuid.UUID | None = None,
    cooperation_id: uuid.UUID | None = None,
) -> Need:
    """Record what met the need (first answer wins; a closed need stays closed)."""
    need = await session.get_one(Need, need_id)
    if need.status is NeedStatus.OPEN:
        need.status = NeedStatus.MET
        need.met_at = now
        need.met_by_agreement_id = agreement_id
        need.met_by_cooperation_id = cooperation_id
        ledger.append(
            session,
            LedgerRecord(
                action="need.met",
                subject_type="need",
                subject_id=str(need.id),
                actor_id=ledger.actor(actor_id),
                data={
                    "agreement_id": str(agreement_id) if agreement_id else None,
                    "cooperation_id": str(cooperation_id) if cooperation_id else None,
                },
            ),
        )
        await session.flush()
    return need
