"""Reading import files: CSV and XLSX into numbered rows of text cells.

`iter_rows` streams a file row by row (a 100k-row import never holds the whole file);
`read_file` is the same as a list."""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from openlicense.catalogue.imports import cell_text


def read_file(path: Path) -> list[tuple[int, dict[str, str]]]:
    """``(spreadsheet row number, {column: cell text})`` for each non-empty data row.

    ``.csv`` is read as UTF-8 (with or without BOM), ``.xlsx`` from its first sheet; the header
    is row 1, so the first data row is 2. Blank cells are ``""``; column names are stripped
    and lower-cased. Other suffixes raise :class:`ValueError`.
    """
    return list(iter_rows(path))


def iter_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """`read_file`, one row at a time. An unsupported suffix raises at once; a file that cannot
    be read (not UTF-8, not a workbook) raises :class:`ValueError` when iteration reaches the
    problem."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path)
    if suffix == ".xlsx":
        return _read_xlsx(path)
    raise ValueError(
        f"cannot import {path.name!r}: unsupported file type {path.suffix or '(none)'!r}; "
        "use a .csv (UTF-8) or .xlsx file"
    )


def _header(names: Iterable[Any]) -> list[str]:
    """Column names stripped and lower-cased; a blank header cell gives ``""``."""
    return [(cell_text(name) or "").lower() for name in names]


def _read_csv(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f, restkey="(extra cells)", restval="")
            if reader.fieldnames is None:
                return
            reader.fieldnames = _header(reader.fieldnames)
            for row_no, record in enumerate(reader, start=2):
                row = {k: cell_text(v) or "" for k, v in record.items()}
                if any(row.values()):
                    yield row_no, row
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"{path.name!r} is not UTF-8 text (byte {exc.start}); in Excel save it as "
            "'CSV UTF-8 (Comma delimited)', or import the .xlsx file directly"
        ) from exc


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
            return
        header = _header(header_cells)
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
