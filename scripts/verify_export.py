#!/usr/bin/env python3
"""Verify an openlicense ledger export offline.

    python verify_export.py ledger.ndjson --public-key platform.pem [--checkpoints checkpoints.json]

Needs only Python (3.9 or later) and, to check checkpoint signatures, the `cryptography` package
(`pip install cryptography`). It reads the export line by line (memory stays flat however long
it is), recomputes every entry's hash from its content and the previous entry's hash, checks that
the seqs run 1, 2, 3 … without gaps, and, for each signed checkpoint, that the signature is the
platform's and that the chain has the checkpoint's hash at its seq. A checkpoint past the end of
the export shows that entries were removed from its tail.

Prints `OK: N entries, last hash …, K checkpoints verified` and exits 0, or names the first broken
entry and exits 1. Exit 2: the command line or an input file is unusable.

The hash rule (documented in docs/audit-ledger.md and implemented by openlicense.audit.chain;
a test keeps this copy identical):

    hash = sha256( prev_hash + "\\n" + canonical_json(payload) )       (hex, lowercase)
    payload = {"v": 1, "seq", "occurred_at", "action", "subject_type", "subject_id",
               "actor_id", "data"}
    canonical_json = JSON, keys sorted, no whitespace, UTF-8 (not \\u-escaped), no floats
    occurred_at   = UTC ISO 8601 with microseconds and +00:00
    the first entry's prev_hash = "0" * 64

A checkpoint signs canonical_json({"v": 1, "seq", "hash", "created_at", "key_id"}) with Ed25519;
key_id = the first 16 hex chars of sha256(the raw 32-byte public key).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import datetime
import hashlib
import json
import sys
from dataclasses import dataclass
from typing import Any, Iterable, Iterator  # noqa: UP035 - this script also runs on Python 3.9

GENESIS = "0" * 64
LEDGER_VERSION = 1
CHECKPOINT_VERSION = 1
FIELDS = (
    "seq",
    "occurred_at",
    "action",
    "subject_type",
    "subject_id",
    "actor_id",
    "data",
    "prev_hash",
    "hash",
)
UTC = datetime.timezone.utc  # noqa: UP017 - datetime.UTC needs Python 3.11


# --- the hash rule ------------------------------------------------------------------------------


def _refuse_floats(obj: Any) -> None:
    if isinstance(obj, float):
        raise TypeError("floats are not allowed in canonical JSON")
    if isinstance(obj, dict):
        for value in obj.values():
            _refuse_floats(value)
    elif isinstance(obj, (list, tuple)):
        for value in obj:
            _refuse_floats(value)


def canonical_json(obj: Any) -> bytes:
    _refuse_floats(obj)
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def timestamp(value: Any) -> str:
    """A ledger timestamp as hashed: UTC, microseconds, +00:00."""
    if not isinstance(value, str):
        raise TypeError("a timestamp must be a string")
    text = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
    moment = datetime.datetime.fromisoformat(text)
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"timestamp {value!r} has no timezone")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def event_payload(row: dict) -> dict:
    return {
        "v": LEDGER_VERSION,
        "seq": row["seq"],
        "occurred_at": timestamp(row["occurred_at"]),
        "action": row["action"],
        "subject_type": row["subject_type"],
        "subject_id": row["subject_id"],
        "actor_id": row["actor_id"],
        "data": row["data"],
    }


def row_hash(prev_hash: str, row: dict) -> str:
    """The hash entry `row` must carry, given the previous entry's hash."""
    digest = hashlib.sha256(prev_hash.encode("ascii"))
    digest.update(b"\n")
    digest.update(canonical_json(event_payload(row)))
    return digest.hexdigest()


def checkpoint_message(seq: int, hash: str, created_at: str, key_id: str) -> bytes:
    return canonical_json(
        {
            "v": CHECKPOINT_VERSION,
            "seq": seq,
            "hash": hash,
            "created_at": timestamp(created_at),
            "key_id": key_id,
        }
    )


# --- keys and checkpoints -----------------------------------------------------------------------


def load_public_keys(pem_texts: Iterable[str]) -> dict:
    """{key_id: Ed25519PublicKey}. Raises ValueError for anything but Ed25519 public keys."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    keys = {}
    for text in pem_texts:
        key = serialization.load_pem_public_key(text.encode("ascii").strip())
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("the public key is not an Ed25519 key")
        raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        keys[hashlib.sha256(raw).hexdigest()[:16]] = key
    return keys


def signature_ok(keys: dict, checkpoint: dict) -> bool:
    from cryptography.exceptions import InvalidSignature

    key = keys.get(checkpoint.get("key_id"))
    if key is None:
        return False
    try:
        signature = base64.b64decode(checkpoint["signature"], validate=True)
        message = checkpoint_message(
            checkpoint["seq"], checkpoint["hash"], checkpoint["created_at"], checkpoint["key_id"]
        )
        key.verify(signature, message)
    except (InvalidSignature, KeyError, TypeError, ValueError, binascii.Error):
        return False
    return True


def load_checkpoints(text: str) -> list:
    data = json.loads(text)
    if isinstance(data, dict):
        data = data.get("checkpoints")
    if not isinstance(data, list):
        raise ValueError("expected a JSON array of checkpoints")
    for i, cp in enumerate(data):
        if not isinstance(cp, dict) or not all(
            k in cp for k in ("seq", "hash", "created_at", "key_id", "signature")
        ):
            raise ValueError(f"checkpoint #{i + 1} lacks seq, hash, created_at, key_id, signature")
        if isinstance(cp["seq"], bool) or not isinstance(cp["seq"], int):
            raise ValueError(f"checkpoint #{i + 1}: seq must be an int")
    return sorted(data, key=lambda cp: cp["seq"])


# --- verification -------------------------------------------------------------------------------


@dataclass
class Break:
    seq: int | None  # None: a malformed line (see `line`)
    reason: str
    expected: str | None
    found: str | None
    detail: str
    line: int | None = None


@dataclass
class Result:
    broken: Break | None
    entries: int
    last_hash: str
    checkpoints_verified: int
    checkpoints_not_covered: int


def read_rows(lines: Iterable[str]) -> Iterator[tuple]:
    """(line number, row dict or None, error or None) for each non-blank line."""
    for lineno, raw in enumerate(lines, start=1):
        line = (raw.lstrip("\ufeff") if lineno == 1 else raw).strip()
        if not line:
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            yield lineno, None, f"not JSON: {exc}"
            continue
        if not isinstance(row, dict):
            yield lineno, None, "not a JSON object"
            continue
        missing = [f for f in FIELDS if f not in row]
        if missing:
            yield lineno, None, "missing " + ", ".join(missing)
        elif isinstance(row["seq"], bool) or not isinstance(row["seq"], int):
            yield lineno, None, "seq must be an int"
        elif not isinstance(row["prev_hash"], str) or not isinstance(row["hash"], str):
            yield lineno, None, "prev_hash and hash must be strings"
        else:
            yield lineno, row, None


def verify(
    lines: Iterable[str],
    checkpoints: list,
    keys: dict,
    *,
    start_prev_hash: str = GENESIS,
    start_seq: int = 1,
    partial: bool = False,
) -> Result:
    """The same walk as openlicense.audit.chain.verify_against_checkpoints. With `partial`, the
    export may start after seq 1 (its first entry's prev_hash is taken on trust unless a
    checkpoint vouches for it) and checkpoints past its end are not counted against it."""
    rows = read_rows(lines)
    count, verified, not_covered = 0, 0, 0
    prev, expected_seq = start_prev_hash, start_seq
    i = 0

    def result(broken: Break | None) -> Result:
        return Result(broken, count, prev, verified, not_covered)

    def check(cp: dict, actual: str) -> Break | None:
        nonlocal verified
        if not signature_ok(keys, cp):
            return Break(
                cp["seq"],
                "bad_signature",
                None,
                None,
                f"the checkpoint at seq {cp['seq']} is not signed by the platform key",
            )
        if cp["hash"] != actual:
            return Break(
                cp["seq"],
                "checkpoint_mismatch",
                cp["hash"],
                actual,
                f"the chain's hash at seq {cp['seq']} is not the signed checkpoint's: "
                "entries up to it were rewritten",
            )
        verified += 1
        return None

    first = True
    for lineno, row, error in rows:
        if error is not None:
            return result(Break(None, "malformed", None, None, error, line=lineno))
        seq = row["seq"]
        if first:
            first = False
            if partial:
                prev, expected_seq = row["prev_hash"], seq
            while i < len(checkpoints) and checkpoints[i]["seq"] < expected_seq:
                if checkpoints[i]["seq"] == expected_seq - 1:
                    broken = check(checkpoints[i], prev)
                    if broken:
                        return result(broken)
                else:
                    not_covered += 1
                i += 1
        if seq != expected_seq:
            return result(_sequence_break(expected_seq, seq, rows))
        if row["prev_hash"] != prev:
            return result(
                Break(
                    seq,
                    "prev_hash_mismatch",
                    prev,
                    row["prev_hash"],
                    f"entry {seq} does not link to entry {seq - 1}'s hash: its prev_hash was "
                    f"altered, or entry {seq - 1} was altered and rehashed",
                )
            )
        try:
            actual = row_hash(row["prev_hash"], row)
        except (TypeError, ValueError) as exc:
            return result(
                Break(
                    seq, "hash_mismatch", None, row["hash"], f"entry {seq} cannot be hashed: {exc}"
                )
            )
        if actual != row["hash"]:
            return result(
                Break(
                    seq,
                    "hash_mismatch",
                    actual,
                    row["hash"],
                    f"entry {seq}'s content does not match its hash: it was altered",
                )
            )
        while i < len(checkpoints) and checkpoints[i]["seq"] == seq:
            broken = check(checkpoints[i], actual)
            if broken:
                return result(broken)
            i += 1
        prev, expected_seq = actual, seq + 1
        count += 1

    if first and not partial:  # an empty export: checkpoints before start_seq are not covered
        while i < len(checkpoints) and checkpoints[i]["seq"] < expected_seq:
            not_covered += 1
            i += 1
    if i < len(checkpoints):
        if partial:
            not_covered += len(checkpoints) - i
            return result(None)
        cp = checkpoints[i]
        if not signature_ok(keys, cp):
            return result(check(cp, ""))
        return result(
            Break(
                expected_seq,
                "checkpoint_mismatch",
                cp["hash"],
                None,
                f"the ledger ends at seq {expected_seq - 1} but a checkpoint is signed at seq "
                f"{cp['seq']}: the entries from seq {expected_seq} on were removed",
            )
        )
    return result(None)


def _sequence_break(expected: int, found: int, rest: Iterator[tuple]) -> Break:
    if found > expected:
        if any(row is not None and expected <= row["seq"] < found for _, row, _ in rest):
            return Break(
                expected,
                "sequence_reordered",
                str(expected),
                str(found),
                f"entry {found} stands where entry {expected} should; entry {expected} "
                "comes later: entries were reordered",
            )
        missing = str(expected) if found == expected + 1 else f"{expected}..{found - 1}"
        return Break(
            found,
            "sequence_gap",
            str(expected),
            str(found),
            f"entry {missing} missing before entry {found}: deleted",
        )
    return Break(
        expected,
        "sequence_reordered",
        str(expected),
        str(found),
        f"entry {found} appears again (or out of order) where entry {expected} should be",
    )


# --- command line -------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Verify an openlicense ledger export (NDJSON) offline."
    )
    parser.add_argument("ledger", help="the ledger export, NDJSON ('-' for standard input)")
    parser.add_argument(
        "--public-key",
        action="append",
        default=[],
        metavar="PEM",
        help="the platform's published Ed25519 public key (repeat for rotated keys)",
    )
    parser.add_argument("--checkpoints", metavar="JSON", help="the signed checkpoints file")
    parser.add_argument(
        "--partial",
        action="store_true",
        help="the export is a contiguous slice that need not start at seq 1",
    )
    args = parser.parse_args(argv)

    checkpoints: list = []
    keys: dict = {}
    try:
        if args.checkpoints:
            if not args.public_key:
                parser.error("--checkpoints needs --public-key")
            with open(args.checkpoints, encoding="utf-8-sig") as fh:
                checkpoints = load_checkpoints(fh.read())
        if args.public_key:
            texts = []
            for path in args.public_key:
                with open(path, encoding="ascii") as fh:
                    texts.append(fh.read())
            keys = load_public_keys(texts)
    except ImportError:
        print("ERROR: checking signatures needs: pip install cryptography", file=sys.stderr)
        return 2
    except (OSError, ValueError) as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 2

    try:
        if args.ledger == "-":
            sys.stdin.reconfigure(encoding="utf-8-sig")  # type: ignore[attr-defined]
            outcome = verify(sys.stdin, checkpoints, keys, partial=args.partial)
        else:
            with open(args.ledger, encoding="utf-8-sig", newline="") as fh:
                outcome = verify(fh, checkpoints, keys, partial=args.partial)
    except (OSError, UnicodeDecodeError) as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 2

    broken = outcome.broken
    if broken is None:
        print(
            f"OK: {outcome.entries} entries, last hash {outcome.last_hash}, "
            f"{outcome.checkpoints_verified} checkpoints verified"
        )
        if outcome.checkpoints_not_covered:
            print(
                f"note: {outcome.checkpoints_not_covered} checkpoints fall outside the export "
                "and were not checked",
                file=sys.stderr,
            )
        if not checkpoints:
            print(
                "note: without a checkpoint, entries removed from the end cannot be detected",
                file=sys.stderr,
            )
        return 0
    where = f"line {broken.line}" if broken.seq is None else f"seq {broken.seq}"
    print(f"BROKEN at {where}: {broken.reason}: {broken.detail}")
    if broken.expected is not None:
        print(f"  expected: {broken.expected}")
    if broken.found is not None:
        print(f"  found:    {broken.found}")
    print(f"({outcome.entries} entries verified before it)")
    return 1


if __name__ == "__main__":
    sys.exit(main())
