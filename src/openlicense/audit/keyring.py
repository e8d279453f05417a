"""The history of the platform's checkpoint-signing keys: each key with its validity period, each
new key endorsed (signed) by the one before it. Pure: no database, no clock.

A verifier that trusts the *first* key (obtained once, out of band, or pinned on first use)
trusts every later key through the chain of endorsements, and accepts a checkpoint only under
the key that was valid when it was signed (`valid_from <= created_at < valid_until`): a key that
leaks after its retirement cannot sign a checkpoint anyone accepts. The format is specified in
docs/audit-ledger.md §5."""

from __future__ import annotations

import base64
import binascii
import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from openlicense.audit.chain import (
    GENESIS,
    Break,
    StoredEntry,
    format_timestamp,
    verify_against_checkpoints,
)
from openlicense.audit.signing import (
    Checkpoint,
    key_id,
    load_public_key,
    public_key_pem,
    verify_checkpoint,
)
from openlicense.core.canonical import canonical_json

KEY_VERSION = 1


@dataclass(frozen=True)
class KeyRecord:
    key_id: str
    public_key_pem: str
    valid_from: datetime.datetime
    valid_until: datetime.datetime | None
    """None: the current key."""
    previous_key_id: str | None
    endorsement: str | None
    """Base64 Ed25519 signature by the previous key over `endorsement_message(...)`."""


def endorsement_message(
    kid: str, pem: str, valid_from: datetime.datetime, previous_key_id: str
) -> bytes:
    """The bytes the previous key signs to introduce the next one."""
    return canonical_json(
        {
            "v": KEY_VERSION,
            "key_id": kid,
            "public_key_pem": pem,
            "valid_from": format_timestamp(valid_from),
            "previous_key_id": previous_key_id,
        }
    )


def first_key(public: Any, valid_from: datetime.datetime) -> KeyRecord:
    return KeyRecord(key_id(public), public_key_pem(public), valid_from, None, None, None)


def endorse(
    previous: Ed25519PrivateKey, new_public: Any, valid_from: datetime.datetime
) -> KeyRecord:
    """The record of `new_public`, signed by `previous`, valid from `valid_from`."""
    kid, pem, prev = key_id(new_public), public_key_pem(new_public), key_id(previous)
    signature = previous.sign(endorsement_message(kid, pem, valid_from, prev))
    return KeyRecord(kid, pem, valid_from, None, prev, base64.b64encode(signature).decode())


def history_problem(history: Sequence[KeyRecord]) -> str | None:
    """Why the history is not a valid chain of endorsed keys, or None. The first key is taken on
    trust (the verifier pins it); each later key must be endorsed by the one before it, and
    start when the one before it ended."""
    for i, record in enumerate(history):
        try:
            public = load_public_key(record.public_key_pem)
        except ValueError as exc:
            return f"key {record.key_id}: unreadable public key ({exc})"
        if key_id(public) != record.key_id:
            return f"key {record.key_id}: its key_id is not that of its public key"
        if record.valid_until is not None and record.valid_until <= record.valid_from:
            return f"key {record.key_id}: valid_until is not after valid_from"
        if i == 0:
            if record.previous_key_id is not None:
                return f"key {record.key_id}: the first key cannot name a previous key"
            continue
        before = history[i - 1]
        if record.previous_key_id != before.key_id:
            return f"key {record.key_id}: previous_key_id is not {before.key_id}"
        if before.valid_until != record.valid_from:
            return f"key {record.key_id}: valid_from is not when key {before.key_id} retired"
        if not _endorsed(before, record):
            return f"key {record.key_id}: not endorsed by key {before.key_id}"
    return None


def _endorsed(before: KeyRecord, record: KeyRecord) -> bool:
    if record.endorsement is None or record.previous_key_id is None:
        return False
    try:
        signature = base64.b64decode(record.endorsement, validate=True)
        message = endorsement_message(
            record.key_id, record.public_key_pem, record.valid_from, record.previous_key_id
        )
        load_public_key(before.public_key_pem).verify(signature, message)
    except (InvalidSignature, binascii.Error, ValueError, TypeError):
        return False
    return True


def validity_problem(history: Sequence[KeyRecord], kid: str, at: datetime.datetime) -> str | None:
    """Why a checkpoint signed by `kid` at `at` is not acceptable, or None."""
    record = next((r for r in history if r.key_id == kid), None)
    if record is None:
        return f"key {kid} is not in the key history"
    if at < record.valid_from:
        return f"key {kid} was not valid yet at {format_timestamp(at)}"
    if record.valid_until is not None and at >= record.valid_until:
        return (
            f"key {kid} was retired at {format_timestamp(record.valid_until)}, before "
            f"{format_timestamp(at)}"
        )
    return None


def record_to_dict(record: KeyRecord) -> dict[str, Any]:
    return {
        "key_id": record.key_id,
        "algorithm": "Ed25519",
        "public_key_pem": record.public_key_pem,
        "valid_from": format_timestamp(record.valid_from),
        "valid_until": format_timestamp(record.valid_until) if record.valid_until else None,
        "previous_key_id": record.previous_key_id,
        "endorsement": record.endorsement,
    }


def record_from_dict(data: Mapping[str, Any]) -> KeyRecord:
    until = data.get("valid_until")
    return KeyRecord(
        key_id=data["key_id"],
        public_key_pem=data["public_key_pem"],
        valid_from=datetime.datetime.fromisoformat(data["valid_from"]),
        valid_until=datetime.datetime.fromisoformat(until) if until else None,
        previous_key_id=data.get("previous_key_id"),
        endorsement=data.get("endorsement"),
    )


def verify_with_history(
    entries: Iterable[StoredEntry],
    checkpoints: Iterable[Checkpoint],
    history: Sequence[KeyRecord],
    *,
    start_prev_hash: str = GENESIS,
    start_seq: int = 1,
) -> Break | None:
    """The chain, and each checkpoint signed by the key of `history` valid at its `created_at`.
    A broken key history is the caller's to report (`history_problem`); here a checkpoint under
    a key outside the history is `key_not_valid`."""
    by_id = {r.key_id: r for r in history}

    def key_ok(checkpoint: Checkpoint) -> str | None:
        return validity_problem(history, checkpoint.key_id, checkpoint.created_at)

    def signature_ok(checkpoint: Checkpoint) -> bool:
        record = by_id.get(checkpoint.key_id)
        return record is not None and verify_checkpoint(record.public_key_pem, checkpoint)

    return verify_against_checkpoints(
        entries,
        checkpoints,
        signature_ok=signature_ok,
        key_ok=key_ok,
        start_prev_hash=start_prev_hash,
        start_seq=start_seq,
    )
