"""What the chain says about each agreement, declaration, payment and refund, and how a
database row differs from it: the comparison behind `openlicense audit verify` and
`GET /api/audit/ledger/verify`.

The chain is read once, in seq order; for each subject the *last* entry that states a fact wins
(`agreement.*` entries carry the agreement's whole `state` after the change; `payment.*` and
`refund.*` entries the payment's or refund's columns; `declaration.published` the published
version's facts). A row is then compared field by field; each difference is reported with the
subject, the field, the ledger's value, the row's value and the seq of the entry that states it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from openlicense.audit.chain import StoredEntry

PAYMENT_FIELDS = (
    "entry_key",
    "method",
    "status",
    "amount_minor",
    "refunded_minor",
    "currency",
    "reference",
    "stripe_payment_intent_id",
    "overpayment",
    "succeeded_at",
)
REFUND_FIELDS = ("payment_id", "entry_key", "amount_minor", "currency", "reason", "status")
DECLARATION_FIELDS = (
    "patent_id",
    "version",
    "terms_hash",
    "terms_digest",
    "fee_type",
    "currency",
    "licence_start",
    "licence_end",
    "published_at",
    "announcement_ref",
    "announcement_date",
)
WITHDRAWAL_FIELDS = ("reason", "effective_date")


@dataclass
class Stated:
    """A subject's facts as the chain last stated them, with the seq that stated them."""

    seq: int
    data: dict[str, Any]


@dataclass
class ChainView:
    created: dict[str, Stated] = field(default_factory=dict)
    """agreement id → its `agreement.created` entry."""
    state: dict[str, Stated] = field(default_factory=dict)
    """agreement id → the last `state` recorded for it."""
    events: dict[str, dict[str, Stated]] = field(default_factory=dict)
    """agreement id → event key → the `agreement.<kind>` entry that recorded it."""
    payments: dict[str, Stated] = field(default_factory=dict)
    refunds: dict[str, Stated] = field(default_factory=dict)
    published: dict[str, Stated] = field(default_factory=dict)
    withdrawn: dict[str, Stated] = field(default_factory=dict)


def chain_view(entries: Iterable[StoredEntry]) -> ChainView:
    view = ChainView()
    for entry in entries:
        event, seq = entry.event, entry.event.seq
        data, action, subject = event.data, event.action, event.subject_id
        if action == "agreement.created":
            view.created[subject] = Stated(seq, data)
        if action.startswith("agreement."):
            if isinstance(data.get("state"), dict):
                view.state[subject] = Stated(seq, data["state"])
            if action != "agreement.created" and data.get("key"):
                kind = action.split(".", 1)[1]
                stated = Stated(seq, {**data, "kind": kind})
                view.events.setdefault(subject, {})[str(data["key"])] = stated
        elif action.startswith("payment.") and data.get("payment_id"):
            view.payments[str(data["payment_id"])] = Stated(seq, data)
        elif action.startswith("refund.") and data.get("refund_id"):
            view.refunds[str(data["refund_id"])] = Stated(seq, data)
        elif action == "declaration.published":
            view.published[subject] = Stated(seq, data)
        elif action == "declaration.withdrawn":
            view.withdrawn[subject] = Stated(seq, data)
    return view


def differences(
    stated: Stated, row: dict[str, Any], fields: Iterable[str], prefix: str = ""
) -> list[dict[str, Any]]:
    """One report per field whose row value is not the value the chain states."""
    out = []
    for name in fields:
        ledger_value, row_value = stated.data.get(name), row.get(name)
        if ledger_value != row_value:
            out.append(
                {
                    "seq": stated.seq,
                    "reason": "field_differs_from_ledger",
                    "field": prefix + name,
                    "ledger": ledger_value,
                    "row": row_value,
                }
            )
    return out


def nested_differences(
    stated: Stated, row: dict[str, Any], name: str, item_fields: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """A field holding `{key: {field: value}}` (schedule items) or a dict (the recording)."""
    ledger_value, row_value = stated.data.get(name), row.get(name)
    if not isinstance(ledger_value, dict) or not isinstance(row_value, dict):
        return differences(stated, row, [name])
    if item_fields is not None:  # a dict of fields
        return differences(Stated(stated.seq, ledger_value), row_value, item_fields, f"{name}.")
    out = []
    for key in sorted(set(ledger_value) | set(row_value)):
        ledger_item, row_item = ledger_value.get(key), row_value.get(key)
        if not isinstance(ledger_item, dict) or not isinstance(row_item, dict):
            out += differences(Stated(stated.seq, ledger_value), row_value, [key], f"{name}.")
            continue
        keys = sorted(set(ledger_item) | set(row_item))
        out += differences(Stated(stated.seq, ledger_item), row_item, keys, f"{name}.{key}.")
    return out
