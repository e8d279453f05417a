"""Streaming CSV and NDJSON writers, and the ledger's export row.

The writers take an async iterator of rows (a server-side DB cursor) and yield ~64 KiB byte
chunks, so an export of millions of rows keeps memory flat: nothing holds more than one chunk
and one row (`scripts/bench_export.py` measures it). Hand the iterator straight to a streaming
HTTP response or write it to a file.

- CSV: UTF-8 with a BOM (so Excel opens Chinese text correctly), a header row, RFC 4180 quoting
  and CRLF line ends. Cells: None → empty; dates and datetimes ISO 8601; Decimal as plain
  decimal text (never exponent notation); bools `true`/`false`; lists joined with `;`; mappings
  as compact JSON with sorted keys.
- NDJSON: one compact JSON object per line (`\\n`), UTF-8 without escaping non-ASCII, keys in row
  order; dates ISO, Decimals as strings, UUIDs as strings. U+2028/U+2029 are escaped so that no
  line-splitting tool can break a line apart.

The ledger's NDJSON export (rows from `ledger_export_row`) is what an IP office verifies offline
with `scripts/verify_export.py`; `entries_from_ndjson` reads it back.
"""

from __future__ import annotations

import csv
import datetime
import json
import uuid
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from enum import Enum
from typing import Any

from openlicense.audit.chain import LedgerEvent, StoredEntry, format_timestamp

__all__ = [
    "CHUNK_SIZE",
    "LEDGER_COLUMNS",
    "csv_stream",
    "entries_from_ndjson",
    "ledger_export_row",
    "ndjson_line",
    "ndjson_stream",
]

CHUNK_SIZE = 64 * 1024
"""Target size of each yielded chunk (a chunk closes at the first row that reaches it)."""

UTF8_BOM = b"\xef\xbb\xbf"

LEDGER_COLUMNS = (
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
"""The ledger export's fields, in order (CSV columns; NDJSON keys)."""

_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


# --- value formatting -------------------------------------------------------------------------


def _decimal_text(value: Decimal) -> str:
    return format(value, "f")  # `1E+2` → `100`, `1E-7` → `0.0000001`; trailing zeros kept


def _json_default(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return _decimal_text(value)
    if isinstance(value, datetime.date | datetime.time):  # datetime is a date
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable in an export")


def _json_text(value: Any, *, sort_keys: bool) -> str:
    text = json.dumps(
        value,
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=sort_keys,
        allow_nan=False,
        default=_json_default,
    )
    if "\u2028" in text or "\u2029" in text:  # valid JSON, but str.splitlines() splits on them
        text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return text


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Enum):
        return _cell(value.value)
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, Decimal):
        return _decimal_text(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, Mapping):
        return _json_text(value, sort_keys=True)
    if isinstance(value, list | tuple):
        return ";".join(_cell(item) for item in value)
    if isinstance(value, set | frozenset):
        return ";".join(sorted(_cell(item) for item in value))
    return str(value)


def _guard_formula(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_PREFIXES) else text


def ndjson_line(row: Mapping[str, Any]) -> bytes:
    """One NDJSON line (with its `\\n`), UTF-8."""
    obj = row if isinstance(row, dict) else dict(row)
    return (_json_text(obj, sort_keys=False) + "\n").encode("utf-8")


# --- streams ----------------------------------------------------------------------------------


async def _aiter(rows: AsyncIterable[Any] | Iterable[Any]) -> AsyncIterator[Any]:
    if isinstance(rows, AsyncIterable):
        async for row in rows:
            yield row
    else:
        for row in rows:
            yield row


class _ByteSink:
    """What `csv.writer` writes into: one encoded line per `write`."""

    __slots__ = ("buffer",)

    def __init__(self) -> None:
        self.buffer = bytearray()

    def write(self, text: str) -> int:
        self.buffer += text.encode("utf-8")
        return len(text)


async def csv_stream(
    rows: AsyncIterable[Mapping[str, Any]] | Iterable[Mapping[str, Any]],
    columns: Sequence[str],
    *,
    chunk_size: int = CHUNK_SIZE,
    bom: bool = True,
    neutralise_formulas: bool = False,
) -> AsyncIterator[bytes]:
    """CSV bytes in ~`chunk_size` chunks: BOM, a header of `columns`, then each row's values for
    those columns (a missing key is an empty cell; extra keys are ignored).

    `neutralise_formulas` prefixes text cells starting with `= + - @` (or tab/CR) with `'`, so a
    spreadsheet shows rather than runs them (CSV injection). It changes the data, so it is off by
    default: audit exports must carry the values exactly as stored."""
    sink = _ByteSink()
    if bom:
        sink.buffer += UTF8_BOM
    writer = csv.writer(sink, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(columns)
    cols = tuple(columns)
    async for row in _aiter(rows):
        cells = [_cell(row.get(col)) for col in cols]
        if neutralise_formulas:
            cells = [
                _guard_formula(c) if isinstance(row.get(col), str) else c
                for col, c in zip(cols, cells, strict=True)
            ]
        writer.writerow(cells)
        if len(sink.buffer) >= chunk_size:
            yield bytes(sink.buffer)
            sink.buffer.clear()
    if sink.buffer:
        yield bytes(sink.buffer)


async def ndjson_stream(
    rows: AsyncIterable[Mapping[str, Any]] | Iterable[Mapping[str, Any]],
    *,
    chunk_size: int = CHUNK_SIZE,
) -> AsyncIterator[bytes]:
    """NDJSON bytes in ~`chunk_size` chunks, one object per row (no BOM, no trailing blank)."""
    buffer = bytearray()
    async for row in _aiter(rows):
        buffer += ndjson_line(row)
        if len(buffer) >= chunk_size:
            yield bytes(buffer)
            buffer.clear()
    if buffer:
        yield bytes(buffer)


# --- the ledger export ------------------------------------------------------------------------


def ledger_export_row(entry: StoredEntry) -> dict[str, Any]:
    """The flat export form of a ledger entry, keys in `LEDGER_COLUMNS` order. `occurred_at` is
    the exact string that is hashed; `data` stays an object (compact JSON text in a CSV cell)."""
    event = entry.event
    return {
        "seq": event.seq,
        "occurred_at": format_timestamp(event.occurred_at),
        "action": event.action,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "actor_id": event.actor_id,
        "data": event.data,
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
    }


def entries_from_ndjson(lines: Iterable[str]) -> Iterator[StoredEntry]:
    """Read a ledger NDJSON export back, lazily (feed it an open file). Blank lines and a leading
    BOM are skipped. A line that is not a ledger row raises `ValueError` naming the line; values
    that are merely wrong (a float in `data`, an edited field) come through for `verify` to
    report as a broken entry."""
    for lineno, raw in enumerate(lines, start=1):
        line = raw.lstrip("\ufeff") if lineno == 1 else raw
        line = line.strip()
        if not line:
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"line {lineno}: not JSON: {exc}") from None
        if not isinstance(row, dict):
            raise ValueError(f"line {lineno}: not a JSON object")
        missing = [col for col in LEDGER_COLUMNS if col not in row]
        if missing:
            raise ValueError(f"line {lineno}: missing {', '.join(missing)}")
        for key in ("prev_hash", "hash", "occurred_at"):
            if not isinstance(row[key], str):
                raise ValueError(f"line {lineno}: {key} must be a string")
        try:
            occurred_at = datetime.datetime.fromisoformat(row["occurred_at"])
            event = LedgerEvent(
                seq=row["seq"],
                occurred_at=occurred_at,
                action=row["action"],
                subject_type=row["subject_type"],
                subject_id=row["subject_id"],
                actor_id=row["actor_id"],
                data=row["data"],
            )
        except (TypeError, ValueError) as exc:
            raise ValueError(f"line {lineno}: {exc}") from None
        yield StoredEntry(event=event, prev_hash=row["prev_hash"], hash=row["hash"])
