"""Offline (bank transfer) confirmation by the licensor's TTO, which also closes any open
Checkout Session for the item so the licensee cannot pay it a second time online."""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING

from sqlalchemy import select

from openlicense.agreements.models import Agreement, EntryStatus
from openlicense.agreements.service import ensure_party, find_entry, settle_entry
from openlicense.audit import ledger
from openlicense.core.errors import Conflict, OpenLicenseError
from openlicense.payments.gateway import PaymentState
from openlicense.payments.models import Payment, PaymentMethod
from openlicense.payments.service.book import ensure_payable
from openlicense.payments.service.flow import PaymentFlow
from openlicense.payments.service.records import payment_record

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from openlicense.accounts.principal import Principal
    from openlicense.agreements.schemas import PaymentConfirmation

logger = logging.getLogger("openlicense.payments")


class OfflineService(PaymentFlow):
    async def confirm_offline(
        self, principal: Principal, agreement_id: uuid.UUID, data: PaymentConfirmation
    ) -> Agreement:
        """Settle the item (one transaction), then expire its open Checkout Session at Stripe.
        If Stripe cannot be reached the confirmation still stands and `reconcile` expires the
        session later (it is open on a settled item); a payment made on it meanwhile is refunded
        as an overpayment."""
        async with self.tx.begin() as session:
            agreement = await self._settle(session, principal, agreement_id, data)
            to_close = list(
                await session.scalars(
                    select(Payment.id).where(
                        Payment.open_checkout_entry_id == find_entry(agreement, data.entry_key).id
                    )
                )
            )
        for payment_id in to_close:
            try:
                await self.close_checkout(payment_id)
            except OpenLicenseError as err:
                logger.warning("checkout %s left open for reconcile: %s", payment_id, err.detail)
        return agreement

    async def _settle(
        self,
        session: AsyncSession,
        principal: Principal,
        agreement_id: uuid.UUID,
        data: PaymentConfirmation,
    ) -> Agreement:
        agreement = await self.book(session).lock(agreement_id)
        ensure_party(principal, agreement, "licensor")
        entry = find_entry(agreement, data.entry_key)
        if entry.status is EntryStatus.PAID:
            if entry.payment_reference == data.reference and entry.paid_minor == data.amount_minor:
                return agreement  # the same confirmation again: nothing to do
            raise Conflict(f"{entry.key} is already paid.", code="already_paid")
        ensure_payable(entry, agreement, data.amount_minor)
        now = self.clock.now()
        payment = Payment(
            agreement_id=agreement.id,
            entry_id=entry.id,
            entry_key=entry.key,
            method=PaymentMethod.OFFLINE,
            status=PaymentState.SUCCEEDED,
            amount_minor=data.amount_minor,
            currency=agreement.currency,
            reference=data.reference,
            succeeded_at=now,
            created_by_id=principal.user_id,
            settled_entry_id=entry.id,
        )
        session.add(payment)
        ledger.append(session, payment_record(payment))
        await session.flush()  # the unique settled_entry_id: a second settlement fails here
        await settle_entry(
            session,
            agreement,
            entry,
            amount_minor=data.amount_minor,
            paid_on=data.received_on,
            reference=data.reference,
            actor_id=principal.user_id,
            now=now,
            config=self.lifecycle,
        )
        return agreement
