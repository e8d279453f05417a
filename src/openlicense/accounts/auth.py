"""Authentication middleware: `Authorization: Bearer <jwt>` or `X-API-Key: ol_…`, or for the web
pages the signed-in user of the page session (an encrypted, HttpOnly cookie; see `web/`).

No credentials → anonymous (guards decide). Bad credentials → 401, never silently anonymous; a
stale page session (expired, user disabled) is simply anonymous, so public pages keep working.
The JSON API never sees the page session: the session middleware skips `/api`."""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING, Any

from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from sqlalchemy import select

from openlicense.accounts.errors import InvalidApiKey, InvalidToken
from openlicense.accounts.models import ApiKey, Organisation, User
from openlicense.accounts.principal import Principal
from openlicense.accounts.tokens import read_access_token, secrets_match, split_api_key
from openlicense.core.errors import Unauthorized

if TYPE_CHECKING:
    from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
    from litestar.connection import ASGIConnection
    from litestar.types import ASGIApp
    from sqlalchemy.ext.asyncio import AsyncSession

    from openlicense.settings import Settings


class AuthMiddleware(AbstractAuthenticationMiddleware):
    def __init__(
        self,
        app: ASGIApp,
        *,
        settings: Settings,
        db_config: SQLAlchemyAsyncConfig,
        exclude: str | list[str] | None = None,
    ) -> None:
        super().__init__(app, exclude=exclude)
        self.settings = settings
        self.db_config = db_config

    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        header = connection.headers.get("authorization", "")
        api_key = connection.headers.get("x-api-key")
        page_user = None if header or api_key else session_claims(connection.scope.get("session"))
        if not header and not api_key and page_user is None:
            return AuthenticationResult(user=None, auth=None)
        session = self.db_config.provide_session(connection.app.state, connection.scope)
        try:
            if page_user is not None:
                return AuthenticationResult(
                    user=await _page_principal(session, page_user), auth="session"
                )
            if api_key:
                return AuthenticationResult(
                    user=await _from_api_key(session, api_key), auth=api_key
                )
            return AuthenticationResult(user=await self._from_token(session, header), auth=header)
        finally:
            # End the lookup's transaction now: on SQLite it holds the database lock, which the
            # handler (or work it starts on other connections) must not wait behind.
            await session.commit()

    async def _from_token(self, session: AsyncSession, header: str) -> Principal:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise Unauthorized("Authorization header must be `Bearer <token>`.")
        claims = read_access_token(token, secret=self.settings.auth.jwt_secret.get_secret_value())
        if claims is None:
            raise InvalidToken("The access token is invalid or has expired.")
        return await _principal(session, claims.user_id, issued_at=claims.issued_at)


SESSION_USER = "uid"
SESSION_EXPIRES = "exp"
SESSION_ISSUED = "iat"


def session_data(user_id: uuid.UUID, max_age_seconds: int) -> dict[str, Any]:
    """What a page sign-in stores in the session cookie (read back by `session_claims`)."""
    now = datetime.datetime.now(datetime.UTC).timestamp()
    return {SESSION_USER: str(user_id), SESSION_ISSUED: now, SESSION_EXPIRES: now + max_age_seconds}


def session_claims(data: Any) -> tuple[uuid.UUID, float] | None:
    """The user a page session names and when it was issued, if it has not expired."""
    if not isinstance(data, dict) or SESSION_USER not in data:
        return None
    try:
        expires = float(data.get(SESSION_EXPIRES, 0))
        issued = float(data.get(SESSION_ISSUED, 0))
        user_id = uuid.UUID(str(data[SESSION_USER]))
    except (TypeError, ValueError):
        return None
    return (user_id, issued) if expires > datetime.datetime.now(datetime.UTC).timestamp() else None


async def _page_principal(
    session: AsyncSession, claims: tuple[uuid.UUID, float]
) -> Principal | None:
    try:
        return await _principal(session, claims[0], issued_at=claims[1])
    except Unauthorized:  # disabled, deleted or password changed since: just not signed in
        return None


async def _principal(
    session: AsyncSession,
    user_id: uuid.UUID,
    *,
    issued_at: float | None = None,
    via_api_key: bool = False,
) -> Principal:
    """The signed-in user; `issued_at` (a token's or page session's) must not precede the
    user's last password change or reset (`User.sessions_valid_from`)."""
    row = (
        await session.execute(
            select(
                User.id,
                User.role,
                User.organisation_id,
                Organisation.kind,
                User.sessions_valid_from,
            )
            .join(Organisation, Organisation.id == User.organisation_id)
            .where(User.id == user_id, User.is_active.is_(True))
        )
    ).first()
    if row is None:
        raise InvalidToken("The account is unknown or disabled.")
    if issued_at is not None and row[4] is not None and issued_at < row[4].timestamp():
        raise InvalidToken("The password was changed since this sign-in; sign in again.")
    return Principal(row[0], row[1], row[2], row[3], via_api_key=via_api_key)


async def _from_api_key(session: AsyncSession, raw: str) -> Principal:
    parts = split_api_key(raw)
    key = None
    if parts is not None:
        key = await session.scalar(
            select(ApiKey).where(ApiKey.prefix == parts[0], ApiKey.revoked_at.is_(None))
        )
    if key is None or parts is None or not secrets_match(parts[1], key.secret_hash):
        raise InvalidApiKey("The API key is invalid or revoked.")
    key.last_used_at = datetime.datetime.now(datetime.UTC)
    return await _principal(session, key.user_id, via_api_key=True)
