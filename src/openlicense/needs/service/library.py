"""Posting, reading, confirming and closing needs; who may read which (needs.rules.can_read)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, or_, select

from openlicense.accounts.models import Organisation, OrganisationKind
from openlicense.audit import ledger
from openlicense.audit.ledger import LedgerRecord
from openlicense.needs import rules
from openlicense.needs.errors import EnterprisesOnly, InvalidBudget, NeedNotFound, NotNeedOwner
from openlicense.needs.models import Need
from openlicense.needs.schemas import NeedCreate, NeedRead, NeedUpdate
from openlicense.needs.states import NeedStatus

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from openlicense.accounts.principal import Principal
    from openlicense.core.clock import Clock

_KINDS: dict[OrganisationKind, rules.ViewerKind] = {
    OrganisationKind.ENTERPRISE: "enterprise",
    OrganisationKind.UNIVERSITY: "university",
    OrganisationKind.AUTHORITY: "authority",
    OrganisationKind.PLATFORM: "platform",
}


def viewer_kind(principal: Principal | None) -> rules.ViewerKind:
    if principal is None:
        return "anonymous"
    return _KINDS.get(principal.organisation_kind, "other")


class NeedService:
    def __init__(self, session: AsyncSession, *, clock: Clock) -> None:
        self.session = session
        self.clock = clock

    async def post(self, principal: Principal, data: NeedCreate) -> Need:
        if principal.organisation_kind is not OrganisationKind.ENTERPRISE:
            raise EnterprisesOnly("Only enterprises post technical needs.")
        _check_budget(data.budget_min_minor, data.budget_max_minor)
        organisation = await self.session.get_one(Organisation, principal.organisation_id)
        now = self.clock.now()
        need = Need(
            organisation_id=principal.organisation_id,
            created_by=principal.user_id,
            province=organisation.province,
            last_confirmed_at=now,
            status=NeedStatus.OPEN,
            **data.model_dump(),
        )
        self.session.add(need)
        await self.session.flush()
        ledger.append(self.session, _record("need.posted", need, principal, title=need.title))
        return need

    async def get(self, principal: Principal | None, need_id: uuid.UUID) -> Need:
        """The need, if `principal` may read it; else NeedNotFound (its existence is not told)."""
        need = await self.session.get(Need, need_id)
        if need is None or not rules.can_read(
            facts(need),
            viewer_kind=viewer_kind(principal),
            viewer_org=principal.organisation_id if principal else None,
            now=self.clock.now(),
        ):
            raise NeedNotFound("No such need.")
        return need

    async def owned(self, principal: Principal, need_id: uuid.UUID) -> Need:
        need = await self.get(principal, need_id)
        if need.organisation_id != principal.organisation_id:
            raise NotNeedOwner("Only the enterprise that posted this need may change it.")
        return need

    async def list(
        self,
        principal: Principal | None,
        *,
        mine: bool = False,
        technology_field: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Sequence[Need]:
        """Needs the viewer may read, newest first: its own (all states) with `mine`, else the
        open, unlapsed needs of its visibility."""
        query = select(Need).order_by(Need.created_at.desc(), Need.id.desc())
        if mine:
            if principal is None:
                return []
            query = query.where(Need.organisation_id == principal.organisation_id)
        else:
            kinds = rules.visible_kinds(viewer_kind(principal))
            cutoff = self.clock.now() - rules.CONFIRM_EVERY - rules.GRACE
            visible: ColumnElement[bool] = (
                Need.visibility.in_(kinds)
                & (Need.status != NeedStatus.CLOSED)
                & (Need.last_confirmed_at > cutoff)
            )
            if principal is not None:
                visible = or_(visible, Need.organisation_id == principal.organisation_id)
            query = query.where(visible)
        if technology_field:
            query = query.where(Need.technology_field == technology_field)
        return (await self.session.scalars(query.limit(limit).offset(offset))).all()

    async def update(self, principal: Principal, need_id: uuid.UUID, data: NeedUpdate) -> Need:
        need = await self.owned(principal, need_id)
        changes = data.model_dump(exclude_unset=True)
        _check_budget(
            changes.get("budget_min_minor", need.budget_min_minor),
            changes.get("budget_max_minor", need.budget_max_minor),
        )
        for name, value in changes.items():
            setattr(need, name, value)
        need.last_confirmed_at = self.clock.now()  # an edit is a confirmation
        ledger.append(
            self.session, _record("need.updated", need, principal, fields=sorted(changes))
        )
        await self.session.flush()
        return need

    async def confirm(self, principal: Principal, need_id: uuid.UUID) -> Need:
        """The half-year confirmation: the need is still wanted as written."""
        need = await self.owned(principal, need_id)
        need.last_confirmed_at = self.clock.now()
        ledger.append(self.session, _record("need.confirmed", need, principal))
        await self.session.flush()
        return need

    async def close(self, principal: Principal, need_id: uuid.UUID) -> Need:
        need = await self.owned(principal, need_id)
        if need.status is NeedStatus.OPEN:
            need.status = NeedStatus.CLOSED
            ledger.append(self.session, _record("need.closed", need, principal))
            await self.session.flush()
        return need

    def read(self, need: Need) -> NeedRead:
        out = NeedRead.model_validate(need)
        out.confirm_due_at = rules.confirm_due_at(need.last_confirmed_at)
        out.freshness = rules.freshness(need.last_confirmed_at, self.clock.now())
        return out


def facts(need: Need) -> rules.NeedFacts:
    return rules.NeedFacts(
        organisation_id=need.organisation_id,
        visibility=need.visibility,
        status=need.status,
        last_confirmed_at=need.last_confirmed_at,
    )


def _check_budget(low: int | None, high: int | None) -> None:
    if low is not None and high is not None and low > high:
        raise InvalidBudget("budget_min_minor must not exceed budget_max_minor.")


def _record(action: str, need: Need, principal: Principal, **data: object) -> LedgerRecord:
    return LedgerRecord(
        action=action,
        subject_type="need",
        subject_id=str(need.id),
        actor_id=ledger.actor(principal.user_id),
        data={"organisation_id": str(need.organisation_id), **data},
    )
