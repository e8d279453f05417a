"""Streaming CSV / NDJSON exports, the ledger export format and the offline verifier script."""

from __future__ import annotations

import ast
import csv
import dataclasses
import datetime
import importlib.util
import io
import json
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Callable
from decimal import Decimal
from enum import Enum, StrEnum
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings, strategies as st

from openlicense.audit.chain import GENESIS, LedgerEvent, StoredEntry, chain, entry_hash, verify
from openlicense.audit.exports import (
    LEDGER_COLUMNS,
    csv_stream,
    entries_from_ndjson,
    ledger_export_row,
    ndjson_line,
    ndjson_stream,
)
from openlicense.audit.signing import (
    checkpoint_message,
    checkpoint_to_dict,
    public_key_pem,
    sign_checkpoint,
    verify_ledger,
)

SCRIPT = Path(__file__).resolve().parents[2] / "verifier" / "olverify.py"
T0 = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)
KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))  # a test key


async def collect(stream: AsyncIterator[bytes]) -> list[bytes]:
    return [chunk async for chunk in stream]


async def agen(rows: list[dict[str, Any]]) -> AsyncIterator[dict[str, Any]]:
    for row in rows:
        yield row


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("verify_export_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


script = load_script()


def make_entries(n: int) -> list[StoredEntry]:
    events = (
        LedgerEvent(
            seq=seq,
            occurred_at=T0 + datetime.timedelta(minutes=seq, microseconds=seq),
            action=("agreement.created", "payment.recorded", "recording.filed")[seq % 3],
            subject_type="agreement",
            subject_id=f"agr-{seq}",
            actor_id=None if seq % 4 == 0 else f"user-{seq}",
            data={
                "enterprise": '杭州某某科技有限公司, "高新"\n第二行',
                "amount_minor": seq * 100,
                "rate": "0.035",
                "items": [1, "二", None],
            },
        )
        for seq in range(1, n + 1)
    )
    return list(chain(events))


# --- CSV ---------------------------------------------------------------------------------------


class Colour(Enum):
    RED = "red"


class Status(StrEnum):
    ACTIVE = "ACTIVE"


async def test_csv_round_trips_chinese_commas_quotes_and_newlines() -> None:
    tricky = [
        "浙江大学",
        'a "quoted", comma',
        "line one\nline two\r\nline three",
        "  leading and trailing  ",
        "",
        "😀 emoji",
    ]
    rows = [{"name": value, "n": i} for i, value in enumerate(tricky)]
    data = b"".join(await collect(csv_stream(agen(rows), ["n", "name"])))
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    parsed = list(csv.reader(io.StringIO(text, newline="")))
    assert parsed[0] == ["n", "name"]
    assert parsed[1:] == [[str(i), value] for i, value in enumerate(tricky)]
    assert text.splitlines(keepends=True)[0].endswith("\r\n")


async def test_csv_cell_formats() -> None:
    row = {
        "none": None,
        "date": datetime.date(2026, 11, 23),
        "datetime": T0,
        "decimal": Decimal("1E+2"),
        "small": Decimal("0.0000001"),
        "rate": Decimal("0.0350"),
        "bool": True,
        "int": 12345678901234567890,
        "list": ["G06F", "H01M", 3],
        "dict": {"b": 1, "a": "二"},
        "uuid": uuid.UUID(int=1),
        "enum": Colour.RED,
        "strenum": Status.ACTIVE,
    }
    columns = [*row, "missing"]
    data = b"".join(await collect(csv_stream([row], columns)))
    _, values = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert dict(zip(columns, values, strict=True)) == {
        "none": "",
        "date": "2026-11-23",
        "datetime": "2026-11-23T09:00:00+00:00",
        "decimal": "100",
        "small": "0.0000001",
        "rate": "0.0350",
        "bool": "true",
        "int": "12345678901234567890",
        "list": "G06F;H01M;3",
        "dict": '{"a":"二","b":1}',
        "uuid": "00000000-0000-0000-0000-000000000001",
        "enum": "red",
        "strenum": "ACTIVE",
        "missing": "",
    }


async def test_csv_with_no_rows_is_bom_and_header() -> None:
    chunks = await collect(csv_stream(agen([]), ["a", "b"]))
    assert b"".join(chunks) == b"\xef\xbb\xbfa,b\r\n"
    assert b"".join(await collect(csv_stream([], ["a"], bom=False))) == b"a\r\n"


async def test_csv_formula_neutralising_is_opt_in() -> None:
    rows = [{"name": '=HYPERLINK("http://x")', "n": -5}, {"name": "@SUM(A1)", "n": 1}]
    plain = b"".join(await collect(csv_stream(rows, ["name", "n"]))).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(plain)))[1][0] == '=HYPERLINK("http://x")'
    guarded = b"".join(
        await collect(csv_stream(rows, ["name", "n"], neutralise_formulas=True))
    ).decode("utf-8-sig")
    parsed = list(csv.reader(io.StringIO(guarded)))
    assert parsed[1] == ['\'=HYPERLINK("http://x")', "-5"]  # numbers are left alone
    assert parsed[2] == ["'@SUM(A1)", "1"]


# --- NDJSON ------------------------------------------------------------------------------------


async def test_ndjson_lines_parse() -> None:
    rows = [
        {
            "id": uuid.UUID(int=2),
            "name": "清华大学 \u2028 separator",
            "amount": Decimal("12.50"),
            "on": datetime.date(2026, 1, 2),
            "at": T0,
            "tags": ("a", "b"),
            "status": Status.ACTIVE,
            "nested": {"set": {3, 1, 2}},
            "none": None,
        },
        {"id": 1},
    ]
    data = b"".join(await collect(ndjson_stream(agen(rows))))
    assert data.endswith(b"\n")
    assert "清华大学".encode() in data  # not \u-escaped
    lines = data.decode("utf-8").split("\n")[:-1]
    assert len(lines) == 2
    assert "\u2028" not in data.decode()
    assert len("".join(lines).splitlines()) == 2 - 1  # splitlines() cannot break a line apart
    first = json.loads(lines[0])
    assert first == {
        "id": "00000000-0000-0000-0000-000000000002",
        "name": "清华大学 \u2028 separator",
        "amount": "12.50",
        "on": "2026-01-02",
        "at": "2026-11-23T09:00:00+00:00",
        "tags": ["a", "b"],
        "status": "ACTIVE",
        "nested": {"set": [1, 2, 3]},
        "none": None,
    }
    assert list(first) == list(rows[0])  # keys in row order
    assert json.loads(lines[1]) == {"id": 1}


async def test_ndjson_refuses_what_it_cannot_represent() -> None:
    with pytest.raises(TypeError):
        await collect(ndjson_stream([{"blob": object()}]))
    with pytest.raises(ValueError):
        await collect(ndjson_stream([{"x": float("nan")}]))


# --- chunking and laziness --------------------------------------------------------------------

FORMATS: dict[str, Callable[[Any], AsyncIterator[bytes]]] = {
    "csv": lambda rows: csv_stream(rows, ["seq", "title", "amount"], chunk_size=4096),
    "ndjson": lambda rows: ndjson_stream(rows, chunk_size=4096),
}


@pytest.mark.parametrize("fmt", FORMATS)
async def test_large_input_arrives_in_bounded_chunks_and_lazily(fmt: str) -> None:
    total, consumed = 5000, 0
    consumed_at_first_chunk: int | None = None

    async def rows() -> AsyncIterator[dict[str, Any]]:
        nonlocal consumed
        for seq in range(total):
            consumed += 1
            yield {"seq": seq, "title": f"一种电池的制造方法 {seq}", "amount": Decimal(seq)}

    chunks = []
    async for chunk in FORMATS[fmt](rows()):
        if consumed_at_first_chunk is None:
            consumed_at_first_chunk = consumed
        chunks.append(chunk)
    assert len(chunks) > 10
    assert consumed_at_first_chunk is not None and consumed_at_first_chunk < total // 10
    assert all(4096 <= len(c) < 4096 + 200 for c in chunks[:-1])
    whole = b"".join(chunks)
    reference = b"".join(await collect(FORMATS[fmt](agen([]))))  # header only, for csv
    assert whole.startswith(reference)
    if fmt == "ndjson":
        assert [json.loads(line)["seq"] for line in whole.splitlines()] == list(range(total))
    else:
        parsed = list(csv.reader(io.StringIO(whole.decode("utf-8-sig"), newline="")))
        assert [int(r[0]) for r in parsed[1:]] == list(range(total))


async def test_default_chunks_are_about_64_kib() -> None:
    rows = ({"seq": i, "text": "专利开放许可" * 10} for i in range(20_000))
    chunks = await collect(ndjson_stream(rows))
    assert len(chunks) > 5
    assert all(64 * 1024 <= len(c) < 65 * 1024 for c in chunks[:-1])


# --- the ledger export -------------------------------------------------------------------------


def test_ledger_export_row() -> None:
    entry = make_entries(1)[0]
    row = ledger_export_row(entry)
    assert tuple(row) == LEDGER_COLUMNS
    assert row["occurred_at"] == "2026-11-23T09:01:00.000001+00:00"
    assert row["data"] is entry.event.data
    assert (row["prev_hash"], row["hash"]) == (GENESIS, entry.hash)


async def test_ledger_ndjson_reads_back_and_verifies() -> None:
    entries = make_entries(50)
    data = b"".join(await collect(ndjson_stream(map(ledger_export_row, entries))))
    lines = io.StringIO(data.decode("utf-8"))
    back = list(entries_from_ndjson(lines))
    assert back == entries
    assert verify(back) is None


async def test_ledger_csv_carries_data_as_json() -> None:
    entries = make_entries(3)
    data = b"".join(await collect(csv_stream(map(ledger_export_row, entries), LEDGER_COLUMNS)))
    parsed = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert [int(r["seq"]) for r in parsed] == [1, 2, 3]
    assert json.loads(parsed[0]["data"]) == entries[0].event.data
    assert parsed[3 - 1]["hash"] == entries[2].hash
    assert parsed[0]["actor_id"] == "user-1"


def test_entries_from_ndjson_skips_bom_and_blank_lines_and_names_bad_lines() -> None:
    rows = [ndjson_line(ledger_export_row(e)).decode().rstrip("\n") for e in make_entries(2)]
    assert len(list(entries_from_ndjson(["\ufeff" + rows[0] + "\n", "\n", rows[1]]))) == 2
    for bad, message in [
        ("{not json", "line 2: not JSON"),
        ("[1, 2]", "line 2: not a JSON object"),
        ('{"seq": 2}', "line 2: missing"),
        (rows[1].replace('"seq":2', '"seq":"2"'), "line 2: seq must be an int"),
        (rows[1].replace("+00:00", ""), "line 2: .*timezone"),
    ]:
        with pytest.raises(ValueError, match=message):
            list(entries_from_ndjson([rows[0], bad]))


# --- the offline verifier: the same rule --------------------------------------------------------


def test_the_script_imports_only_the_standard_library_and_cryptography() -> None:
    tree = ast.parse(SCRIPT.read_text(encoding="utf-8"))
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0
            modules.add((node.module or "").split(".")[0])
    allowed = set(sys.stdlib_module_names) | {"__future__", "cryptography"}
    assert modules <= allowed, modules - allowed


texts = st.text(st.characters(codec="utf-8"), max_size=10)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**30), 10**30) | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=8,
)
events = st.builds(
    LedgerEvent,
    seq=st.integers(1, 10**12),
    occurred_at=st.datetimes(
        min_value=datetime.datetime(1971, 1, 1),
        max_value=datetime.datetime(2200, 1, 1),
        timezones=st.sampled_from([datetime.UTC, datetime.timezone(datetime.timedelta(hours=8))]),
    ),
    action=texts,
    subject_type=texts,
    subject_id=texts,
    actor_id=st.none() | texts,
    data=st.dictionaries(texts, json_values, max_size=4),
)
hashes = st.text("0123456789abcdef", min_size=64, max_size=64)


@given(events, hashes)
@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
def test_the_script_hashes_exactly_like_the_chain(event: LedgerEvent, prev_hash: str) -> None:
    expected = entry_hash(prev_hash, event)
    entry = StoredEntry(event=event, prev_hash=prev_hash, hash=expected)
    exported = json.loads(
        json.dumps(ledger_export_row(entry), ensure_ascii=False)  # as the file carries it
    )
    assert script.row_hash(prev_hash, exported) == expected


@given(st.integers(1, 10**12), hashes, st.datetimes(timezones=st.just(datetime.UTC)))
@settings(max_examples=200)
def test_the_script_checks_the_same_checkpoint_message(
    seq: int, digest: str, created_at: datetime.datetime
) -> None:
    cp = sign_checkpoint(KEY, seq=seq, hash=digest, created_at=created_at)
    data = checkpoint_to_dict(cp)
    assert script.checkpoint_message(
        data["seq"], data["hash"], data["created_at"], data["key_id"]
    ) == checkpoint_message(seq, digest, created_at, cp.key_id)
    keys = script.load_public_keys([public_key_pem(KEY)])
    assert script.signature_ok(keys, data)


def _lines(entries: list[StoredEntry]) -> list[str]:
    return [ndjson_line(ledger_export_row(e)).decode() for e in entries]


def _rehash(entry: StoredEntry) -> StoredEntry:
    return dataclasses.replace(entry, hash=entry_hash(entry.prev_hash, entry.event))


def _edit(entry: StoredEntry, **changes: Any) -> StoredEntry:
    return dataclasses.replace(entry, event=dataclasses.replace(entry.event, **changes))


TAMPERS: dict[str, Callable[[list[StoredEntry]], list[StoredEntry]]] = {
    "intact": lambda es: es,
    "edit data": lambda es: [*es[:4], _edit(es[4], data={"amount_minor": 1}), *es[5:]],
    "edit time": lambda es: [
        *es[:4],
        _edit(es[4], occurred_at=es[4].event.occurred_at + datetime.timedelta(seconds=1)),
        *es[5:],
    ],
    "edit and rehash": lambda es: [*es[:4], _rehash(_edit(es[4], actor_id="x")), *es[5:]],
    "edit last and rehash": lambda es: [*es[:-1], _rehash(_edit(es[-1], actor_id="x"))],
    "delete": lambda es: [*es[:4], *es[5:]],
    "swap": lambda es: [*es[:4], es[5], es[4], *es[6:]],
    "move": lambda es: [*es[:2], *es[3:], es[2]],
    "duplicate": lambda es: [*es[:5], es[4], *es[5:]],
    "prev_hash": lambda es: [*es[:4], dataclasses.replace(es[4], prev_hash="1" * 64), *es[5:]],
    "truncate": lambda es: es[:9],
    "empty": lambda es: [],
}


@pytest.mark.parametrize("tamper", TAMPERS)
def test_the_script_and_the_package_name_the_same_break(tamper: str) -> None:
    entries = make_entries(12)
    cps = [sign_checkpoint(KEY, seq=s, hash=entries[s - 1].hash, created_at=T0) for s in (6, 12)]
    tampered = TAMPERS[tamper](list(entries))
    ours = verify_ledger(tampered, cps, public_key_pem(KEY))
    keys = script.load_public_keys([public_key_pem(KEY)])
    theirs = script.verify(_lines(tampered), [checkpoint_to_dict(c) for c in cps], keys).broken
    if ours is None:
        assert theirs is None
    else:
        assert theirs is not None
        assert (theirs.seq, theirs.reason, theirs.expected, theirs.found) == (
            ours.seq,
            ours.reason,
            ours.expected,
            ours.found,
        )
        assert theirs.detail == ours.detail


# --- the offline verifier: as an IP office runs it ---------------------------------------------


@pytest.fixture
def export(tmp_path: Path) -> dict[str, Path]:
    entries = make_entries(30)
    cps = [
        sign_checkpoint(KEY, seq=s, hash=entries[s - 1].hash, created_at=T0) for s in (10, 20, 30)
    ]
    ledger = tmp_path / "ledger.ndjson"
    ledger.write_text("".join(_lines(entries)), encoding="utf-8")
    pem = tmp_path / "platform.pem"
    pem.write_text(public_key_pem(KEY), encoding="ascii")
    checkpoints = tmp_path / "checkpoints.json"
    checkpoints.write_text(json.dumps([checkpoint_to_dict(c) for c in cps]), encoding="utf-8")
    return {"ledger": ledger, "pem": pem, "checkpoints": checkpoints, "last": entries[-1].hash}


def run_script(*args: str | Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        input=stdin,
        check=False,
    )


def test_the_script_says_ok(export: dict[str, Path]) -> None:
    result = run_script(
        export["ledger"], "--public-key", export["pem"], "--checkpoints", export["checkpoints"]
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == (
        f"OK: 30 entries, last hash {export['last']}, 3 checkpoints verified"
    )


def test_the_script_names_a_tampered_entry(export: dict[str, Path]) -> None:
    lines = export["ledger"].read_text(encoding="utf-8").splitlines(keepends=True)
    assert '"amount_minor":1700,' in lines[16]
    lines[16] = lines[16].replace('"amount_minor":1700', '"amount_minor":170')
    export["ledger"].write_text("".join(lines), encoding="utf-8")
    result = run_script(
        export["ledger"], "--public-key", export["pem"], "--checkpoints", export["checkpoints"]
    )
    assert result.returncode == 1
    assert result.stdout.startswith("BROKEN at seq 17: hash_mismatch")


def test_the_script_names_a_deleted_entry_and_reads_stdin(export: dict[str, Path]) -> None:
    lines = export["ledger"].read_text(encoding="utf-8").splitlines(keepends=True)
    del lines[4]
    result = run_script("-", stdin="".join(lines))
    assert result.returncode == 1
    assert result.stdout.startswith("BROKEN at seq 6: sequence_gap")


def test_the_script_detects_a_truncated_tail_only_with_checkpoints(
    export: dict[str, Path],
) -> None:
    lines = export["ledger"].read_text(encoding="utf-8").splitlines(keepends=True)
    export["ledger"].write_text("".join(lines[:25]), encoding="utf-8")
    result = run_script(export["ledger"])
    assert result.returncode == 0
    assert "cannot be detected" in result.stderr
    result = run_script(
        export["ledger"], "--public-key", export["pem"], "--checkpoints", export["checkpoints"]
    )
    assert result.returncode == 1
    assert result.stdout.startswith("BROKEN at seq 26: checkpoint_mismatch")


def test_the_script_rejects_a_forged_checkpoint(export: dict[str, Path], tmp_path: Path) -> None:
    cps = json.loads(export["checkpoints"].read_text(encoding="utf-8"))
    cps[1]["hash"] = "0" * 64
    export["checkpoints"].write_text(json.dumps({"checkpoints": cps}), encoding="utf-8")
    result = run_script(
        export["ledger"], "--public-key", export["pem"], "--checkpoints", export["checkpoints"]
    )
    assert result.returncode == 1
    assert result.stdout.startswith("BROKEN at seq 20: bad_signature")


def test_the_script_names_a_malformed_line(export: dict[str, Path]) -> None:
    lines = export["ledger"].read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2][:40] + "\n"
    export["ledger"].write_text("".join(lines), encoding="utf-8")
    result = run_script(export["ledger"])
    assert result.returncode == 1
    assert result.stdout.startswith("BROKEN at line 3: malformed")


def test_the_script_verifies_a_contiguous_slice_with_partial(export: dict[str, Path]) -> None:
    lines = export["ledger"].read_text(encoding="utf-8").splitlines(keepends=True)
    export["ledger"].write_text("".join(lines[10:25]), encoding="utf-8")
    args = ("--public-key", export["pem"], "--checkpoints", export["checkpoints"])
    result = run_script(export["ledger"], *args)
    assert result.returncode == 1
    assert result.stdout.startswith("BROKEN at seq 11: sequence_gap")
    result = run_script(export["ledger"], *args, "--partial")
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith("OK: 15 entries")
    assert "2 checkpoints verified" in result.stdout  # seq 10 anchors the start, seq 20 inside


def test_the_script_refuses_unusable_inputs(export: dict[str, Path], tmp_path: Path) -> None:
    result = run_script(export["ledger"], "--checkpoints", export["checkpoints"])
    assert result.returncode == 2
    bad_pem = tmp_path / "bad.pem"
    bad_pem.write_text("nope", encoding="ascii")
    result = run_script(
        export["ledger"], "--public-key", bad_pem, "--checkpoints", export["checkpoints"]
    )
    assert result.returncode == 2
    assert result.stderr.startswith("ERROR:")
    result = run_script(tmp_path / "missing.ndjson")
    assert result.returncode == 2
