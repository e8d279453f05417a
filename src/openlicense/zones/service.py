"""Zones and matchmaking events: curate, register, count outcomes."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from openlicense.accounts.models import Organisation, OrganisationKind
from openlicense.achievements.models import Achievement
from openlicense.agreements.models import Agreement
from openlicense.audit import ledger
from openlicense.audit.ledger import LedgerRecord
from openlicense.catalogue.models import Patent
from openlicense.challenges.models import Challenge, CooperationAgreement
from openlicense.zones import rules
from openlicense.zones.errors import (
    AlreadyRegistered,
    EnterprisesOnly,
    EventNotFound,
    NotCurator,
    RegistrationClosed,
    UnknownItem,
    ZoneNotFound,
)
from openlicense.zones.models import (
    EventOutcome,
    EventRegistration,
    MatchEvent,
    Zone,
    ZoneItem,
)
from openlicense.zones.schemas import (
    EventCreate,
    EventRead,
    ItemAdd,
    ItemRead,
    OutcomeCreate,
    ZoneCreate,
)
from openlicense.zones.states import ItemKind, OutcomeKind

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from openlicense.accounts.principal import Principal
    from openlicense.core.clock import Clock

_TITLES = {
    ItemKind.PATENT: (Patent, Patent.title_zh),
    ItemKind.ACHIEVEMENT: (Achievement, Achievement.title),
    ItemKind.CHALLENGE: (Challenge, Challenge.title),
}


class ZoneService:
    def __init__(self, session: AsyncSession, *, clock: Clock) -> None:
        self.session = session
        self.clock = clock

    async def create_zone(self, principal: Principal, data: ZoneCreate) -> Zone:
        province = data.province or await self._province(principal)
        zone = Zone(
            curator_id=principal.organisation_id, **{**data.model_dump(), "province": province}
        )
        self.session.add(zone)
        await self.session.flush()
        ledger.append(
            self.session, _record("zone.created", "zone", zone.id, principal, title=zone.title)
        )
        return zone

    async def zones(self, *, province: str | None = None) -> Sequence[Zone]:
        query = select(Zone).order_by(Zone.created_at.desc())
        if province:
            query = query.where(Zone.province == province)
        return (await self.session.scalars(query.limit(200))).all()

    async def zone(self, zone_id: uuid.UUID) -> Zone:
        zone = await self.session.get(Zone, zone_id)
        if zone is None:
            raise ZoneNotFound("No such zone.")
        return zone

    async def items(
        self, *, zone_id: uuid.UUID | None = None, event_id: uuid.UUID | None = None
    ) -> list[ItemRead]:
        query = select(ZoneItem).order_by(ZoneItem.created_at)
        query = (
            query.where(ZoneItem.zone_id == zone_id)
            if zone_id
            else query.where(ZoneItem.event_id == event_id)
        )
        return [ItemRead.model_validate(i) for i in await self.session.scalars(query)]

    async def add_to_zone(self, principal: Principal, zone_id: uuid.UUID, data: ItemAdd) -> Zone:
        zone = await self.zone(zone_id)
        _curates(principal, zone.curator_id)
        await self._add_item(principal, data, zone_id=zone.id)
        return zone

    async def create_event(self, principal: Principal, data: EventCreate) -> MatchEvent:
        if data.zone_id is not None:
            await self.zone(data.zone_id)
        province = data.province or await self._province(principal)
        event = MatchEvent(
            organiser_id=principal.organisation_id, **{**data.model_dump(), "province": province}
        )
        self.session.add(event)
        await self.session.flush()
        ledger.append(
            self.session, _record("event.created", "event", event.id, principal, title=event.title)
        )
        return event

    async def events(self, *, upcoming: bool = False) -> Sequence[MatchEvent]:
        query = select(MatchEvent).order_by(MatchEvent.starts_at.desc())
        if upcoming:
            query = (
                select(MatchEvent)
                .where(MatchEvent.starts_at >= self.clock.now())
                .order_by(MatchEvent.starts_at)
            )
        return (await self.session.scalars(query.limit(200))).all()

    async def event(self, event_id: uuid.UUID) -> MatchEvent:
        event = await self.session.get(MatchEvent, event_id)
        if event is None:
            raise EventNotFound("No such event.")
        return event

    async def add_to_event(
        self, principal: Principal, event_id: uuid.UUID, data: ItemAdd
    ) -> MatchEvent:
        event = await self.event(event_id)
        _curates(principal, event.organiser_id)
        await self._add_item(principal, data, event_id=event.id)
        return event

    async def register(self, principal: Principal, event_id: uuid.UUID) -> MatchEvent:
        if principal.organisation_kind is not OrganisationKind.ENTERPRISE:
            raise EnterprisesOnly("Enterprises register for matchmaking events.")
        event = await self.event(event_id)
        if not rules.registration_open(event.starts_at, self.clock.now()):
            raise RegistrationClosed("Registration closed when the event started.")
        self.session.add(
            EventRegistration(
                event_id=event.id,
                enterprise_id=principal.organisation_id,
                registered_by=principal.user_id,
            )
        )
        try:
            async with self.session.begin_nested():
                await self.session.flush()
        except IntegrityError:
            raise AlreadyRegistered("Your enterprise is already registered.") from None
        ledger.append(self.session, _record("event.registered", "event", event.id, principal))
        return event

    async def record_outcome(
        self, principal: Principal, event_id: uuid.UUID, data: OutcomeCreate
    ) -> MatchEvent:
        """An introduction, a licence or an agreement that came out of the event."""
        event = await self.event(event_id)
        _curates(principal, event.organiser_id)
        if data.kind is OutcomeKind.LICENCE and (
            data.reference_id is None
            or await self.session.get(Agreement, data.reference_id) is None
        ):
            raise UnknownItem("A licence outcome names its licence (agreement id).")
        if data.kind is OutcomeKind.AGREEMENT and (
            data.reference_id is None
            or await self.session.get(CooperationAgreement, data.reference_id) is None
        ):
            raise UnknownItem("An agreement outcome names its cooperation agreement.")
        self.session.add(
            EventOutcome(event_id=event.id, recorded_by=principal.user_id, **data.model_dump())
        )
        await self.session.flush()
        ledger.append(
            self.session,
            _record(
                "event.outcome",
                "event",
                event.id,
                principal,
                kind=data.kind.value,
                reference_id=str(data.reference_id) if data.reference_id else None,
            ),
        )
        return event

    async def event_read(self, event: MatchEvent, principal: Principal | None) -> EventRead:
        out = EventRead.model_validate(event)
        out.items = await self.items(event_id=event.id)
        out.registrations = int(
            await self.session.scalar(
                select(func.count())
                .select_from(EventRegistration)
                .where(EventRegistration.event_id == event.id)
            )
            or 0
        )
        kinds = await self.session.scalars(
            select(EventOutcome.kind).where(EventOutcome.event_id == event.id)
        )
        out.outcomes = rules.outcome_counts(kinds)
        if principal is not None and principal.organisation_kind is OrganisationKind.ENTERPRISE:
            out.registered = (
                await self.session.scalar(
                    select(EventRegistration.id).where(
                        EventRegistration.event_id == event.id,
                        EventRegistration.enterprise_id == principal.organisation_id,
                    )
                )
            ) is not None
        return out

    async def _add_item(
        self,
        principal: Principal,
        data: ItemAdd,
        *,
        zone_id: uuid.UUID | None = None,
        event_id: uuid.UUID | None = None,
    ) -> None:
        model, column = _TITLES[data.kind]
        title = await self.session.scalar(select(column).where(model.id == data.target_id))
        if title is None:
            raise UnknownItem(f"No {data.kind.value} {data.target_id}.")
        existing = await self.session.scalar(
            select(ZoneItem.id).where(
                ZoneItem.zone_id == zone_id if zone_id else ZoneItem.event_id == event_id,
                ZoneItem.kind == data.kind,
                ZoneItem.target_id == data.target_id,
            )
        )
        if existing is None:
            self.session.add(
                ZoneItem(
                    zone_id=zone_id,
                    event_id=event_id,
                    kind=data.kind,
                    target_id=data.target_id,
                    title=title,
                )
            )
            await self.session.flush()

    async def _province(self, principal: Principal) -> str | None:
        if principal.organisation_kind is OrganisationKind.PLATFORM:
            return None
        organisation = await self.session.get_one(Organisation, principal.organisation_id)
        return organisation.province


def _curates(principal: Principal, curator_id: uuid.UUID) -> None:
    if not principal.is_admin and principal.organisation_id != curator_id:
        raise NotCurator("Only its curator (or the platform) changes this.")


def _record(
    action: str, subject_type: str, subject_id: uuid.UUID, principal: Principal, **data: object
) -> LedgerRecord:
    return LedgerRecord(
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id),
        actor_id=ledger.actor(principal.user_id),
        data={"organisation_id": str(principal.organisation_id), **data},
    )
