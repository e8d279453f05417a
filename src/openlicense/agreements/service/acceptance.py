"""Accepting an open licence: the written notice, the frozen snapshot, the sealed contract.

PL 51(1): notice plus payment on the announced terms gives the licence; no approval step.
Idempotent per (enterprise, Idempotency-Key); one live licence per patent per enterprise."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from uuid_utils.compat import uuid7

from openlicense.accounts.models import Organisation, OrganisationKind, User
from openlicense.accounts.service import require_verified
from openlicense.agreements.contract import RenderedContract, render_contract, seal
from openlicense.agreements.errors import (
    AcceptanceConflict,
    AlreadyLicensed,
    DeclarationVersionMismatch,
    IdempotencyKeyReused,
    NotAnEnterprise,
)
from openlicense.agreements.models import (
    LIVE_STATUSES,
    Agreement,
    AgreementStatus,
    EntryStatus,
    ScheduleEntry,
)
from openlicense.agreements.rules import LifecycleConfig, on_acceptance
from openlicense.agreements.schemas import AcceptanceRequest
from openlicense.agreements.sealed import Snapshot
from openlicense.agreements.service import history
from openlicense.agreements.snapshot import Notice, agreement_number, build_snapshot
from openlicense.audit import ledger
from openlicense.catalogue.models import Declaration, Patent
from openlicense.catalogue.rules import check_acceptable, check_equal_treatment
from openlicense.catalogue.schemas import DeclarationTerms
from openlicense.catalogue.service import patent_facts
from openlicense.clauses.library import clauses_from_ref
from openlicense.clauses.registry import shipped_library
from openlicense.core.errors import NotFound, RuleViolationError
from openlicense.pricing.schedule import Schedule, ScheduleItem, build_schedule

PREVIEW_NUMBER = "（确认后生成 / assigned on confirmation）"
"""The agreement number a contract preview shows: the real one exists only once accepted."""


@dataclass(frozen=True, slots=True)
class ContractPreview:
    declaration_version: int
    terms_hash: str
    schedule: Schedule
    text_zh: str
    text_en: str


if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from openlicense.accounts.principal import Principal
    from openlicense.core.clock import Clock


class AcceptanceService:
    def __init__(self, session: AsyncSession, *, clock: Clock, config: LifecycleConfig) -> None:
        self.session = session
        self.clock = clock
        self.config = config

    async def accept(
        self,
        principal: Principal,
        declaration_id: uuid.UUID,
        data: AcceptanceRequest,
        *,
        idempotency_key: str,
        ip: str | None,
        user_agent: str | None,
    ) -> tuple[Agreement, bool]:
        """Returns (agreement, created). A retry with the same key returns the first result."""
        if principal.organisation_kind is not OrganisationKind.ENTERPRISE:
            raise NotAnEnterprise("Only enterprises accept open licences.")
        await require_verified(self.session, principal.organisation_id, action="accept a licence")
        existing = await self._by_key(principal.organisation_id, idempotency_key)
        if existing is not None:
            return _replayed(existing, declaration_id), False
        agreement = await self._create(
            principal, declaration_id, data, idempotency_key, ip, user_agent
        )
        try:
            await self.session.flush()
        except IntegrityError:
            # A concurrent request won the race: same key → its agreement; else one live licence.
            await self.session.rollback()
            return await self._after_race(principal, declaration_id, idempotency_key), False
        return agreement, True

    async def _create(
        self,
        principal: Principal,
        declaration_id: uuid.UUID,
        data: AcceptanceRequest,
        idempotency_key: str,
        ip: str | None,
        user_agent: str | None,
    ) -> Agreement:
        declaration = await self._declaration(declaration_id)
        patent = declaration.patent
        today, now = self.clock.today(), self.clock.now()
        _check_acceptable(declaration, patent, data, today)
        await self._refuse_second_live_licence(principal.organisation_id, patent.id)
        agreement_id = uuid7()  # time-ordered, like every other key
        number = agreement_number(agreement_id, today.year)
        notice = await self._notice(principal, now, ip, user_agent, idempotency_key)
        terms, schedule, snapshot, rendered = await self._draft(
            declaration, agreement_id, number, notice, today
        )
        agreement = _agreement(snapshot, rendered, schedule, terms, principal, notice)
        self.session.add(agreement)
        ledger.append(self.session, history.created_record(agreement))
        changes = on_acceptance(history.facts_of(agreement), today, self.config)
        history.record(self.session, agreement, changes, on=today, now=now)
        return agreement

    async def preview(self, principal: Principal, declaration_id: uuid.UUID) -> ContractPreview:
        """The contract as accepting now would seal it — same terms, schedule, clauses and text,
        only without its number: step 2 of the licence flow. Nothing is saved."""
        if principal.organisation_kind is not OrganisationKind.ENTERPRISE:
            raise NotAnEnterprise("Only enterprises accept open licences.")
        await require_verified(self.session, principal.organisation_id, action="accept a licence")
        declaration = await self._declaration(declaration_id)
        today, now = self.clock.today(), self.clock.now()
        _check_acceptable(declaration, declaration.patent, AcceptanceRequest(), today)
        notice = await self._notice(principal, now, None, None, "preview")
        _, schedule, _, rendered = await self._draft(
            declaration, uuid7(), PREVIEW_NUMBER, notice, today
        )
        return ContractPreview(
            declaration_version=declaration.version,
            terms_hash=declaration.terms_hash or "",
            schedule=schedule,
            text_zh=rendered.text_zh,
            text_en=rendered.text_en,
        )

    async def _notice(
        self,
        principal: Principal,
        now: datetime.datetime,
        ip: str | None,
        user_agent: str | None,
        idempotency_key: str,
    ) -> Notice:
        return Notice(
            user=await self.session.get_one(User, principal.user_id),
            organisation=await self.session.get_one(Organisation, principal.organisation_id),
            at=now,
            ip=ip,
            user_agent=user_agent,
            idempotency_key=idempotency_key,
        )

    async def _draft(
        self,
        declaration: Declaration,
        agreement_id: uuid.UUID,
        number: str,
        notice: Notice,
        today: datetime.date,
    ) -> tuple[DeclarationTerms, Schedule, Snapshot, RenderedContract]:
        """Terms, schedule, snapshot and contract text of an acceptance on `today`."""
        patent = declaration.patent
        terms = DeclarationTerms.model_validate(declaration.terms)
        schedule = build_schedule(
            terms.fee_standard,
            currency=terms.currency,
            acceptance_date=today,
            declared_start=terms.licence_start,
            declared_end=terms.licence_end,
        )
        clauses = clauses_from_ref(declaration.clause_set or [], shipped_library())
        snapshot = build_snapshot(
            agreement_id=agreement_id,
            number=number,
            declaration=declaration,
            patent=patent,
            licensor=await self.session.get_one(Organisation, patent.owner_organisation_id),
            notice=notice,
            schedule=schedule,
            clauses=clauses,
        )
        return terms, schedule, snapshot, render_contract(snapshot)

    async def _declaration(self, declaration_id: uuid.UUID) -> Declaration:
        declaration = await self.session.scalar(
            select(Declaration)
            .where(Declaration.id == declaration_id)
            .options(
                selectinload(Declaration.withdrawal),
                selectinload(Declaration.patent).selectinload(Patent.co_owners),
                selectinload(Declaration.patent).selectinload(Patent.licences),
            )
        )
        if declaration is None or declaration.terms_hash is None:
            raise NotFound("No such published declaration.")
        return declaration

    async def _by_key(self, organisation_id: uuid.UUID, key: str) -> Agreement | None:
        found: Agreement | None = await self.session.scalar(
            select(Agreement)
            .where(
                Agreement.licensee_organisation_id == organisation_id,
                Agreement.idempotency_key == key,
            )
            .options(selectinload(Agreement.entries), selectinload(Agreement.recording))
        )
        return found

    async def _refuse_second_live_licence(
        self, organisation_id: uuid.UUID, patent_id: uuid.UUID
    ) -> None:
        live = await self.session.scalar(
            select(Agreement.number).where(
                Agreement.patent_id == patent_id,
                Agreement.licensee_organisation_id == organisation_id,
                Agreement.status.in_(LIVE_STATUSES),
            )
        )
        if live is not None:
            raise AlreadyLicensed(
                f"Your organisation already holds licence {live} for this patent.",
            )

    async def _after_race(
        self, principal: Principal, declaration_id: uuid.UUID, key: str
    ) -> Agreement:
        existing = await self._by_key(principal.organisation_id, key)
        if existing is not None:
            return _replayed(existing, declaration_id)
        declaration = await self._declaration(declaration_id)
        await self._refuse_second_live_licence(principal.organisation_id, declaration.patent_id)
        raise AcceptanceConflict("The acceptance conflicted with another one; retry.")


def _check_acceptable(
    declaration: Declaration, patent: Patent, data: AcceptanceRequest, today: datetime.date
) -> None:
    if data.declaration_version is not None and data.declaration_version != declaration.version:
        raise DeclarationVersionMismatch(
            f"Version {declaration.version} is on offer, not {data.declaration_version}.",
        )
    withdrawal = declaration.withdrawal
    violations = check_acceptable(
        declaration_status=declaration.status.value,
        withdrawal_effective=withdrawal.effective_date if withdrawal else None,
        licence_end=declaration.licence_end,
        patent=patent_facts(patent),
        today=today,
    )
    stored_hash = DeclarationTerms.model_validate(declaration.terms).sha256()
    violations += check_equal_treatment(declaration.terms_hash or "", stored_hash)
    if data.terms_hash is not None:
        violations += check_equal_treatment(declaration.terms_hash or "", data.terms_hash)
    if violations:
        raise RuleViolationError(violations)


def _replayed(agreement: Agreement, declaration_id: uuid.UUID) -> Agreement:
    if agreement.declaration_id != declaration_id:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was already used for another declaration.",
        )
    return agreement


def _agreement(
    snapshot: Snapshot,
    rendered: RenderedContract,
    schedule: Schedule,
    terms: DeclarationTerms,
    principal: Principal,
    notice: Notice,
) -> Agreement:
    """The new agreement row: the sealed snapshot, both texts and the seal, written once."""
    return Agreement(
        id=uuid.UUID(snapshot["agreement_id"]),
        number=snapshot["agreement_number"],
        declaration_id=uuid.UUID(snapshot["declaration"]["id"]),
        patent_id=uuid.UUID(snapshot["patent"]["id"]),
        licensor_organisation_id=uuid.UUID(snapshot["licensor"]["organisation_id"]),
        licensee_organisation_id=principal.organisation_id,
        accepted_by_id=principal.user_id,
        idempotency_key=notice.idempotency_key,
        status=AgreementStatus.NOTIFIED,
        notified_at=notice.at,
        licence_start=schedule.licence_start,
        licence_end=schedule.licence_end,
        currency=terms.currency,
        fee_type=terms.fee_standard.type.value,
        has_trial=any(stage.is_trial for stage in schedule.stages[:1]),
        notice_ip=notice.ip,
        notice_user_agent=(notice.user_agent or "")[:400] or None,
        snapshot=snapshot,
        text_zh=rendered.text_zh,
        text_en=rendered.text_en,
        seal=seal(snapshot, rendered),
        entries=[_entry(item) for item in schedule.items],
        recording=None,
        events=[],
    )


def _entry(item: ScheduleItem) -> ScheduleEntry:
    return ScheduleEntry(
        key=item.key,
        kind=item.kind.value,
        due_date=item.due_date,
        amount_minor=item.amount_minor,
        stage_index=item.stage_index,
        period_start=item.period_start,
        period_end=item.period_end,
        rate=item.rate,
        base=item.base,
        description=item.description[:300],
        status=EntryStatus.SCHEDULED
        if item.amount_minor is not None
        else EntryStatus.AWAITING_REPORT,
    )


def schedule_entries(schedule: Schedule) -> list[ScheduleEntry]:
    return [_entry(item) for item in schedule.items]
