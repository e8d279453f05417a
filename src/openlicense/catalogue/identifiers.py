"""CN patent identifiers, IPC codes and patent terms (domain.md §7, Patent Law Art. 42).

Pure functions: no database, no web. Everything that accepts what people type normalises first
(prefixes, spaces, full-width characters) and then validates, so callers store only the canonical
forms returned here.

Application numbers (申请号):
- since October 2003: 12 digits + ``.`` + check character, e.g. ``201710601862.3``
  (digits 1–4 filing year, digit 5 type, digits 6–12 serial number);
- before that: 8 digits + ``.`` + check character, e.g. ``97101765.4``, ``95115608.X``
  (digits 1–2 year, digit 3 type, digits 4–8 serial number).

The patent number is ``ZL`` + the application number.
"""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from typing import Final

__all__ = [
    "DESIGN_15_YEARS_FROM",
    "PATENT_TYPES",
    "TERM_YEARS",
    "TYPE_DIGITS",
    "InvalidIdentifier",
    "check_character",
    "expiry_date",
    "filing_year",
    "ipc_class",
    "ipc_section",
    "ipc_subclass",
    "normalise_application_number",
    "normalise_ipc",
    "patent_number_for",
    "patent_type_digit",
    "term_years",
    "type_matches",
]


class InvalidIdentifier(ValueError):
    """An application number or IPC code that cannot be normalised. ``reason`` says why."""

    def __init__(self, reason: str, raw: str | None = None) -> None:
        super().__init__(reason if raw is None else f"{raw!r}: {reason}")
        self.reason = reason
        self.raw = raw


# --------------------------------------------------------------------------------------------
# Application numbers
# --------------------------------------------------------------------------------------------

CHECK_WEIGHTS: Final = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
"""Weights for the check character, left to right; the old 8-digit form uses the first eight."""

PATENT_TYPES: Final = ("invention", "utility_model", "design")

TYPE_DIGITS: Final[dict[str, str]] = {
    "1": "invention",
    "2": "utility_model",
    "3": "design",
    "8": "invention",  # PCT invention entering the Chinese national phase
    "9": "utility_model",  # PCT utility model entering the Chinese national phase
}
"""Type digit (5th of the 12-digit form, 3rd of the 8-digit form) → patent type."""

_BODY_LENGTHS: Final = (12, 8)
_PREFIXES: Final = ("ZL", "CN")
# NFKC folds full-width digits, Ｘ and ．, but not the ideographic full stop 。 (U+3002).
_FULL_STOPS: Final = str.maketrans({"\u3002": ".", "\uff61": "."})
_WHITESPACE: Final = re.compile(r"\s+")


def _fold(raw: str) -> str:
    """NFKC, full stops to ``.``, no whitespace, upper case."""
    text = unicodedata.normalize("NFKC", raw).translate(_FULL_STOPS)
    return _WHITESPACE.sub("", text).upper()


def _is_ascii_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def check_character(digits: str) -> str:
    """The check character for the 12-digit (or old 8-digit) body of an application number.

    Weights 2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5 left to right, sum mod 11, 10 written ``X``:
    ``check_character("201710601862") == "3"``, ``check_character("95115608") == "X"``.
    """
    if not _is_ascii_digits(digits) or len(digits) not in _BODY_LENGTHS:
        raise InvalidIdentifier("the check character needs exactly 12 or 8 digits", digits)
    remainder = sum(int(d) * w for d, w in zip(digits, CHECK_WEIGHTS, strict=False)) % 11
    return "X" if remainder == 10 else str(remainder)


def _type_digit_of(body: str) -> str:
    return body[4] if len(body) == 12 else body[2]


def normalise_application_number(raw: str) -> str:
    """Canonical application number, e.g. ``202110123456.7``, ``97101765.4``, ``95115608.X``.

    Accepts a ``ZL``/``CN`` prefix (any case), spaces anywhere (``ZL 2017 1 0601862.3``),
    full-width digits, ``。``/``．`` as the separator, and ``x``/``Ｘ`` as the check character.
    Raises :class:`InvalidIdentifier` for a wrong length, an unknown type digit, a missing check
    character or a wrong one (the reason then names the expected character).
    """
    if not isinstance(raw, str):
        raise InvalidIdentifier("an application number must be a string")
    return _normalise_application_number(raw)


@functools.lru_cache(maxsize=4096)
def _normalise_application_number(raw: str) -> str:
    # Cached: validating one imported row normalises its number four times (schema, duplicate
    # check, type digit, patent number). Errors are raised, never cached.
    text = _fold(raw)
    for prefix in _PREFIXES:
        if text.startswith(prefix):
            text = text[len(prefix) :]
            break
    if not text:
        raise InvalidIdentifier("empty application number", raw)

    body, dot, check = text.partition(".")
    if not _is_ascii_digits(body):
        raise InvalidIdentifier(
            "the part before the check character must be digits only "
            "(e.g. 202110123456.7 or 97101765.4)",
            raw,
        )
    if len(body) not in _BODY_LENGTHS:
        raise InvalidIdentifier(
            f"wrong length: {len(body)} digits before the check character, "
            "must be 12 (since October 2003) or 8 (before)",
            raw,
        )
    type_digit = _type_digit_of(body)
    if type_digit not in TYPE_DIGITS:
        position = "5th" if len(body) == 12 else "3rd"
        raise InvalidIdentifier(
            f"unknown type digit {type_digit!r} ({position} digit must be 1, 2, 3, 8 or 9)", raw
        )
    expected = check_character(body)
    if not dot or not check:
        raise InvalidIdentifier(
            "missing check character: the number ends with '.' and a digit or X "
            f"(form {'201710601862.3' if len(body) == 12 else '97101765.4'})",
            raw,
        )
    if len(check) != 1 or not (check == "X" or _is_ascii_digits(check)):
        raise InvalidIdentifier(
            f"the check character must be one digit or X, got {check!r}; "
            f"check character should be {expected}",
            raw,
        )
    if check != expected:
        raise InvalidIdentifier(
            f"wrong check character {check!r}: check character should be {expected}", raw
        )
    return f"{body}.{check}"


def patent_number_for(application_number: str) -> str:
    """Patent number (专利号): ``ZL`` + the canonical application number."""
    return "ZL" + normalise_application_number(application_number)


def patent_type_digit(application_number: str) -> str:
    """The type digit: 5th digit of the 12-digit form, 3rd of the old 8-digit form."""
    body = normalise_application_number(application_number).partition(".")[0]
    return _type_digit_of(body)


def type_matches(application_number: str, patent_type: str) -> bool:
    """Whether the type digit agrees with ``patent_type`` (invention, utility_model, design).

    1 and 8 (PCT) are inventions, 2 and 9 (PCT) utility models, 3 designs. An unknown
    ``patent_type`` is a programming error and raises :class:`ValueError`.
    """
    if patent_type not in PATENT_TYPES:
        raise ValueError(f"unknown patent type {patent_type!r}; expected one of {PATENT_TYPES}")
    return TYPE_DIGITS[patent_type_digit(application_number)] == patent_type


def filing_year(application_number: str) -> int:
    """Filing year encoded in the number.

    12-digit form: the first four digits. Old 8-digit form (used from 1985 until October 2003):
    two digits, 85–99 → 19xx and 00–03 → 20xx; any other two-digit year cannot be an old-form
    number and raises :class:`InvalidIdentifier`.
    """
    body = normalise_application_number(application_number).partition(".")[0]
    if len(body) == 12:
        return int(body[:4])
    yy = int(body[:2])
    if yy >= 85:
        return 1900 + yy
    if yy <= 3:
        return 2000 + yy
    raise InvalidIdentifier(
        f"year digits {body[:2]!r} are impossible in the old 8-digit form (1985–2003)",
        application_number,
    )


# --------------------------------------------------------------------------------------------
# IPC codes
# --------------------------------------------------------------------------------------------

_IPC_LOOSE: Final = re.compile(r"([A-Z])(\d*)([A-Z])(\d*)/(\d*)")
_IPC_EXAMPLE: Final = "expected e.g. 'H01M 4/36' or 'H01M 10/0525'"


def normalise_ipc(raw: str) -> str:
    """Canonical IPC code, e.g. ``H01M 4/36``, ``H01M 10/0525``, ``A01D 45/02``.

    Section A–H, class 2 digits, subclass letter, one space, main group 1–4 digits, ``/``,
    subgroup 2–6 digits. Accepts lower case, missing or extra spaces and full-width characters.
    Leading zeros of the main group are dropped (``H01M 0004/36`` → ``H01M 4/36``); the
    subgroup is kept as written, since its digits are significant (``/0525``).
    """
    if not isinstance(raw, str):
        raise InvalidIdentifier("an IPC code must be a string")
    text = _fold(raw)
    m = _IPC_LOOSE.fullmatch(text)
    if m is None:
        raise InvalidIdentifier(f"not an IPC code: {_IPC_EXAMPLE}", raw)
    section, klass, subclass, group, subgroup = m.groups()
    if section not in "ABCDEFGH":
        raise InvalidIdentifier(f"unknown IPC section {section!r}: must be A–H", raw)
    if len(klass) != 2:
        raise InvalidIdentifier(f"the IPC class must be 2 digits, got {klass!r}", raw)
    if not 1 <= len(group) <= 4 or int(group) == 0:
        raise InvalidIdentifier(f"the main group must be 1–4 digits (not 0), got {group!r}", raw)
    if not 2 <= len(subgroup) <= 6:
        raise InvalidIdentifier(f"the subgroup must be 2–6 digits, got {subgroup!r}", raw)
    return f"{section}{klass}{subclass} {int(group)}/{subgroup}"


def ipc_section(code: str) -> str:
    """Section letter: ``ipc_section("H01M 4/36") == "H"``."""
    return normalise_ipc(code)[0]


def ipc_class(code: str) -> str:
    """Section + class, the usual facet: ``ipc_class("H01M 4/36") == "H01"``."""
    return normalise_ipc(code)[:3]


def ipc_subclass(code: str) -> str:
    """Section + class + subclass: ``ipc_subclass("H01M 4/36") == "H01M"``."""
    return normalise_ipc(code)[:4]


# --------------------------------------------------------------------------------------------
# Patent term (Patent Law Art. 42)
# --------------------------------------------------------------------------------------------

TERM_YEARS: Final[dict[str, int]] = {"invention": 20, "utility_model": 10, "design": 15}
"""Patent Law Art. 42 (2020): term in years, counted from the filing date."""

DESIGN_15_YEARS_FROM: Final = datetime.date(2021, 6, 1)
"""The 2020 amendment (in force 2021-06-01) raised the design term from 10 to 15 years for
applications filed on or after this date; designs filed earlier keep 10 years."""

_OLD_DESIGN_TERM_YEARS: Final = 10


def term_years(patent_type: str, filing_date: datetime.date) -> int:
    """Term in years for ``patent_type`` filed on ``filing_date`` (see :data:`TERM_YEARS`)."""
    try:
        years = TERM_YEARS[patent_type]
    except KeyError:
        raise ValueError(
            f"unknown patent type {patent_type!r}; expected one of {tuple(TERM_YEARS)}"
        ) from None
    if patent_type == "design" and filing_date < DESIGN_15_YEARS_FROM:
        return _OLD_DESIGN_TERM_YEARS
    return years


def expiry_date(patent_type: str, filing_date: datetime.date) -> datetime.date:
    """Last day of the patent term (Patent Law Art. 42), counted from ``filing_date``.

    Choice made here: a term of N years counted from the filing date ends on the day *before*
    the Nth anniversary of filing, so that exactly N years are covered (filed 2017-07-20 →
    invention ends 2037-07-19); the patent is no longer in force on the anniversary itself.
    This matches how CNIPA states terms (e.g. filed 1999-09-06 → term to 2009-09-05 for a
    utility model), to be confirmed against the Examination Guidelines.

    A filing on 29 February has no anniversary in a common year; the anniversary is then taken
    as 1 March, so the term ends on 28 February. In a leap year the anniversary is 29 February
    and the term again ends on 28 February — either way a 29-February filing ends on 28 February.

    Designs filed before 2021-06-01 get the old 10-year term (:data:`DESIGN_15_YEARS_FROM`).
    Not applied here: Art. 44 early termination (unpaid annual fees, surrender) and the
    Art. 42(2)/(3) term compensation for invention patents.
    """
    year = filing_date.year + term_years(patent_type, filing_date)
    try:
        anniversary = filing_date.replace(year=year)
    except ValueError:  # 29 February into a common year
        anniversary = datetime.date(year, 3, 1)
    return anniversary - datetime.timedelta(days=1)
