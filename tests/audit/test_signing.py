"""Ed25519 checkpoints: sign, verify, load keys, and check a ledger against its checkpoints."""

from __future__ import annotations

import base64
import dataclasses
import datetime
import hashlib
import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from openlicense.audit.chain import LedgerEvent, StoredEntry, chain
from openlicense.audit.signing import (
    Checkpoint,
    checkpoint_from_dict,
    checkpoint_message,
    checkpoint_to_dict,
    generate_private_key_pem,
    key_id,
    load_private_key,
    load_public_key,
    public_key_pem,
    sign_checkpoint,
    verify_checkpoint,
    verify_ledger,
)
from openlicense.core.canonical import canonical_json

T = datetime.datetime(2026, 12, 31, 23, 59, 59, 123456, tzinfo=datetime.UTC)
SEED = bytes(range(32))  # a published test key: never the platform's
H = "ab" * 32


@pytest.fixture(scope="module")
def key() -> Ed25519PrivateKey:
    return load_private_key(generate_private_key_pem())


@pytest.fixture(scope="module")
def other_key() -> Ed25519PrivateKey:
    return load_private_key(generate_private_key_pem())


def test_round_trip(key: Ed25519PrivateKey) -> None:
    cp = sign_checkpoint(key, seq=42, hash=H, created_at=T)
    assert (cp.seq, cp.hash, cp.created_at, cp.key_id) == (42, H, T, key_id(key))
    assert len(base64.b64decode(cp.signature)) == 64
    assert verify_checkpoint(public_key_pem(key), cp)


def test_a_different_key_fails(key: Ed25519PrivateKey, other_key: Ed25519PrivateKey) -> None:
    cp = sign_checkpoint(key, seq=42, hash=H, created_at=T)
    assert not verify_checkpoint(public_key_pem(other_key), cp)
    # even claiming the other key's id does not help: the signature is over the id too
    assert not verify_checkpoint(
        public_key_pem(other_key), dataclasses.replace(cp, key_id=key_id(other_key))
    )


@pytest.mark.parametrize(
    "change",
    [
        {"hash": "cd" * 32},
        {"seq": 43},
        {"created_at": T + datetime.timedelta(microseconds=1)},
        {"key_id": "0" * 16},
        {"signature": base64.b64encode(b"\0" * 64).decode()},
        {"signature": "not base64!"},
        {"signature": ""},
    ],
)
def test_any_altered_field_fails(key: Ed25519PrivateKey, change: dict) -> None:
    cp = sign_checkpoint(key, seq=42, hash=H, created_at=T)
    assert not verify_checkpoint(public_key_pem(key), dataclasses.replace(cp, **change))


def test_the_signed_message_is_canonical_json() -> None:
    message = checkpoint_message(7, H, T, "0123456789abcdef")
    assert message == canonical_json(
        {
            "v": 1,
            "seq": 7,
            "hash": H,
            "created_at": "2026-12-31T23:59:59.123456+00:00",
            "key_id": "0123456789abcdef",
        }
    )


def test_signatures_are_deterministic_for_a_known_seed() -> None:
    key = Ed25519PrivateKey.from_private_bytes(SEED)
    first = sign_checkpoint(key, seq=1, hash=H, created_at=T)
    assert sign_checkpoint(key, seq=1, hash=H, created_at=T) == first


def test_sign_refuses_bad_input(key: Ed25519PrivateKey) -> None:
    with pytest.raises(ValueError, match="positive"):
        sign_checkpoint(key, seq=0, hash=H, created_at=T)
    with pytest.raises(ValueError, match="hex"):
        sign_checkpoint(key, seq=1, hash=H.upper(), created_at=T)
    with pytest.raises(ValueError, match="timezone"):
        sign_checkpoint(key, seq=1, hash=H, created_at=T.replace(tzinfo=None))


# --- keys --------------------------------------------------------------------------------------


def test_pem_loading(key: Ed25519PrivateKey) -> None:
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    assert pem.startswith("-----BEGIN PRIVATE KEY-----")
    loaded = load_private_key("\n" + pem + "\n")
    assert key_id(loaded) == key_id(key)
    assert key_id(load_private_key(pem.encode())) == key_id(key)


def test_base64_seed_loading() -> None:
    expected = key_id(Ed25519PrivateKey.from_private_bytes(SEED))
    assert key_id(load_private_key(base64.b64encode(SEED).decode())) == expected
    assert key_id(load_private_key(base64.urlsafe_b64encode(SEED).decode() + "\n")) == expected


def test_key_id_is_sha256_of_the_raw_public_key() -> None:
    key = Ed25519PrivateKey.from_private_bytes(SEED)
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert key_id(key) == key_id(key.public_key()) == hashlib.sha256(raw).hexdigest()[:16]
    assert key_id(load_public_key(public_key_pem(key))) == key_id(key)


@pytest.mark.parametrize(
    "material",
    [
        base64.b64encode(b"x" * 31).decode(),
        base64.b64encode(b"x" * 64).decode(),
        "not a key at all",
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
        "",
    ],
)
def test_bad_key_material_is_refused_without_echoing_it(material: str) -> None:
    with pytest.raises(ValueError) as info:
        load_private_key(material)
    if material:
        assert material not in str(info.value)


def test_a_non_ed25519_pem_is_refused() -> None:
    ec_key = ec.generate_private_key(ec.SECP256R1())
    pem = ec_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    with pytest.raises(ValueError, match="not an Ed25519"):
        load_private_key(pem)
    public = ec_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with pytest.raises(ValueError, match="not an Ed25519"):
        load_public_key(public)


def test_an_encrypted_pem_is_refused(key: Ed25519PrivateKey) -> None:
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"secret"),
    ).decode()
    with pytest.raises(ValueError, match="encrypted"):
        load_private_key(pem)


def test_a_malformed_public_key_is_a_configuration_error(key: Ed25519PrivateKey) -> None:
    cp = sign_checkpoint(key, seq=1, hash=H, created_at=T)
    with pytest.raises(ValueError, match="PEM"):
        verify_checkpoint("garbage", cp)


# --- serialisation -----------------------------------------------------------------------------


def test_checkpoint_dict_round_trip(key: Ed25519PrivateKey) -> None:
    cp = sign_checkpoint(key, seq=9, hash=H, created_at=T)
    data = json.loads(json.dumps(checkpoint_to_dict(cp)))
    assert data["created_at"] == "2026-12-31T23:59:59.123456+00:00"
    assert checkpoint_from_dict(data) == cp
    with pytest.raises(ValueError, match="malformed"):
        checkpoint_from_dict({k: v for k, v in data.items() if k != "signature"})
    with pytest.raises(ValueError, match="malformed"):
        checkpoint_from_dict({**data, "seq": "9"})


# --- a ledger against its checkpoints ---------------------------------------------------------


def ledger(n: int = 12) -> list[StoredEntry]:
    events = (
        LedgerEvent(
            seq=seq,
            occurred_at=T + datetime.timedelta(seconds=seq),
            action="payment.recorded",
            subject_type="payment",
            subject_id=f"pay-{seq}",
            actor_id="user-1",
            data={"amount_minor": seq * 100, "currency": "CNY"},
        )
        for seq in range(1, n + 1)
    )
    return list(chain(events))


def checkpoints_for(
    entries: list[StoredEntry], key: Ed25519PrivateKey, seqs: tuple[int, ...]
) -> list[Checkpoint]:
    return [sign_checkpoint(key, seq=s, hash=entries[s - 1].hash, created_at=T) for s in seqs]


def test_verify_ledger_ok(key: Ed25519PrivateKey) -> None:
    entries = ledger()
    cps = checkpoints_for(entries, key, (4, 8, 12))
    assert verify_ledger(entries, cps, public_key_pem(key)) is None
    assert verify_ledger(iter(entries), iter(cps), [public_key_pem(key)]) is None


def test_verify_ledger_names_a_forged_checkpoint(
    key: Ed25519PrivateKey, other_key: Ed25519PrivateKey
) -> None:
    entries = ledger()
    cps = checkpoints_for(entries, key, (4, 12))
    forged = checkpoints_for(entries, other_key, (8,))
    brk = verify_ledger(entries, cps + forged, public_key_pem(key))
    assert brk is not None
    assert (brk.seq, brk.reason) == (8, "bad_signature")
    altered = dataclasses.replace(cps[0], hash="cd" * 32)
    brk = verify_ledger(entries, [altered, cps[1]], public_key_pem(key))
    assert brk is not None
    assert (brk.seq, brk.reason) == (4, "bad_signature")


def test_verify_ledger_detects_truncation(key: Ed25519PrivateKey) -> None:
    entries = ledger()
    cps = checkpoints_for(entries, key, (4, 12))
    brk = verify_ledger(entries[:9], cps, public_key_pem(key))
    assert brk is not None
    assert (brk.seq, brk.reason, brk.found) == (10, "checkpoint_mismatch", None)


def test_verify_ledger_after_a_key_rotation(
    key: Ed25519PrivateKey, other_key: Ed25519PrivateKey
) -> None:
    entries = ledger()
    cps = checkpoints_for(entries, key, (4,)) + checkpoints_for(entries, other_key, (12,))
    both = [public_key_pem(key), public_key_pem(other_key)]
    assert verify_ledger(entries, cps, both) is None
    brk = verify_ledger(entries, cps, public_key_pem(key))
    assert brk is not None
    assert (brk.seq, brk.reason) == (12, "bad_signature")


def test_verify_ledger_reports_the_lowest_break(key: Ed25519PrivateKey) -> None:
    entries = ledger()
    cps = checkpoints_for(entries, key, (4, 12))
    entries[6] = dataclasses.replace(entries[6], hash="0" * 64)
    brk = verify_ledger(entries, cps, public_key_pem(key))
    assert brk is not None
    assert (brk.seq, brk.reason) == (7, "hash_mismatch")


def test_the_worked_example_of_the_docs() -> None:
    """A golden vector of the hash rule and the key id (the format must never change)."""
    beijing = datetime.timezone(datetime.timedelta(hours=8))
    events = [
        LedgerEvent(
            seq=1,
            occurred_at=datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC),
            action="declaration.published",
            subject_type="declaration",
            subject_id="decl-001",
            actor_id="user-7",
            data={"patent": "ZL202110000001.2", "title": "一种电池", "fee_minor": 500000},
        ),
        LedgerEvent(
            seq=2,
            occurred_at=datetime.datetime(2026, 11, 23, 17, 30, 15, 250000, tzinfo=beijing),
            action="payment.recorded",
            subject_type="payment",
            subject_id="pay-042",
            actor_id=None,
            data={"agreement": "OL-2026-000042", "amount_minor": 250000, "currency": "CNY"},
        ),
    ]
    first, second = chain(events)
    assert first.hash == "9a39dc85191044bcfedd476eb63ee0980d57f6efcc8f89f5e1607d3e2ff65acf"
    assert second.hash == "54df9a7f54ade94c5dc97a1e639630903cd01e35f8e702b364c6170c39429b9a"
    key = load_private_key("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
    assert public_key_pem(key) == (
        "-----BEGIN PUBLIC KEY-----\n"
        "MCowBQYDK2VwAyEAA6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=\n"
        "-----END PUBLIC KEY-----\n"
    )
    created = datetime.datetime(2026, 11, 24, tzinfo=datetime.UTC)
    cp = sign_checkpoint(key, seq=2, hash=second.hash, created_at=created)
    assert cp.key_id == "56475aa75463474c"
    assert cp.signature == (
        "1oFAW14N/EWhm/lyFQjeDuNEJooCfzkXhSkW7v9NIQMeT4416wkMOejanMsz4Kha0XRpOgJqT8UwFXRiux5zDg=="
    )
    assert verify_ledger([first, second], [cp], public_key_pem(key)) is None
