"""Patent use cases: create, edit, list, publish and retire listings, record licences."""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from openlicense.catalogue import identifiers
from openlicense.catalogue.errors import (
    ActiveDeclarationExists,
    InvalidDates,
    PatentAlreadyExists,
    PatentRetired,
)
from openlicense.catalogue.models import (
    Declaration,
    DeclarationStatus,
    DeclarationWithdrawal,
    ListingStatus,
    Patent,
    PatentOwner,
    RecordedLicence,
)
from openlicense.catalogue.rules import PatentFacts, check_recorded_licence
from openlicense.catalogue.rules.register import REGISTER_FIELDS, check_register_edit
from openlicense.catalogue.schemas import (
    PatentCreate,
    PatentOwnerIn,
    PatentUpdate,
    RecordedLicenceIn,
)
from openlicense.catalogue.service.access import ensure_manages, ensure_visible
from openlicense.catalogue.service.facts import patent_facts
from openlicense.catalogue.service.listing import (
    PatentFilters,
    PatentPage,
    list_page,
    search_page,
)
from openlicense.catalogue.service.owners import correct_co_owners
from openlicense.core.clock import Clock
from openlicense.core.errors import NotFound, RuleViolationError
from openlicense.core.violations import blocking
from openlicense.search.engine import SearchEngine
from openlicense.search.enqueue import enqueue

if TYPE_CHECKING:
    from sqlalchemy.sql import Select

    from openlicense.accounts.principal import Principal


def _with_children(query: Select[tuple[Patent]]) -> Select[tuple[Patent]]:
    """A patent with its co-owners and recorded licences in one round trip (LEFT JOINs; both
    lists are short, so the joined rows stay few)."""
    return query.options(joinedload(Patent.co_owners), joinedload(Patent.licences))


class PatentService:
    def __init__(self, session: AsyncSession, *, clock: Clock) -> None:
        self.session = session
        self.clock = clock

    async def create(self, principal: Principal, data: PatentCreate) -> Patent:
        patent = build_patent(
            data, owner_organisation_id=principal.organisation_id, now=self.clock.now()
        )
        self.session.add(patent)
        try:
            await self.session.flush()
        except IntegrityError as exc:
            raise PatentAlreadyExists(
                f"Patent {data.application_number} is already in the catalogue.",
            ) from exc
        enqueue(self.session, patent.id, "patent.created")
        return await self.get(principal, patent.id)

    async def update(
        self, principal: Principal, patent_id: uuid.UUID, data: PatentUpdate
    ) -> Patent:
        patent = await self._load(patent_id)
        ensure_manages(principal, patent)
        if patent.listing_status is ListingStatus.RETIRED:
            raise PatentRetired("A retired patent cannot be changed.")
        changes = data.model_dump(exclude_unset=True, exclude={"co_owners", "evaluation_report"})
        current = {f: getattr(patent, f) for f in REGISTER_FIELDS}
        if locked := check_register_edit(changes, current, is_admin=principal.is_admin):
            raise RuleViolationError(locked)
        for field, value in changes.items():
            setattr(patent, field, value)
        if "evaluation_report" in data.model_fields_set:
            report = data.evaluation_report
            patent.evaluation_report = report.model_dump(mode="json") if report else None
        if data.co_owners is not None:
            await correct_co_owners(
                self.session,
                patent,
                data.co_owners,
                now=self.clock.now(),
                actor_id=principal.user_id,
            )
        _validate_register_dates(patent)
        if patent.grant_date is not None and patent.patent_number is None:
            patent.patent_number = identifiers.patent_number_for(patent.application_number)
        enqueue(self.session, patent.id, "patent.updated")
        await self.session.flush()
        return await self.get(principal, patent_id)

    async def get(self, principal: Principal | None, patent_id: uuid.UUID) -> Patent:
        patent = await self._load(patent_id)
        ensure_visible(principal, patent)
        return patent

    async def get_by_number(self, principal: Principal | None, number: str) -> Patent:
        """By application or patent number as people write it (`ZL 2021 1 0123456.7`, full-width
        digits …): the stable address of a patent's public page."""
        try:
            canonical = identifiers.normalise_application_number(number)
        except identifiers.InvalidIdentifier as exc:
            raise NotFound("No such patent.") from exc
        patent = await self.session.scalar(
            _with_children(select(Patent).where(Patent.application_number == canonical))
        )
        if patent is None:
            raise NotFound("No such patent.")
        ensure_visible(principal, patent)
        return patent

    async def list(
        self,
        principal: Principal | None,
        filters: PatentFilters,
        *,
        limit: int,
        cursor: str | None,
        search_engine: SearchEngine,
    ) -> PatentPage:
        """Published listings for everyone; a TTO also sees its own (`mine`: only its own)."""
        if filters.q:
            return await search_page(
                self.session, search_engine, principal, filters, limit=limit, cursor=cursor
            )
        return await list_page(self.session, principal, filters, limit=limit, cursor=cursor)

    async def publish_listing(self, principal: Principal, patent_id: uuid.UUID) -> Patent:
        patent = await self._load(patent_id)
        ensure_manages(principal, patent)
        if patent.listing_status is ListingStatus.RETIRED:
            raise PatentRetired("A retired patent cannot be listed again.")
        patent.listing_status = ListingStatus.PUBLISHED
        enqueue(self.session, patent.id, "patent.published")
        return patent

    async def retire(self, principal: Principal, patent_id: uuid.UUID) -> Patent:
        patent = await self._load(patent_id)
        ensure_manages(principal, patent)
        if await open_licence_active(self.session, patent.id, self.clock.today()):
            raise ActiveDeclarationExists(
                "Withdraw the open-licence declaration before retiring the patent.",
            )
        patent.listing_status = ListingStatus.RETIRED
        patent.retired_at = self.clock.now()
        enqueue(self.session, patent.id, "patent.retired")
        return patent

    async def record_licence(
        self, principal: Principal, patent_id: uuid.UUID, data: RecordedLicenceIn
    ) -> Patent:
        """Rules 13 and 15: no exclusive/sole licence while an open licence is active; an
        ordinary licence priced apart from it is recorded as `negotiated`."""
        patent = await self._load(patent_id)
        ensure_manages(principal, patent)
        active = await open_licence_active(self.session, patent.id, self.clock.today())
        violations = blocking(
            check_recorded_licence(
                data.kind.value, open_licence_active=active, negotiated=data.negotiated
            )
        )
        if violations:
            raise RuleViolationError(violations)
        patent.licences.append(RecordedLicence(**data.model_dump()))
        await self.session.flush()
        return patent

    async def _load(self, patent_id: uuid.UUID) -> Patent:
        result = await self.session.execute(
            _with_children(select(Patent).where(Patent.id == patent_id))
        )
        patent = result.unique().scalar_one_or_none()
        if patent is None:
            raise NotFound("No such patent.")
        return patent

    async def facts(self, patent_id: uuid.UUID) -> PatentFacts:
        return patent_facts(await self._load(patent_id))


def build_patent(
    data: PatentCreate, *, owner_organisation_id: uuid.UUID, now: datetime.datetime
) -> Patent:
    """A new Patent from validated input; shared by the API and the bulk importer."""
    fields = data.model_dump(exclude={"co_owners", "evaluation_report"})
    return Patent(
        **fields,
        evaluation_report=data.evaluation_report.model_dump(mode="json")
        if data.evaluation_report
        else None,
        expiry_date=identifiers.expiry_date(data.patent_type.value, data.filing_date),
        patent_number=identifiers.patent_number_for(data.application_number)
        if data.grant_date
        else None,
        owner_organisation_id=owner_organisation_id,
        listing_status=ListingStatus.DRAFT,
        register_source="patentee",  # rule 27: typed by the patentee, not yet verified
        co_owners=build_owners(data.co_owners, now=now),
        licences=[],
    )


def build_owners(owners: list[PatentOwnerIn], *, now: datetime.datetime) -> list[PatentOwner]:
    return [
        PatentOwner(
            position=i,
            **o.model_dump(),
            consent_recorded_at=now if o.consents_to_open_licence else None,
        )
        for i, o in enumerate(owners)
    ]


def _validate_register_dates(patent: Patent) -> None:
    if patent.grant_date and patent.grant_date < patent.filing_date:
        raise InvalidDates("grant_date cannot be before filing_date.")
    if patent.announcement_date and (
        not patent.grant_date or patent.announcement_date < patent.grant_date
    ):
        raise InvalidDates("announcement_date needs a grant_date on or before it.")


async def open_licence_active(
    session: AsyncSession, patent_id: uuid.UUID, today: datetime.date
) -> bool:
    """A published declaration whose withdrawal (if any) has not yet been announced."""
    query = (
        select(Declaration.id)
        .outerjoin(DeclarationWithdrawal, DeclarationWithdrawal.declaration_id == Declaration.id)
        .where(
            Declaration.patent_id == patent_id,
            Declaration.status.in_([DeclarationStatus.PUBLISHED, DeclarationStatus.WITHDRAWN]),
            or_(DeclarationWithdrawal.id.is_(None), DeclarationWithdrawal.effective_date > today),
        )
        .limit(1)
    )
    return (await session.scalar(query)) is not None
