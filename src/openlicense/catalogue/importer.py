"""Bulk import of patents: JSON rows from the API, CSV/XLSX files from the CLI.

Every row is validated exactly like a single create (``PatentCreate``), then checked for an
application number repeated inside the file and for numbers already in the catalogue. By default
the import is all-or-nothing: one bad row and nothing is created, every error is reported with
its row number and field. The importer never commits: the caller owns the transaction.

The flat column format of CSV/XLSX files is described in ``docs/import-format.md``.
"""

from __future__ import annotations

import asyncio
import csv
import datetime
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from openlicense.catalogue import identifiers
from openlicense.catalogue.models import Patent
from openlicense.catalogue.patents import build_patent
from openlicense.catalogue.schemas import PatentCreate
from openlicense.errors import Conflict
from openlicense.search.enqueue import enqueue

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from openlicense.clock import Clock

__all__ = [
    "FLAT_COLUMNS",
    "FlatRowError",
    "ImportReport",
    "PatentImporter",
    "RowError",
    "flat_row_to_patent",
    "import_file",
    "read_file",
]

LOOKUP_CHUNK: Final = 1000
"""Application numbers per ``SELECT … IN (…)`` when looking for patents already catalogued."""
INSERT_CHUNK: Final = 500
"""Patents per ``add_all`` + ``flush``."""

LIST_SEPARATOR: Final = ";"

FLAT_COLUMNS: Final = (
    "application_number",
    "patent_type",
    "title_zh",
    "title_en",
    "abstract_zh",
    "abstract_en",
    "claims",
    "ipc_codes",
    "inventors",
    "filing_date",
    "grant_date",
    "announcement_date",
    "legal_status",
    "annual_fee_paid_through",
    "pledged",
    "pledgee_consent_ref",
    "suspended",
    "evaluation_report_reference",
    "evaluation_report_issued_on",
    "evaluation_report_conclusion",
    "technology_field",
    "trl",
    "application_scenarios",
    "keywords",
    "co_owners",
    "co_owner_consent_refs",
)
"""Columns of the flat (CSV/XLSX) format, in the documented order."""

_LIST_COLUMNS: Final = frozenset({"ipc_codes", "inventors", "application_scenarios", "keywords"})
_BOOL_COLUMNS: Final = frozenset({"pledged", "suspended"})
_REPORT_PREFIX: Final = "evaluation_report_"
_REPORT_COLUMNS: Final = tuple(c for c in FLAT_COLUMNS if c.startswith(_REPORT_PREFIX))
_OWNER_COLUMNS: Final = frozenset({"co_owners", "co_owner_consent_refs"})

_TRUE: Final = frozenset({"true", "yes", "y", "1", "是", "t"})
_FALSE: Final = frozenset({"false", "no", "n", "0", "否", "f"})
_BOOL_HINT: Final = "use true/false, yes/no, 1/0 or 是/否 (blank = false)"


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem in one row. ``row`` is the spreadsheet row (files) or 1-based index (API);
    ``field`` is the dotted path of the offending value (``ipc_codes.0``), or the column name."""

    row: int
    field: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "reason": self.reason}


@dataclass(slots=True)
class ImportReport:
    created: int
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    """Rows looked at (empty spreadsheet rows are not counted)."""

    @property
    def ok(self) -> bool:
        return not self.errors


class FlatRowError(ValueError):
    """A flat row with problems that the nested shape cannot express (a bad yes/no cell,
    more consent references than co-owners, an unknown column). ``problems`` are
    ``(column, reason)`` pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{col}: {reason}" for col, reason in problems))
        self.problems = problems


# --------------------------------------------------------------------------------------------
# Flat rows (CSV/XLSX) → the nested PatentCreate shape
# --------------------------------------------------------------------------------------------


def is_flat_row(row: dict[str, Any]) -> bool:
    """A row from a spreadsheet rather than the nested JSON shape of ``PatentCreate``."""
    return isinstance(row.get("co_owners"), str) or any(
        isinstance(key, str) and (key.startswith(_REPORT_PREFIX) or key == "co_owner_consent_refs")
        for key in row
    )


def flat_row_to_patent(row: dict[str, str]) -> dict[str, Any]:
    """The nested ``PatentCreate`` input for one flat row; pure, does not validate.

    Cells are stripped; blank cells are left out (so defaults apply: ``legal_status`` valid,
    ``pledged``/``suspended`` false, empty keyword lists). ``;``-separated cells become lists.
    Raises :class:`FlatRowError` for problems only the flat shape can have.
    """
    nested, problems = _flatten(row)
    if problems:
        raise FlatRowError(problems)
    return nested


def _cell(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list | tuple):  # csv.DictReader's surplus cells
        value = LIST_SEPARATOR.join(str(v) for v in value if v is not None)
    text = str(value).strip()
    return text or None


def _split(text: str) -> list[str]:
    return [item.strip() for item in text.split(LIST_SEPARATOR) if item.strip()]


def _flatten(row: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The nested input and the flat-only problems; bad cells are left out of the input so
    validation of the rest still reports every other problem of the row."""
    cells = {str(k).strip().lower(): _cell(v) for k, v in row.items() if k is not None}
    nested: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []

    for column, text in cells.items():
        if column in _OWNER_COLUMNS or column.startswith(_REPORT_PREFIX):
            continue
        if column not in FLAT_COLUMNS:
            if text is not None:
                problems.append((column or "(unnamed column)", "unknown column"))
            continue
        if text is None:
            continue
        if column in _LIST_COLUMNS:
            nested[column] = _split(text)
        elif column in _BOOL_COLUMNS:
            flag = _parse_bool(text)
            if flag is None:
                problems.append((column, f"{text!r} is not a yes/no value: {_BOOL_HINT}"))
            else:
                nested[column] = flag
        else:
            nested[column] = text

    report = {
        col.removeprefix(_REPORT_PREFIX): cells[col]
        for col in _REPORT_COLUMNS
        if cells.get(col) is not None
    }
    if report:  # a partial report is passed on: validation names the missing parts
        nested["evaluation_report"] = report
    for column in cells:
        if column.startswith(_REPORT_PREFIX) and column not in _REPORT_COLUMNS and cells[column]:
            problems.append((column, "unknown column"))

    owners, owner_problems = _owners(cells.get("co_owners"), cells.get("co_owner_consent_refs"))
    problems.extend(owner_problems)
    if owners:
        nested["co_owners"] = owners
    return nested, problems


def _parse_bool(text: str) -> bool | None:
    folded = text.casefold()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    return None


def _owners(
    names_cell: str | None, refs_cell: str | None
) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    names = _split(names_cell) if names_cell else []
    # Keep blank items: position matters ("ref-1;;ref-3" — the second owner has not consented).
    refs = [item.strip() for item in refs_cell.split(LIST_SEPARATOR)] if refs_cell else []
    problems: list[tuple[str, str]] = []
    if any(refs[len(names) :]):
        problems.append(
            (
                "co_owner_consent_refs",
                f"{len(refs)} consent references for {len(names)} co-owners; "
                "give one item per co-owner, in the same order (blank = no consent)",
            )
        )
    owners: list[dict[str, Any]] = []
    for i, name in enumerate(names):
        ref = refs[i] if i < len(refs) and refs[i] else None
        owner: dict[str, Any] = {"name": name, "consents_to_open_licence": ref is not None}
        if ref is not None:
            owner["consent_document_ref"] = ref
        owners.append(owner)
    return owners, problems


def _strip_nested(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):
        return {k: _strip_nested(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_strip_nested(v) for v in value]
    return value


# --------------------------------------------------------------------------------------------
# Validation and import
# --------------------------------------------------------------------------------------------


def _loc(loc: Sequence[str | int]) -> str:
    return ".".join(str(part) for part in loc)


def _reason(error: Any) -> str:
    if error["type"] == "bool_parsing":
        return f"not a yes/no value: {_BOOL_HINT}"
    message = str(error["msg"])
    return message.removeprefix("Value error, ")


def _row_error(row_no: int, error: Any) -> RowError:
    return RowError(row_no, _loc(error["loc"]), _reason(error))


def _ipc_errors(row_no: int, codes: Any) -> list[RowError]:
    """One error per bad IPC code, located by position (``ipc_codes.0``): the schema checks the
    list as a whole and stops at the first bad code."""
    if not isinstance(codes, list):
        return []
    errors = []
    for i, code in enumerate(codes):
        try:
            identifiers.normalise_ipc(code)
        except identifiers.InvalidIdentifier as exc:
            errors.append(
                RowError(row_no, f"ipc_codes.{i}", f"{code!r} is not an IPC code: {exc.reason}")
            )
    return errors


def _validate(row_no: int, raw: Any) -> tuple[PatentCreate | None, list[RowError]]:
    if not isinstance(raw, dict):
        return None, [RowError(row_no, "", "each row must be an object of patent fields")]
    errors: list[RowError] = []
    if is_flat_row(raw):
        data, problems = _flatten(raw)
        errors.extend(RowError(row_no, col, reason) for col, reason in problems)
    else:
        data = _strip_nested(raw)
    try:
        patent = PatentCreate.model_validate(data)
    except ValidationError as exc:
        for e in exc.errors():
            if tuple(e["loc"]) == ("ipc_codes",) and e["type"] == "value_error":
                errors.extend(_ipc_errors(row_no, data.get("ipc_codes")) or [_row_error(row_no, e)])
            else:
                errors.append(_row_error(row_no, e))
        return None, errors
    return (None if errors else patent), errors


def _application_number(raw: Any) -> str | None:
    """The canonical number of a row, if it has a valid one (even when the rest is invalid)."""
    if not isinstance(raw, dict):
        return None
    value = raw.get("application_number")
    if not isinstance(value, str):
        return None
    try:
        return identifiers.normalise_application_number(value)
    except identifiers.InvalidIdentifier:
        return None


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class PatentImporter:
    """Validates and creates many patents for one university in the caller's transaction."""

    def __init__(self, session: AsyncSession, *, clock: Clock) -> None:
        self.session = session
        self.clock = clock

    async def import_rows(
        self,
        organisation_id: uuid.UUID,
        rows: list[tuple[int, dict[str, Any]]],
        *,
        all_or_nothing: bool = True,
        progress: Callable[[int], None] | None = None,
    ) -> ImportReport:
        """Import ``(row number, row)`` pairs; each row is nested (API) or flat (CSV/XLSX).

        With ``all_or_nothing`` (the default) any error means nothing is added to the session
        and ``created`` is 0; otherwise the valid rows are created and the bad ones reported.
        ``progress(n)`` is called after each flushed chunk with the number created so far.
        Never commits.
        """
        errors: list[RowError] = []
        valid: list[tuple[int, PatentCreate]] = []
        for row_no, raw in rows:
            patent, row_errors = _validate(row_no, raw)
            errors.extend(row_errors)
            if patent is not None:
                valid.append((row_no, patent))

        numbers = {row_no: _application_number(raw) for row_no, raw in rows}
        first_row: dict[str, int] = {}
        for row_no, number in numbers.items():
            if number is None:
                continue
            if number in first_row:
                errors.append(
                    RowError(row_no, "application_number", f"duplicate of row {first_row[number]}")
                )
            else:
                first_row[number] = row_no

        existing = await self._existing(list(first_row))
        errors.extend(
            RowError(row_no, "application_number", "already in the catalogue")
            for row_no, number in numbers.items()
            if number in existing
        )

        errors.sort(key=lambda e: e.row)  # stable: a row's errors keep their order
        report = ImportReport(created=0, errors=errors, rows=len(rows))
        if errors and all_or_nothing:
            return report

        bad_rows = {e.row for e in errors}
        to_create = [patent for row_no, patent in valid if row_no not in bad_rows]
        now = self.clock.now()
        for chunk in _chunks(to_create, INSERT_CHUNK):
            patents = [
                build_patent(data, owner_organisation_id=organisation_id, now=now) for data in chunk
            ]
            self.session.add_all(patents)
            try:
                await self.session.flush()
            except IntegrityError as exc:  # another transaction added one meanwhile
                raise Conflict(
                    "Some of these patents were added to the catalogue while importing; "
                    "run the import again to see which.",
                    code="patent_already_exists",
                ) from exc
            enqueue(
                self.session, [p.id for p in patents], "import"
            )  # drafts: indexed for their TTO
            report.created += len(chunk)
            if progress is not None:
                progress(report.created)
        return report

    async def _existing(self, numbers: list[str]) -> set[str]:
        found: set[str] = set()
        for chunk in _chunks(numbers, LOOKUP_CHUNK):
            rows = await self.session.scalars(
                select(Patent.application_number).where(Patent.application_number.in_(chunk))
            )
            found.update(rows)
        return found


async def import_file(
    session_maker: async_sessionmaker[AsyncSession],
    organisation_id: uuid.UUID,
    path: Path,
    *,
    all_or_nothing: bool = True,
    progress: Callable[[int], None] | None = None,
    clock: Clock,
) -> ImportReport:
    """Read a CSV/XLSX file and import it in one transaction of its own.

    Row errors are reported, not raised; with ``all_or_nothing`` and any error nothing is
    written. An unreadable file or unsupported suffix raises :class:`ValueError`.
    """
    rows = await asyncio.to_thread(read_file, Path(path))
    async with session_maker.begin() as session:
        importer = PatentImporter(session, clock=clock)
        return await importer.import_rows(
            organisation_id, rows, all_or_nothing=all_or_nothing, progress=progress
        )


# --------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------


def read_file(path: Path) -> list[tuple[int, dict[str, str]]]:
    """``(spreadsheet row number, {column: cell text})`` for each non-empty data row.

    ``.csv`` is read as UTF-8 (with or without BOM), ``.xlsx`` from its first sheet; the header
    is row 1, so the first data row is 2. Blank cells are ``""``; column names are stripped
    and lower-cased. Other suffixes raise :class:`ValueError`.
    """
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
    return [(_cell(name) or "").lower() for name in names]


def _read_csv(path: Path) -> list[tuple[int, dict[str, str]]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f, restkey="(extra cells)", restval="")
            if reader.fieldnames is None:
                return []
            reader.fieldnames = _header(reader.fieldnames)
            out: list[tuple[int, dict[str, str]]] = []
            for row_no, record in enumerate(reader, start=2):
                row = {k: _cell(v) or "" for k, v in record.items()}
                if any(row.values()):
                    out.append((row_no, row))
            return out
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


def _read_xlsx(path: Path) -> list[tuple[int, dict[str, str]]]:
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
            return []
        header = _header(header_cells)
        out: list[tuple[int, dict[str, str]]] = []
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
                out.append((row_no, row))
        return out
    finally:
        workbook.close()
