"""Rule 32 (PTSTA 45): the inventor-reward report of a university-owned patent — net licence
income received under its agreements, and the minimum reward (50 % unless the university's own
rule is recorded)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from openlicense.accounts.models import Role
from openlicense.agreements.models import Agreement, InventorRewardRule, ScheduleEntry
from openlicense.agreements.rules import minimum_reward
from openlicense.agreements.schemas import InventorRewardReport, RewardLine, RewardRuleIn
from openlicense.audit import ledger
from openlicense.audit.ledger import LedgerRecord
from openlicense.catalogue.models import Patent
from openlicense.core.clock import Clock
from openlicense.core.errors import NotFound

if TYPE_CHECKING:
    from openlicense.accounts.principal import Principal

NOTE = (
    "Net licence income = amounts received under this patent's open-licence agreements minus "
    "refunds; costs of transformation are not recorded here and may be deducted by the "
    "university's rule. Minimum reward per PTSTA 45 unless the university's own rule applies."
)


class RewardService:
    def __init__(self, session: AsyncSession, *, clock: Clock) -> None:
        self.session = session
        self.clock = clock

    async def record_rule(self, principal: Principal, data: RewardRuleIn) -> InventorRewardRule:
        org_id = principal.organisation_id
        if org_id is None:
            raise NotFound("No organisation.")
        rule = await self.session.scalar(
            select(InventorRewardRule).where(InventorRewardRule.organisation_id == org_id)
        )
        if rule is None:
            rule = InventorRewardRule(organisation_id=org_id, recorded_by_id=principal.user_id)
            self.session.add(rule)
        rule.share = data.share
        rule.reference = data.reference
        rule.recorded_by_id = principal.user_id
        ledger.append(
            self.session,
            LedgerRecord(
                action="inventor_reward_rule.recorded",
                subject_type="organisation",
                subject_id=str(org_id),
                actor_id=ledger.actor(principal.user_id),
                data={"share": str(data.share), "reference": data.reference},
            ),
        )
        await self.session.flush()
        return rule

    async def report(self, principal: Principal, patent_id: uuid.UUID) -> InventorRewardReport:
        patent = await self.session.get(Patent, patent_id)
        if patent is None or not (
            principal.role in {Role.ADMIN, Role.AUDITOR}
            or principal.belongs_to(patent.owner_organisation_id)
        ):
            raise NotFound("No such patent.")
        rule = await self.session.scalar(
            select(InventorRewardRule).where(
                InventorRewardRule.organisation_id == patent.owner_organisation_id
            )
        )
        rows = await self.session.execute(
            select(
                Agreement.currency,
                func.coalesce(func.sum(ScheduleEntry.paid_minor), 0),
                func.coalesce(func.sum(ScheduleEntry.refunded_minor), 0),
            )
            .join(ScheduleEntry, ScheduleEntry.agreement_id == Agreement.id)
            .where(Agreement.patent_id == patent.id)
            .group_by(Agreement.currency)
            .order_by(Agreement.currency)
        )
        share = rule.share if rule else None
        totals: dict[str, tuple[int, int]] = defaultdict(lambda: (0, 0))
        for currency, received, refunded in rows.tuples():
            totals[currency] = (int(received or 0), int(refunded or 0))
        lines = []
        applied, basis = minimum_reward(0, share)[1:]
        for currency, (received, refunded) in totals.items():
            net = received - refunded
            lines.append(
                RewardLine(
                    currency=currency,
                    received_minor=received,
                    refunded_minor=refunded,
                    net_income_minor=net,
                    minimum_reward_minor=minimum_reward(net, share)[0],
                )
            )
        return InventorRewardReport(
            patent_id=patent.id,
            inventors=list(patent.inventors),
            share=applied,
            basis=basis,
            rule_reference=rule.reference if rule else None,
            lines=lines,
            note=NOTE,
        )
