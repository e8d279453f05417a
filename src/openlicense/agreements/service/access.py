"""Who may see and act on an agreement, and loading it with what the checks need."""

from __future__ import annotations

import datetime
import uuid
from typing import Any, Literal, TypeVar

from sqlalchemy import Select, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from openlicense.accounts.models import Role
from openlicense.accounts.principal import Principal
from openlicense.agreements.models import Agreement, AgreementStatus, ScheduleEntry
from openlicense.core.cursor import decode_cursor, encode_cursor
from openlicense.core.errors import Forbidden, NotFound

Party = Literal["licensor", "licensee", "either"]
T = TypeVar("T", bound=tuple[Any, ...])


def can_read(principal: Principal, agreement: Agreement) -> bool:
    if principal.role in {Role.ADMIN, Role.AUDITOR}:
        return True
    return principal.organisation_id in {
        agreement.licensor_organisation_id,
        agreement.licensee_organisation_id,
    }


def visible_to(principal: Principal, query: Select[T]) -> Select[T]:
    if principal.role in {Role.ADMIN, Role.AUDITOR}:
        return query
    if principal.role is Role.TTO_OFFICER:
        return query.where(Agreement.licensor_organisation_id == principal.organisation_id)
    return query.where(Agreement.licensee_organisation_id == principal.organisation_id)


def ensure_party(principal: Principal, agreement: Agreement, party: Party) -> str:
    """The acting side's name; 404 for strangers (an agreement is private to its parties)."""
    if not can_read(principal, agreement):
        raise NotFound("No such agreement.")
    is_licensor = principal.role is Role.TTO_OFFICER and principal.belongs_to(
        agreement.licensor_organisation_id
    )
    is_licensee = principal.role is Role.ENTERPRISE_MEMBER and principal.belongs_to(
        agreement.licensee_organisation_id
    )
    if party in {"licensor", "either"} and is_licensor:
        return "licensor"
    if party in {"licensee", "either"} and is_licensee:
        return "licensee"
    raise Forbidden(f"Only the {party} can do this.", code=f"not_the_{party}")


def find_entry(agreement: Agreement, key: str) -> ScheduleEntry:
    for entry in agreement.entries:
        if entry.key == key:
            return entry
    raise NotFound(f"No schedule item {key!r} in {agreement.number}.")


class AgreementReader:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def load(self, agreement_id: uuid.UUID, *, for_update: bool = False) -> Agreement:
        query = (
            select(Agreement)
            .where(Agreement.id == agreement_id)
            .options(
                selectinload(Agreement.entries),
                selectinload(Agreement.recording),
                selectinload(Agreement.events),
            )
        )
        if for_update:
            query = query.with_for_update(of=Agreement)
        agreement = await self.session.scalar(query)
        if agreement is None:
            raise NotFound("No such agreement.")
        return agreement

    async def get(self, principal: Principal, agreement_id: uuid.UUID) -> Agreement:
        agreement = await self.load(agreement_id)
        if not can_read(principal, agreement):
            raise NotFound("No such agreement.")
        return agreement

    async def list(
        self,
        principal: Principal,
        *,
        limit: int,
        cursor: str | None,
        status: AgreementStatus | None,
    ) -> tuple[list[Agreement], str | None]:
        """Newest notice first, by keyset on (notified_at, id): served by the party indexes."""
        query = visible_to(principal, select(Agreement))
        if status is not None:
            query = query.where(Agreement.status == status)
        if cursor:
            after = decode_cursor(cursor, datetime.datetime, uuid.UUID)
            query = query.where(tuple_(Agreement.notified_at, Agreement.id) < after)
        order = (Agreement.notified_at.desc(), Agreement.id.desc())
        rows = list(await self.session.scalars(query.order_by(*order).limit(limit + 1)))
        if len(rows) <= limit:
            return rows, None
        last = rows[limit - 1]
        notified = last.notified_at
        if notified.tzinfo is None:  # SQLite gives naive UTC
            notified = notified.replace(tzinfo=datetime.UTC)
        return rows[:limit], encode_cursor(notified, last.id)
