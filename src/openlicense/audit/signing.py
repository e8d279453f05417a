"""Ed25519 checkpoints over the ledger chain.

A checkpoint is the platform's signature over `(seq, hash)`: "the ledger's entry `seq` had hash
`hash`". The chain alone shows any edit, deletion or reordering *inside* it; a checkpoint also
shows that entries after the last one exported were not deleted, and that the whole chain was not
rebuilt (an attacker with database access can recompute every hash, but cannot sign). The public
key is published, so an IP office can verify an export offline (`scripts/verify_export.py`).

Signed message: `canonical_json({"v": 1, "seq", "hash", "created_at", "key_id"})`, with
`created_at` serialised like ledger timestamps (UTC, microseconds, `+00:00`). Signatures are
base64 (standard alphabet, padded). A key's id is the first 16 hex chars of SHA-256 of its raw
32-byte public key, so keys can rotate and old checkpoints still name the key that signed them.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from openlicense.audit.chain import (
    GENESIS,
    Break,
    StoredEntry,
    format_timestamp,
    verify_against_checkpoints,
)
from openlicense.core.canonical import canonical_json

__all__ = [
    "CHECKPOINT_VERSION",
    "Checkpoint",
    "checkpoint_from_dict",
    "checkpoint_message",
    "checkpoint_to_dict",
    "generate_private_key_pem",
    "key_id",
    "load_private_key",
    "load_public_key",
    "public_key_pem",
    "sign_checkpoint",
    "verify_checkpoint",
    "verify_ledger",
]

CHECKPOINT_VERSION = 1
_HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    created_at: datetime.datetime
    key_id: str
    signature: str
    """Base64 of the 64-byte Ed25519 signature over `checkpoint_message(...)`."""


def checkpoint_message(seq: int, hash: str, created_at: datetime.datetime, key_id: str) -> bytes:
    """The exact bytes that are signed."""
    return canonical_json(
        {
            "v": CHECKPOINT_VERSION,
            "seq": seq,
            "hash": hash,
            "created_at": format_timestamp(created_at),
            "key_id": key_id,
        }
    )


# --- keys -------------------------------------------------------------------------------------


def load_private_key(material: str | bytes) -> Ed25519PrivateKey:
    """An Ed25519 private key from an unencrypted PKCS#8 PEM, or from the base64 (standard or
    URL-safe) of its raw 32-byte seed. Errors never echo the material."""
    text = material.decode("ascii", "replace") if isinstance(material, bytes) else material
    text = text.strip()
    if text.startswith("-----BEGIN"):
        try:
            key = serialization.load_pem_private_key(text.encode("ascii"), password=None)
        except (ValueError, TypeError, UnsupportedAlgorithm, UnicodeEncodeError):
            raise ValueError(
                "not an unencrypted PKCS#8 PEM private key (encrypted keys are not supported)"
            ) from None
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"the PEM holds a {type(key).__name__}, not an Ed25519 key")
        return key
    try:
        seed = base64.b64decode(
            "".join(text.split()).replace("-", "+").replace("_", "/"), validate=True
        )
    except (binascii.Error, ValueError):
        raise ValueError("the key is neither a PEM nor the base64 of a 32-byte seed") from None
    if len(seed) != 32:
        raise ValueError(f"an Ed25519 seed is 32 bytes, this one is {len(seed)}")
    return Ed25519PrivateKey.from_private_bytes(seed)


def load_public_key(pem: str | bytes) -> Ed25519PublicKey:
    """An Ed25519 public key from a SubjectPublicKeyInfo PEM (what `public_key_pem` writes)."""
    data = pem.encode("ascii") if isinstance(pem, str) else pem
    try:
        key = serialization.load_pem_public_key(data.strip())
    except (ValueError, UnsupportedAlgorithm):
        raise ValueError("not a PEM public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"the PEM holds a {type(key).__name__}, not an Ed25519 key")
    return key


def generate_private_key_pem() -> str:
    """A fresh key as unencrypted PKCS#8 PEM: keep it in the secret store, never in the DB."""
    return (
        Ed25519PrivateKey.generate()
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode("ascii")
    )


def _public(key: Ed25519PrivateKey | Ed25519PublicKey) -> Ed25519PublicKey:
    return key.public_key() if isinstance(key, Ed25519PrivateKey) else key


def public_key_pem(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """The public half as SubjectPublicKeyInfo PEM: the file the platform publishes."""
    return (
        _public(key)
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


def key_id(key: Ed25519PublicKey | Ed25519PrivateKey) -> str:
    """First 16 hex chars of SHA-256 of the raw 32-byte public key."""
    raw = _public(key).public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


# --- checkpoints ------------------------------------------------------------------------------


def sign_checkpoint(
    private: Ed25519PrivateKey,
    *,
    seq: int,
    hash: str,
    created_at: datetime.datetime,
) -> Checkpoint:
    """Sign "entry `seq` of the ledger has hash `hash`" (the hash as stored, lowercase hex)."""
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 1:
        raise ValueError(f"a checkpoint's seq is a positive int, got {seq!r}")
    if not _HEX64.fullmatch(hash):
        raise ValueError("a checkpoint's hash is 64 lowercase hex chars")
    kid = key_id(private)
    signature = private.sign(checkpoint_message(seq, hash, created_at, kid))
    return Checkpoint(
        seq=seq,
        hash=hash,
        created_at=created_at,
        key_id=kid,
        signature=base64.b64encode(signature).decode("ascii"),
    )


def _signature_valid(public: Ed25519PublicKey, checkpoint: Checkpoint) -> bool:
    if checkpoint.key_id != key_id(public):
        return False
    try:
        signature = base64.b64decode(checkpoint.signature, validate=True)
        message = checkpoint_message(
            checkpoint.seq, checkpoint.hash, checkpoint.created_at, checkpoint.key_id
        )
        public.verify(signature, message)
    except (InvalidSignature, binascii.Error, ValueError, TypeError):
        return False
    return True


def verify_checkpoint(public_pem: str, checkpoint: Checkpoint) -> bool:
    """True if `checkpoint` is signed by this key (and names it). A malformed *key* raises
    `ValueError` (a configuration error); a malformed *checkpoint* is just not valid."""
    return _signature_valid(load_public_key(public_pem), checkpoint)


def verify_ledger(
    entries: Iterable[StoredEntry],
    checkpoints: Iterable[Checkpoint],
    public_keys: str | Iterable[str],
    *,
    start_prev_hash: str = GENESIS,
    start_seq: int = 1,
) -> Break | None:
    """The full check: the chain is intact, every checkpoint is signed by one of the platform's
    public keys (PEM; several after a key rotation, matched by key id) and the chain has the
    checkpoint's hash at its seq. Returns the lowest break, or None."""
    pems = [public_keys] if isinstance(public_keys, str) else list(public_keys)
    keys = {key_id(k): k for k in map(load_public_key, pems)}

    def signature_ok(checkpoint: Checkpoint) -> bool:
        key = keys.get(checkpoint.key_id)
        return key is not None and _signature_valid(key, checkpoint)

    return verify_against_checkpoints(
        entries,
        checkpoints,
        signature_ok=signature_ok,
        start_prev_hash=start_prev_hash,
        start_seq=start_seq,
    )


def checkpoint_to_dict(checkpoint: Checkpoint) -> dict[str, Any]:
    """JSON-able form, as published in `checkpoints.json` (a JSON array of these)."""
    return {
        "seq": checkpoint.seq,
        "hash": checkpoint.hash,
        "created_at": format_timestamp(checkpoint.created_at),
        "key_id": checkpoint.key_id,
        "signature": checkpoint.signature,
    }


def checkpoint_from_dict(data: Mapping[str, Any]) -> Checkpoint:
    try:
        created_at = datetime.datetime.fromisoformat(data["created_at"])
        checkpoint = Checkpoint(
            seq=data["seq"],
            hash=data["hash"],
            created_at=created_at,
            key_id=data["key_id"],
            signature=data["signature"],
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"malformed checkpoint: {exc}") from None
    if isinstance(checkpoint.seq, bool) or not isinstance(checkpoint.seq, int):
        raise ValueError("malformed checkpoint: seq must be an int")
    format_timestamp(created_at)  # refuses a naive timestamp
    return checkpoint
