"""The standalone verifier for IP offices (verifier/olverify.py: one file, standard library +
`cryptography`): an export checked against the platform's checkpoints, the key history and the
office's own saved anchors; the first break reported with its seq and reason as documented
(docs/audit-ledger.md §6). No database: the chain is built here with the package's own code."""

from __future__ import annotations

import datetime
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from openlicense.audit.chain import LedgerEvent, StoredEntry, chain
from openlicense.audit.exports import ledger_export_row
from openlicense.audit.keyring import endorse, first_key, record_to_dict
from openlicense.audit.signing import checkpoint_to_dict, public_key_pem, sign_checkpoint

VERIFIER = Path(__file__).resolve().parents[2] / "verifier" / "olverify.py"
T0 = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("olverify", VERIFIER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["olverify"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


olverify = _load()


def _events(n: int, *, edited: int | None = None) -> list[LedgerEvent]:
    return [
        LedgerEvent(
            seq=i,
            occurred_at=T0 + datetime.timedelta(minutes=i),
            action="payment.succeeded",
            subject_type="agreement",
            subject_id=f"agreement-{i}",
            actor_id=None,
            data={"amount_minor": 1 if i == edited else 500_000 + i, "currency": "CNY"},
        )
        for i in range(1, n + 1)
    ]


class Platform:
    """A ledger of 8 entries; key 1 signs at seq 4, is rotated, key 2 signs at seq 8."""

    def __init__(self) -> None:
        self.k1, self.k2 = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
        self.rotated = T0 + datetime.timedelta(hours=1)
        self.entries = list(chain(_events(8)))
        first = first_key(self.k1.public_key(), T0)
        second = endorse(self.k1, self.k2.public_key(), self.rotated)
        self.keys = [
            dict(record_to_dict(first), valid_until=record_to_dict(second)["valid_from"]),
            record_to_dict(second),
        ]
        self.checkpoints = [
            self.sign(self.k1, 4, T0 + datetime.timedelta(minutes=30)),
            self.sign(self.k2, 8, self.rotated + datetime.timedelta(minutes=30)),
        ]

    def sign(self, key: Ed25519PrivateKey, seq: int, at: datetime.datetime) -> dict[str, Any]:
        entry = self.entries[seq - 1]
        return checkpoint_to_dict(sign_checkpoint(key, seq=seq, hash=entry.hash, created_at=at))


def _write(tmp_path: Path, name: str, content: Any) -> str:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_text(json.dumps(content), encoding="utf-8")
    return str(path)


def _export(entries: list[StoredEntry]) -> str:
    return "".join(json.dumps(ledger_export_row(e), ensure_ascii=False) + "\n" for e in entries)


def _run(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    platform: Platform,
    *,
    entries: list[StoredEntry] | None = None,
    checkpoints: Any = None,
    anchors: Any = None,
    keys: Any = None,
    pin: Ed25519PrivateKey | None = None,
) -> tuple[int, str]:
    argv = [_write(tmp_path, "ledger.ndjson", _export(entries or platform.entries))]
    argv += ["--public-key", _write(tmp_path, "first.pem", public_key_pem(pin or platform.k1))]
    argv += ["--keys", _write(tmp_path, "keys.json", {"items": keys or platform.keys})]
    served = platform.checkpoints if checkpoints is None else checkpoints
    argv += ["--checkpoints", _write(tmp_path, "cps.json", {"items": served, "next_cursor": None})]
    if anchors is not None:
        argv += ["--anchors", _write(tmp_path, "anchors.json", anchors)]
    code = olverify.main(argv)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.fixture
def platform() -> Platform:
    return Platform()


def test_an_intact_export_verifies_against_checkpoints_keys_and_anchors(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, platform: Platform
) -> None:
    code, out = _run(capsys, tmp_path, platform, anchors=platform.checkpoints[:1])
    assert code == 0, out
    assert out.startswith("OK: 8 entries")
    assert "3 checkpoints verified" in out


def test_a_chain_rebuilt_after_a_checkpoint_is_caught_by_the_offices_anchor(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, platform: Platform
) -> None:
    """Whoever holds the current key edits entry 3, rehashes every later entry and signs the
    rebuilt chain again: the platform's own checkpoints then agree with the forgery; the copy of
    checkpoint 4 the office saved when it was pushed does not."""
    forged = Platform.__new__(Platform)
    forged.__dict__.update(platform.__dict__)
    forged.entries = list(chain(_events(8, edited=3)))
    later = platform.rotated + datetime.timedelta(hours=2)
    resigned = [forged.sign(platform.k2, 4, later), forged.sign(platform.k2, 8, later)]

    code, out = _run(capsys, tmp_path, forged, checkpoints=resigned)
    assert code == 0, "without the office's own copy the rewrite is invisible"

    saved = [{"type": "ledger.checkpoint", "seq": 4, "checkpoint": platform.checkpoints[0]}]
    code, out = _run(
        capsys, tmp_path, forged, checkpoints=resigned, anchors="\n".join(map(json.dumps, saved))
    )
    assert code == 1
    assert out.splitlines()[0] == (
        "BROKEN at seq 4: checkpoint_mismatch: the chain's hash at seq 4 is not your saved "
        "checkpoint's: entries up to it were rewritten"
    )


def test_a_checkpoint_under_a_retired_key_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, platform: Platform
) -> None:
    late = platform.sign(platform.k1, 8, platform.rotated + datetime.timedelta(minutes=5))
    code, out = _run(capsys, tmp_path, platform, checkpoints=[platform.checkpoints[0], late])
    assert code == 1
    assert out.startswith("BROKEN at seq 8: key_not_valid: the checkpoint at seq 8 is refused:")
    assert "was retired at" in out


def test_a_key_history_not_endorsed_or_not_pinned_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, platform: Platform
) -> None:
    stranger = Ed25519PrivateKey.generate()
    swapped = [
        platform.keys[0],
        record_to_dict(endorse(stranger, platform.k2.public_key(), platform.rotated)),
    ]
    swapped[1]["previous_key_id"] = platform.keys[0]["key_id"]
    code, out = _run(capsys, tmp_path, platform, keys=swapped)
    assert (code, out.strip()) == (
        1,
        f"BROKEN key history: key {platform.keys[1]['key_id']}: not endorsed by key "
        f"{platform.keys[0]['key_id']}",
    )
    code, out = _run(capsys, tmp_path, platform, pin=stranger)
    assert code == 1 and "is not a key you pinned" in out


def test_swapped_entries_are_reported_as_reordered(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, platform: Platform
) -> None:
    moved = list(platform.entries)
    a, b = moved[4], moved[5]  # seq 5 and 6 exchange their seq numbers (a database swap)
    moved[4] = StoredEntry(
        event=LedgerEvent(**{**b.event.__dict__, "seq": 5}), prev_hash=b.prev_hash, hash=b.hash
    )
    moved[5] = StoredEntry(
        event=LedgerEvent(**{**a.event.__dict__, "seq": 6}), prev_hash=a.prev_hash, hash=a.hash
    )
    code, out = _run(capsys, tmp_path, platform, entries=moved)
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("BROKEN at seq 5: sequence_reordered:")
    assert lines[1:3] == ["  expected: 5", "  found:    6"]


def test_a_removed_tail_is_caught_by_a_checkpoint(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, platform: Platform
) -> None:
    code, out = _run(capsys, tmp_path, platform, entries=platform.entries[:6])
    assert code == 1
    assert out.startswith("BROKEN at seq 7: checkpoint_mismatch: the ledger ends at seq 6")
