"""Rule 28 (PL 52): the dispute flow — negotiation, then a request for CNIPA (or local IP office)
mediation, or the court — and rule 19's refusal of sublicences. CNIPA mediates; it never sets
the fee, and nothing here says otherwise."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from openlicense.agreements.models import Agreement, AgreementDispute
from openlicense.agreements.rules import check_dispute_step, check_sublicence
from openlicense.agreements.schemas import DisputeOpen, DisputeStep, SublicenceRequest
from openlicense.agreements.service.access import can_read, ensure_party
from openlicense.audit import ledger
from openlicense.audit.ledger import LedgerRecord
from openlicense.core.clock import Clock
from openlicense.core.errors import NotFound, RuleViolationError

if TYPE_CHECKING:
    from openlicense.accounts.principal import Principal


class DisputeService:
    def __init__(self, session: AsyncSession, *, clock: Clock) -> None:
        self.session = session
        self.clock = clock

    async def open(
        self, principal: Principal, agreement_id: uuid.UUID, data: DisputeOpen
    ) -> AgreementDispute:
        agreement = await self._agreement(principal, agreement_id)
        party = ensure_party(principal, agreement, "either")
        today = self.clock.today().isoformat()
        dispute = AgreementDispute(
            agreement_id=agreement.id,
            stage="negotiation",
            subject=data.subject,
            description=data.description,
            opened_by_id=principal.user_id,
            history=[{"stage": "negotiation", "on": today, "by": party, "note": None}],
        )
        self.session.add(dispute)
        await self.session.flush()
        self._record(principal, dispute, "dispute.opened", party, None)
        return dispute

    async def step(
        self,
        principal: Principal,
        agreement_id: uuid.UUID,
        dispute_id: uuid.UUID,
        data: DisputeStep,
    ) -> AgreementDispute:
        agreement = await self._agreement(principal, agreement_id)
        party = ensure_party(principal, agreement, "either")
        dispute = await self.session.get(AgreementDispute, dispute_id, with_for_update=True)
        if dispute is None or dispute.agreement_id != agreement.id:
            raise NotFound("No such dispute.")
        if violations := check_dispute_step(dispute.stage, data.stage, data.note):
            raise RuleViolationError(violations)
        dispute.stage = data.stage
        entry = {
            "stage": data.stage,
            "on": self.clock.today().isoformat(),
            "by": party,
            "note": data.note,
            "mediator": data.mediator if data.stage == "mediation_requested" else None,
        }
        dispute.history = [*dispute.history, entry]
        self._record(principal, dispute, f"dispute.{data.stage}", party, data.mediator)
        await self.session.flush()
        return dispute

    async def list(self, principal: Principal, agreement_id: uuid.UUID) -> list[AgreementDispute]:
        agreement = await self._agreement(principal, agreement_id)
        rows = await self.session.scalars(
            select(AgreementDispute)
            .where(AgreementDispute.agreement_id == agreement.id)
            .order_by(AgreementDispute.created_at, AgreementDispute.id)
        )
        return list(rows)

    async def sublicense(
        self, principal: Principal, agreement_id: uuid.UUID, data: SublicenceRequest
    ) -> None:
        """Rule 19: always refused for an open licence (422), after the usual access checks."""
        agreement = await self._agreement(principal, agreement_id)
        ensure_party(principal, agreement, "licensee")
        del data
        raise RuleViolationError(check_sublicence())

    async def _agreement(self, principal: Principal, agreement_id: uuid.UUID) -> Agreement:
        agreement = await self.session.get(Agreement, agreement_id)
        if agreement is None or not can_read(principal, agreement):
            raise NotFound("No such agreement.")
        return agreement

    def _record(
        self,
        principal: Principal,
        dispute: AgreementDispute,
        action: str,
        party: str,
        mediator: str | None,
    ) -> None:
        ledger.append(
            self.session,
            LedgerRecord(
                action=action,
                subject_type="agreement",
                subject_id=str(dispute.agreement_id),
                actor_id=ledger.actor(principal.user_id),
                data={
                    "dispute_id": str(dispute.id),
                    "stage": dispute.stage,
                    "subject": dispute.subject,
                    "party": party,
                    "mediator": mediator,
                },
            ),
        )
