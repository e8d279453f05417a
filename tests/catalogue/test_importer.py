"""Bulk import: the flat → nested conversion, CSV/XLSX reading, and all-or-nothing imports."""

from __future__ import annotations

import csv
import datetime
import itertools
import uuid
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker

import openlicense.catalogue.service.imports as imports_service
from openlicense.accounts.models import Organisation, OrganisationKind
from openlicense.catalogue.files import read_file
from openlicense.catalogue.identifiers import check_character
from openlicense.catalogue.imports import FLAT_COLUMNS, FlatRowError, RowError, flat_row_to_patent
from openlicense.catalogue.models import Patent, PatentOwner
from openlicense.catalogue.schemas import PatentCreate
from openlicense.catalogue.service.imports import PatentImporter, import_file
from openlicense.catalogue.service.patents import build_patent
from openlicense.core.clock import FixedClock
from openlicense.search.models import SearchOutbox

NOW = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)
TYPE_DIGIT = {"invention": "1", "utility_model": "2", "design": "3"}
_serial = itertools.count(1)


def number(patent_type: str = "invention", serial: int | None = None) -> str:
    serial = next(_serial) + 5_000_000 if serial is None else serial
    digits = f"2021{TYPE_DIGIT[patent_type]}{serial:07d}"
    return f"{digits}.{check_character(digits)}"


def flat_row(**overrides: str) -> dict[str, str]:
    """A complete, valid flat row (as read from a spreadsheet)."""
    row = {
        "application_number": number(),
        "patent_type": "invention",
        "title_zh": "一种锂离子电池正极材料及其制备方法",
        "title_en": "Cathode material for lithium-ion batteries",
        "abstract_zh": "本发明公开了一种锂离子电池正极材料。",
        "abstract_en": "",
        "claims": "1. 一种正极材料，其特征在于……",
        "ipc_codes": "H01M 4/36; h01m10/0525",
        "inventors": "张三;李四",
        "filing_date": "2021-03-01",
        "grant_date": "2023-05-01",
        "announcement_date": "2023-05-20",
        "legal_status": "",
        "annual_fee_paid_through": "2027-03-01",
        "pledged": "否",
        "pledgee_consent_ref": "",
        "suspended": "",
        "evaluation_report_reference": "",
        "evaluation_report_issued_on": "",
        "evaluation_report_conclusion": "",
        "technology_field": "new_energy",
        "trl": "6",
        "application_scenarios": "储能电站;电动汽车",
        "keywords": "锂电池; 正极",
        "co_owners": "浙江大学;杭州某某科技有限公司",
        "co_owner_consent_refs": "DOC-1;",
    }
    row.update(overrides)
    return row


# --------------------------------------------------------------------------------------------
# flat_row_to_patent (pure)
# --------------------------------------------------------------------------------------------


def test_flat_row_to_patent_builds_the_nested_shape() -> None:
    row = flat_row(
        application_number=" 202110123456.7 ",
        pledged="是",
        pledgee_consent_ref="PLEDGE-7",
        suspended="No",
        evaluation_report_reference="ER-1",
        evaluation_report_issued_on="2024-01-10",
        evaluation_report_conclusion="positive",
    )
    nested = flat_row_to_patent(row)

    assert nested["application_number"] == "202110123456.7"
    assert nested["ipc_codes"] == ["H01M 4/36", "h01m10/0525"]
    assert nested["inventors"] == ["张三", "李四"]
    assert nested["keywords"] == ["锂电池", "正极"]
    assert nested["pledged"] is True
    assert nested["suspended"] is False
    assert nested["evaluation_report"] == {
        "reference": "ER-1",
        "issued_on": "2024-01-10",
        "conclusion": "positive",
    }
    assert nested["co_owners"] == [
        {"name": "浙江大学", "consents_to_open_licence": True, "consent_document_ref": "DOC-1"},
        {"name": "杭州某某科技有限公司", "consents_to_open_licence": False},
    ]
    # Blank cells are left out, so the schema's defaults apply.
    assert "abstract_en" not in nested
    assert "legal_status" not in nested

    patent = PatentCreate.model_validate(nested)
    assert patent.legal_status.value == "valid"
    assert patent.abstract_en is None
    assert patent.ipc_codes == ["H01M 4/36", "H01M 10/0525"]
    assert patent.trl == 6


def test_flat_row_without_report_or_consents() -> None:
    nested = flat_row_to_patent(flat_row(co_owner_consent_refs="", pledged=""))
    assert "evaluation_report" not in nested
    assert "pledged" not in nested
    assert all(not o["consents_to_open_licence"] for o in nested["co_owners"])


def test_flat_row_problems_are_named_by_column() -> None:
    with pytest.raises(FlatRowError) as exc:
        flat_row_to_patent(flat_row(suspended="maybe", co_owner_consent_refs="A;B;C", colour="red"))
    columns = [column for column, _ in exc.value.problems]
    assert sorted(columns) == ["co_owner_consent_refs", "colour", "suspended"]


def test_flat_columns_match_the_schema() -> None:
    nested_fields = set(PatentCreate.model_fields)
    for column in FLAT_COLUMNS:
        if column.startswith("evaluation_report_"):
            assert "evaluation_report" in nested_fields
        elif column != "co_owner_consent_refs":
            assert column in nested_fields, column


# --------------------------------------------------------------------------------------------
# read_file
# --------------------------------------------------------------------------------------------


def test_read_csv_with_bom(tmp_path: Path) -> None:
    first, second = flat_row(), flat_row(claims="1. 第一行\n2. 第二行", trl="")
    path = tmp_path / "patents.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=FLAT_COLUMNS)
        writer.writeheader()
        writer.writerow(first)
        writer.writerow({c: "" for c in FLAT_COLUMNS})  # an empty line in the sheet
        writer.writerow(second)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")

    rows = read_file(path)

    assert [n for n, _ in rows] == [2, 4]
    assert rows[0][1]["application_number"] == first["application_number"]
    assert "\ufeffapplication_number" not in rows[0][1]
    assert rows[1][1]["claims"] == "1. 第一行\n2. 第二行"
    assert rows[1][1]["trl"] == ""


def test_read_csv_without_bom(tmp_path: Path) -> None:
    path = tmp_path / "patents.CSV"
    path.write_text("application_number,title_zh\n 202110123456.7 ,一种方法\n", encoding="utf-8")
    assert read_file(path) == [
        (2, {"application_number": "202110123456.7", "title_zh": "一种方法"})
    ]


CHINESE_CSV = (
    "application_number,title_zh,inventors\n"
    "202110123456.7,一种锂离子电池正极材料及其制备方法,张三;李四\n"
    "202110123457.5,一种用于农业机械的智能控制系统,王五\n"
)


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-16", "utf-8-sig", "utf-8"])
def test_read_csv_in_the_encodings_excel_writes(tmp_path: Path, encoding: str) -> None:
    """GBK is what Excel writes on a Chinese Windows machine; UTF-16 its 'Unicode text'."""
    path = tmp_path / f"{encoding}.csv"
    path.write_bytes(CHINESE_CSV.encode(encoding))
    rows = read_file(path)
    assert [r["title_zh"] for _, r in rows] == [
        "一种锂离子电池正极材料及其制备方法",
        "一种用于农业机械的智能控制系统",
    ]
    assert rows[0][1]["inventors"] == "张三;李四"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"\n\n", "is empty"),
        (b"application_number,title_zh\n", "no data rows"),
        (b"application_number,title_zh\n,\n", "no data rows"),
        (b"foo,bar\n1,2\n", "no 'application_number' column"),
        (b"\x00\x01\x02\xff\xfe\x00junk" * 10, "not a text CSV"),
    ],
)
def test_empty_header_only_and_junk_csv_are_refused_clearly(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=message):
        read_file(path)


def test_a_huge_line_is_refused_without_reading_it_whole(tmp_path: Path) -> None:
    path = tmp_path / "junk.csv"
    with path.open("wb") as f:
        f.write(b"application_number,title_zh\n")
        f.write(b"x" * 3_000_000)
    with pytest.raises(ValueError, match="longer than"):
        read_file(path)


def test_header_only_xlsx_is_refused(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.append(list(FLAT_COLUMNS))
    path = tmp_path / "header.xlsx"
    wb.save(path)
    with pytest.raises(ValueError, match="no data rows"):
        read_file(path)


def test_read_xlsx_with_real_dates_and_numbers(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(list(FLAT_COLUMNS))
    values: dict[str, Any] = flat_row()
    values.update(
        filing_date=datetime.date(2021, 3, 1),
        grant_date=datetime.datetime(2023, 5, 1),
        announcement_date=datetime.datetime(2023, 5, 20),
        trl=6,
        pledged=False,
        abstract_en=None,
    )
    ws.append([values[c] for c in FLAT_COLUMNS])
    ws.append([None] * len(FLAT_COLUMNS))  # an empty row is skipped
    ws.append([values[c] if c != "trl" else 7.0 for c in FLAT_COLUMNS])
    path = tmp_path / "patents.xlsx"
    wb.save(path)

    rows = read_file(path)

    assert [n for n, _ in rows] == [2, 4]
    cells = rows[0][1]
    assert cells["filing_date"] == "2021-03-01"
    assert cells["grant_date"] == "2023-05-01"
    assert cells["announcement_date"] == "2023-05-20"
    assert cells["trl"] == "6"
    assert cells["pledged"] == "false"
    assert cells["abstract_en"] == ""
    assert rows[1][1]["trl"] == "7"
    PatentCreate.model_validate(flat_row_to_patent(cells))


def test_read_other_suffix_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "patents.xls"
    path.write_bytes(b"")
    with pytest.raises(ValueError, match=r"unsupported file type '\.xls'"):
        read_file(path)


# --------------------------------------------------------------------------------------------
# Importing into the database (SQLite and PostgreSQL)
# --------------------------------------------------------------------------------------------


async def make_university(sessionmaker: async_sessionmaker) -> uuid.UUID:
    org = Organisation(
        name=f"浙江某大学 {uuid.uuid4().hex[:8]}", kind=OrganisationKind.UNIVERSITY, province="浙江"
    )
    async with sessionmaker.begin() as s:
        s.add(org)
    return org.id


async def count(sessionmaker: async_sessionmaker, model: type = Patent) -> int:
    async with sessionmaker() as s:
        return await s.scalar(select(func.count()).select_from(model)) or 0


async def run_import(
    sessionmaker: async_sessionmaker,
    org_id: uuid.UUID,
    rows: list[dict[str, Any]],
    *,
    first_row: int = 2,
    **kwargs: Any,
):
    async with sessionmaker.begin() as s:
        importer = PatentImporter(s, clock=FixedClock(NOW))
        return await importer.import_rows(org_id, list(enumerate(rows, first_row)), **kwargs)


def errors_of(report) -> list[tuple[int, str]]:
    return [(e.row, e.field) for e in report.errors]


async def test_valid_file_creates_every_patent(
    db_sessionmaker: async_sessionmaker, tmp_path: Path
) -> None:
    org_id = await make_university(db_sessionmaker)
    rows = [flat_row() for _ in range(3)]
    path = tmp_path / "patents.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=FLAT_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    seen: list[int] = []

    report = await import_file(
        db_sessionmaker, org_id, path, clock=FixedClock(NOW), progress=seen.append
    )

    assert report.errors == []
    assert (report.created, report.rows) == (3, 3)
    assert seen == [3]
    assert await count(db_sessionmaker) == 3
    assert await count(db_sessionmaker, PatentOwner) == 6
    async with db_sessionmaker() as s:
        patent = await s.scalar(
            select(Patent).where(Patent.application_number == rows[0]["application_number"])
        )
    assert patent is not None
    assert patent.owner_organisation_id == org_id
    assert patent.patent_number == "ZL" + rows[0]["application_number"]
    assert patent.ipc_codes == ["H01M 4/36", "H01M 10/0525"]


async def test_nested_rows_as_sent_by_the_api(db_sessionmaker: async_sessionmaker) -> None:
    org_id = await make_university(db_sessionmaker)
    nested = flat_row_to_patent(flat_row())
    nested["title_zh"] = "  一种带空格的标题  "

    report = await run_import(db_sessionmaker, org_id, [nested], first_row=1)

    assert (report.created, report.errors) == (1, [])
    async with db_sessionmaker() as s:
        assert await s.scalar(select(Patent.title_zh)) == "一种带空格的标题"


async def test_one_bad_row_creates_nothing(db_sessionmaker: async_sessionmaker) -> None:
    org_id = await make_university(db_sessionmaker)
    assert check_character("202110123456") == "7"
    rows = [flat_row(), flat_row(application_number="202110123456.8"), flat_row()]

    report = await run_import(db_sessionmaker, org_id, rows)

    assert report.created == 0
    assert errors_of(report) == [(3, "application_number")]
    assert "should be 7" in report.errors[0].reason
    assert report.errors[0].as_dict() == {
        "row": 3,
        "field": "application_number",
        "reason": report.errors[0].reason,
    }
    assert await count(db_sessionmaker) == 0


async def test_partial_import_creates_only_the_good_rows(
    db_sessionmaker: async_sessionmaker,
) -> None:
    org_id = await make_university(db_sessionmaker)
    rows = [flat_row(), flat_row(application_number="202110123456.8"), flat_row()]

    report = await run_import(db_sessionmaker, org_id, rows, all_or_nothing=False)

    assert report.created == 2
    assert errors_of(report) == [(3, "application_number")]
    async with db_sessionmaker() as s:
        stored = set(await s.scalars(select(Patent.application_number)))
    assert stored == {rows[0]["application_number"], rows[2]["application_number"]}


async def test_duplicate_inside_the_file(db_sessionmaker: async_sessionmaker) -> None:
    org_id = await make_university(db_sessionmaker)
    repeated = number()
    # The same number written differently still counts as the same patent.
    rows = [
        flat_row(application_number=repeated),
        flat_row(),
        flat_row(application_number="ZL " + repeated),
    ]

    report = await run_import(db_sessionmaker, org_id, rows)

    assert report.created == 0
    assert report.errors == [RowError(4, "application_number", "duplicate of row 2")]
    assert await count(db_sessionmaker) == 0

    partial = await run_import(db_sessionmaker, org_id, rows, all_or_nothing=False)
    assert partial.created == 2
    assert await count(db_sessionmaker) == 2


async def test_number_already_in_the_catalogue(db_sessionmaker: async_sessionmaker) -> None:
    org_id = await make_university(db_sessionmaker)
    existing = flat_row()
    first = await run_import(db_sessionmaker, org_id, [existing])
    assert first.created == 1

    report = await run_import(db_sessionmaker, org_id, [flat_row(), existing])

    assert report.created == 0
    assert report.errors == [RowError(3, "application_number", "already in the catalogue")]
    assert await count(db_sessionmaker) == 1


async def test_bad_ipc_code_is_reported_by_position(db_sessionmaker: async_sessionmaker) -> None:
    org_id = await make_university(db_sessionmaker)
    rows = [flat_row(ipc_codes="Z99X 1/2;H01M 4/36;H01M4")]

    report = await run_import(db_sessionmaker, org_id, rows)

    assert errors_of(report) == [(2, "ipc_codes.0"), (2, "ipc_codes.2")]
    assert "Z99X 1/2" in report.errors[0].reason
    assert await count(db_sessionmaker) == 0


async def test_bad_boolean_is_reported_on_its_column(db_sessionmaker: async_sessionmaker) -> None:
    org_id = await make_university(db_sessionmaker)
    rows = [flat_row(), flat_row(pledged="perhaps", trl="12")]

    report = await run_import(db_sessionmaker, org_id, rows)

    assert errors_of(report) == [(3, "pledged"), (3, "trl")]
    assert "'perhaps' is not a yes/no value" in report.errors[0].reason
    assert await count(db_sessionmaker) == 0


async def test_nested_bad_boolean(db_sessionmaker: async_sessionmaker) -> None:
    org_id = await make_university(db_sessionmaker)
    nested = flat_row_to_patent(flat_row())
    nested["suspended"] = "perhaps"

    report = await run_import(db_sessionmaker, org_id, [nested], first_row=1)

    assert errors_of(report) == [(1, "suspended")]
    assert "yes/no" in report.errors[0].reason


async def test_partial_evaluation_report_and_missing_columns(
    db_sessionmaker: async_sessionmaker,
) -> None:
    org_id = await make_university(db_sessionmaker)
    row = flat_row(evaluation_report_reference="ER-1", title_zh="", inventors=" ; ")

    report = await run_import(db_sessionmaker, org_id, [row])

    assert sorted(errors_of(report)) == [
        (2, "evaluation_report.conclusion"),
        (2, "evaluation_report.issued_on"),
        (2, "inventors"),
        (2, "title_zh"),
    ]


async def test_large_file_is_inserted_in_chunks(db_sessionmaker: async_sessionmaker) -> None:
    org_id = await make_university(db_sessionmaker)
    rows = [flat_row(application_number=number(serial=9_000_000 + i)) for i in range(1_201)]
    seen: list[int] = []

    report = await run_import(db_sessionmaker, org_id, rows, progress=seen.append)

    assert (report.created, report.errors) == (1_201, [])
    assert seen == [500, 1_000, 1_201]
    assert await count(db_sessionmaker) == 1_201


# --------------------------------------------------------------------------------------------
# Chunks: a file is checked and written chunk by chunk, with the same report as a single pass
# --------------------------------------------------------------------------------------------


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imports_service, "INSERT_CHUNK", 2)


@pytest.mark.usefixtures("small_chunks")
async def test_an_error_in_a_later_chunk_creates_nothing(
    db_sessionmaker: async_sessionmaker,
) -> None:
    org_id = await make_university(db_sessionmaker)
    rows = [flat_row() for _ in range(4)] + [flat_row(trl="12")]
    seen: list[int] = []

    report = await run_import(db_sessionmaker, org_id, rows, progress=seen.append)

    assert (report.created, report.rows) == (0, 5)
    assert errors_of(report) == [(6, "trl")]
    assert seen == [2, 4]  # written, then rolled back with the savepoint
    assert await count(db_sessionmaker) == 0
    assert await count(db_sessionmaker, PatentOwner) == 0
    assert await count(db_sessionmaker, SearchOutbox) == 0


@pytest.mark.usefixtures("small_chunks")
async def test_duplicates_and_catalogued_numbers_across_chunks(
    db_sessionmaker: async_sessionmaker,
) -> None:
    org_id = await make_university(db_sessionmaker)
    catalogued = flat_row()
    assert (await run_import(db_sessionmaker, org_id, [catalogued])).created == 1
    repeated = number()
    rows = [
        flat_row(application_number=repeated),  # row 2, chunk 1
        catalogued,  # row 3, chunk 1
        flat_row(),  # row 4, chunk 2
        flat_row(application_number="ZL " + repeated),  # row 5, chunk 2
        dict(catalogued),  # row 6, chunk 3
    ]

    report = await run_import(db_sessionmaker, org_id, rows, all_or_nothing=False)

    assert report.errors == [
        RowError(3, "application_number", "already in the catalogue"),
        RowError(5, "application_number", "duplicate of row 2"),
        RowError(6, "application_number", "duplicate of row 3"),
        RowError(6, "application_number", "already in the catalogue"),
    ]
    assert report.created == 2
    assert await count(db_sessionmaker) == 3
    assert await count(db_sessionmaker, SearchOutbox) == 3


async def test_imported_rows_are_what_the_single_create_builds(
    db_sessionmaker: async_sessionmaker,
) -> None:
    org_id = await make_university(db_sessionmaker)
    data = PatentCreate.model_validate(
        flat_row_to_patent(
            flat_row(
                evaluation_report_reference="ER-1",
                evaluation_report_issued_on="2024-01-10",
                evaluation_report_conclusion="positive",
            )
        )
    )
    built = build_patent(data, owner_organisation_id=org_id, now=NOW)

    row = imports_service.patent_row(data, owner_organisation_id=org_id)
    owners = imports_service.owner_rows(data, patent_id=row["id"], now=NOW)

    generated = {"id", "created_at", "updated_at", "sa_orm_sentinel"}  # defaults, both ways
    assert set(row) == {c.key for c in Patent.__table__.columns} - generated | {"id"}
    for key in set(row) - generated:
        assert row[key] == getattr(built, key), key
    assert len(owners) == len(built.co_owners) == 2
    for owner, orm_owner in zip(owners, built.co_owners, strict=True):
        assert set(owner) == {c.key for c in PatentOwner.__table__.columns} - generated | {"id"}
        for key in set(owner) - generated - {"patent_id"}:
            assert owner[key] == getattr(orm_owner, key), key


async def test_a_file_that_turns_unreadable_late_writes_nothing(
    db_sessionmaker: async_sessionmaker, tmp_path: Path
) -> None:
    """UTF-8 for the first 64 KiB the encoding is detected from, then GBK bytes."""
    org_id = await make_university(db_sessionmaker)
    path = tmp_path / "mixed.csv"
    utf8 = "1,一种方法\n".encode() * 8000
    path.write_bytes(",".join(FLAT_COLUMNS).encode() + b"\n" + utf8 + "1,一种方法\n".encode("gbk"))

    with pytest.raises(ValueError, match="not readable as utf-8"):
        await import_file(db_sessionmaker, org_id, path, clock=FixedClock(NOW))

    assert await count(db_sessionmaker) == 0
