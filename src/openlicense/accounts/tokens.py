"""Access tokens (JWT, HS256) and API key secrets."""

from __future__ import annotations

import datetime
import hashlib
import secrets
import uuid
from dataclasses import dataclass

import jwt

_ALGORITHM = "HS256"
API_KEY_PREFIX = "ol_"


def issue_access_token(user_id: uuid.UUID, *, secret: str, ttl_minutes: int) -> str:
    now = datetime.datetime.now(datetime.UTC)
    # iat with its fraction (a JWT NumericDate may have one): a password change refuses tokens
    # issued before it, to the microsecond (`User.sessions_valid_from`)
    expires = now + datetime.timedelta(minutes=ttl_minutes)
    claims = {"sub": str(user_id), "iat": now.timestamp(), "exp": expires}
    return jwt.encode(claims, secret, algorithm=_ALGORITHM)


@dataclass(frozen=True, slots=True)
class AccessClaims:
    user_id: uuid.UUID
    issued_at: float
    """Seconds since the epoch, with the fraction `issue_access_token` writes."""


def read_access_token(token: str, *, secret: str) -> AccessClaims | None:
    """The user and issue time of a valid, unexpired token, else None."""
    try:
        claims = jwt.decode(
            token, secret, algorithms=[_ALGORITHM], options={"require": ["exp", "iat"]}
        )
        return AccessClaims(uuid.UUID(claims["sub"]), float(claims["iat"]))
    except (jwt.PyJWTError, KeyError, ValueError, TypeError):
        return None


@dataclass(frozen=True)
class NewApiKey:
    prefix: str
    secret: str
    """The full key, `ol_<prefix>.<secret>`: shown once, never stored."""
    secret_hash: str


def generate_api_key() -> NewApiKey:
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    return NewApiKey(
        prefix=prefix, secret=f"{API_KEY_PREFIX}{prefix}.{secret}", secret_hash=hash_secret(secret)
    )


def split_api_key(key: str) -> tuple[str, str] | None:
    if not key.startswith(API_KEY_PREFIX) or "." not in key:
        return None
    prefix, _, secret = key[len(API_KEY_PREFIX) :].partition(".")
    return (prefix, secret) if prefix and secret else None


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def secrets_match(secret: str, stored_hash: str) -> bool:
    return secrets.compare_digest(hash_secret(secret), stored_hash)
