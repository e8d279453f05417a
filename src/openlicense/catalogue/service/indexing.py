"""Search documents of catalogue listings: what a patent looks like to the search engine, built
from the database now (the outbox drainer and reindex call this through `DocumentSource`)."""

from __future__ import annotations

import asyncio
import datetime
import logging
import uuid
from collections.abc import AsyncIterator, Iterable
from typing import cast

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import defer
from sqlalchemy.orm.attributes import set_committed_value

from openlicense.accounts.models import Organisation
from openlicense.catalogue.models import (
    Declaration,
    DeclarationStatus,
    DeclarationWithdrawal,
    ListingStatus,
    Patent,
)
from openlicense.catalogue.rules import PatentFacts, check_acceptable
from openlicense.catalogue.terms import DeclarationTerms
from openlicense.pricing.fee_standards import Staged
from openlicense.pricing.schedule import due_at_start_minor
from openlicense.search import freshness
from openlicense.search.documents import (
    CLAIMS_CHARS,
    LicenceStatus,
    PatentDocument,
    days_since_epoch,
    ipc_class,
    ipc_section,
)
from openlicense.search.enqueue import enqueue
from openlicense.search.models import SearchOutbox

log = logging.getLogger(__name__)


def _value(enum_or_str: object) -> str:
    return str(getattr(enum_or_str, "value", enum_or_str))


def _unix(moment: datetime.datetime | None) -> int | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return int(moment.timestamp())


def entry_price_minor(terms: DeclarationTerms) -> int | None:
    """What a licensee accepting on the declared start pays on or before the licence starts,
    in CNY fen (None for another currency)."""
    if terms.currency != "CNY":
        return None
    return due_at_start_minor(terms.fee_standard)


def _licence_status(
    patent: Patent, declaration: Declaration | None, today: datetime.date
) -> LicenceStatus:
    facts = PatentFacts(
        patent_type=_value(patent.patent_type),
        legal_status=_value(patent.legal_status),
        patent_number=patent.patent_number,
        announcement_date=patent.announcement_date,
        expiry_date=patent.expiry_date,
        annual_fee_paid_through=patent.annual_fee_paid_through,
    )
    if facts.legal_status != "valid" or facts.expiry_date <= today:
        return "closed"
    if declaration is None or _value(declaration.status) not in ("published", "withdrawn"):
        return "none"
    withdrawal = declaration.withdrawal
    codes = {
        v.code
        for v in check_acceptable(
            declaration_status=_value(declaration.status),
            withdrawal_effective=withdrawal.effective_date if withdrawal else None,
            licence_end=declaration.licence_end,
            patent=facts,
            today=today,
        )
    }
    if "declaration_withdrawn" in codes:
        return "withdrawn"
    if codes:
        return "closed"
    return "open"


def calendar_dates(patent: Patent, declaration: Declaration | None) -> freshness.CalendarDates:
    """The dates on which the calendar alone changes the listing (`search/freshness.py`)."""
    ends = [patent.expiry_date]
    if (lapse := freshness.lapse_day(patent.annual_fee_paid_through)) is not None:
        ends.append(lapse)
    withdrawn = None
    offer_ends = None
    if declaration is not None:
        withdrawal = declaration.withdrawal
        if withdrawal is not None:
            withdrawn = freshness.day_number(withdrawal.effective_date)
        offer_ends = freshness.day_number(declaration.licence_end + datetime.timedelta(days=1))
    return freshness.CalendarDates(freshness.day_number(min(ends)), withdrawn, offer_ends)


def _offer(declaration: Declaration | None) -> tuple[str | None, int | None, bool]:
    """Fee type, price at the start (fen) and whether there is a free trial."""
    if declaration is None:
        return None, None, False
    try:
        terms = DeclarationTerms.model_validate(declaration.terms)
    except ValidationError:
        log.warning("declaration %s: stored terms do not validate", declaration.id)
        return declaration.fee_type, None, False
    has_trial = isinstance(terms.fee_standard, Staged) and terms.fee_standard.has_trial
    try:
        price = entry_price_minor(terms)
    except ValueError:
        log.warning("declaration %s: no schedule for its terms", declaration.id)
        price = None
    return terms.fee_standard.type.value, price, has_trial


def build_document(
    patent: Patent,
    university: Organisation,
    declaration: Declaration | None,
    *,
    today: datetime.date,
) -> PatentDocument:
    """The search document of a patent.

    `university` is the owning organisation; `declaration` is the patent's latest published or
    withdrawn declaration (with `.withdrawal` loaded), or None. Drafts are not offers: pass None.
    """
    fee_type, price, has_trial = _offer(declaration)
    codes = [c for c in (patent.ipc_codes or []) if c and c.strip()]
    dates = calendar_dates(patent, declaration)
    status = cast(
        LicenceStatus,
        freshness.effective_status(_licence_status(patent, declaration, today), dates, today),
    )
    return PatentDocument(
        id=str(patent.id),
        declaration_id=str(declaration.id) if declaration is not None else None,
        application_number=patent.application_number,
        patent_type=_value(patent.patent_type),
        title_zh=patent.title_zh,
        title_en=patent.title_en,
        abstract_zh=patent.abstract_zh,
        abstract_en=patent.abstract_en,
        keywords=list(patent.keywords or []),
        ipc_codes=codes,
        ipc_sections=list(dict.fromkeys(ipc_section(c) for c in codes)),
        ipc_classes=list(dict.fromkeys(ipc_class(c) for c in codes)),
        technology_field=patent.technology_field,
        university_id=str(university.id),
        university_name=university.name,
        province=university.province,
        fee_type=fee_type,
        entry_price_minor=price,
        has_trial=has_trial,
        trl=patent.trl,
        licence_status=status,
        listing_status=patent.listing_status.value,
        owner_organisation_id=str(patent.owner_organisation_id),
        declared_at=_unix(declaration.published_at) if declaration is not None else None,
        expiry_date=patent.expiry_date.isoformat(),
        expiry_ts=days_since_epoch(patent.expiry_date),
        claims=patent.claims[:CLAIMS_CHARS] if patent.claims else None,
        patent_ends_ts=dates.patent_ends_ts,
        withdrawn_ts=dates.withdrawn_ts,
        offer_ends_ts=dates.offer_ends_ts,
    )


class CatalogueDocuments:
    """The catalogue as a `search.outbox.DocumentSource`."""

    async def lock(self, session: AsyncSession, ids: set[uuid.UUID]) -> set[uuid.UUID]:
        query = select(Patent.id).where(Patent.id.in_(ids))
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        # A patent deleted since (cascade removes its rows) cannot be locked; nothing to do.
        return set(await session.scalars(query))

    async def documents(
        self, session: AsyncSession, ids: Iterable[uuid.UUID], *, today: datetime.date
    ) -> tuple[list[PatentDocument], list[str]]:
        return await documents_for(session, ids, today=today)

    def all_documents(
        self, session_maker: async_sessionmaker[AsyncSession], *, today: datetime.date
    ) -> AsyncIterator[list[PatentDocument]]:
        return all_documents(session_maker, today=today)


async def refresh_listings_due(session: AsyncSession, today: datetime.date) -> int:
    """Listings whose status turns with the calendar — a withdrawal taking effect today, a patent
    expired yesterday — get an outbox row, once a day (skipped while one is still pending)."""
    withdrawn = (
        select(Declaration.patent_id)
        .join(DeclarationWithdrawal)
        .where(DeclarationWithdrawal.effective_date == today)
    )
    expired = select(Patent.id).where(Patent.expiry_date == today - datetime.timedelta(days=1))
    pending = select(SearchOutbox.patent_id).where(SearchOutbox.reason == "declaration.status_due")
    ids = set(await session.scalars(withdrawn.union(expired))) - set(await session.scalars(pending))
    if ids:
        enqueue(session, ids, "declaration.status_due")
    return len(ids)


_UNINDEXED_PATENT = (
    defer(Patent.inventors),
    defer(Patent.application_scenarios),
    defer(Patent.evaluation_report),
)
"""Columns `build_document` does not read (a document that needs one must drop it here)."""


async def documents_for(
    session: AsyncSession, patent_ids: Iterable[uuid.UUID], *, today: datetime.date
) -> tuple[list[PatentDocument], list[str]]:
    """Current documents for these patents; ids to delete for patents no longer indexable."""
    # Claims are long and these lists are not indexed: leave them in the database (a reindex
    # reads ~100k patents; decoding unused JSON was a fifth of its time).
    patents = list(
        await session.scalars(
            select(Patent).where(Patent.id.in_(list(patent_ids))).options(*_UNINDEXED_PATENT)
        )
    )
    declarations = await _latest_public_declarations(session, [p.id for p in patents])
    universities = await _organisations(session, {p.owner_organisation_id for p in patents})
    upserts, deletions = [], []
    for patent in patents:
        if patent.listing_status is ListingStatus.RETIRED:
            deletions.append(str(patent.id))
            continue
        upserts.append(
            build_document(
                patent,
                universities[patent.owner_organisation_id],
                declarations.get(patent.id),
                today=today,
            )
        )
    return upserts, deletions


async def _latest_public_declarations(
    session: AsyncSession, patent_ids: list[uuid.UUID]
) -> dict[uuid.UUID, Declaration]:
    # One joined query instead of a selectinload: reindexing reads ~100k of these.
    rows = await session.execute(
        select(Declaration, DeclarationWithdrawal)
        .options(defer(Declaration.clause_set), defer(DeclarationWithdrawal.owner_consents))
        .outerjoin(DeclarationWithdrawal, DeclarationWithdrawal.declaration_id == Declaration.id)
        .where(
            Declaration.patent_id.in_(patent_ids),
            Declaration.status.in_([DeclarationStatus.PUBLISHED, DeclarationStatus.WITHDRAWN]),
        )
        .order_by(Declaration.patent_id, Declaration.version.desc())
    )
    latest: dict[uuid.UUID, Declaration] = {}
    for declaration, withdrawal in rows.all():
        set_committed_value(declaration, "withdrawal", withdrawal)
        latest.setdefault(declaration.patent_id, declaration)
    return latest


async def _organisations(
    session: AsyncSession, ids: set[uuid.UUID]
) -> dict[uuid.UUID, Organisation]:
    return {
        o.id: o for o in await session.scalars(select(Organisation).where(Organisation.id.in_(ids)))
    }


async def all_documents(
    session_maker: async_sessionmaker[AsyncSession], *, today: datetime.date, batch: int = 2000
) -> AsyncIterator[list[PatentDocument]]:
    """Every indexable patent's document, in batches (for a full reindex). The next batch is
    read from the database while the engine indexes the current one."""
    queue: asyncio.Queue[list[PatentDocument] | None] = asyncio.Queue(maxsize=2)

    async def produce() -> None:
        last: uuid.UUID | None = None
        try:
            while True:
                async with session_maker() as session:
                    query = (
                        select(Patent.id)
                        .where(Patent.listing_status != ListingStatus.RETIRED)
                        .order_by(Patent.id)
                        .limit(batch)
                    )
                    if last is not None:
                        query = query.where(Patent.id > last)
                    ids = list(await session.scalars(query))
                    if not ids:
                        return
                    docs, _ = await documents_for(session, ids, today=today)
                last = ids[-1]
                await queue.put(docs)
        finally:
            await queue.put(None)

    producer = asyncio.create_task(produce())
    try:
        while (docs := await queue.get()) is not None:
            yield docs
        await producer  # re-raise a database error instead of ending quietly
    finally:
        producer.cancel()
