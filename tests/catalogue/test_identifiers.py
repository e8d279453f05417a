"""CN application numbers, IPC codes and patent terms (domain.md §7, Patent Law Art. 42)."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, strategies as st

from openlicense.catalogue.identifiers import (
    TERM_YEARS,
    InvalidIdentifier,
    check_character,
    expiry_date,
    filing_year,
    ipc_class,
    ipc_section,
    ipc_subclass,
    normalise_application_number,
    normalise_ipc,
    patent_number_for,
    patent_type_digit,
    term_years,
    type_matches,
)

# --------------------------------------------------------------------------------------------
# check_character
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("digits", "expected"),
    [
        ("201710601862", "3"),  # domain.md worked example
        ("202110123456", "7"),
        ("95115608", "X"),  # domain.md worked example, old form
        ("97101765", "4"),
        ("201810601869", "X"),
    ],
)
def test_check_character(digits: str, expected: str) -> None:
    assert check_character(digits) == expected


@pytest.mark.parametrize(
    "digits", ["", "2017106018", "2017106018623", "20171060186a", "９５１１５６０８"]
)
def test_check_character_rejects_bad_input(digits: str) -> None:
    with pytest.raises(InvalidIdentifier):
        check_character(digits)


# --------------------------------------------------------------------------------------------
# normalise_application_number
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("202110123456.7", "202110123456.7"),
        ("201710601862.3", "201710601862.3"),
        ("97101765.4", "97101765.4"),
        ("95115608.X", "95115608.X"),
        ("95115608.x", "95115608.X"),
        ("ZL 2017 1 0601862.3", "201710601862.3"),
        ("ZL201710601862.3", "201710601862.3"),
        ("zl201710601862.3", "201710601862.3"),
        ("CN201710601862.3", "201710601862.3"),
        ("cn 97101765.4", "97101765.4"),
        ("  202110123456 . 7  ", "202110123456.7"),
        ("２０１７１０６０１８６２。３", "201710601862.3"),  # full-width digits, 。
        ("２０２１１０１２３４５６．７", "202110123456.7"),  # full-width ．
        ("９５１１５６０８．Ｘ", "95115608.X"),  # full-width Ｘ
        ("ＺＬ　２０１７　１　０６０１８６２．３", "201710601862.3"),  # full-width ZL and space
        ("ZL95115608。x", "95115608.X"),
        ("ZL 2018 1 0601869.x", "201810601869.X"),  # X check character, 12-digit form
        ("ｚｌ２０１８１０６０１８６９．ｘ", "201810601869.X"),
        ("201720601862.9", "201720601862.9"),  # utility model
        ("201730601862.4", "201730601862.4"),  # design
        ("201780601862.1", "201780601862.1"),  # PCT invention
        ("201790601862.7", "201790601862.7"),  # PCT utility model
    ],
)
def test_normalise_application_number(raw: str, canonical: str) -> None:
    assert normalise_application_number(raw) == canonical
    assert normalise_application_number(canonical) == canonical  # idempotent


@pytest.mark.parametrize(
    ("raw", "reason_part"),
    [
        ("", "empty"),
        ("ZL", "empty"),
        ("20171060186.3", "wrong length"),  # 11 digits
        ("2017106018623.3", "wrong length"),  # 13 digits
        ("9510156.8", "wrong length"),  # 7 digits
        ("951156080.1", "wrong length"),  # 9 digits
        ("201740601862.1", "unknown type digit '4'"),
        ("201750601862.1", "unknown type digit '5'"),
        ("201700601862.1", "unknown type digit '0'"),
        ("95415608.1", "unknown type digit '4'"),
        ("201710601862", "missing check character"),
        ("201710601862.", "missing check character"),
        ("95115608", "missing check character"),
        ("201710601862.4", "check character should be 3"),
        ("201710601862.X", "check character should be 3"),
        ("95115608.0", "check character should be X"),
        ("201810601869.0", "check character should be X"),
        ("97101765.X", "check character should be 4"),
        ("202110123456.1", "check character should be 7"),
        ("201710601862.33", "check character should be 3"),
        ("201710601862.A", "check character should be 3"),
        ("2017-10601862.3", "digits only"),
        ("2017106O1862.3", "digits only"),  # letter O
        ("US201710601862.3", "digits only"),
        ("201710601862.3.3", "check character should be 3"),
    ],
)
def test_normalise_application_number_rejects(raw: str, reason_part: str) -> None:
    with pytest.raises(InvalidIdentifier) as excinfo:
        normalise_application_number(raw)
    assert reason_part in excinfo.value.reason
    assert isinstance(excinfo.value, ValueError)


_TYPE_DIGITS = "12389"


@st.composite
def _bodies(draw: st.DrawFn) -> str:
    """Random 12-digit bodies whose 5th digit is a valid type digit."""
    digits = st.text(alphabet="0123456789", min_size=4, max_size=4)
    head = draw(digits)
    type_digit = draw(st.sampled_from(_TYPE_DIGITS))
    tail = draw(st.text(alphabet="0123456789", min_size=7, max_size=7))
    return head + type_digit + tail


@given(_bodies(), st.sampled_from("0123456789X"))
def test_property_check_character_round_trips_and_others_are_rejected(
    body: str, candidate: str
) -> None:
    expected = check_character(body)
    canonical = f"{body}.{expected}"
    assert normalise_application_number(canonical) == canonical
    assert normalise_application_number("ZL " + canonical.lower()) == canonical
    if candidate != expected:
        with pytest.raises(InvalidIdentifier, match=f"check character should be {expected}"):
            normalise_application_number(f"{body}.{candidate}")


@given(
    st.text(alphabet="0123456789", min_size=2, max_size=2),
    st.sampled_from(_TYPE_DIGITS),
    st.text(alphabet="0123456789", min_size=5, max_size=5),
)
def test_property_old_form_round_trips(year: str, type_digit: str, serial: str) -> None:
    body = year + type_digit + serial
    canonical = f"{body}.{check_character(body)}"
    assert normalise_application_number(canonical) == canonical


# --------------------------------------------------------------------------------------------
# Patent number, type digit, filing year
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "patent_number"),
    [
        ("201710601862.3", "ZL201710601862.3"),
        ("ZL 2017 1 0601862.3", "ZL201710601862.3"),
        ("cn９５１１５６０８。ｘ", "ZL95115608.X"),
    ],
)
def test_patent_number_for(raw: str, patent_number: str) -> None:
    assert patent_number_for(raw) == patent_number


def test_patent_number_for_rejects_invalid() -> None:
    with pytest.raises(InvalidIdentifier):
        patent_number_for("201710601862.4")


@pytest.mark.parametrize(
    ("raw", "digit", "patent_type"),
    [
        ("201710601862.3", "1", "invention"),
        ("201780601862.1", "8", "invention"),
        ("201720601862.9", "2", "utility_model"),
        ("201790601862.7", "9", "utility_model"),
        ("201730601862.4", "3", "design"),
        ("97101765.4", "1", "invention"),
        ("95115608.X", "1", "invention"),
    ],
)
def test_type_digit_and_type_matches(raw: str, digit: str, patent_type: str) -> None:
    assert patent_type_digit(raw) == digit
    assert type_matches(raw, patent_type) is True
    for other in {"invention", "utility_model", "design"} - {patent_type}:
        assert type_matches(raw, other) is False


def test_type_matches_unknown_patent_type() -> None:
    with pytest.raises(ValueError, match="unknown patent type"):
        type_matches("201710601862.3", "plant_variety")


def test_type_matches_invalid_number() -> None:
    with pytest.raises(InvalidIdentifier):
        type_matches("201710601862.4", "invention")


@pytest.mark.parametrize(
    ("raw", "year"),
    [
        ("201710601862.3", 2017),
        ("202110123456.7", 2021),
        ("97101765.4", 1997),
        ("95115608.X", 1995),
        (f"85100001.{check_character('85100001')}", 1985),
        (f"99100001.{check_character('99100001')}", 1999),
        (f"00100001.{check_character('00100001')}", 2000),
        (f"03100001.{check_character('03100001')}", 2003),
    ],
)
def test_filing_year(raw: str, year: int) -> None:
    assert filing_year(raw) == year


@pytest.mark.parametrize("body", ["04100001", "50100001", "84100001"])
def test_filing_year_rejects_impossible_old_form_year(body: str) -> None:
    with pytest.raises(InvalidIdentifier, match="old 8-digit form"):
        filing_year(f"{body}.{check_character(body)}")


# --------------------------------------------------------------------------------------------
# IPC
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("H01M 4/36", "H01M 4/36"),
        ("H01M 10/0525", "H01M 10/0525"),
        ("A01D 45/02", "A01D 45/02"),
        ("H01M4/36", "H01M 4/36"),
        ("h01m 4/36", "H01M 4/36"),
        ("  H01M   10 / 0525 ", "H01M 10/0525"),
        ("H 01 M 4/36", "H01M 4/36"),
        ("Ｈ０１Ｍ　４／３６", "H01M 4/36"),  # full width
        ("ｈ０１ｍ１０／０５２５", "H01M 10/0525"),
        ("G06F 16/00", "G06F 16/00"),
        ("C07D 401/123456", "C07D 401/123456"),  # 6-digit subgroup
        ("B01J 2531/00", "B01J 2531/00"),  # 4-digit main group
        ("H01M 0004/36", "H01M 4/36"),  # zero-padded main group
    ],
)
def test_normalise_ipc(raw: str, canonical: str) -> None:
    assert normalise_ipc(raw) == canonical
    assert normalise_ipc(canonical) == canonical


@pytest.mark.parametrize(
    ("raw", "reason_part"),
    [
        ("Z01M 4/36", "section"),
        ("I01M 4/36", "section"),
        ("H01M 4/3", "subgroup"),
        ("H01M 4/1234567", "subgroup"),
        ("H1M 4/36", "class"),
        ("H001M 4/36", "class"),
        ("H01M 12345/36", "main group"),
        ("H01M 0/36", "main group"),
        ("H01M /36", "main group"),
        ("H01 4/36", "not an IPC code"),
        ("H01M 4-36", "not an IPC code"),
        ("H01M", "not an IPC code"),
        ("", "not an IPC code"),
        ("H01M 4/36 extra", "not an IPC code"),
    ],
)
def test_normalise_ipc_rejects(raw: str, reason_part: str) -> None:
    with pytest.raises(InvalidIdentifier) as excinfo:
        normalise_ipc(raw)
    assert reason_part in excinfo.value.reason


@pytest.mark.parametrize(
    ("raw", "section", "klass", "subclass"),
    [
        ("H01M 4/36", "H", "H01", "H01M"),
        ("a01d45/02", "A", "A01", "A01D"),
        ("Ｇ０６Ｆ　１６／００", "G", "G06", "G06F"),
    ],
)
def test_ipc_parts(raw: str, section: str, klass: str, subclass: str) -> None:
    assert ipc_section(raw) == section
    assert ipc_class(raw) == klass
    assert ipc_subclass(raw) == subclass


def test_ipc_parts_reject_invalid() -> None:
    with pytest.raises(InvalidIdentifier):
        ipc_class("Z01M 4/36")


# --------------------------------------------------------------------------------------------
# Term (Patent Law Art. 42)
# --------------------------------------------------------------------------------------------


def test_term_years_table() -> None:
    assert TERM_YEARS == {"invention": 20, "utility_model": 10, "design": 15}


D = datetime.date


@pytest.mark.parametrize(
    ("patent_type", "filed", "expires"),
    [
        ("invention", D(2017, 7, 20), D(2037, 7, 19)),
        ("utility_model", D(1999, 9, 6), D(2009, 9, 5)),
        ("design", D(2021, 6, 1), D(2036, 5, 31)),
        ("design", D(2022, 1, 1), D(2036, 12, 31)),
        ("design", D(2021, 5, 31), D(2031, 5, 30)),  # filed before 2021-06-01: 10 years
        ("invention", D(2020, 1, 1), D(2039, 12, 31)),
        # 29 February filings end on 28 February, in leap and common target years alike.
        ("invention", D(2020, 2, 29), D(2040, 2, 28)),  # 2040 is a leap year
        ("utility_model", D(2020, 2, 29), D(2030, 2, 28)),  # 2030 is not
        ("design", D(2024, 2, 29), D(2039, 2, 28)),
        ("invention", D(2021, 3, 1), D(2041, 2, 28)),
        ("invention", D(2020, 3, 1), D(2040, 2, 29)),  # day before 1 March in a leap year
    ],
)
def test_expiry_date(patent_type: str, filed: datetime.date, expires: datetime.date) -> None:
    assert expiry_date(patent_type, filed) == expires


def test_term_years_design_transition() -> None:
    assert term_years("design", D(2021, 5, 31)) == 10
    assert term_years("design", D(2021, 6, 1)) == 15
    assert term_years("invention", D(2000, 1, 1)) == 20


def test_expiry_date_unknown_type() -> None:
    with pytest.raises(ValueError, match="unknown patent type"):
        expiry_date("plant_variety", D(2020, 1, 1))


@given(
    st.sampled_from(sorted(TERM_YEARS)),
    st.dates(min_value=D(2021, 6, 1), max_value=D(2100, 12, 31)),
)
def test_property_expiry_is_day_before_anniversary(patent_type: str, filed: datetime.date) -> None:
    end = expiry_date(patent_type, filed)
    assert end.year == filed.year + TERM_YEARS[patent_type] - (
        1 if (filed.month, filed.day) == (1, 1) else 0
    )
    day_after = end + datetime.timedelta(days=1)
    if (filed.month, filed.day) == (2, 29):
        assert (end.month, end.day) == (2, 28)
    else:
        assert (day_after.month, day_after.day) == (filed.month, filed.day)
