"""Publishing a challenge, applying (揭榜), shortlisting, selecting, and the one-step answer by
an existing open licence."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from openlicense.accounts.models import Organisation, OrganisationKind
from openlicense.agreements.schemas import AcceptanceRequest
from openlicense.audit import ledger
from openlicense.catalogue.models import Declaration, DeclarationStatus, Patent
from openlicense.challenges import rules
from openlicense.challenges.errors import (
    AlreadyApplied,
    ApplicationNotFound,
    ChallengeClosed,
    ChallengeNotFound,
    InvalidChallenge,
    NotPublisher,
    PublisherKindNotAllowed,
    UniversitiesOnly,
    WrongState,
)
from openlicense.challenges.models import Challenge, ChallengeApplication
from openlicense.challenges.schemas import ApplicationCreate, ChallengeCreate
from openlicense.challenges.service.common import record
from openlicense.challenges.states import ApplicationKind, ApplicationStatus, ChallengeStatus
from openlicense.needs.service import NeedService, mark_met
from openlicense.needs.states import NeedStatus

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from openlicense.accounts.principal import Principal
    from openlicense.agreements.models import Agreement
    from openlicense.agreements.service import AcceptanceService
    from openlicense.core.clock import Clock


class ChallengeService:
    def __init__(
        self,
        session: AsyncSession,
        *,
        clock: Clock,
        acceptance: AcceptanceService | None = None,
    ) -> None:
        self.session = session
        self.clock = clock
        self.acceptance = acceptance

    # --- publishing --------------------------------------------------------------------------

    async def publish(self, principal: Principal, data: ChallengeCreate) -> Challenge:
        """An enterprise publishes from its own open need; an authority publishes a public
        challenge (with or without a need)."""
        kind = principal.organisation_kind
        if kind not in (OrganisationKind.ENTERPRISE, OrganisationKind.AUTHORITY):
            raise PublisherKindNotAllowed("Only enterprises and authorities publish challenges.")
        title, field = data.title, data.technology_field
        if data.need_id is not None:
            need = await NeedService(self.session, clock=self.clock).get(principal, data.need_id)
            if (
                kind is OrganisationKind.ENTERPRISE
                and need.organisation_id != principal.organisation_id
            ):
                raise NotPublisher("An enterprise publishes challenges from its own needs only.")
            if need.status is not NeedStatus.OPEN:
                raise ChallengeClosed("The need is closed or already met.")
            title, field = title or need.title, field or need.technology_field
        elif kind is OrganisationKind.ENTERPRISE:
            raise InvalidChallenge("An enterprise publishes a challenge from one of its needs.")
        if title is None:
            raise InvalidChallenge("A challenge without a need needs a title.")
        if data.deadline < self.clock.today():
            raise InvalidChallenge("The deadline is in the past.")
        organisation = await self.session.get_one(Organisation, principal.organisation_id)
        challenge = Challenge(
            need_id=data.need_id,
            publisher_id=principal.organisation_id,
            created_by=principal.user_id,
            title=title,
            goals=data.goals,
            acceptance_criteria=data.acceptance_criteria,
            budget_minor=data.budget_minor,
            currency=data.currency,
            deadline=data.deadline,
            technology_field=field,
            province=organisation.province,
            status=ChallengeStatus.OPEN,
        )
        self.session.add(challenge)
        await self.session.flush()
        ledger.append(
            self.session,
            record("challenge.published", "challenge", challenge.id, principal, title=title),
        )
        return challenge

    async def get(self, challenge_id: uuid.UUID) -> Challenge:
        challenge = await self.session.get(Challenge, challenge_id)
        if challenge is None:
            raise ChallengeNotFound("No such challenge.")
        return challenge

    async def list(
        self, *, status: ChallengeStatus | None = None, limit: int = 50, offset: int = 0
    ) -> Sequence[Challenge]:
        """Challenges are public calls: everyone may read them (not their applications)."""
        query = select(Challenge).order_by(Challenge.created_at.desc(), Challenge.id.desc())
        if status is not None:
            query = query.where(Challenge.status == status)
        return (await self.session.scalars(query.limit(limit).offset(offset))).all()

    async def owned(self, principal: Principal, challenge_id: uuid.UUID) -> Challenge:
        challenge = await self.get(challenge_id)
        if challenge.publisher_id != principal.organisation_id:
            raise NotPublisher("Only the challenge's publisher may do this.")
        return challenge

    # --- applications ------------------------------------------------------------------------

    async def apply(
        self, principal: Principal, challenge_id: uuid.UUID, data: ApplicationCreate
    ) -> ChallengeApplication:
        """A university answers (揭榜) with a proposal and a team, or points to one of its
        published open licences."""
        if principal.organisation_kind is not OrganisationKind.UNIVERSITY:
            raise UniversitiesOnly("Only universities answer challenges.")
        challenge = await self.get(challenge_id)
        if not rules.open_for_applications(
            challenge.status, challenge.deadline, self.clock.today()
        ):
            raise ChallengeClosed("The challenge no longer takes applications.")
        if data.kind is ApplicationKind.OPEN_LICENCE:
            await self._own_published_declaration(principal, data.declaration_id)
        elif data.declaration_id is not None:
            raise InvalidChallenge("Only an open-licence answer names a declaration.")
        application = ChallengeApplication(
            challenge_id=challenge.id,
            university_id=principal.organisation_id,
            submitted_by=principal.user_id,
            kind=data.kind,
            proposal=data.proposal,
            team=[m.model_dump() for m in data.team],
            price_minor=data.price_minor,
            declaration_id=data.declaration_id,
            status=ApplicationStatus.SUBMITTED,
        )
        self.session.add(application)
        try:
            async with self.session.begin_nested():
                await self.session.flush()
        except IntegrityError:
            raise AlreadyApplied("Your university has already answered this challenge.") from None
        ledger.append(
            self.session,
            record(
                "challenge.applied",
                "challenge",
                challenge.id,
                principal,
                application_id=str(application.id),
                kind=data.kind.value,
            ),
        )
        return application

    async def _own_published_declaration(
        self, principal: Principal, declaration_id: uuid.UUID | None
    ) -> None:
        if declaration_id is None:
            raise InvalidChallenge("An open-licence answer names its declaration.")
        declaration = await self.session.get(Declaration, declaration_id)
        owner = None
        if declaration is not None:
            owner = await self.session.scalar(
                select(Patent.owner_organisation_id).where(Patent.id == declaration.patent_id)
            )
        if (
            declaration is None
            or declaration.status is not DeclarationStatus.PUBLISHED
            or owner != principal.organisation_id
        ):
            raise InvalidChallenge("Name a published open-licence declaration of your own.")

    async def applications(
        self, principal: Principal, challenge_id: uuid.UUID
    ) -> Sequence[ChallengeApplication]:
        """The publisher sees every application; a university only its own."""
        challenge = await self.get(challenge_id)
        query = select(ChallengeApplication).where(
            ChallengeApplication.challenge_id == challenge.id
        )
        if not principal.is_admin and challenge.publisher_id != principal.organisation_id:
            query = query.where(ChallengeApplication.university_id == principal.organisation_id)
        return (await self.session.scalars(query.order_by(ChallengeApplication.created_at))).all()

    async def application(
        self, principal: Principal, challenge_id: uuid.UUID, application_id: uuid.UUID
    ) -> ChallengeApplication:
        challenge = await self.get(challenge_id)
        application = await self.session.get(ChallengeApplication, application_id)
        if (
            application is None
            or application.challenge_id != challenge.id
            or not rules.can_see_application(
                publisher_id=challenge.publisher_id,
                applicant_id=application.university_id,
                viewer_org=principal.organisation_id,
                viewer_is_platform=principal.is_admin,
            )
        ):
            raise ApplicationNotFound("No such application.")
        return application

    async def shortlist(
        self, principal: Principal, challenge_id: uuid.UUID, application_id: uuid.UUID
    ) -> ChallengeApplication:
        challenge = await self.owned(principal, challenge_id)
        application = await self.application(principal, challenge_id, application_id)
        if not rules.can_shortlist(challenge.status, application.status):
            raise WrongState("Only a submitted application of an open challenge is shortlisted.")
        application.status = ApplicationStatus.SHORTLISTED
        ledger.append(
            self.session,
            record(
                "challenge.shortlisted",
                "challenge",
                challenge.id,
                principal,
                application_id=str(application.id),
            ),
        )
        await self.session.flush()
        return application

    async def select(
        self, principal: Principal, challenge_id: uuid.UUID, application_id: uuid.UUID
    ) -> ChallengeApplication:
        """Select one team; every other application is told it was not selected."""
        challenge = await self.owned(principal, challenge_id)
        application = await self.application(principal, challenge_id, application_id)
        if not rules.can_select(challenge.status, application.status):
            raise WrongState("The challenge is decided, or the application was withdrawn.")
        if application.kind is ApplicationKind.OPEN_LICENCE:
            raise WrongState("An open-licence answer is accepted, not selected: use /licence.")
        for other in await self.applications(principal, challenge_id):
            other.status = (
                ApplicationStatus.SELECTED
                if other.id == application.id
                else ApplicationStatus.NOT_SELECTED
            )
        challenge.status = ChallengeStatus.SELECTED
        challenge.selected_application_id = application.id
        ledger.append(
            self.session,
            record(
                "challenge.selected",
                "challenge",
                challenge.id,
                principal,
                application_id=str(application.id),
                university_id=str(application.university_id),
            ),
        )
        await self.session.flush()
        return application

    async def accept_licence(
        self,
        principal: Principal,
        challenge_id: uuid.UUID,
        application_id: uuid.UUID,
        *,
        idempotency_key: str,
        ip: str | None,
        user_agent: str | None,
    ) -> tuple[Agreement, bool]:
        """An open-licence answer accepted in one step: the enterprise's written notice on the
        declared terms (PL 51, rule 14) through the same AcceptanceService as any acceptance.
        The challenge is then answered and its need met."""
        if self.acceptance is None:  # pragma: no cover - wiring
            raise RuntimeError("ChallengeService built without an AcceptanceService")
        challenge = await self.owned(principal, challenge_id)
        application = await self.application(principal, challenge_id, application_id)
        if (
            application.kind is not ApplicationKind.OPEN_LICENCE
            or application.declaration_id is None
        ):
            raise WrongState("Only an open-licence answer is accepted in one step.")
        if (
            application.licence_agreement_id is None
            and challenge.status is not ChallengeStatus.OPEN
        ):
            raise ChallengeClosed("The challenge is already decided.")
        agreement, created = await self.acceptance.accept(
            principal,
            application.declaration_id,
            AcceptanceRequest(),
            idempotency_key=idempotency_key,
            ip=ip,
            user_agent=user_agent,
        )
        if created:
            await self._licensed(principal, challenge, application, agreement)
        return agreement, created

    async def _licensed(
        self,
        principal: Principal,
        challenge: Challenge,
        application: ChallengeApplication,
        agreement: Agreement,
    ) -> None:
        """The answer chosen: the others not selected, the challenge licensed, its need met."""
        for other in await self.applications(principal, challenge.id):
            other.status = (
                ApplicationStatus.SELECTED
                if other.id == application.id
                else ApplicationStatus.NOT_SELECTED
            )
        application.licence_agreement_id = agreement.id
        challenge.status = ChallengeStatus.LICENSED
        challenge.selected_application_id = application.id
        ledger.append(
            self.session,
            record(
                "challenge.licensed",
                "challenge",
                challenge.id,
                principal,
                application_id=str(application.id),
                agreement_id=str(agreement.id),
            ),
        )
        if challenge.need_id is not None:
            await mark_met(
                self.session,
                challenge.need_id,
                now=self.clock.now(),
                actor_id=principal.user_id,
                agreement_id=agreement.id,
            )
        await self.session.flush()
