"""The tamper-evident ledger as a pure hash chain: no database, no clock, no keys.

Each entry's hash is

    sha256( prev_hash (64 ASCII hex chars) + b"\\n" + canonical_json(event_payload(event)) )

where the first entry's `prev_hash` is `GENESIS` (64 zeros) and `canonical_json` is the seal's
canonical JSON (sorted keys, no whitespace, UTF-8, floats refused). Changing any field of any
stored entry, deleting one, or reordering them breaks the chain at that entry, and `verify`
names it. Deleting the *tail* (the newest entries) leaves a shorter chain that is still valid:
only a signed checkpoint (`signing.Checkpoint`) at a later seq detects it, through
`verify_against_checkpoints`. `scripts/verify_export.py` reimplements this rule with only the
standard library, and a test keeps the two identical.

The format is specified in `docs/audit-ledger.md`.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from openlicense.core.canonical import canonical_json

__all__ = [
    "GENESIS",
    "LEDGER_VERSION",
    "Anchor",
    "Break",
    "BreakReason",
    "LedgerEvent",
    "StoredEntry",
    "append",
    "chain",
    "entry_hash",
    "event_payload",
    "format_timestamp",
    "verify",
    "verify_against_checkpoint",
    "verify_against_checkpoints",
]

GENESIS = "0" * 64
"""The `prev_hash` of the first entry."""

LEDGER_VERSION = 1
"""Hashed into every entry as `"v"`, so a future change of the rule cannot be confused with it."""


def format_timestamp(value: datetime.datetime) -> str:
    """The one serialisation of a ledger timestamp: UTC, microseconds, `+00:00`
    (`2026-11-23T09:00:00.000000+00:00`). Naive datetimes are refused: they are ambiguous."""
    if not isinstance(value, datetime.datetime):
        raise TypeError(f"expected a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("ledger timestamps must be timezone-aware (UTC)")
    return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class LedgerEvent:
    """One auditable fact. `data` must be JSON-able without floats (money as int minor units,
    rates as decimal strings, dates as ISO strings): `canonical_json` refuses anything else."""

    seq: int
    """1, 2, 3 … with no gaps."""
    occurred_at: datetime.datetime
    """Timezone-aware; hashed as `format_timestamp(occurred_at)`."""
    action: str
    """Dotted: `declaration.published`, `agreement.status_changed`, `payment.recorded` …"""
    subject_type: str
    subject_id: str
    actor_id: str | None
    data: dict[str, Any]

    def __post_init__(self) -> None:
        if isinstance(self.seq, bool) or not isinstance(self.seq, int):
            raise TypeError(f"seq must be an int, got {type(self.seq).__name__}")
        format_timestamp(self.occurred_at)  # refuses naive datetimes early, where the bug is


def event_payload(event: LedgerEvent) -> dict[str, Any]:
    """The exact dict whose canonical JSON is hashed."""
    return {
        "v": LEDGER_VERSION,
        "seq": event.seq,
        "occurred_at": format_timestamp(event.occurred_at),
        "action": event.action,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "actor_id": event.actor_id,
        "data": event.data,
    }


def entry_hash(prev_hash: str, event: LedgerEvent) -> str:
    """SHA-256 (lowercase hex) of `prev_hash` (ASCII) + `\\n` + the event's canonical JSON.

    Raises `TypeError`/`ValueError` if the event cannot be serialised canonically (a float or a
    non-JSON value in `data`) or `prev_hash` is not ASCII."""
    digest = hashlib.sha256(prev_hash.encode("ascii"))
    digest.update(b"\n")
    digest.update(canonical_json(event_payload(event)))
    return digest.hexdigest()


@dataclass(frozen=True)
class StoredEntry:
    event: LedgerEvent
    prev_hash: str
    hash: str


def chain(events: Iterable[LedgerEvent], prev_hash: str = GENESIS) -> Iterator[StoredEntry]:
    """Link events into entries, lazily. Seqs must be consecutive (`ValueError` otherwise); pass
    the last stored hash as `prev_hash` to continue an existing chain."""
    last_seq: int | None = None
    for event in events:
        if last_seq is not None and event.seq != last_seq + 1:
            raise ValueError(f"seq {event.seq} does not follow seq {last_seq}")
        digest = entry_hash(prev_hash, event)
        yield StoredEntry(event=event, prev_hash=prev_hash, hash=digest)
        prev_hash, last_seq = digest, event.seq


def append(last: StoredEntry | None, event: LedgerEvent) -> StoredEntry:
    """The entry that follows `last` (or starts the ledger at seq 1 when `last` is None).

    The caller must serialise appends (lock the last row, or a unique constraint on seq and a
    retry), or two transactions would both link to the same predecessor."""
    expected_seq = 1 if last is None else last.event.seq + 1
    if event.seq != expected_seq:
        raise ValueError(f"the next entry must have seq {expected_seq}, got {event.seq}")
    prev_hash = GENESIS if last is None else last.hash
    return StoredEntry(event=event, prev_hash=prev_hash, hash=entry_hash(prev_hash, event))


# --- verification ------------------------------------------------------------------------------

BreakReason = Literal[
    "hash_mismatch",
    "prev_hash_mismatch",
    "sequence_gap",
    "sequence_reordered",
    "checkpoint_mismatch",
    "bad_signature",
    "key_not_valid",
]


@dataclass(frozen=True)
class Break:
    """The first broken entry.

    - `hash_mismatch` at seq k: entry k's stored hash is not the hash of its content — k was
      edited (`expected` is the recomputed hash, `found` the stored one).
    - `prev_hash_mismatch` at seq k: entry k does not link to entry k-1's hash — k's `prev_hash`
      was edited, or k-1 was edited *and* rehashed.
    - `sequence_gap` at seq k: the entries before k (from `expected`) are missing.
    - `sequence_reordered` at seq k: the entry at position k carries seq `found` (entries
      swapped or moved in a file, or a duplicated seq), or the entry stored at seq k was hashed
      as entry `found` (seqs swapped or renumbered in the database).
    - `checkpoint_mismatch` at seq k: the chain's hash at k differs from the signed checkpoint's,
      or (`found` None) the chain ends before the checkpoint: entries from k on were removed.
    - `bad_signature` at seq k: the checkpoint at k is not signed by the platform's key.
    - `key_not_valid` at seq k: the checkpoint at k is signed by a key that was not valid at
      its `created_at` (retired, not yet valid, or not in the key history).
    """

    seq: int
    reason: BreakReason
    expected: str | None
    found: str | None
    detail: str


class Anchor(Protocol):
    """What the chain needs of a checkpoint: the hash the chain must have at `seq`."""

    @property
    def seq(self) -> int: ...
    @property
    def hash(self) -> str: ...


def verify(
    entries: Iterable[StoredEntry], *, start_prev_hash: str = GENESIS, start_seq: int = 1
) -> Break | None:
    """Recompute the chain and return its first broken entry, or None if it is intact.

    Streaming, O(1) memory: feed it a server-side cursor ordered by seq. To verify from a
    trusted checkpoint rather than from genesis, pass the checkpoint's hash and seq + 1.
    A missing tail is not a break here (see `verify_against_checkpoints`)."""
    return verify_against_checkpoints(
        entries, (), start_prev_hash=start_prev_hash, start_seq=start_seq
    )


def verify_against_checkpoint(
    entries: Iterable[StoredEntry],
    checkpoint: Anchor,
    *,
    signature_ok: Callable[[Any], bool] | None = None,
    start_prev_hash: str = GENESIS,
    start_seq: int = 1,
) -> Break | None:
    """`verify`, and the chain's hash at `checkpoint.seq` must equal `checkpoint.hash`: this is
    what detects a deleted tail."""
    return verify_against_checkpoints(
        entries,
        (checkpoint,),
        signature_ok=signature_ok,
        start_prev_hash=start_prev_hash,
        start_seq=start_seq,
    )


def verify_against_checkpoints(
    entries: Iterable[StoredEntry],
    checkpoints: Iterable[Anchor],
    *,
    signature_ok: Callable[[Any], bool] | None = None,
    start_prev_hash: str = GENESIS,
    start_seq: int = 1,
    key_ok: Callable[[Any], str | None] | None = None,
) -> Break | None:
    """`verify`, plus every checkpoint: the chain must reach its seq with its hash.

    `signature_ok(checkpoint)` (see `signing.verify_ledger`) is checked when the chain reaches the
    checkpoint, so the break reported is always the lowest one. A checkpoint at
    `start_seq - 1` must carry `start_prev_hash`; earlier ones are not covered and are skipped."""
    anchors = _Anchors(checkpoints, signature_ok, key_ok)
    if brk := anchors.skip_before(start_seq, start_prev_hash):
        return brk
    expected_seq, prev = start_seq, start_prev_hash
    stream = iter(entries)
    for entry in stream:
        seq = entry.event.seq
        if seq != expected_seq:
            return _sequence_break(expected_seq, seq, stream)
        actual, brk = _check_entry(entry, prev)
        if brk is None:
            brk = anchors.reached(seq, actual)
        if brk is not None:
            return brk
        prev, expected_seq = actual, seq + 1
    return anchors.beyond_end(expected_seq)


RENUMBER_WINDOW = 16
"""How far from its position a renumbered entry's true seq is looked for (on failure only)."""


def _renumbered(entry: StoredEntry) -> int | None:
    """The seq this entry's content was hashed under, when it is not the seq it is stored at and
    lies within `RENUMBER_WINDOW` of it: the entry was moved (seqs swapped or renumbered)."""
    seq = entry.event.seq
    for delta in range(1, RENUMBER_WINDOW + 1):
        for other in (seq + delta, seq - delta):
            if other < 1:
                continue
            moved = LedgerEvent(
                seq=other,
                occurred_at=entry.event.occurred_at,
                action=entry.event.action,
                subject_type=entry.event.subject_type,
                subject_id=entry.event.subject_id,
                actor_id=entry.event.actor_id,
                data=entry.event.data,
            )
            try:
                if entry_hash(entry.prev_hash, moved) == entry.hash:
                    return other
            except (TypeError, ValueError):
                return None
    return None


def _check_entry(entry: StoredEntry, prev: str) -> tuple[str, Break | None]:
    """Entry `seq` links to `prev` and its content hashes to its stored hash."""
    seq = entry.event.seq
    broken = entry.prev_hash != prev or entry_hash_or_none(entry) != entry.hash
    if broken and (other := _renumbered(entry)) is not None:
        return "", Break(
            seq,
            "sequence_reordered",
            str(seq),
            str(other),
            f"the entry stored at seq {seq} was hashed as entry {other}: entries were "
            "swapped or renumbered",
        )
    if entry.prev_hash != prev:
        return "", Break(
            seq,
            "prev_hash_mismatch",
            prev,
            entry.prev_hash,
            f"entry {seq} does not link to entry {seq - 1}'s hash: its prev_hash was "
            f"altered, or entry {seq - 1} was altered and rehashed",
        )
    try:
        actual = entry_hash(entry.prev_hash, entry.event)
    except (TypeError, ValueError) as exc:
        return "", Break(
            seq, "hash_mismatch", None, entry.hash, f"entry {seq} cannot be hashed: {exc}"
        )
    if actual != entry.hash:
        return actual, Break(
            seq,
            "hash_mismatch",
            actual,
            entry.hash,
            f"entry {seq}'s content does not match its hash: it was altered",
        )
    return actual, None


def entry_hash_or_none(entry: StoredEntry) -> str | None:
    try:
        return entry_hash(entry.prev_hash, entry.event)
    except (TypeError, ValueError):
        return None


class _Anchors:
    """The signed checkpoints, consumed in seq order as the chain reaches them."""

    def __init__(
        self,
        checkpoints: Iterable[Anchor],
        signature_ok: Callable[[Any], bool] | None,
        key_ok: Callable[[Any], str | None] | None = None,
    ) -> None:
        self.pending: list[Anchor] = sorted(checkpoints, key=lambda cp: cp.seq)
        self.signature_ok = signature_ok
        self.key_ok = key_ok
        self.i = 0

    def unsigned(self, anchor: Anchor) -> Break | None:
        if self.key_ok is not None and (problem := self.key_ok(anchor)) is not None:
            return Break(
                anchor.seq,
                "key_not_valid",
                None,
                getattr(anchor, "key_id", None),
                f"the checkpoint at seq {anchor.seq} is refused: {problem}",
            )
        if self.signature_ok is None or self.signature_ok(anchor):
            return None
        return Break(
            anchor.seq,
            "bad_signature",
            None,
            None,
            f"the checkpoint at seq {anchor.seq} is not signed by the platform key",
        )

    def check(self, anchor: Anchor, actual: str) -> Break | None:
        if brk := self.unsigned(anchor):
            return brk
        if anchor.hash != actual:
            return Break(
                anchor.seq,
                "checkpoint_mismatch",
                anchor.hash,
                actual,
                f"the chain's hash at seq {anchor.seq} is not the signed checkpoint's: "
                "entries up to it were rewritten",
            )
        return None

    def skip_before(self, start_seq: int, start_prev_hash: str) -> Break | None:
        while self.i < len(self.pending) and self.pending[self.i].seq < start_seq:
            anchor = self.pending[self.i]
            if anchor.seq == start_seq - 1 and (brk := self.check(anchor, start_prev_hash)):
                return brk
            self.i += 1
        return None

    def reached(self, seq: int, actual: str) -> Break | None:
        while self.i < len(self.pending) and self.pending[self.i].seq == seq:
            if brk := self.check(self.pending[self.i], actual):
                return brk
            self.i += 1
        return None

    def beyond_end(self, next_seq: int) -> Break | None:
        """A checkpoint the chain never reached: its tail was removed."""
        if self.i >= len(self.pending):
            return None
        anchor = self.pending[self.i]
        if brk := self.unsigned(anchor):
            return brk
        return Break(
            next_seq,
            "checkpoint_mismatch",
            anchor.hash,
            None,
            f"the ledger ends at seq {next_seq - 1} but a checkpoint is signed at seq "
            f"{anchor.seq}: the entries from seq {next_seq} on were removed",
        )


def _sequence_break(expected: int, found: int, rest: Iterator[StoredEntry]) -> Break:
    """Tell a gap from a reordering. Only on failure, the rest of the stream is scanned for the
    missing seqs (in O(1) memory): if one turns up later, the entries were reordered."""
    if found > expected:
        if any(expected <= entry.event.seq < found for entry in rest):
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
