"""Password hashing (argon2id) and the password policy."""

from __future__ import annotations

import re
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_COMMON = frozenset({"password", "12345678", "123456789", "1234567890", "qwertyuiop", "iloveyou"})


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    return PasswordHasher()  # argon2id with the library's current recommended parameters


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def password_problems(password: str, *, min_length: int, email: str = "") -> list[str]:
    """Why a password is refused (empty = acceptable). Length beats complexity (NIST 800-63B),
    but a letter and a digit are still required, and the obvious choices are refused."""
    problems = []
    if len(password) < min_length:
        problems.append(f"must be at least {min_length} characters")
    if not re.search(r"[A-Za-z]", password) or not re.search(r"\d", password):
        problems.append("must contain a letter and a digit")
    lowered = password.lower()
    if lowered in _COMMON or (email and email.split("@")[0].lower() in lowered):
        problems.append("is too easy to guess")
    return problems
