"""Declaration use cases: draft, publish (rules 1–12, 16), withdraw (rules 7, 23), acceptability
(rules 23–24). A published version is never edited; new terms are a new version."""

from __future__ import annotations

import datetime
import hashlib
import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from openlicense.accounts.models import Organisation
from openlicense.accounts.service import require_verified
from openlicense.audit import ledger
from openlicense.audit.ledger import LedgerRecord
from openlicense.catalogue.errors import PatentRetired, VersionConflict
from openlicense.catalogue.models import (
    Declaration,
    DeclarationStatus,
    DeclarationWithdrawal,
    ListingStatus,
    Patent,
)
from openlicense.catalogue.rules import (
    RuleConfig,
    check_acceptable,
    check_declaration,
    check_declaration_editable,
    check_publishable,
    check_withdrawal,
)
from openlicense.catalogue.rules.ownership import check_lister_owns
from openlicense.catalogue.rules.register import check_register_verified
from openlicense.catalogue.schemas import DeclarationWithdraw, PricePublicityIn
from openlicense.catalogue.service.access import ensure_manages, ensure_visible
from openlicense.catalogue.service.facts import patent_facts
from openlicense.catalogue.service.patents import open_licence_active
from openlicense.catalogue.terms import DeclarationTerms
from openlicense.clauses.library import clause_set_ref, resolve_clause_set
from openlicense.clauses.lint import CONSENT_KEY, lint_clause_choices
from openlicense.clauses.registry import shipped_library
from openlicense.core.canonical import canonical_json
from openlicense.core.clock import Clock
from openlicense.core.errors import NotFound, RuleViolationError
from openlicense.core.violations import RuleViolation, blocking
from openlicense.search.enqueue import enqueue

if TYPE_CHECKING:
    from openlicense.accounts.principal import Principal
PUBLIC_STATUSES = frozenset({DeclarationStatus.PUBLISHED, DeclarationStatus.WITHDRAWN})


class DeclarationService:
    def __init__(
        self,
        session: AsyncSession,
        *,
        clock: Clock,
        rules: RuleConfig,
        require_verified_register: bool = False,
    ) -> None:
        self.session = session
        self.clock = clock
        self.rules = rules
        self.require_verified_register = require_verified_register

    async def draft(
        self, principal: Principal, patent_id: uuid.UUID, terms: DeclarationTerms
    ) -> Declaration:
        patent = await self._patent(patent_id)
        ensure_manages(principal, patent)
        if patent.listing_status is ListingStatus.RETIRED:
            raise PatentRetired("A retired patent cannot be declared.")
        latest = await self.session.scalar(
            select(func.max(Declaration.version)).where(Declaration.patent_id == patent_id)
        )
        declaration = Declaration(
            patent_id=patent_id, version=(latest or 0) + 1, created_by_id=principal.user_id
        )
        _set_terms(declaration, terms)
        self.session.add(declaration)
        try:
            await self.session.flush()
        except IntegrityError as exc:  # two drafts raced for the same version number
            raise VersionConflict("Another version was created at the same time; retry.") from exc
        return await self._load(declaration.id)

    async def revise(
        self, principal: Principal, declaration_id: uuid.UUID, terms: DeclarationTerms
    ) -> Declaration:
        declaration = await self._load(declaration_id, for_update=True)
        ensure_manages(principal, declaration.patent)
        _raise_if(check_declaration_editable(declaration.status.value))
        _set_terms(declaration, terms)
        await self.session.flush()
        return declaration

    async def publish(
        self, principal: Principal, declaration_id: uuid.UUID
    ) -> tuple[Declaration, list[RuleViolation]]:
        """Returns the published declaration and any non-blocking warnings (rule 11, warn mode)."""
        declaration = await self._load(declaration_id, for_update=True)
        patent = declaration.patent
        ensure_manages(principal, patent)
        await require_verified(
            self.session, principal.organisation_id, action="publish a declaration"
        )
        today = self.clock.today()
        terms = DeclarationTerms.model_validate(declaration.terms)
        violations = await self._publication_violations(
            patent, terms, declaration.status.value, today
        )
        _raise_if(violations)
        declaration.status = DeclarationStatus.PUBLISHED
        declaration.terms = _canonical(terms)
        declaration.terms_hash = terms.sha256()
        # Fix the clause versions now: every licensee of this version gets the same set.
        declaration.clause_set = clause_set_ref(
            resolve_clause_set(terms.clauses, shipped_library(), on=today)
        )
        declaration.published_at = self.clock.now()
        declaration.announcement_date = today
        declaration.announcement_ref = f"OL{today:%Y%m%d}-{declaration.id.hex[:10].upper()}"
        declaration.attested_by_id = principal.user_id
        if patent.listing_status is ListingStatus.DRAFT:
            patent.listing_status = ListingStatus.PUBLISHED
        enqueue(self.session, patent.id, "declaration.published")
        ledger.append(self.session, published_record(declaration))
        await self.session.flush()
        return declaration, [v for v in violations if v.warning]

    async def check(
        self, principal: Principal, patent_id: uuid.UUID, terms: DeclarationTerms
    ) -> list[RuleViolation]:
        """What publishing `terms` for the patent today would be told (rules 1–12, 16, 29–30),
        without saving anything: the declaration wizard shows it live; `publish` runs the same."""
        patent = await self._patent(patent_id)
        ensure_manages(principal, patent)
        found = await self._publication_violations(patent, terms, "draft", self.clock.today())
        # Rule 27's soft warning is the platform's to-do (verify the register), not a term the
        # officer can fix in the wizard: it is shown at publication, not while drafting.
        return [v for v in found if not (v.warning and v.code == "register_unverified")]

    async def _publication_violations(
        self, patent: Patent, terms: DeclarationTerms, status: str, today: datetime.date
    ) -> list[RuleViolation]:
        other_active = await open_licence_active(self.session, patent.id, today)
        violations = check_publishable(status, other_active_version=other_active)
        violations += check_declaration(patent_facts(patent), terms, today, self.rules)
        violations += check_register_verified(
            patent.register_source, required=self.require_verified_register
        )
        owner_kinds, lister_kind = await self._ownership(patent)
        violations += check_lister_owns(owner_kinds, lister_kind)
        # An explicit consent clause is judged against the owners (rule 30); by default rule 7
        # already asks every co-owner's consent.
        chosen = owner_kinds if CONSENT_KEY in terms.clauses else []
        return violations + _clause_violations(terms, chosen, lister_kind)

    async def _ownership(self, patent: Patent) -> tuple[list[str], str]:
        """Rule 30's facts: the kinds of the registered owners and of the declaring body."""
        ids = {o.organisation_id for o in patent.co_owners if o.organisation_id}
        rows = await self.session.execute(
            select(Organisation.id, Organisation.kind).where(
                Organisation.id.in_(ids | {patent.owner_organisation_id})
            )
        )
        kinds = {org_id: kind for org_id, kind in rows.tuples()}
        owners = [
            kinds[o.organisation_id].value if o.organisation_id in kinds else "unknown"
            for o in patent.co_owners
        ]
        lister = kinds.get(patent.owner_organisation_id)
        return owners, lister.value if lister else "university"

    async def record_price_publicity(
        self, principal: Principal, declaration_id: uuid.UUID, data: PricePublicityIn
    ) -> Declaration:
        """Rule 31 (PTSTA 18): record that the price was publicised inside the university."""
        declaration = await self._load(declaration_id, for_update=True)
        ensure_manages(principal, declaration.patent)
        declaration.price_publicity = data.model_dump(mode="json")
        ledger.append(
            self.session,
            LedgerRecord(
                action="declaration.price_publicity_recorded",
                subject_type="declaration",
                subject_id=str(declaration.id),
                actor_id=ledger.actor(principal.user_id),
                data={"rule": 31, **declaration.price_publicity},
            ),
        )
        await self.session.flush()
        return declaration

    async def withdraw(
        self, principal: Principal, declaration_id: uuid.UUID, data: DeclarationWithdraw
    ) -> Declaration:
        declaration = await self._load(declaration_id, for_update=True)
        ensure_manages(principal, declaration.patent)
        today = self.clock.today()
        _raise_if(
            check_withdrawal(
                declaration.status.value,
                data.reason,
                {str(c.owner_id) for c in data.consents},
                patent_facts(declaration.patent),
                today,
                data.effective_date,
            )
        )
        names = {str(o.id): o.name for o in declaration.patent.co_owners}
        declaration.withdrawal = DeclarationWithdrawal(
            reason=data.reason,
            effective_date=data.effective_date,
            owner_consents=[
                {
                    "owner_id": str(c.owner_id),
                    "name": names.get(str(c.owner_id)),
                    "document_ref": c.document_ref,
                }
                for c in data.consents
            ],
            withdrawn_by_id=principal.user_id,
        )
        declaration.status = DeclarationStatus.WITHDRAWN
        enqueue(self.session, declaration.patent_id, "declaration.withdrawn")
        ledger.append(self.session, withdrawn_record(declaration, declaration.withdrawal))
        await self.session.flush()
        return declaration

    async def get(self, principal: Principal | None, declaration_id: uuid.UUID) -> Declaration:
        declaration = await self._load(declaration_id)
        _ensure_declaration_visible(principal, declaration)
        return declaration

    async def list_for_patent(
        self, principal: Principal | None, patent_id: uuid.UUID
    ) -> list[Declaration]:
        patent = await self._patent(patent_id)
        ensure_visible(principal, patent)
        return await self.versions_of(principal, patent)

    async def versions_of(self, principal: Principal | None, patent: Patent) -> list[Declaration]:
        """The versions of an already loaded patent the caller may see, oldest first (one
        query; the patent's own visibility is the caller's to have checked)."""
        rows = await self.session.scalars(
            select(Declaration)
            .where(Declaration.patent_id == patent.id)
            .options(selectinload(Declaration.withdrawal))
            .order_by(Declaration.version)
        )
        return [d for d in rows if _declaration_visible(principal, d, patent)]

    async def acceptability(
        self, principal: Principal | None, declaration_id: uuid.UUID, on: datetime.date | None
    ) -> tuple[datetime.date, list[RuleViolation]]:
        """Rules 23–24: may a new licensee accept this version on `on` (default today)?"""
        declaration = await self.get(principal, declaration_id)
        day = on or self.clock.today()
        return day, acceptable_on(declaration, declaration.patent, day)

    async def _patent(self, patent_id: uuid.UUID) -> Patent:
        patent = await self.session.scalar(
            select(Patent)
            .where(Patent.id == patent_id)
            .options(selectinload(Patent.co_owners), selectinload(Patent.licences))
        )
        if patent is None:
            raise NotFound("No such patent.")
        return patent

    async def _load(self, declaration_id: uuid.UUID, *, for_update: bool = False) -> Declaration:
        query = (
            select(Declaration)
            .where(Declaration.id == declaration_id)
            .options(
                selectinload(Declaration.withdrawal),
                selectinload(Declaration.patent).selectinload(Patent.co_owners),
                selectinload(Declaration.patent).selectinload(Patent.licences),
            )
        )
        if for_update:
            # Serialise concurrent publish/withdraw of one declaration (no-op on SQLite,
            # which serialises writers anyway).
            query = query.with_for_update(of=Declaration)
        declaration = await self.session.scalar(query)
        if declaration is None:
            raise NotFound("No such declaration.")
        return declaration


def acceptable_on(
    declaration: Declaration, patent: Patent, day: datetime.date
) -> list[RuleViolation]:
    """Rules 23–24 on loaded objects (its `withdrawal`; the patent's owners and licences)."""
    withdrawal = declaration.withdrawal
    return check_acceptable(
        declaration_status=declaration.status.value,
        withdrawal_effective=withdrawal.effective_date if withdrawal else None,
        licence_end=declaration.licence_end,
        patent=patent_facts(patent),
        today=day,
    )


def published_record(declaration: Declaration) -> LedgerRecord:
    """`declaration.published`: every fact of the published version the audit API serves."""
    return LedgerRecord(
        action="declaration.published",
        subject_type="declaration",
        subject_id=str(declaration.id),
        actor_id=ledger.actor(declaration.attested_by_id),
        data={"declaration_id": str(declaration.id), **declaration_state(declaration)},
    )


def withdrawn_record(declaration: Declaration, withdrawal: DeclarationWithdrawal) -> LedgerRecord:
    """`declaration.withdrawn`: the declaration, its patent and version, and the withdrawal."""
    return LedgerRecord(
        action="declaration.withdrawn",
        subject_type="declaration",
        subject_id=str(declaration.id),
        actor_id=ledger.actor(withdrawal.withdrawn_by_id),
        data={
            "declaration_id": str(declaration.id),
            "patent_id": str(declaration.patent_id),
            "version": declaration.version,
            "status": "withdrawn",
            "reason": withdrawal.reason,
            "effective_date": withdrawal.effective_date.isoformat(),
            "owner_consents": withdrawal.owner_consents,
        },
    )


def declaration_state(declaration: Declaration) -> dict[str, Any]:
    """The published declaration as served; `terms_digest` = SHA-256 of the stored terms'
    canonical JSON, so any edit of the terms is caught without copying them into the chain."""
    announced, published = declaration.announcement_date, declaration.published_at
    return {
        "patent_id": str(declaration.patent_id),
        "version": declaration.version,
        "terms_hash": declaration.terms_hash,
        "terms_digest": hashlib.sha256(canonical_json(declaration.terms)).hexdigest(),
        "fee_type": declaration.fee_type,
        "currency": declaration.currency,
        "licence_start": declaration.licence_start.isoformat(),
        "licence_end": declaration.licence_end.isoformat(),
        "published_at": published.astimezone(datetime.UTC).isoformat() if published else None,
        "announcement_ref": declaration.announcement_ref,
        "announcement_date": announced.isoformat() if announced else None,
    }


def _clause_violations(
    terms: DeclarationTerms, owner_kinds: list[str] | None = None, lister_kind: str = "university"
) -> list[RuleViolation]:
    """Rules 19, 29–30: no clause may restrict technical competition or grant sublicences;
    ownership must fit the lister."""
    return lint_clause_choices(
        terms.clauses,
        shipped_library(),
        other_terms=terms.other_terms,
        patent_owner_kinds=owner_kinds or (),
        lister_kind=lister_kind,
    )


def _set_terms(declaration: Declaration, terms: DeclarationTerms) -> None:
    # Unknown or restrictive clauses are refused already at drafting: they can never publish.
    _raise_if(_clause_violations(terms))
    declaration.terms = _canonical(terms)
    declaration.fee_type = terms.fee_standard.type.value
    declaration.currency = terms.currency
    declaration.licence_start = terms.licence_start
    declaration.licence_end = terms.licence_end


def _canonical(terms: DeclarationTerms) -> dict[str, object]:
    return terms.model_dump(mode="json")


def _raise_if(violations: list[RuleViolation]) -> None:
    if blocked := blocking(violations):
        raise RuleViolationError(blocked)


def _declaration_visible(
    principal: Principal | None, declaration: Declaration, patent: Patent
) -> bool:
    if declaration.status in PUBLIC_STATUSES:
        return True
    return principal is not None and (
        principal.is_admin or principal.belongs_to(patent.owner_organisation_id)
    )


def _ensure_declaration_visible(principal: Principal | None, declaration: Declaration) -> None:
    if declaration.status not in PUBLIC_STATUSES:
        ensure_visible(principal, declaration.patent)
    if not _declaration_visible(principal, declaration, declaration.patent):
        raise NotFound("No such declaration.")
