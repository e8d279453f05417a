"""Passwords: change (knowing the current one) and reset by a mailed, single-use, expiring link.
A reset request answers the same whether or not the address exists. Never commits."""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING

from sqlalchemy import select, update

from openlicense.accounts.errors import InvalidCredentials, WeakPassword
from openlicense.accounts.mail import LinkMail, no_mail
from openlicense.accounts.models import AccountToken, TokenPurpose, User
from openlicense.accounts.passwords import (
    hash_password_off_loop,
    password_problems,
    verify_password_off_loop,
)
from openlicense.accounts.staff import claim_token, new_link_secret
from openlicense.audit import ledger
from openlicense.audit.ledger import LedgerRecord
from openlicense.core.errors import NotFound

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from openlicense.settings import AuthSettings


class PasswordService:
    def __init__(
        self, session: AsyncSession, *, auth: AuthSettings, mail: LinkMail = no_mail
    ) -> None:
        self.session = session
        self.auth = auth
        self.mail = mail

    def _check(self, password: str, email: str) -> None:
        problems = password_problems(
            password, min_length=self.auth.password_min_length, email=email
        )
        if problems:
            raise WeakPassword(
                "The password " + "; ".join(problems) + ".",
                errors=[
                    {"field": "new_password", "message": p, "source": "body"} for p in problems
                ],
            )

    async def change(self, user_id: uuid.UUID, current: str, new: str) -> User:
        user = await self.session.get(User, user_id)
        if user is None or not user.is_active:
            raise NotFound("No such user.")
        if not await verify_password_off_loop(user.password_hash, current):
            raise InvalidCredentials("The current password is wrong.")
        self._check(new, user.email)
        await self._set(user, new, "user.password_changed")
        return user

    async def request_reset(self, email: str, *, language: str = "zh") -> None:
        """Mail a reset link if an active account has this address; say nothing either way."""
        user = await self.session.scalar(
            select(User).where(User.email == email.lower(), User.is_active.is_(True))
        )
        if user is None:
            return
        secret, digest = new_link_secret()
        now = datetime.datetime.now(datetime.UTC)
        self.session.add(
            AccountToken(
                purpose=TokenPurpose.PASSWORD_RESET,
                token_hash=digest,
                organisation_id=user.organisation_id,
                user_id=user.id,
                email=user.email,
                expires_at=now + datetime.timedelta(minutes=self.auth.reset_ttl_minutes),
            )
        )
        await self.session.flush()
        link = f"{self.auth.public_url.rstrip('/')}/password-reset/{secret}"
        self.mail(
            self.session,
            to=user.email,
            kind="account.password_reset",
            data={"link": link, "minutes": self.auth.reset_ttl_minutes},
            language=language,
        )

    async def reset(self, secret: str, new: str) -> User:
        now = datetime.datetime.now(datetime.UTC)
        token = await claim_token(self.session, secret, TokenPurpose.PASSWORD_RESET, now)
        user = await self.session.get(User, token.user_id) if token.user_id else None
        if user is None or not user.is_active:
            raise NotFound("No such user.")
        self._check(new, user.email)
        # Other reset links of the user stop working too.
        await self.session.execute(
            update(AccountToken)
            .where(
                AccountToken.user_id == user.id,
                AccountToken.purpose == TokenPurpose.PASSWORD_RESET,
                AccountToken.used_at.is_(None),
            )
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
        await self._set(user, new, "user.password_reset")
        return user

    async def _set(self, user: User, password: str, action: str) -> None:
        user.password_hash = await hash_password_off_loop(password)
        user.sessions_valid_from = datetime.datetime.now(datetime.UTC)  # ends other sessions
        ledger.append(
            self.session,
            LedgerRecord(
                action=action,
                subject_type="user",
                subject_id=str(user.id),
                actor_id=ledger.actor(user.id),
                data={},
            ),
        )
        await self.session.flush()
