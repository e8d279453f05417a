"""Demo licences: accepted through the acceptance service, sealed and ledgered, idempotent."""

from __future__ import annotations

import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from openlicense.agreements.models import Agreement, AgreementStatus
from openlicense.agreements.service import seal_check
from openlicense.audit.models import LedgerEntry
from openlicense.seed.generate import seed
from openlicense.seed.licences import seed_licences

TODAY = datetime.date(2026, 11, 23)


async def test_demo_licences_are_real_sealed_acceptances_and_run_once(
    db_sessionmaker: async_sessionmaker,
) -> None:
    await seed(db_sessionmaker, patents=150, today=TODAY)
    made = await seed_licences(db_sessionmaker, count=8, today=TODAY)
    assert made == 8
    assert await seed_licences(db_sessionmaker, count=8, today=TODAY) == 0
    async with db_sessionmaker() as session:
        agreements = list(await session.scalars(select(Agreement)))
        created = await session.scalar(
            select(func.count())
            .select_from(LedgerEntry)
            .where(LedgerEntry.action == "agreement.created")
        )
    assert len(agreements) == created == 8
    assert {a.fee_type for a in agreements} <= {"FREE", "STAGED"}
    assert all(a.status is AgreementStatus.EFFECTIVE for a in agreements)
    assert all(seal_check(a).intact for a in agreements)
    assert all(a.notified_at.date() <= TODAY for a in agreements)
