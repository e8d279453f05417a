"""Talent library and consulting use cases."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import or_, select

from openlicense.accounts.models import Organisation, OrganisationKind
from openlicense.achievements.models import Achievement
from openlicense.audit import ledger
from openlicense.audit.ledger import LedgerRecord
from openlicense.catalogue.models import Patent
from openlicense.experts import rules
from openlicense.experts.errors import (
    ConsultingNotFound,
    ConsultingWrongState,
    ExpertNotFound,
    NotAMentor,
    WrongKind,
)
from openlicense.experts.models import (
    ConsultingRequest,
    ConsultingSession,
    Expert,
)
from openlicense.experts.schemas import (
    ConsultingApproval,
    ConsultingCreate,
    ExpertCreate,
    ExpertProfile,
    ExpertRead,
    ExpertWork,
    SessionCreate,
)
from openlicense.experts.states import ConsultingStatus

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from openlicense.accounts.principal import Principal
    from openlicense.core.clock import Clock


class ExpertService:
    def __init__(self, session: AsyncSession, *, clock: Clock) -> None:
        self.session = session
        self.clock = clock

    async def add(self, principal: Principal, data: ExpertCreate) -> Expert:
        if principal.organisation_kind is not OrganisationKind.UNIVERSITY:
            raise WrongKind("Only universities keep a talent library.")
        organisation = await self.session.get_one(Organisation, principal.organisation_id)
        expert = Expert(
            organisation_id=principal.organisation_id,
            province=organisation.province,
            **data.model_dump(),
        )
        self.session.add(expert)
        await self.session.flush()
        ledger.append(
            self.session,
            _record("expert.added", "expert", expert.id, principal, name=expert.name),
        )
        return expert

    async def get(self, expert_id: uuid.UUID) -> Expert:
        expert = await self.session.get(Expert, expert_id)
        if expert is None:
            raise ExpertNotFound("No such expert.")
        return expert

    async def list(
        self,
        *,
        mentors_only: bool = False,
        organisation_id: uuid.UUID | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Sequence[Expert]:
        query = select(Expert)
        if mentors_only:
            query = query.where(Expert.is_mentor.is_(True))
        if organisation_id is not None:
            query = query.where(Expert.organisation_id == organisation_id)
        query = query.order_by(Expert.created_at.desc(), Expert.id.desc())
        return (await self.session.scalars(query.limit(limit).offset(offset))).all()

    async def profile(self, expert_id: uuid.UUID) -> ExpertProfile:
        """The expert with their patents (named among the inventors of their university's
        patents) and achievements (named in the team)."""
        expert = await self.get(expert_id)
        patents = await self.session.execute(
            select(Patent.id, Patent.title_zh, Patent.inventors).where(
                Patent.owner_organisation_id == expert.organisation_id
            )
        )
        achievements = await self.session.scalars(
            select(Achievement).where(
                Achievement.organisation_id == expert.organisation_id,
                Achievement.withdrawn_at.is_(None),
            )
        )
        return ExpertProfile(
            expert=ExpertRead.model_validate(expert),
            patents=[
                ExpertWork(id=pid, title=title)
                for pid, title, inventors in patents.tuples()
                if expert.name in (inventors or [])
            ],
            achievements=[
                ExpertWork(id=a.id, title=a.title) for a in achievements if expert.name in a.team
            ],
        )


class ConsultingService:
    """One-to-one consulting: an enterprise asks a mentor; the mentor's TTO approves with the
    written consent of the professor's own unit; sessions and outcomes are recorded."""

    def __init__(self, session: AsyncSession, *, clock: Clock) -> None:
        self.session = session
        self.clock = clock

    async def request(
        self, principal: Principal, expert_id: uuid.UUID, data: ConsultingCreate
    ) -> ConsultingRequest:
        if principal.organisation_kind is not OrganisationKind.ENTERPRISE:
            raise WrongKind("Only enterprises request consulting.")
        expert = await ExpertService(self.session, clock=self.clock).get(expert_id)
        if not expert.is_mentor:
            raise NotAMentor("This expert does not serve as a technical mentor.")
        request = ConsultingRequest(
            expert_id=expert.id,
            university_id=expert.organisation_id,
            enterprise_id=principal.organisation_id,
            requested_by=principal.user_id,
            status=ConsultingStatus.REQUESTED,
            **data.model_dump(),
        )
        self.session.add(request)
        await self.session.flush()
        ledger.append(
            self.session,
            _record(
                "consulting.requested",
                "consulting",
                request.id,
                principal,
                expert_id=str(expert.id),
            ),
        )
        return request

    async def get(self, principal: Principal, request_id: uuid.UUID) -> ConsultingRequest:
        """Only its enterprise, the mentor's university and the platform see a request."""
        request = await self.session.get(ConsultingRequest, request_id)
        if request is None or not (
            principal.is_admin
            or principal.organisation_id in (request.enterprise_id, request.university_id)
        ):
            raise ConsultingNotFound("No such consulting request.")
        return request

    async def list(self, principal: Principal) -> Sequence[ConsultingRequest]:
        query = select(ConsultingRequest)
        if not principal.is_admin:
            query = query.where(
                or_(
                    ConsultingRequest.enterprise_id == principal.organisation_id,
                    ConsultingRequest.university_id == principal.organisation_id,
                )
            )
        query = query.order_by(ConsultingRequest.created_at.desc())
        return (await self.session.scalars(query.limit(200))).all()

    async def sessions(self, request: ConsultingRequest) -> Sequence[ConsultingSession]:
        query = select(ConsultingSession).where(ConsultingSession.request_id == request.id)
        return (await self.session.scalars(query.order_by(ConsultingSession.held_on))).all()

    async def approve(
        self, principal: Principal, request_id: uuid.UUID, data: ConsultingApproval
    ) -> ConsultingRequest:
        request = await self._for_tto(principal, request_id)
        if not rules.can_decide(request.status):
            raise ConsultingWrongState("This request is already decided.")
        request.status = ConsultingStatus.APPROVED
        request.unit_consent_ref = data.unit_consent_ref
        request.decision_note = data.note
        self._decided(request, principal, "consulting.approved")
        return request

    async def decline(
        self, principal: Principal, request_id: uuid.UUID, note: str
    ) -> ConsultingRequest:
        request = await self._for_tto(principal, request_id)
        if not rules.can_decide(request.status):
            raise ConsultingWrongState("This request is already decided.")
        request.status = ConsultingStatus.DECLINED
        request.decision_note = note
        self._decided(request, principal, "consulting.declined")
        return request

    async def add_session(
        self, principal: Principal, request_id: uuid.UUID, data: SessionCreate
    ) -> ConsultingRequest:
        request = await self.get(principal, request_id)
        if not rules.can_hold_session(request.status):
            raise ConsultingWrongState("Sessions are recorded once the TTO has approved.")
        self.session.add(
            ConsultingSession(
                request_id=request.id, recorded_by=principal.user_id, **data.model_dump()
            )
        )
        ledger.append(
            self.session,
            _record(
                "consulting.session",
                "consulting",
                request.id,
                principal,
                held_on=data.held_on.isoformat(),
                outcome=data.outcome,
            ),
        )
        await self.session.flush()
        return request

    async def complete(self, principal: Principal, request_id: uuid.UUID) -> ConsultingRequest:
        request = await self.get(principal, request_id)
        if not rules.can_complete(request.status):
            raise ConsultingWrongState("Only approved consulting is completed.")
        request.status = ConsultingStatus.COMPLETED
        ledger.append(
            self.session, _record("consulting.completed", "consulting", request.id, principal)
        )
        await self.session.flush()
        return request

    async def _for_tto(self, principal: Principal, request_id: uuid.UUID) -> ConsultingRequest:
        request = await self.get(principal, request_id)
        if principal.organisation_id != request.university_id:
            raise WrongKind("The mentor's own TTO decides.")
        return request

    def _decided(self, request: ConsultingRequest, principal: Principal, action: str) -> None:
        request.decided_by, request.decided_at = principal.user_id, self.clock.now()
        ledger.append(
            self.session,
            _record(
                action,
                "consulting",
                request.id,
                principal,
                unit_consent_ref=request.unit_consent_ref,
            ),
        )


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
