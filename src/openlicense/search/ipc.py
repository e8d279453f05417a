"""IPC codes in search: the hierarchy (section, class, subclass, main group), codes found in a
query as the user typed them, the tokens they are indexed as, and labels (zh/en) for suggest.

`H01M 4/36` is section `H`, class `H01`, subclass `H01M`, main group `H01M 4`, subgroup `36`.
A query may write a code in any case and spacing: `H01M`, `h01m4`, `H01M 4/36`, `h01m 4 / 36`.
Each code of a patent is indexed as the tokens of every level from the class down (`h01`,
`h01m`, `h01m4`, `h01m4/36`), so a query for a level finds every patent below it.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

from openlicense.search.definitions import definitions_dir

__all__ = [
    "IpcCode",
    "IpcLabel",
    "find_codes",
    "hierarchy",
    "index_tokens",
    "labels",
    "parse",
]

_CODE = re.compile(
    r"(?<![0-9a-z])([a-h])(\d{2})(?:([a-z])(?:\s*(\d{1,4})(?:\s*/\s*(\d{2,6}))?)?)?(?![0-9a-z/-])",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class IpcCode:
    section: str
    klass: str  # "H01"
    subclass: str | None  # "H01M"
    group: str | None  # "H01M 4"
    full: str | None  # "H01M 4/36"

    @property
    def token(self) -> str:
        """The index token of the most specific level given."""
        if self.full:
            return _token(self.full)
        return _token(self.group or self.subclass or self.klass)


def _token(level: str) -> str:
    return level.replace(" ", "").lower()


def parse(code: str) -> IpcCode | None:
    """An IPC code (any level from the class down), or None."""
    match = _CODE.fullmatch(code.strip())
    return _from_match(match) if match else None


def _from_match(match: re.Match[str]) -> IpcCode:
    section, digits, letter, group, subgroup = match.groups()
    section = section.upper()
    klass = f"{section}{digits}"
    subclass = f"{klass}{letter.upper()}" if letter else None
    main = f"{subclass} {int(group)}" if subclass and group else None
    full = f"{main}/{subgroup}" if main and subgroup else None
    return IpcCode(section, klass, subclass, main, full)


def find_codes(text: str) -> list[tuple[int, int, IpcCode]]:
    """Codes written in a query, with their spans. A bare class (`H01`) counts only when it is
    the whole word; anything shorter is not read as a code."""
    return [(m.start(), m.end(), _from_match(m)) for m in _CODE.finditer(text)]


def hierarchy(code: str) -> IpcCode | None:
    """The levels of a stored code ("H01M 4/36", "H01M 10/0525"); None when it is no IPC code
    (design patents carry Locarno classes such as "D14-99")."""
    return parse(code)


def index_tokens(code: str) -> list[str]:
    """Tokens of one stored code: each level from the class down."""
    parsed = parse(code)
    if parsed is None:
        return []
    levels = (parsed.klass, parsed.subclass, parsed.group, parsed.full)
    return [_token(level) for level in levels if level]


@dataclass(frozen=True, slots=True)
class IpcLabel:
    code: str  # "H01M", "H01M 10"
    zh: str
    en: str


def labels_path() -> Path:
    return definitions_dir() / "ipc" / "labels.json"


@functools.cache
def _labels(path: Path) -> tuple[IpcLabel, ...]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return tuple(IpcLabel(code, zh, en) for code, (zh, en) in sorted(data["labels"].items()))


def labels(path: Path | None = None) -> tuple[IpcLabel, ...]:
    """Labels of the classes, subclasses and main groups in `search/ipc/labels.json`."""
    return _labels((path or labels_path()).resolve())
