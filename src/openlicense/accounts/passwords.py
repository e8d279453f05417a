"""Password hashing (argon2id) and the password policy."""

from __future__ import annotations

import re
from functools import lru_cache

import anyio
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from openlicense.core.limits import LoopLimiter, all_cores_but_one

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


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password("not-a-real-password-0")


HASHING_THREADS = all_cores_but_one()
"""argon2 runs at most this many at once (it releases the interpreter lock, so each one takes a
whole core): one core is always left to the event loop. Logins beyond that wait their turn."""
_limiter = LoopLimiter(HASHING_THREADS)


async def hash_password_off_loop(password: str) -> str:
    """argon2 holds the CPU for most of a second by design: never on the event loop."""
    return await anyio.to_thread.run_sync(hash_password, password, limiter=_limiter())


async def verify_password_off_loop(password_hash: str | None, password: str) -> bool:
    """Off the event loop; with no hash (unknown account) a dummy hash is checked instead, so
    the answer takes as long either way and does not reveal whether the account exists."""
    if password_hash is None:
        await anyio.to_thread.run_sync(verify_password, _dummy_hash(), password, limiter=_limiter())
        return False
    return await anyio.to_thread.run_sync(
        verify_password, password_hash, password, limiter=_limiter()
    )


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
