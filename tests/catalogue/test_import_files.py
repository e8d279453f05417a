"""Reading an uploaded patent list, continued: the workbook and CSV edge cases a TTO's
spreadsheet produces — each refused with a sentence that says what to do, or read as typed."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from openlicense.catalogue.files import detect_encoding, read_file


def _workbook(path: Path, *rows: list[object]) -> Path:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


def test_an_empty_workbook_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="is empty: the first row must name the columns"):
        read_file(_workbook(tmp_path / "empty.xlsx"))


def test_a_damaged_workbook_is_refused_as_such(tmp_path: Path) -> None:
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not a zip archive at all")
    with pytest.raises(ValueError, match=r"cannot read 'damaged\.xlsx' as an \.xlsx workbook"):
        read_file(path)


def test_a_workbook_without_the_number_column_names_what_it_found(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "cols.xlsx", ["title_zh", "Inventors"], ["一种方法", "张三"])
    with pytest.raises(ValueError, match="application_number") as refused:
        read_file(path)
    assert "title_zh" in str(refused.value)


def test_typed_cells_are_read_as_written(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "typed.xlsx",
        ["application_number", "grant_date", "pledged", "trl", "note_time", None],
        [
            "202010123456.7",
            datetime.datetime(2023, 5, 1, 14, 30),
            True,
            6.5,
            datetime.time(9, 15),
            "a value under no header",
        ],
    )
    [(row_no, cells)] = read_file(path)
    assert row_no == 2
    assert cells["grant_date"] == "2023-05-01T14:30:00"  # a time of day is kept
    assert cells["pledged"] == "true" and cells["trl"] == "6.5"
    assert cells["note_time"] == "09:15:00"
    assert cells["(column 6)"] == "a value under no header"  # kept, so the import names it


def test_a_csv_with_a_blank_first_line_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "blank.csv"
    path.write_bytes(b",,\n202010123456.7,x,y\n")
    with pytest.raises(ValueError, match="empty: the first row must name the columns"):
        read_file(path)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("application_number,title_zh\n1,一种方法\n".encode(), "utf-8"),
        ("application_number,title_zh\n1,一种电池正极材料的制备方法\n".encode("gbk"), "gb18030"),
        ("application_number,title_zh\n1,一种电池正极材料的制备方法\n".encode("utf-16"), "utf_16"),
    ],
)
def test_the_encodings_excel_writes_are_detected(raw: bytes, expected: str) -> None:
    assert detect_encoding(raw).replace("-", "_").lower() == expected.replace("-", "_")
