"""Demo licences: accepted through the acceptance service, sealed and ledgered, idempotent."""

from __future__ import annotations

import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from openlicense.agreements.models import Agreement, AgreementStatus
from openlicense.agreements.service import seal_check
from openlicense.audit.models import LedgerEntry
from openlicense.catalogue.models import Declaration, DeclarationStatus
from openlicense.oversight.verification import verify_all
from openlicense.seed.generate import seed
from openlicense.seed.licences import seed_licences
from openlicense.settings import Settings

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


async def test_seeded_history_is_in_the_ledger_and_verifies(
    db_sessionmaker: async_sessionmaker, settings: Settings
) -> None:
    """Seeded declarations (published and withdrawn) and licences enter the chain through the
    same record builders as the API, so `audit verify` covers them and reports OK."""
    await seed(db_sessionmaker, patents=150, today=TODAY)
    await seed_licences(db_sessionmaker, count=8, today=TODAY)
    async with db_sessionmaker() as session:
        declarations = await session.scalar(
            select(func.count())
            .select_from(Declaration)
            .where(Declaration.status != DeclarationStatus.DRAFT)
        )
        withdrawn = await session.scalar(
            select(func.count())
            .select_from(Declaration)
            .where(Declaration.status == DeclarationStatus.WITHDRAWN)
        )
        actions = dict(
            (
                await session.execute(
                    select(LedgerEntry.action, func.count()).group_by(LedgerEntry.action)
                )
            ).all()
        )
        report = await verify_all(session, settings)
    assert declarations
    assert actions["declaration.published"] == declarations
    assert actions.get("declaration.withdrawn", 0) == withdrawn
    assert report.ok, (report.first_break, report.agreement_mismatches[:3], report.mismatches[:3])
    assert report.declarations_checked == declarations
    assert report.agreements_checked == 8
    # A seeded declaration edited in the database is caught like any other.
    async with db_sessionmaker.begin() as session:
        target = await session.scalar(
            select(Declaration).where(Declaration.status == DeclarationStatus.PUBLISHED).limit(1)
        )
        assert target is not None
        target.licence_end = datetime.date(2099, 1, 1)
    async with db_sessionmaker() as session:
        report = await verify_all(session, settings)
    assert [(m["subject_id"], m["field"]) for m in report.mismatches] == [
        (str(target.id), "licence_end")
    ]
