"""Verify the ledger, then compare every agreement, declaration, payment and refund row with
what the chain states about it: what `openlicense audit verify` and `GET /api/audit/ledger/verify`
report (docs/audit-ledger.md §4)."""

from __future__ import annotations

import datetime
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from openlicense.agreements.contract import RenderedContract, seal
from openlicense.agreements.models import Agreement
from openlicense.agreements.service.history import agreement_state, event_state
from openlicense.audit.checkpoints import verify_chain
from openlicense.catalogue.models import Declaration, DeclarationStatus
from openlicense.catalogue.service.declarations import declaration_state
from openlicense.oversight.facts import (
    DECLARATION_FIELDS,
    PAYMENT_FIELDS,
    REFUND_FIELDS,
    WITHDRAWAL_FIELDS,
    ChainView,
    chain_view,
    differences,
    nested_differences,
)
from openlicense.payments.models import Payment, Refund

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from openlicense.settings import Settings

BATCH = 500
AGREEMENT_SCALARS = (
    "number",
    "declaration_id",
    "patent_id",
    "licensor_organisation_id",
    "licensee_organisation_id",
    "accepted_by_id",
    "status",
    "status_reason",
    "notified_at",
    "paid_at",
    "effective_on",
    "ended_on",
    "licence_start",
    "licence_end",
    "currency",
    "fee_type",
    "has_trial",
    "notice_ip",
    "notice_user_agent",
    "seal",
    "seal_version",
    "fairness_review_required",
)
RECORDING_FIELDS = ("due_date", "status", "filed_on", "cnipa_reference", "filed_by_party")
EVENT_FIELDS = ("kind", "from", "to", "occurred_on", "detail")


@dataclass
class VerificationReport:
    ok: bool
    entries: int
    last_seq: int
    last_hash: str | None
    checkpoints: int
    first_break: dict[str, Any] | None = None
    agreements_checked: int = 0
    declarations_checked: int = 0
    payments_checked: int = 0
    agreement_mismatches: list[dict[str, Any]] = field(default_factory=list)
    """Each: `agreement_id`, `number`, `seq`, `reason`, and for a field `field`, `ledger`, `row`."""
    mismatches: list[dict[str, Any]] = field(default_factory=list)
    """Declarations, payments and refunds: `subject_type`, `subject_id`, then as above."""


async def verify_all(session: AsyncSession, settings: Settings) -> VerificationReport:
    chain = await verify_chain(session, settings)
    entries = chain.entries
    last = entries[-1] if entries else None
    report = VerificationReport(
        ok=chain.first_break is None,
        entries=len(entries),
        last_seq=last.event.seq if last else 0,
        last_hash=last.hash if last else None,
        checkpoints=len(chain.checkpoints),
        first_break=asdict(chain.first_break) if chain.first_break else None,
    )
    view = chain_view(entries)
    del entries
    report.agreements_checked, report.agreement_mismatches = await _check_agreements(session, view)
    report.declarations_checked, declarations = await _check_declarations(session, view)
    report.payments_checked, payments = await _check_payments(session, view)
    report.mismatches = declarations + payments
    report.ok = report.ok and not report.agreement_mismatches and not report.mismatches
    return report


async def _agreements(session: AsyncSession) -> AsyncIterator[Agreement]:
    last: Any = None
    while True:
        query = select(Agreement).options(
            selectinload(Agreement.entries),
            selectinload(Agreement.recording),
            selectinload(Agreement.events),
        )
        if last is not None:
            query = query.where(Agreement.id > last)
        rows = list(await session.scalars(query.order_by(Agreement.id).limit(BATCH)))
        for row in rows:
            yield row
        if len(rows) < BATCH:
            return
        last = rows[-1].id
        session.expunge_all()


async def _check_agreements(
    session: AsyncSession, view: ChainView
) -> tuple[int, list[dict[str, Any]]]:
    refunded = await _refunded_by_entry(session)
    mismatches: list[dict[str, Any]] = []
    seen: set[str] = set()
    checked = 0
    async for agreement in _agreements(session):
        checked += 1
        key = str(agreement.id)
        seen.add(key)
        found = [{**m} for m in _compare(agreement, view, refunded)]
        mismatches += [{"agreement_id": key, "number": agreement.number, **m} for m in found]
    for missing in sorted(set(view.created) - seen):
        origin = view.created[missing]
        mismatches.append(
            {
                "agreement_id": missing,
                "number": origin.data.get("number"),
                "seq": origin.seq,
                "reason": "agreement_row_missing",
            }
        )
    return checked, mismatches


def _compare(
    agreement: Agreement, view: ChainView, refunded: dict[str, int]
) -> list[dict[str, Any]]:
    key = str(agreement.id)
    origin, stated = view.created.get(key), view.state.get(key)
    if origin is None or stated is None:
        return [{"seq": None, "reason": "not_in_ledger"}]
    out: list[dict[str, Any]] = []
    recomputed = seal(agreement.snapshot, RenderedContract(agreement.text_zh, agreement.text_en))
    if recomputed != origin.data.get("seal"):
        out.append({"seq": origin.seq, "reason": "sealed_content_changed", "field": "sealed"})
    row = agreement_state(agreement)
    out += differences(stated, row, AGREEMENT_SCALARS)
    out += nested_differences(stated, row, "schedule")
    out += nested_differences(stated, row, "recording", RECORDING_FIELDS)
    for entry in agreement.entries:
        if (entry.refunded_minor or 0) != refunded.get(str(entry.id), 0):
            out.append(
                {
                    "seq": None,
                    "reason": "field_differs_from_ledger",
                    "field": f"schedule.{entry.key}.refunded_minor",
                    "ledger": refunded.get(str(entry.id), 0),
                    "row": entry.refunded_minor or 0,
                }
            )
    recorded = view.events.get(key, {})
    for event in agreement.events:
        entry_stated = recorded.get(event.key)
        if entry_stated is None:
            out.append(
                {"seq": None, "reason": "event_not_in_ledger", "field": f"events.{event.key}"}
            )
            continue
        out += differences(entry_stated, event_state(event), EVENT_FIELDS, f"events.{event.key}.")
    rows = {e.key for e in agreement.events}
    out += [
        {"seq": s.seq, "reason": "event_row_missing", "field": f"events.{k}"}
        for k, s in sorted(recorded.items())
        if k not in rows
    ]
    return out


async def _refunded_by_entry(session: AsyncSession) -> dict[str, int]:
    """What the (chain-checked) payments say each schedule item had refunded."""
    out: dict[str, int] = {}
    rows = await session.execute(
        select(Payment.settled_entry_id, Payment.refunded_minor).where(
            Payment.settled_entry_id.is_not(None)
        )
    )
    for entry_id, amount in rows.all():
        out[str(entry_id)] = out.get(str(entry_id), 0) + (amount or 0)
    return out


async def _check_declarations(
    session: AsyncSession, view: ChainView
) -> tuple[int, list[dict[str, Any]]]:
    query = (
        select(Declaration)
        .where(Declaration.status != DeclarationStatus.DRAFT)
        .options(selectinload(Declaration.withdrawal))
        .order_by(Declaration.id)
    )
    out: list[dict[str, Any]] = []
    checked = 0
    seen: set[str] = set()
    for declaration in await session.scalars(query):
        checked += 1
        key = str(declaration.id)
        seen.add(key)
        subject = {"subject_type": "declaration", "subject_id": key}
        published = view.published.get(key)
        if published is None:
            out.append({**subject, "seq": None, "reason": "not_in_ledger"})
            continue
        row = declaration_state(declaration)
        out += [{**subject, **m} for m in differences(published, row, DECLARATION_FIELDS)]
        withdrawn, withdrawal = view.withdrawn.get(key), declaration.withdrawal
        is_withdrawn = declaration.status is DeclarationStatus.WITHDRAWN
        if withdrawn is None and (is_withdrawn or withdrawal is not None):
            out.append({**subject, "seq": None, "reason": "withdrawal_not_in_ledger"})
        elif withdrawn is not None and (not is_withdrawn or withdrawal is None):
            out += [
                {**subject, **m}
                for m in differences(withdrawn, {"status": declaration.status.value}, ["status"])
            ]
        elif withdrawn is not None and withdrawal is not None:
            facts = {
                "reason": withdrawal.reason,
                "effective_date": withdrawal.effective_date.isoformat(),
            }
            out += [
                {**subject, **m}
                for m in differences(withdrawn, facts, WITHDRAWAL_FIELDS, "withdrawal.")
            ]
    out += [
        {
            "subject_type": "declaration",
            "subject_id": k,
            "seq": view.published[k].seq,
            "reason": "declaration_row_missing",
        }
        for k in sorted(set(view.published) - seen)
    ]
    return checked, out


def payment_facts(payment: Payment) -> dict[str, Any]:
    succeeded = payment.succeeded_at
    return {
        "entry_key": payment.entry_key,
        "method": payment.method.value,
        "status": payment.status.value,
        "amount_minor": payment.amount_minor,
        "refunded_minor": payment.refunded_minor or 0,
        "currency": payment.currency,
        "reference": payment.reference,
        "stripe_payment_intent_id": payment.stripe_payment_intent_id,
        "overpayment": bool(payment.overpayment),
        "succeeded_at": _instant(succeeded),
    }


def _instant(value: Any) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return str(value.astimezone(datetime.UTC).isoformat())


async def _check_payments(
    session: AsyncSession, view: ChainView
) -> tuple[int, list[dict[str, Any]]]:
    out: list[dict[str, Any]] = []
    checked = 0
    seen: set[str] = set()
    for payment in await session.scalars(select(Payment).order_by(Payment.id)):
        checked += 1
        key = str(payment.id)
        seen.add(key)
        subject = {"subject_type": "payment", "subject_id": key}
        stated = view.payments.get(key)
        if stated is None:
            out.append({**subject, "seq": None, "reason": "not_in_ledger"})
            continue
        out += [
            {**subject, **m} for m in differences(stated, payment_facts(payment), PAYMENT_FIELDS)
        ]
    for refund in await session.scalars(select(Refund).order_by(Refund.id)):
        checked += 1
        key = str(refund.id)
        seen.add(key)
        subject = {"subject_type": "refund", "subject_id": key}
        stated = view.refunds.get(key)
        if stated is None:
            out.append({**subject, "seq": None, "reason": "not_in_ledger"})
            continue
        facts = {
            "payment_id": str(refund.payment_id),
            "entry_key": refund.entry_key,
            "amount_minor": refund.amount_minor,
            "currency": refund.currency,
            "reason": refund.reason,
            "status": refund.status,
        }
        out += [{**subject, **m} for m in differences(stated, facts, REFUND_FIELDS)]
    for kind, known in (("payment", view.payments), ("refund", view.refunds)):
        out += [
            {"subject_type": kind, "subject_id": k, "seq": s.seq, "reason": f"{kind}_row_missing"}
            for k, s in sorted(known.items())
            if k not in seen
        ]
    return checked, out
