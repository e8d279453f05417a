"""Reading import files: CSV and XLSX into numbered rows of text cells.

`iter_rows` streams a file row by row (a 100k-row import never holds the whole file);
`read_file` is the same as a list.

CSV encodings: UTF-8 (with or without BOM), UTF-16 (with BOM), and what Excel writes on a Chinese
Windows machine (GBK, read as its superset GB18030) are detected from the first 64 KiB with
charset-normalizer. Every refusal is a `ValueError` with a sentence for the user, raised as soon
as the problem is seen: a header with no known column, an over-long line (junk with no line
breaks), binary content, an empty or header-only file. Memory stays bounded by `MAX_LINE_CHARS`
whatever the file size."""

from __future__ import annotations

import codecs
import csv
import datetime
import io
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Final

from charset_normalizer import from_bytes

from openlicense.catalogue.imports import FLAT_COLUMNS, cell_text

SAMPLE_BYTES: Final = 64 * 1024
"""How much of a CSV is read to detect its encoding."""
MAX_LINE_CHARS: Final = 1_000_000
"""A longer physical line is not a patent row (claims are at most 50,000 characters)."""
REQUIRED_COLUMN: Final = "application_number"
_CHINESE: Final = frozenset({"gb2312", "gbk", "gb18030", "hz", "big5", "cp936", "cp950"})


def read_file(path: Path) -> list[tuple[int, dict[str, str]]]:
    """``(spreadsheet row number, {column: cell text})`` for each non-empty data row.

    ``.csv`` is read as UTF-8 (with or without BOM), ``.xlsx`` from its first sheet; the header
    is row 1, so the first data row is 2. Blank cells are ``""``; column names are stripped
    and lower-cased. Other suffixes raise :class:`ValueError`.
    """
    return list(iter_rows(path))


def iter_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """`read_file`, one row at a time. An unsupported suffix raises at once; a file that cannot
    be read (unknown encoding, not a workbook, no header, no data rows) raises
    :class:`ValueError` when iteration reaches the problem."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _non_empty(path, _read_csv(path))
    if suffix == ".xlsx":
        return _non_empty(path, _read_xlsx(path))
    raise ValueError(
        f"cannot import {path.name!r}: unsupported file type {path.suffix or '(none)'!r}; "
        "use a .csv or .xlsx file"
    )


def _non_empty(
    path: Path, rows: Iterator[tuple[int, dict[str, str]]]
) -> Iterator[tuple[int, dict[str, str]]]:
    seen = False
    for row in rows:
        seen = True
        yield row
    if not seen:
        raise ValueError(
            f"{path.name!r} has a header but no data rows: nothing to import "
            "(fill in one patent per row below the header)"
        )


def _check_header(path: Path, header: list[str]) -> None:
    if not any(header):
        raise ValueError(f"{path.name!r} is empty: the first row must name the columns")
    if REQUIRED_COLUMN not in header:
        known = [h for h in header if h in FLAT_COLUMNS]
        hint = f" (known columns found: {', '.join(known)})" if known else ""
        raise ValueError(
            f"{path.name!r} has no {REQUIRED_COLUMN!r} column{hint}; the first row must name "
            "the columns of the import template (download it from the import page)"
        )


def detect_encoding(sample: bytes) -> str:
    """The codec to read a CSV with, from its first bytes; `ValueError` if it is not text."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" in sample:
        raise ValueError("binary content")
    best = from_bytes(sample).best()
    if best is None:
        raise ValueError("unknown text encoding")
    encoding = best.encoding.lower().replace("-", "").replace("_", "")
    if encoding in _CHINESE or encoding.startswith("gb"):
        return "gb18030"  # a superset of GB2312 and GBK: what Excel writes on zh-CN Windows
    return best.encoding


def _header(names: Iterable[Any]) -> list[str]:
    """Column names stripped and lower-cased; a blank header cell gives ``""``."""
    return [(cell_text(name) or "").lower() for name in names]


def _bounded_lines(text: io.TextIOBase, path: Path) -> Iterator[str]:
    """Physical lines, refusing one longer than `MAX_LINE_CHARS` (memory stays bounded)."""
    while line := text.readline(MAX_LINE_CHARS):
        if len(line) >= MAX_LINE_CHARS and not line.endswith(("\n", "\r")):
            raise ValueError(
                f"{path.name!r} has a line longer than {MAX_LINE_CHARS:,} characters: "
                "it is not a patent CSV"
            )
        yield line


def _read_csv(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    with path.open("rb") as raw:
        sample = raw.read(SAMPLE_BYTES)
        if not sample.strip():
            raise ValueError(f"{path.name!r} is empty: the first row must name the columns")
        try:
            encoding = detect_encoding(sample)
        except ValueError as exc:
            raise ValueError(
                f"{path.name!r} is not a text CSV ({exc}); save it from Excel as CSV "
                "(UTF-8 or the Chinese default) or import the .xlsx file directly"
            ) from exc
        raw.seek(0)
        text = io.TextIOWrapper(raw, encoding=encoding, newline="")
        try:
            reader = csv.DictReader(_bounded_lines(text, path), restkey="(extra cells)", restval="")
            if reader.fieldnames is None:
                raise ValueError(f"{path.name!r} is empty: the first row must name the columns")
            reader.fieldnames = _header(reader.fieldnames)
            _check_header(path, list(reader.fieldnames))
            for row_no, record in enumerate(reader, start=2):
                row = {k: cell_text(v) or "" for k, v in record.items()}
                if any(row.values()):
                    yield row_no, row
        except UnicodeDecodeError as exc:
            raise ValueError(
                f"{path.name!r} is not readable as {encoding} text (byte {exc.start}); save "
                "it as 'CSV UTF-8 (Comma delimited)', or import the .xlsx file directly"
            ) from exc
        except csv.Error as exc:
            raise ValueError(f"{path.name!r} is not a well-formed CSV: {exc}") from exc
        finally:
            text.detach()


def _xlsx_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_xlsx(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    from openpyxl import load_workbook  # imported late: only the file import needs it

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several kinds for a damaged file
        raise ValueError(f"cannot read {path.name!r} as an .xlsx workbook: {exc}") from exc
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header_cells = next(rows, None)
        if header_cells is None:
            raise ValueError(f"{path.name!r} is empty: the first row must name the columns")
        header = _header(header_cells)
        _check_header(path, header)
        for row_no, values in enumerate(rows, start=2):
            row: dict[str, str] = {}
            for i, value in enumerate(values):
                text = _xlsx_text(value)
                name = header[i] if i < len(header) else ""
                if name:
                    row[name] = text
                elif text:  # a value under no header: keep it so it is reported
                    row[f"(column {i + 1})"] = text
            if any(row.values()):
                yield row_no, row
    finally:
        workbook.close()
