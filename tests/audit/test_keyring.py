"""The signing-key history a verifier trusts (docs/audit-ledger.md): the first key pinned, each
later one endorsed by the key before it and starting when that one retired. Every way of forging
or mangling the history is named; a checkpoint is accepted only inside its key's validity."""

from __future__ import annotations

import dataclasses
import datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from openlicense.audit.keyring import (
    KeyRecord,
    endorse,
    first_key,
    history_problem,
    validity_problem,
)

T0 = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
T1 = datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC)
OLD, NEW, STRANGER = (Ed25519PrivateKey.generate() for _ in range(3))


def chain() -> list[KeyRecord]:
    first = dataclasses.replace(first_key(OLD.public_key(), T0), valid_until=T1)
    return [first, endorse(OLD, NEW.public_key(), T1)]


def test_a_rotation_endorsed_by_the_retired_key_is_a_valid_history() -> None:
    assert history_problem(chain()) is None


def _mangled(index: int, **changes: object) -> list[KeyRecord]:
    records = chain()
    records[index] = dataclasses.replace(records[index], **changes)  # type: ignore[arg-type]  # test data
    return records


def _signed_by_a_stranger() -> KeyRecord:
    """Names the retired key as its endorser, but another key signed it."""
    forged = endorse(STRANGER, NEW.public_key(), T1)
    return dataclasses.replace(forged, previous_key_id=chain()[0].key_id)


@pytest.mark.parametrize(
    ("records", "problem"),
    [
        (_mangled(0, public_key_pem="not a key"), "unreadable public key"),
        (_mangled(1, key_id="0" * 16), "its key_id is not that of its public key"),
        (_mangled(0, valid_until=T0), "valid_until is not after valid_from"),
        (_mangled(0, previous_key_id="someone"), "the first key cannot name a previous key"),
        (_mangled(1, previous_key_id="someone"), "previous_key_id is not"),
        (_mangled(1, valid_from=T1 + datetime.timedelta(days=1)), "valid_from is not when key"),
        (_mangled(1, endorsement=None), "not endorsed by key"),
        (_mangled(1, endorsement="%%% not base64 %%%"), "not endorsed by key"),
        ([chain()[0], _signed_by_a_stranger()], "not endorsed by key"),
    ],
)
def test_a_forged_or_mangled_history_is_named(records: list[KeyRecord], problem: str) -> None:
    found = history_problem(records)
    assert found is not None and problem in found


def test_a_checkpoint_counts_only_inside_its_keys_validity() -> None:
    old, new = chain()
    assert validity_problem([old, new], old.key_id, T0) is None
    assert validity_problem([old, new], new.key_id, T1 + datetime.timedelta(days=3)) is None
    early = validity_problem([old, new], new.key_id, T0)
    retired = validity_problem([old, new], old.key_id, T1)
    unknown = validity_problem([old, new], "f" * 16, T1)
    assert early is not None and "not valid yet" in early
    assert retired is not None and old.key_id in retired
    assert unknown is not None and "not in the key history" in unknown
