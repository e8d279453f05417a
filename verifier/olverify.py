#!/usr/bin/env python3
"""olverify: verify an openlicense ledger export offline, as an IP office, without trusting the
platform.

    python olverify.py ledger.ndjson --public-key first-key.pem --keys keys.json \\
        --checkpoints checkpoints.json --anchors my-saved-checkpoints.json

One file; needs only Python (3.9 or later) and, to check signatures, the `cryptography` package
(`pip install cryptography`). It reads the export line by line (memory stays flat however long
it is), recomputes every entry's hash from its content and the previous entry's hash, checks that
the seqs run 1, 2, 3 … without gaps, and for each checkpoint — the platform's (`--checkpoints`,
from GET /api/audit/ledger/checkpoints) and your own saved copies (`--anchors`, e.g. the
webhook bodies you received) — that it is signed by the key of the key history valid when it was
signed (`--keys`, from GET /api/audit/keys; each key endorsed by the one before it, the first one
pinned with `--public-key`) and that the chain has the checkpoint's hash at its seq. A checkpoint
past the end of the export shows that entries were removed from its tail; an anchor you saved
that the chain no longer matches shows the chain was rebuilt after it, even if the platform
signed the rebuilt chain again.

Prints `OK: N entries, last hash …, K checkpoints verified` and exits 0, or names the first broken
entry (`BROKEN at seq S: reason: detail`) and exits 1; `BROKEN key history: …` (exit 1) when the
key history is not a chain of endorsements from a pinned key. Exit 2: the command line or an
input file is unusable. Reasons and formats: docs/audit-ledger.md.

The hash rule (implemented by openlicense.audit.chain; a test keeps this copy identical):

    hash = sha256( prev_hash + "\\n" + canonical_json(payload) )       (hex, lowercase)
    payload = {"v": 1, "seq", "occurred_at", "action", "subject_type", "subject_id",
               "actor_id", "data"}
    canonical_json = JSON, keys sorted, no whitespace, UTF-8 (not \\u-escaped), no floats
    occurred_at   = UTC ISO 8601 with microseconds and +00:00
    the first entry's prev_hash = "0" * 64

A checkpoint signs canonical_json({"v": 1, "seq", "hash", "created_at", "key_id"}) with Ed25519;
key_id = the first 16 hex chars of sha256(the raw 32-byte public key). A key record is endorsed
by the previous key's signature over canonical_json({"v": 1, "key_id", "public_key_pem",
"valid_from", "previous_key_id"}); a key signs checkpoints with
valid_from <= created_at < valid_until.
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
KEY_VERSION = 1
RENUMBER_WINDOW = 16
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


def _items(data: Any, *names: str) -> Any:
    """A JSON array, or the array under `items` (API pages) or one of `names`."""
    if isinstance(data, dict):
        for name in ("items", *names):
            if name in data:
                return data[name]
    return data


def load_checkpoints(text: str, *, anchors: bool = False) -> list:
    """Checkpoints from a JSON array, an API page `{items, next_cursor}`, or (anchors) the
    webhook bodies an office saved (`{"checkpoint": {...}, ...}`), a JSON array or NDJSON."""
    try:
        data: Any = json.loads(text)
    except ValueError:  # NDJSON: one saved webhook body (or checkpoint) a line
        data = [json.loads(line) for line in text.splitlines() if line.strip()]
    data = _items(data, "checkpoints")
    if isinstance(data, dict) and ("checkpoint" in data or "signature" in data):
        data = [data]  # a single saved body
    if not isinstance(data, list):
        raise ValueError("expected a JSON array of checkpoints")
    data = [cp["checkpoint"] if isinstance(cp, dict) and "checkpoint" in cp else cp for cp in data]
    if anchors:
        data = [dict(cp, anchor=True) for cp in data if isinstance(cp, dict)]
    for i, cp in enumerate(data):
        if not isinstance(cp, dict) or not all(
            k in cp for k in ("seq", "hash", "created_at", "key_id", "signature")
        ):
            raise ValueError(f"checkpoint #{i + 1} lacks seq, hash, created_at, key_id, signature")
        if isinstance(cp["seq"], bool) or not isinstance(cp["seq"], int):
            raise ValueError(f"checkpoint #{i + 1}: seq must be an int")
    return sorted(data, key=lambda cp: cp["seq"])


def key_id_of(pem: str) -> str:
    return next(iter(load_public_keys([pem])))


def endorsement_message(record: dict) -> bytes:
    return canonical_json(
        {
            "v": KEY_VERSION,
            "key_id": record["key_id"],
            "public_key_pem": record["public_key_pem"],
            "valid_from": timestamp(record["valid_from"]),
            "previous_key_id": record["previous_key_id"],
        }
    )


def load_key_history(text: str) -> list:
    data = _items(json.loads(text), "keys")
    if not isinstance(data, list) or not data:
        raise ValueError("expected a non-empty JSON array of keys (GET /api/audit/keys)")
    for i, record in enumerate(data):
        if not isinstance(record, dict) or not all(
            k in record for k in ("key_id", "public_key_pem", "valid_from", "valid_until")
        ):
            raise ValueError(f"key #{i + 1} lacks key_id, public_key_pem, valid_from, valid_until")
    return data


def history_problem(history: list, pinned: dict) -> str | None:
    """Why the key history cannot be trusted, or None: its first key must be one you pinned
    (`--public-key`), and each later key endorsed by the key before it, valid from the instant
    that one was retired."""
    from cryptography.exceptions import InvalidSignature

    for i, record in enumerate(history):
        try:
            if key_id_of(record["public_key_pem"]) != record["key_id"]:
                return f"key {record['key_id']}: its key_id is not that of its public key"
            start = timestamp(record["valid_from"])
            until = record["valid_until"]
            if until is not None and timestamp(until) <= start:
                return f"key {record['key_id']}: valid_until is not after valid_from"
        except (TypeError, ValueError) as exc:
            return f"key #{i + 1}: {exc}"
        if i == 0:
            if pinned and record["key_id"] not in pinned:
                return f"the first key {record['key_id']} is not a key you pinned with --public-key"
            continue
        before = history[i - 1]
        if record.get("previous_key_id") != before["key_id"]:
            return f"key {record['key_id']}: previous_key_id is not {before['key_id']}"
        if before["valid_until"] is None or timestamp(before["valid_until"]) != start:
            return f"key {record['key_id']}: valid_from is not when key {before['key_id']} retired"
        try:
            signature = base64.b64decode(record.get("endorsement") or "", validate=True)
            public = load_public_keys([before["public_key_pem"]])[before["key_id"]]
            public.verify(signature, endorsement_message(record))
        except (InvalidSignature, KeyError, TypeError, ValueError, binascii.Error):
            return f"key {record['key_id']}: not endorsed by key {before['key_id']}"
    return None


def validity_problem(history: list, checkpoint: dict) -> str | None:
    """Why the checkpoint's key may not have signed it at its `created_at`, or None."""
    kid = checkpoint.get("key_id")
    record = next((r for r in history if r["key_id"] == kid), None)
    if record is None:
        return f"key {kid} is not in the key history"
    try:
        at = timestamp(checkpoint["created_at"])
        moment = datetime.datetime.fromisoformat(at)
        start = datetime.datetime.fromisoformat(timestamp(record["valid_from"]))
        until = record["valid_until"]
        end = datetime.datetime.fromisoformat(timestamp(until)) if until else None
    except (KeyError, TypeError, ValueError) as exc:
        return f"unreadable time: {exc}"
    if moment < start:
        return f"key {kid} was not valid yet at {at}"
    if end is not None and moment >= end:
        return f"key {kid} was retired at {timestamp(until)}, before {at}"
    return None


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
    history: list | None = None,
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
        whose = "your saved checkpoint" if cp.get("anchor") else "the checkpoint"
        if history is not None and (problem := validity_problem(history, cp)) is not None:
            return Break(
                cp["seq"],
                "key_not_valid",
                None,
                cp.get("key_id"),
                f"{whose} at seq {cp['seq']} is refused: {problem}",
            )
        if not signature_ok(keys, cp):
            return Break(
                cp["seq"],
                "bad_signature",
                None,
                None,
                f"{whose} at seq {cp['seq']} is not signed by the platform key",
            )
        if cp["hash"] != actual:
            return Break(
                cp["seq"],
                "checkpoint_mismatch",
                cp["hash"],
                actual,
                f"the chain's hash at seq {cp['seq']} is not "
                + ("your saved checkpoint's" if cp.get("anchor") else "the signed checkpoint's")
                + ": entries up to it were rewritten",
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
        if row["prev_hash"] != prev or _hash_or_none(row) != row["hash"]:
            other = _renumbered(row)
            if other is not None:
                return result(
                    Break(
                        seq,
                        "sequence_reordered",
                        str(seq),
                        str(other),
                        f"the entry stored at seq {seq} was hashed as entry {other}: entries "
                        "were swapped or renumbered",
                    )
                )
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


def _hash_or_none(row: dict) -> str | None:
    try:
        return row_hash(row["prev_hash"], row)
    except (TypeError, ValueError):
        return None


def _renumbered(row: dict) -> int | None:
    """The seq this entry was hashed under when it is not its stored seq (within 16 of it)."""
    seq = row["seq"]
    for delta in range(1, RENUMBER_WINDOW + 1):
        for other in (seq + delta, seq - delta):
            if other < 1:
                continue
            try:
                if row_hash(row["prev_hash"], dict(row, seq=other)) == row["hash"]:
                    return other
            except (TypeError, ValueError):
                return None
    return None


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
    parser.add_argument(
        "--checkpoints",
        metavar="JSON",
        help="the platform's signed checkpoints (GET /api/audit/ledger/checkpoints)",
    )
    parser.add_argument(
        "--anchors",
        metavar="JSON",
        help="checkpoints you saved earlier (webhook bodies or checkpoint objects; JSON or NDJSON)",
    )
    parser.add_argument(
        "--keys",
        metavar="JSON",
        help="the key history (GET /api/audit/keys); its first key must be a --public-key",
    )
    parser.add_argument(
        "--partial",
        action="store_true",
        help="the export is a contiguous slice that need not start at seq 1",
    )
    args = parser.parse_args(argv)

    checkpoints: list = []
    keys: dict = {}
    history: list | None = None
    try:
        if (args.checkpoints or args.anchors) and not (args.public_key or args.keys):
            parser.error("--checkpoints and --anchors need --public-key or --keys")
        if args.checkpoints:
            with open(args.checkpoints, encoding="utf-8-sig") as fh:
                checkpoints += load_checkpoints(fh.read())
        if args.anchors:
            with open(args.anchors, encoding="utf-8-sig") as fh:
                checkpoints += load_checkpoints(fh.read(), anchors=True)
        # At one seq, your own saved copy is checked before the platform's.
        checkpoints.sort(key=lambda cp: (cp["seq"], not cp.get("anchor")))
        if args.public_key:
            texts = []
            for path in args.public_key:
                with open(path, encoding="ascii") as fh:
                    texts.append(fh.read())
            keys = load_public_keys(texts)
        if args.keys:
            with open(args.keys, encoding="utf-8-sig") as fh:
                history = load_key_history(fh.read())
            problem = history_problem(history, keys)
            if problem is not None:
                print(f"BROKEN key history: {problem}")
                return 1
            keys = load_public_keys(r["public_key_pem"] for r in history)
    except ImportError:
        print("ERROR: checking signatures needs: pip install cryptography", file=sys.stderr)
        return 2
    except (OSError, ValueError) as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 2

    try:
        if args.ledger == "-":
            sys.stdin.reconfigure(encoding="utf-8-sig")  # type: ignore[attr-defined]
            outcome = verify(sys.stdin, checkpoints, keys, partial=args.partial, history=history)
        else:
            with open(args.ledger, encoding="utf-8-sig", newline="") as fh:
                outcome = verify(fh, checkpoints, keys, partial=args.partial, history=history)
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
