"""Rows of a bulk import (CSV, XLSX, JSON) turned into validated `PatentCreate`s, with the errors
of every bad row. Pure: no database, no files."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from pydantic import ValidationError

from openlicense.catalogue import identifiers
from openlicense.catalogue.schemas import PatentCreate

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

_FLAT_COLUMN_SET: Final = frozenset(FLAT_COLUMNS)
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


def cell_text(value: Any) -> str | None:
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
    cells = {str(k).strip().lower(): cell_text(v) for k, v in row.items() if k is not None}
    nested: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []

    for column, text in cells.items():
        if column in _OWNER_COLUMNS or column.startswith(_REPORT_PREFIX):
            continue
        if column not in _FLAT_COLUMN_SET:
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


def validate_row(row_no: int, raw: Any) -> tuple[PatentCreate | None, list[RowError]]:
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


def application_number(raw: Any) -> str | None:
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


def duplicate_errors(
    numbers: dict[int, str | None], first_row: dict[str, int] | None = None
) -> list[RowError]:
    """An application number repeated inside one file: every repeat names the first row.

    A file read in chunks passes the same ``first_row`` (number → row) with every chunk: it is
    updated with the chunk's new numbers, so a repeat in a later chunk is found too."""
    first_row = {} if first_row is None else first_row
    errors = []
    for row_no, number in numbers.items():
        if number is None:
            continue
        if number in first_row:
            errors.append(
                RowError(row_no, "application_number", f"duplicate of row {first_row[number]}")
            )
        else:
            first_row[number] = row_no
    return errors
