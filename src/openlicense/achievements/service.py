"""Achievements use cases: add, list, review, withdraw."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import select

from openlicense.accounts.models import Organisation, OrganisationKind
from openlicense.achievements import rules
from openlicense.achievements.errors import (
    AchievementNotFound,
    NotAchievementOwner,
    UniversitiesOnly,
)
from openlicense.achievements.models import Achievement
from openlicense.achievements.schemas import AchievementCreate, AchievementRead
from openlicense.audit import ledger
from openlicense.audit.ledger import LedgerRecord

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from openlicense.accounts.principal import Principal
    from openlicense.core.clock import Clock


class AchievementService:
    def __init__(self, session: AsyncSession, *, clock: Clock) -> None:
        self.session = session
        self.clock = clock

    async def add(self, principal: Principal, data: AchievementCreate) -> Achievement:
        if principal.organisation_kind is not OrganisationKind.UNIVERSITY:
            raise UniversitiesOnly("Only universities keep an achievements library.")
        organisation = await self.session.get_one(Organisation, principal.organisation_id)
        values = data.model_dump(mode="json", exclude={"fee_standard"})
        achievement = Achievement(
            organisation_id=principal.organisation_id,
            province=organisation.province,
            last_reviewed_at=self.clock.now(),
            fee_standard=data.fee_standard.model_dump(mode="json") if data.fee_standard else None,
            **values,
        )
        self.session.add(achievement)
        await self.session.flush()
        ledger.append(self.session, _record("achievement.added", achievement, principal))
        return achievement

    async def get(self, achievement_id: uuid.UUID) -> Achievement:
        achievement = await self.session.get(Achievement, achievement_id)
        if achievement is None:
            raise AchievementNotFound("No such achievement.")
        return achievement

    async def list(
        self,
        *,
        organisation_id: uuid.UUID | None = None,
        technology_field: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Sequence[Achievement]:
        query = select(Achievement).where(Achievement.withdrawn_at.is_(None))
        if organisation_id is not None:
            query = query.where(Achievement.organisation_id == organisation_id)
        if technology_field:
            query = query.where(Achievement.technology_field == technology_field)
        query = query.order_by(Achievement.created_at.desc(), Achievement.id.desc())
        return (await self.session.scalars(query.limit(limit).offset(offset))).all()

    async def _owned(self, principal: Principal, achievement_id: uuid.UUID) -> Achievement:
        achievement = await self.get(achievement_id)
        if achievement.organisation_id != principal.organisation_id:
            raise NotAchievementOwner("Only the owning university may change this entry.")
        return achievement

    async def review(self, principal: Principal, achievement_id: uuid.UUID) -> Achievement:
        """The half-year review: the entry is still accurate and on offer."""
        achievement = await self._owned(principal, achievement_id)
        achievement.last_reviewed_at = self.clock.now()
        ledger.append(self.session, _record("achievement.reviewed", achievement, principal))
        await self.session.flush()
        return achievement

    async def withdraw(self, principal: Principal, achievement_id: uuid.UUID) -> Achievement:
        achievement = await self._owned(principal, achievement_id)
        if achievement.withdrawn_at is None:
            achievement.withdrawn_at = self.clock.now()
            ledger.append(self.session, _record("achievement.withdrawn", achievement, principal))
            await self.session.flush()
        return achievement

    async def due_for_review(self) -> Sequence[Achievement]:
        """Entries whose half-year review is due: for a reminder job (not scheduled yet)."""
        cutoff = self.clock.now() - rules.REVIEW_EVERY
        query = select(Achievement).where(
            Achievement.withdrawn_at.is_(None), Achievement.last_reviewed_at <= cutoff
        )
        return (await self.session.scalars(query)).all()

    def read(self, achievement: Achievement) -> AchievementRead:
        out = AchievementRead.model_validate(achievement)
        out.review_due_at = rules.review_due_at(achievement.last_reviewed_at)
        out.review_due = rules.review_due(achievement.last_reviewed_at, self.clock.now())
        return out


def _record(action: str, achievement: Achievement, principal: Principal) -> LedgerRecord:
    return LedgerRecord(
        action=action,
        subject_type="achievement",
        subject_id=str(achievement.id),
        actor_id=ledger.actor(principal.user_id),
        data={"organisation_id": str(achievement.organisation_id), "title": achievement.title},
    )
