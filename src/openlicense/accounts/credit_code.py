"""统一社会信用代码 (unified social credit code), GB 32100-2015: 18 characters from a 31-character
alphabet (digits and capitals without I, O, Z, S, V); the 18th is a check character over the first
17 (weights 3^i mod 31, "MOD 31-3"). Pure: no I/O."""

from __future__ import annotations

import re
from typing import Final

ALPHABET: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS: Final = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_SHAPE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{18}")


def check_character(first17: str) -> str:
    """The 18th character for the 17 given (which must be from the alphabet)."""
    if len(first17) != 17 or any(c not in ALPHABET for c in first17):
        raise ValueError("17 characters of the GB 32100-2015 alphabet are needed")
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def problem(code: str) -> str | None:
    """Why `code` is not a well-formed credit code, or None when it is."""
    if not _SHAPE.fullmatch(code):
        return (
            "a unified social credit code has 18 characters: digits and capital letters "
            "except I, O, Z, S and V"
        )
    if check_character(code[:17]) != code[17]:
        return "the check character (18th) does not match GB 32100-2015; check for a typo"
    return None
