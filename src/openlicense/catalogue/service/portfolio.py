"""A university's portfolio at a glance (the TTO dashboard): counts, and the patents whose annual
fee or open-licence declaration needs attention soon."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import and_, func, or_, select

from openlicense.catalogue.models import (
    Declaration,
    DeclarationStatus,
    LegalStatus,
    ListingStatus,
    Patent,
)

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

FEE_HORIZON_DAYS = 60
"""Annual fees paid through a day within this many days are flagged (IR 115: late fees follow)."""
DECLARATION_HORIZON_DAYS = 90
"""A declared licence period ending within this many days is flagged (re-declare in time)."""


@dataclass(frozen=True, slots=True)
class AttentionItem:
    patent_id: uuid.UUID
    application_number: str
    title_zh: str
    title_en: str | None
    reason: str
    """`annual_fee_overdue`, `annual_fee_due` or `declaration_ending`."""
    due: datetime.date | None


@dataclass(slots=True)
class Portfolio:
    listings: dict[str, int] = field(default_factory=dict)
    """listing status → patents."""
    live_declarations: int = 0
    """Published declarations (withdrawn ones whose withdrawal is announced are not live)."""
    attention: list[AttentionItem] = field(default_factory=list)

    @property
    def patents(self) -> int:
        return sum(self.listings.values())


async def portfolio(
    session: AsyncSession, organisation_id: uuid.UUID, *, today: datetime.date, limit: int = 20
) -> Portfolio:
    """The university's counts and up to `limit` patents needing attention, soonest first."""
    result = Portfolio()
    rows = await session.execute(
        select(Patent.listing_status, func.count())
        .where(Patent.owner_organisation_id == organisation_id)
        .group_by(Patent.listing_status)
    )
    result.listings = {str(getattr(s, "value", s)): n for s, n in rows.all()}
    result.live_declarations = (
        await session.scalar(
            select(func.count())
            .select_from(Declaration)
            .join(Patent, Patent.id == Declaration.patent_id)
            .where(
                Patent.owner_organisation_id == organisation_id,
                Declaration.status == DeclarationStatus.PUBLISHED,
            )
        )
        or 0
    )
    result.attention = await _attention(session, organisation_id, today, limit)
    return result


async def _attention(
    session: AsyncSession, organisation_id: uuid.UUID, today: datetime.date, limit: int
) -> list[AttentionItem]:
    fee_horizon = today + datetime.timedelta(days=FEE_HORIZON_DAYS)
    decl_horizon = today + datetime.timedelta(days=DECLARATION_HORIZON_DAYS)
    fee_due = and_(
        Patent.legal_status == LegalStatus.VALID,
        Patent.listing_status != ListingStatus.RETIRED,
        or_(Patent.annual_fee_paid_through.is_(None), Patent.annual_fee_paid_through < fee_horizon),
    )
    fees = await session.execute(
        select(
            Patent.id,
            Patent.application_number,
            Patent.title_zh,
            Patent.title_en,
            Patent.annual_fee_paid_through,
        )
        .where(Patent.owner_organisation_id == organisation_id, fee_due)
        .order_by(Patent.annual_fee_paid_through.nulls_first(), Patent.id)
        .limit(limit)
    )
    items = [
        AttentionItem(
            pid,
            number,
            zh,
            en,
            "annual_fee_overdue" if paid is None or paid < today else "annual_fee_due",
            paid,
        )
        for pid, number, zh, en, paid in fees.all()
    ]
    ending = await session.execute(
        select(
            Patent.id,
            Patent.application_number,
            Patent.title_zh,
            Patent.title_en,
            Declaration.licence_end,
        )
        .join(Declaration, Declaration.patent_id == Patent.id)
        .where(
            Patent.owner_organisation_id == organisation_id,
            Declaration.status == DeclarationStatus.PUBLISHED,
            Declaration.licence_end < decl_horizon,
        )
        .order_by(Declaration.licence_end, Patent.id)
        .limit(limit)
    )
    items += [
        AttentionItem(pid, number, zh, en, "declaration_ending", end)
        for pid, number, zh, en, end in ending.all()
    ]
    items.sort(key=lambda i: (i.due or datetime.date.min, i.application_number))
    return items[:limit]
