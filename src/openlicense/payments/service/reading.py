"""Reading payments: an agreement's payments and refunds, and the anomalies for the admin."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from openlicense.agreements.service import AgreementReader
from openlicense.payments.models import Payment, PaymentAnomaly, Refund

if TYPE_CHECKING:
    from openlicense.accounts.principal import Principal


class PaymentReader(AgreementReader):
    async def list_for(
        self, principal: Principal, agreement_id: uuid.UUID
    ) -> tuple[list[Payment], list[Refund]]:
        await self.get(principal, agreement_id)
        payments = await self.session.scalars(
            select(Payment).where(Payment.agreement_id == agreement_id).order_by(Payment.created_at)
        )
        refunds = await self.session.scalars(
            select(Refund).where(Refund.agreement_id == agreement_id).order_by(Refund.created_at)
        )
        return list(payments), list(refunds)

    async def anomalies(
        self, *, limit: int, offset: int, kind: str | None = None
    ) -> tuple[list[PaymentAnomaly], int]:
        """Newest first."""
        query = select(PaymentAnomaly)
        if kind:
            query = query.where(PaymentAnomaly.kind == kind)
        total = await self.session.scalar(select(func.count()).select_from(query.subquery()))
        rows = await self.session.scalars(
            query.order_by(PaymentAnomaly.created_at.desc(), PaymentAnomaly.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return list(rows), total or 0
