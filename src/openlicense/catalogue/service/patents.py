"""Patent use cases: create, edit, list, publish and retire listings, record licences."""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from openlicense.accounts.models import Role
from openlicense.catalogue import identifiers
from openlicense.catalogue.models import (
    Declaration,
    DeclarationStatus,
    DeclarationWithdrawal,
    ListingStatus,
    Patent,
    PatentOwner,
    RecordedLicence,
)
from openlicense.catalogue.rules import check_recorded_licence
from openlicense.catalogue.schemas import (
    PatentCreate,
    PatentOwnerIn,
    PatentUpdate,
    RecordedLicenceIn,
)
from openlicense.catalogue.service.access import AUDITOR_LISTINGS, ensure_manages, ensure_visible
from openlicense.catalogue.service.facts import patent_facts
from openlicense.core.clock import Clock
from openlicense.core.errors import Conflict, Invalid, NotFound, RuleViolationError
from openlicense.core.violations import blocking
from openlicense.search.enqueue import enqueue

if TYPE_CHECKING:
    from sqlalchemy.sql import Select

    from openlicense.accounts.principal import Principal


def _with_children(query: Select[tuple[Patent]]) -> Select[tuple[Patent]]:
    return query.options(selectinload(Patent.co_owners), selectinload(Patent.licences))


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
            raise Conflict(
                f"Patent {data.application_number} is already in the catalogue.",
                code="patent_already_exists",
            ) from exc
        enqueue(self.session, patent.id, "patent.created")
        return await self.get(principal, patent.id)

    async def update(
        self, principal: Principal, patent_id: uuid.UUID, data: PatentUpdate
    ) -> Patent:
        patent = await self._load(patent_id)
        ensure_manages(principal, patent)
        if patent.listing_status is ListingStatus.RETIRED:
            raise Conflict("A retired patent cannot be changed.", code="patent_retired")
        changes = data.model_dump(exclude_unset=True, exclude={"co_owners", "evaluation_report"})
        for field, value in changes.items():
            setattr(patent, field, value)
        if "evaluation_report" in data.model_fields_set:
            report = data.evaluation_report
            patent.evaluation_report = report.model_dump(mode="json") if report else None
        if data.co_owners is not None:
            patent.co_owners = build_owners(data.co_owners, now=self.clock.now())
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
        *,
        limit: int,
        offset: int,
        q: str | None = None,
        technology_field: str | None = None,
        owner_organisation_id: uuid.UUID | None = None,
        mine: bool = False,
        listing_status: ListingStatus | None = None,
    ) -> tuple[list[Patent], int]:
        query = select(Patent).where(_visible_clause(principal, mine=mine))
        if listing_status is not None:
            query = query.where(Patent.listing_status == listing_status)
        if q:
            like = f"%{q}%"
            query = query.where(or_(Patent.title_zh.ilike(like), Patent.title_en.ilike(like)))
        if technology_field:
            query = query.where(Patent.technology_field == technology_field)
        if owner_organisation_id:
            query = query.where(Patent.owner_organisation_id == owner_organisation_id)
        total = await self.session.scalar(select(func.count()).select_from(query.subquery()))
        rows = await self.session.scalars(
            query.order_by(Patent.created_at.desc(), Patent.id).limit(limit).offset(offset)
        )
        return list(rows), total or 0

    async def publish_listing(self, principal: Principal, patent_id: uuid.UUID) -> Patent:
        patent = await self._load(patent_id)
        ensure_manages(principal, patent)
        if patent.listing_status is ListingStatus.RETIRED:
            raise Conflict("A retired patent cannot be listed again.", code="patent_retired")
        patent.listing_status = ListingStatus.PUBLISHED
        enqueue(self.session, patent.id, "patent.published")
        return patent

    async def retire(self, principal: Principal, patent_id: uuid.UUID) -> Patent:
        patent = await self._load(patent_id)
        ensure_manages(principal, patent)
        if await open_licence_active(self.session, patent.id, self.clock.today()):
            raise Conflict(
                "Withdraw the open-licence declaration before retiring the patent.",
                code="active_declaration_exists",
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
        patent = await self.session.scalar(
            _with_children(select(Patent).where(Patent.id == patent_id))
        )
        if patent is None:
            raise NotFound("No such patent.")
        return patent

    async def facts(self, patent_id: uuid.UUID):  # type: ignore[no-untyped-def]
        return patent_facts(await self._load(patent_id))


async def provide_patents(db_session: AsyncSession, clock: Clock) -> PatentService:
    return PatentService(db_session, clock=clock)


def _visible_clause(principal: Principal | None, *, mine: bool):  # type: ignore[no-untyped-def]
    published = Patent.listing_status == ListingStatus.PUBLISHED
    if principal is None:
        return published
    own = Patent.owner_organisation_id == principal.organisation_id
    if mine:
        return own
    if principal.is_admin:
        return Patent.id.is_not(None)
    if principal.role is Role.AUDITOR:
        return Patent.listing_status.in_(AUDITOR_LISTINGS)
    return or_(published, own)


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
        raise Invalid("grant_date cannot be before filing_date.", code="invalid_dates")
    if patent.announcement_date and (
        not patent.grant_date or patent.announcement_date < patent.grant_date
    ):
        raise Invalid("announcement_date needs a grant_date on or before it.", code="invalid_dates")


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
