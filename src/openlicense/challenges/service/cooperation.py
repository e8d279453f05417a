"""The cooperation agreement after a selection: drawn from the guideline's clause library, sealed
like an open licence, signed by both parties, then its milestones tracked to completion."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from uuid_utils.compat import uuid7

from openlicense.accounts.models import Organisation, OrganisationKind
from openlicense.agreements.contract import RenderedContract, seal_payload
from openlicense.audit import ledger
from openlicense.challenges import rules, wording
from openlicense.challenges.errors import (
    AgreementNotFound,
    InvalidClauses,
    NotAParty,
    NotPublisher,
    WrongState,
)
from openlicense.challenges.models import (
    Challenge,
    ChallengeApplication,
    CooperationAgreement,
    Milestone,
)
from openlicense.challenges.schemas import CooperationCreate
from openlicense.challenges.service.common import record
from openlicense.challenges.states import ChallengeStatus, MilestoneStatus
from openlicense.clauses.library import (
    OPEN_LICENCE_PREFIX,
    UnknownClause,
    clause_set_ref,
    resolve_clause_set,
)
from openlicense.clauses.lint import lint_clause_choices
from openlicense.clauses.registry import shipped_library
from openlicense.core.errors import RuleViolationError
from openlicense.needs.service import mark_met

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from openlicense.accounts.principal import Principal
    from openlicense.core.clock import Clock


class CooperationService:
    def __init__(self, session: AsyncSession, *, clock: Clock) -> None:
        self.session = session
        self.clock = clock

    async def draw_up(
        self, principal: Principal, challenge_id: uuid.UUID, data: CooperationCreate
    ) -> CooperationAgreement:
        """The publisher draws up and signs the agreement with the selected team's university:
        clauses from the library (rules 29 and 30 checked by the clause lint), text rendered and
        sealed once."""
        challenge, application = await self._selected(principal, challenge_id)
        today, now = self.clock.today(), self.clock.now()
        _check_milestones(data, today)
        clauses = _clauses(data, today)
        agreement_id = uuid7()
        number = f"COA-{today.year}-{agreement_id.hex[-10:].upper()}"
        enterprise = await self.session.get_one(Organisation, challenge.publisher_id)
        university = await self.session.get_one(Organisation, application.university_id)
        snapshot = _snapshot(
            number, challenge, application, enterprise, university, data, clauses, today
        )
        rendered = RenderedContract(wording.render(snapshot, "zh"), wording.render(snapshot, "en"))
        agreement = CooperationAgreement(
            id=agreement_id,
            number=number,
            challenge_id=challenge.id,
            application_id=application.id,
            enterprise_id=challenge.publisher_id,
            university_id=application.university_id,
            kind=data.kind,
            price_minor=data.price_minor,
            currency=challenge.currency,
            clause_set=clause_set_ref(clauses),
            snapshot=snapshot,
            text_zh=rendered.text_zh,
            text_en=rendered.text_en,
            seal=seal_payload(snapshot, rendered),
            sealed_at=now,
            enterprise_signed_at=now,
        )
        self.session.add(agreement)
        await self.session.flush()
        self.session.add_all(_milestones(agreement, data))
        challenge.status = ChallengeStatus.AGREED
        ledger.append(
            self.session,
            record(
                "cooperation.sealed",
                "cooperation_agreement",
                agreement.id,
                principal,
                number=number,
                seal=agreement.seal,
                challenge_id=str(challenge.id),
                clause_set=agreement.clause_set,
            ),
        )
        await self.session.flush()
        return agreement

    async def _selected(
        self, principal: Principal, challenge_id: uuid.UUID
    ) -> tuple[Challenge, ChallengeApplication]:
        """The publisher's challenge with its selected application (else a refusal)."""
        challenge = await self.session.get(Challenge, challenge_id)
        if challenge is None or challenge.publisher_id != principal.organisation_id:
            raise NotPublisher("Only the challenge's publisher draws up its agreement.")
        if (
            challenge.status is not ChallengeStatus.SELECTED
            or challenge.selected_application_id is None
        ):
            raise WrongState("Select a team first; a challenge has one agreement.")
        application = await self.session.get_one(
            ChallengeApplication, challenge.selected_application_id
        )
        return challenge, application

    async def sign(self, principal: Principal, challenge_id: uuid.UUID) -> CooperationAgreement:
        """The selected university signs the sealed text; the need is then met."""
        agreement = await self.get(principal, challenge_id)
        if principal.organisation_id != agreement.university_id:
            raise NotAParty("Only the selected team's university signs here.")
        if agreement.university_signed_at is None:
            agreement.university_signed_at = self.clock.now()
            ledger.append(
                self.session,
                record("cooperation.signed", "cooperation_agreement", agreement.id, principal),
            )
            challenge = await self.session.get_one(Challenge, agreement.challenge_id)
            if challenge.need_id is not None:
                await mark_met(
                    self.session,
                    challenge.need_id,
                    now=self.clock.now(),
                    actor_id=principal.user_id,
                    cooperation_id=agreement.id,
                )
            await self.session.flush()
        return agreement

    async def get(self, principal: Principal, challenge_id: uuid.UUID) -> CooperationAgreement:
        agreement = await self.session.scalar(
            select(CooperationAgreement).where(CooperationAgreement.challenge_id == challenge_id)
        )
        if agreement is None or not (
            principal.organisation_id in (agreement.enterprise_id, agreement.university_id)
            or principal.organisation_kind is OrganisationKind.PLATFORM
            or await self._same_province(principal, agreement)
        ):
            raise AgreementNotFound("No cooperation agreement for this challenge.")
        return agreement

    async def _same_province(self, principal: Principal, agreement: CooperationAgreement) -> bool:
        """An authority reads the agreements of challenges in its own province."""
        if principal.organisation_kind is not OrganisationKind.AUTHORITY:
            return False
        own = await self.session.get_one(Organisation, principal.organisation_id)
        challenge = await self.session.get_one(Challenge, agreement.challenge_id)
        return own.province is not None and own.province == challenge.province

    async def milestones(self, agreement: CooperationAgreement) -> Sequence[Milestone]:
        query = select(Milestone).where(Milestone.agreement_id == agreement.id)
        return (await self.session.scalars(query.order_by(Milestone.position))).all()

    async def complete_milestone(
        self, principal: Principal, challenge_id: uuid.UUID, position: int, evidence: str
    ) -> CooperationAgreement:
        """The enterprise accepts a milestone against the acceptance criteria; the last one
        completes the agreement and the challenge."""
        agreement = await self.get(principal, challenge_id)
        if principal.organisation_id != agreement.enterprise_id:
            raise NotAParty("The enterprise accepts milestones.")
        if agreement.university_signed_at is None:
            raise WrongState("The university has not signed yet.")
        milestones = list(await self.milestones(agreement))
        milestone = next((m for m in milestones if m.position == position), None)
        if milestone is None:
            raise AgreementNotFound("No such milestone.")
        if milestone.status is MilestoneStatus.DONE:
            return agreement
        now = self.clock.now()
        milestone.status, milestone.completed_at, milestone.evidence = (
            MilestoneStatus.DONE,
            now,
            evidence,
        )
        ledger.append(
            self.session,
            record(
                "cooperation.milestone_done",
                "cooperation_agreement",
                agreement.id,
                principal,
                position=position,
            ),
        )
        if all(m.status is MilestoneStatus.DONE for m in milestones):
            agreement.completed_at = now
            challenge = await self.session.get_one(Challenge, agreement.challenge_id)
            challenge.status = ChallengeStatus.COMPLETED
            ledger.append(
                self.session,
                record("cooperation.completed", "cooperation_agreement", agreement.id, principal),
            )
        await self.session.flush()
        return agreement


def seal_valid(agreement: CooperationAgreement) -> bool:
    rendered = RenderedContract(agreement.text_zh, agreement.text_en)
    try:
        return seal_payload(agreement.snapshot, rendered) == agreement.seal
    except TypeError:
        return False


def _check_milestones(data: CooperationCreate, today: Any) -> None:
    dues = [m.due_on for m in data.milestones]
    if dues != sorted(dues) or dues[0] < today:
        raise InvalidClauses("Milestones are due in order, from today on.")
    if sum(m.amount_minor for m in data.milestones) > data.price_minor:
        raise InvalidClauses("The milestones' amounts exceed the price.")


def _clauses(data: CooperationCreate, today: Any) -> list[Any]:
    if keys := rules.open_licence_keys(data.clauses):
        raise InvalidClauses(
            f"rule 14: open-licence clauses are fixed by a declaration, not chosen here: {keys}"
        )
    choices = rules.clause_choices(data.kind, data.clauses)
    library = shipped_library()
    violations = lint_clause_choices(choices, library)
    if violations:
        raise RuleViolationError(violations)
    try:
        resolved = resolve_clause_set(choices, library, on=today)
    except UnknownClause as exc:
        raise InvalidClauses(str(exc)) from None
    return [c for c in resolved if not c.key.startswith(OPEN_LICENCE_PREFIX)]


def _snapshot(
    number: str,
    challenge: Challenge,
    application: ChallengeApplication,
    enterprise: Organisation,
    university: Organisation,
    data: CooperationCreate,
    clauses: list[Any],
    today: Any,
) -> dict[str, Any]:
    def party(o: Organisation) -> dict[str, Any]:
        return {"id": str(o.id), "name": o.name, "name_en": o.name_en, "credit_code": o.credit_code}

    return {
        "kind": data.kind.value,
        "number": number,
        "made_on": today.isoformat(),
        "challenge": {
            "id": str(challenge.id),
            "title": challenge.title,
            "goals": challenge.goals,
            "acceptance_criteria": challenge.acceptance_criteria,
        },
        "parties": {"enterprise": party(enterprise), "university": party(university)},
        "team": application.team,
        "price": {"amount_minor": data.price_minor, "currency": challenge.currency},
        "milestones": [
            {"title": m.title, "due_on": m.due_on.isoformat(), "amount_minor": m.amount_minor}
            for m in data.milestones
        ],
        "clauses": [
            {
                **c.ref(),
                "title_zh": c.title_zh,
                "title_en": c.title_en,
                "text_zh": c.text_zh,
                "text_en": c.text_en,
                "legal_anchor": c.legal_anchor,
            }
            for c in clauses
        ],
    }


def _milestones(agreement: CooperationAgreement, data: CooperationCreate) -> list[Milestone]:
    return [
        Milestone(
            agreement_id=agreement.id,
            position=position,
            title=m.title,
            due_on=m.due_on,
            amount_minor=m.amount_minor,
            status=MilestoneStatus.OPEN,
        )
        for position, m in enumerate(data.milestones, start=1)
    ]
