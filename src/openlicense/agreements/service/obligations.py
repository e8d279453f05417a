"""Performing an agreement: royalty reports and recording (payments live in `payments`)."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select

from openlicense.agreements.errors import (
    AlreadyRecorded,
    AlreadyReported,
    AmendmentWindowClosed,
    CreditNotSettleable,
    FiledInFuture,
    NotARoyaltyPeriod,
    NotEffectiveYet,
    NotReported,
    PeriodNotEnded,
)
from openlicense.agreements.models import (
    Agreement,
    EntryStatus,
    RecordingStatus,
    RoyaltyReport,
    ScheduleEntry,
)
from openlicense.agreements.rules import Change, end_trial, trial_end_refusal
from openlicense.agreements.schemas import RecordingFiled, RoyaltyAmendmentIn, RoyaltyReportIn
from openlicense.agreements.service import history
from openlicense.agreements.service.acceptance import schedule_entries
from openlicense.agreements.service.access import AgreementReader, ensure_party, find_entry
from openlicense.catalogue.schemas import DeclarationTerms
from openlicense.core.errors import Conflict
from openlicense.pricing.schedule import Schedule, build_schedule

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from openlicense.accounts.principal import Principal
    from openlicense.core.clock import Clock


TRIAL_REFUSALS = {
    "no_trial": "This licence has no free trial to end.",
    "not_live": "Only a live licence can end its trial.",
    "trial_over": "The trial is over: the paid stage has started.",
}


@dataclass(frozen=True, slots=True)
class RoyaltyPreview:
    entry_key: str
    base_amount: Decimal
    amount_minor: int
    """The royalty the report makes due for its period."""
    topups_minor: int
    """Annual-minimum top-ups the report would add (0 when none)."""
    currency: str


class ObligationService(AgreementReader):
    def __init__(self, session: AsyncSession, *, clock: Clock) -> None:
        super().__init__(session)
        self.clock = clock

    async def preview_royalty(
        self, principal: Principal, agreement_id: uuid.UUID, data: RoyaltyReportIn
    ) -> RoyaltyPreview:
        """What reporting `data` would make due, before the licensee submits it: the same
        computation as `report_royalty`, on a copy; nothing is saved."""
        agreement = await self.load(agreement_id)
        ensure_party(principal, agreement, "licensee")
        entry = self._reportable(agreement, data.entry_key)
        reports = await self._reports(agreement.id)
        known = {e.key for e in agreement.entries}
        reports[entry.key] = data.base_amount
        fresh = {e.key: e for e in schedule_entries(self._schedule(agreement, reports))}
        return RoyaltyPreview(
            entry_key=entry.key,
            base_amount=data.base_amount,
            amount_minor=fresh[entry.key].amount_minor or 0,
            topups_minor=sum(e.amount_minor or 0 for k, e in fresh.items() if k not in known),
            currency=agreement.currency,
        )

    def _reportable(self, agreement: Agreement, key: str) -> ScheduleEntry:
        entry = find_entry(agreement, key)
        if entry.kind != "royalty":
            raise NotARoyaltyPeriod(f"{entry.key} is not a royalty period.")
        if entry.status is not EntryStatus.AWAITING_REPORT:
            raise AlreadyReported(f"{entry.key} was already reported or closed.")
        if entry.period_end is None or entry.period_end >= self.clock.today():
            raise PeriodNotEnded(f"The period of {entry.key} has not ended yet.")
        return entry

    async def end_trial(self, principal: Principal, agreement_id: uuid.UUID) -> Agreement:
        """The licensee ends its licence during the free trial, before the paid stage starts
        (`rules.trial_end_refusal` says when the sealed terms allow it)."""
        agreement = await self.load(agreement_id, for_update=True)
        ensure_party(principal, agreement, "licensee")
        today = self.clock.today()
        facts = history.facts_of(agreement)
        refusal = trial_end_refusal(facts, today)
        if refusal is not None:
            raise Conflict(TRIAL_REFUSALS[refusal], code=refusal)
        history.record(
            self.session,
            agreement,
            end_trial(facts, today),
            on=today,
            now=self.clock.now(),
            actor_id=principal.user_id,
        )
        await self.session.flush()
        return agreement

    async def report_royalty(
        self, principal: Principal, agreement_id: uuid.UUID, data: RoyaltyReportIn
    ) -> RoyaltyReport:
        """The licensee reports a period's base; `pricing` computes what is due (rule 20)."""
        agreement = await self.load(agreement_id, for_update=True)
        ensure_party(principal, agreement, "licensee")
        entry = self._reportable(agreement, data.entry_key)
        today = self.clock.today()
        reports = await self._reports(agreement.id)
        reports[entry.key] = data.base_amount
        self._apply_reports(agreement, reports)
        report = RoyaltyReport(
            agreement_id=agreement.id,
            entry_key=entry.key,
            period_start=entry.period_start,
            period_end=entry.period_end,
            base_amount=data.base_amount,
            amount_minor=entry.amount_minor or 0,
            submitted_by_id=principal.user_id,
        )
        self.session.add(report)
        reported = Change(
            rule=20,
            key=f"report-{entry.key}",
            kind="royalty_reported",
            detail={
                "entry": entry.key,
                "base_amount": str(data.base_amount),
                "amount_minor": entry.amount_minor,
            },
        )
        history.record(
            self.session,
            agreement,
            [reported],
            on=today,
            now=self.clock.now(),
            actor_id=principal.user_id,
        )
        await self.session.flush()
        return report

    async def amend_royalty(
        self,
        principal: Principal,
        agreement_id: uuid.UUID,
        entry_key: str,
        data: RoyaltyAmendmentIn,
    ) -> RoyaltyReport:
        """The licensee corrects a filed report until the end of the following reporting period
        (as long as the reported one). The amendment is an event and a ledger entry with the old
        and new figures. The difference is settled on the next payment: an unpaid period simply
        owes the new amount; a paid one gets an adjustment item due with the next payment (more
        owed) or lowers the next unpaid amount (a credit)."""
        agreement = await self.load(agreement_id, for_update=True)
        ensure_party(principal, agreement, "licensee")
        entry = find_entry(agreement, entry_key)
        today = self.clock.today()
        report = await self._amendable_report(agreement, entry, today)
        reports = await self._reports(agreement.id)
        reports[entry.key] = data.base_amount
        fresh = {e.key: e for e in schedule_entries(self._schedule(agreement, reports))}
        new_amount = fresh[entry.key].amount_minor or 0
        difference = new_amount - report.amount_minor
        settled_by = self._settle_difference(agreement, entry, difference, today)
        n = sum(1 for e in agreement.events if e.key.startswith(f"amend-{entry.key}-")) + 1
        amended = Change(
            rule=20,
            key=f"amend-{entry.key}-{n}",
            kind="royalty_amended",
            detail={
                "entry": entry.key,
                "reason": data.reason,
                "old_base_amount": str(report.base_amount),
                "new_base_amount": str(data.base_amount),
                "old_amount_minor": report.amount_minor,
                "new_amount_minor": new_amount,
                "difference_minor": difference,
                "settled_by": settled_by,
            },
        )
        report.base_amount = data.base_amount
        report.amount_minor = new_amount
        history.record(
            self.session,
            agreement,
            [amended],
            on=today,
            now=self.clock.now(),
            actor_id=principal.user_id,
        )
        await self.session.flush()
        return report

    async def _amendable_report(
        self, agreement: Agreement, entry: ScheduleEntry, today: datetime.date
    ) -> RoyaltyReport:
        """The filed report of `entry`, while its amendment window (one more period) is open."""
        report = await self.session.scalar(
            select(RoyaltyReport).where(
                RoyaltyReport.agreement_id == agreement.id, RoyaltyReport.entry_key == entry.key
            )
        )
        if report is None:
            raise NotReported(f"{entry.key} has no report to amend; report it first.")
        deadline = report.period_end + (report.period_end - report.period_start)
        if today > deadline:
            raise AmendmentWindowClosed(
                f"rule 20: the report for {entry.key} could be amended until {deadline}.",
            )
        return report

    @staticmethod
    def _settle_difference(
        agreement: Agreement, entry: ScheduleEntry, difference: int, today: datetime.date
    ) -> str | None:
        """Where the difference goes (the key of the item that carries it), or None if none."""
        if difference == 0:
            return None
        if entry.status is EntryStatus.SCHEDULED and not entry.paid_minor:
            entry.amount_minor = (entry.amount_minor or 0) + difference
            return entry.key
        upcoming = sorted(
            (
                e
                for e in agreement.entries
                if e.status is EntryStatus.SCHEDULED
                and not e.paid_minor
                and e.due_date >= today
                and e.key != entry.key
            ),
            key=lambda e: e.due_date,
        )
        if difference < 0:
            credit = -difference
            target = next((e for e in upcoming if (e.amount_minor or 0) >= credit), None)
            if target is None:
                raise CreditNotSettleable(
                    "The corrected report lowers a paid royalty and no later payment is large "
                    "enough to carry the credit; ask the licensor for a refund instead.",
                )
            target.amount_minor = (target.amount_minor or 0) - credit
            return target.key
        due = upcoming[0].due_date if upcoming else today + datetime.timedelta(days=30)
        n = sum(1 for e in agreement.entries if e.key.startswith(f"{entry.key}-adj"))
        key = f"{entry.key}-adj{n + 1}"
        agreement.entries.append(
            ScheduleEntry(
                agreement_id=agreement.id,
                key=key,
                kind="royalty_adjustment",
                due_date=due,
                amount_minor=difference,
                period_start=entry.period_start,
                period_end=entry.period_end,
                description=f"Royalty adjustment for {entry.key} (amended report)",
                status=EntryStatus.SCHEDULED,
                refunded_minor=0,
            )
        )
        return key

    @staticmethod
    def _schedule(agreement: Agreement, reports: dict[str, Decimal]) -> Schedule:
        terms = DeclarationTerms.model_validate(agreement.snapshot["declaration"]["terms"])
        return build_schedule(
            terms.fee_standard,
            currency=terms.currency,
            acceptance_date=agreement.notified_at.date(),
            declared_start=terms.licence_start,
            declared_end=terms.licence_end,
            reports=reports,
        )

    def _apply_reports(self, agreement: Agreement, reports: dict[str, Decimal]) -> None:
        """Recompute the schedule from the sealed terms and every report: fills in royalty
        amounts and adds annual-minimum top-ups, through the same `pricing` code as the quote."""
        by_key = {e.key: e for e in agreement.entries}
        for fresh in schedule_entries(self._schedule(agreement, reports)):
            entry = by_key.get(fresh.key)
            if entry is None:
                agreement.entries.append(fresh)  # e.g. an annual-minimum top-up
            elif entry.status is EntryStatus.AWAITING_REPORT and fresh.amount_minor is not None:
                entry.amount_minor = fresh.amount_minor
                entry.status = EntryStatus.SCHEDULED
                if entry.amount_minor == 0:  # nothing to pay for this period: settled as reported
                    entry.status, entry.paid_minor, entry.paid_on = (
                        EntryStatus.PAID,
                        0,
                        self.clock.today(),
                    )

    async def _reports(self, agreement_id: uuid.UUID) -> dict[str, Decimal]:
        rows = await self.session.execute(
            select(RoyaltyReport.entry_key, RoyaltyReport.base_amount).where(
                RoyaltyReport.agreement_id == agreement_id
            )
        )
        return {key: Decimal(base) for key, base in rows.all()}

    async def file_recording(
        self, principal: Principal, agreement_id: uuid.UUID, data: RecordingFiled
    ) -> Agreement:
        """Either party may record the licence with CNIPA (IR 87)."""
        agreement = await self.load(agreement_id, for_update=True)
        party = ensure_party(principal, agreement, "either")
        task = agreement.recording
        if task is None:
            raise NotEffectiveYet("Recording is due only once the licence is effective.")
        if task.status is RecordingStatus.FILED:
            raise AlreadyRecorded(f"Already recorded as {task.cnipa_reference}.")
        if data.filed_on > self.clock.today():
            raise FiledInFuture("filed_on cannot be in the future.")
        task.status, task.filed_on, task.cnipa_reference = (
            RecordingStatus.FILED,
            data.filed_on,
            data.cnipa_reference,
        )
        task.filed_by_id, task.filed_by_party = principal.user_id, party
        filed = Change(
            rule=21,
            key="recorded",
            kind="recording_filed",
            detail={"cnipa_reference": data.cnipa_reference, "party": party},
        )
        history.record(
            self.session,
            agreement,
            [filed],
            on=self.clock.today(),
            now=self.clock.now(),
            actor_id=principal.user_id,
        )
        await self.session.flush()
        return agreement
