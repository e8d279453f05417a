"""Append to the tamper-evident ledger in the same transaction as the change it records.

A `before_flush` hook turns what the flush is about to write — agreements created, agreement
events (every state change, payment confirmation, royalty report, recording update),
declarations published or withdrawn, online payments and refunds — into chained entries. One
hook means no service can forget to log; the ledger commits or rolls back with the change."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from sqlalchemy import event, inspect, select, text
from sqlalchemy.orm import Session
from uuid_utils.compat import uuid7

from openlicense.agreements.models import Agreement, AgreementEvent
from openlicense.audit.chain import GENESIS, LedgerEvent, entry_hash
from openlicense.audit.models import LedgerEntry
from openlicense.catalogue.models import Declaration, DeclarationStatus, DeclarationWithdrawal
from openlicense.payments.models import Payment, Refund

ADVISORY_LOCK_KEY = 0x6F6C6C67  # "ollg": serialises appends on PostgreSQL
Record = tuple[str, str, str, str | None, dict[str, Any]]  # action, subject type, id, actor, data


def install() -> None:
    """Idempotent; called by create_app and the CLI before any session is used."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    records = _records(session)
    if not records:
        return
    with session.no_autoflush:
        seq, prev = _tail(session)
        now = datetime.datetime.now(datetime.UTC)
        for action, subject_type, subject_id, actor_id, data in records:
            seq += 1
            ledger_event = LedgerEvent(
                seq=seq,
                occurred_at=now,
                action=action,
                subject_type=subject_type,
                subject_id=subject_id,
                actor_id=actor_id,
                data=data,
            )
            digest = entry_hash(prev, ledger_event)
            session.add(
                LedgerEntry(
                    seq=seq,
                    occurred_at=now,
                    action=action,
                    subject_type=subject_type,
                    subject_id=subject_id,
                    actor_id=actor_id,
                    data=data,
                    prev_hash=prev,
                    hash=digest,
                )
            )
            prev = digest
    session.info["ledger_tail"] = (session.get_transaction(), seq, prev)


def _tail(session: Session) -> tuple[int, str]:
    """The chain's last (seq, hash). Cached per transaction: a later flush in the same
    transaction continues from what this one wrote (and holds the lock already)."""
    cached = session.info.get("ledger_tail")
    if cached is not None and cached[0] is session.get_transaction():
        return cached[1], cached[2]
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
    row = session.execute(
        select(LedgerEntry.seq, LedgerEntry.hash).order_by(LedgerEntry.seq.desc()).limit(1)
    ).first()
    return (row[0], row[1]) if row else (0, GENESIS)


def _records(session: Session) -> list[Record]:
    records: list[Record] = []
    for obj in list(session.new):
        records += _new_object(obj)
    for obj in list(session.dirty):
        records += _changed_object(obj)
    return records


def _id(obj: Any) -> str:
    if obj.id is None:
        obj.id = uuid7()
    return str(obj.id)


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def _new_object(obj: Any) -> list[Record]:
    if isinstance(obj, Agreement):
        return [
            (
                "agreement.created",
                "agreement",
                _id(obj),
                _str(obj.accepted_by_id),
                {
                    "number": obj.number,
                    "seal": obj.seal,
                    "declaration_id": str(obj.declaration_id),
                    "patent_id": str(obj.patent_id),
                    "licensor_organisation_id": str(obj.licensor_organisation_id),
                    "licensee_organisation_id": str(obj.licensee_organisation_id),
                    "status": obj.status.value,
                    "notified_at": obj.notified_at.isoformat(),
                },
            )
        ]
    if isinstance(obj, AgreementEvent):
        return [
            (
                f"agreement.{obj.kind}",
                "agreement",
                str(obj.agreement_id),
                _str(obj.actor_id),
                {
                    "key": obj.key,
                    "from": obj.from_status,
                    "to": obj.to_status,
                    "occurred_on": obj.occurred_on.isoformat(),
                    "detail": _plain(obj.detail or {}),
                },
            )
        ]
    if isinstance(obj, DeclarationWithdrawal):
        return [
            (
                "declaration.withdrawn",
                "declaration",
                str(obj.declaration_id),
                _str(obj.withdrawn_by_id),
                {
                    "reason": obj.reason,
                    "effective_date": obj.effective_date.isoformat(),
                    "owner_consents": _plain(obj.owner_consents),
                },
            )
        ]
    if isinstance(obj, Refund):
        return [
            (
                "refund.recorded",
                "agreement",
                str(obj.agreement_id),
                _str(obj.requested_by_id),
                {
                    "refund_id": _id(obj),
                    "payment_id": str(obj.payment_id),
                    "entry_key": obj.entry_key,
                    "amount_minor": obj.amount_minor,
                    "currency": obj.currency,
                    "status": obj.status,
                },
            )
        ]
    if isinstance(obj, Payment):
        return [_payment_record(obj)]
    return []


def _changed_object(obj: Any) -> list[Record]:
    if (
        isinstance(obj, Declaration)
        and _changed(obj, "status")
        and obj.status is DeclarationStatus.PUBLISHED
    ):
        return [
            (
                "declaration.published",
                "declaration",
                str(obj.id),
                _str(obj.attested_by_id),
                {
                    "patent_id": str(obj.patent_id),
                    "version": obj.version,
                    "terms_hash": obj.terms_hash,
                    "announcement_ref": obj.announcement_ref,
                    "announcement_date": obj.announcement_date.isoformat()
                    if obj.announcement_date
                    else None,
                },
            )
        ]
    if isinstance(obj, Payment) and (_changed(obj, "status") or _changed(obj, "refunded_minor")):
        return [_payment_record(obj)]
    return []


def _payment_record(payment: Payment) -> Record:
    return (
        f"payment.{payment.status.value}",
        "agreement",
        str(payment.agreement_id),
        _str(payment.created_by_id),
        {
            "payment_id": _id(payment),
            "entry_key": payment.entry_key,
            "method": payment.method.value,
            "amount_minor": payment.amount_minor,
            "refunded_minor": payment.refunded_minor or 0,
            "currency": payment.currency,
            "reference": payment.reference,
            "stripe_payment_intent_id": payment.stripe_payment_intent_id,
        },
    )


def _changed(obj: Any, attribute: str) -> bool:
    return inspect(obj).attrs[attribute].history.has_changes()


def _plain(value: Any) -> Any:
    """JSON-able without floats (canonical_json refuses them)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float):
        return str(value)
    if isinstance(value, uuid.UUID | datetime.date):
        return str(value)
    return value
