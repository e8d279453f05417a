"""Organisation admins manage their own staff: invitations (single-use, expiring links),
deactivation (every session and API key stops at once) and who else manages the staff.
Platform admins may do the same for any organisation. Never commits."""

from __future__ import annotations

import datetime
import secrets
import uuid
from typing import TYPE_CHECKING

from sqlalchemy import func, select, update

from openlicense.accounts.errors import (
    AlreadyExists,
    LastOrganisationAdmin,
    LinkExpired,
    LinkUsed,
    NotOrganisationAdmin,
    WeakPassword,
)
from openlicense.accounts.mail import LinkMail, no_mail
from openlicense.accounts.models import (
    ROLE_FOR_KIND,
    AccountToken,
    ApiKey,
    Organisation,
    TokenPurpose,
    User,
)
from openlicense.accounts.passwords import hash_password_off_loop, password_problems
from openlicense.accounts.tokens import hash_secret
from openlicense.audit import ledger
from openlicense.audit.ledger import LedgerRecord
from openlicense.core.errors import NotFound

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from openlicense.accounts.principal import Principal
    from openlicense.accounts.schemas import InvitationAccept, InvitationCreate, StaffUpdate
    from openlicense.settings import AuthSettings


def new_link_secret() -> tuple[str, str]:
    """(secret for the link, its SHA-256 to store)."""
    secret = secrets.token_urlsafe(32)
    return secret, hash_secret(secret)


async def claim_token(
    session: AsyncSession, secret: str, purpose: TokenPurpose, now: datetime.datetime
) -> AccountToken:
    """Use a link once: a conditional UPDATE sets `used_at`, so of two concurrent uses exactly
    one wins; the other (and any later one) is refused as used. Expired links are refused."""
    token = await session.scalar(
        select(AccountToken).where(
            AccountToken.token_hash == hash_secret(secret), AccountToken.purpose == purpose
        )
    )
    if token is None:
        raise LinkExpired("This link is invalid or has expired; ask for a new one.")
    if token.used_at is not None:
        raise LinkUsed("This link has already been used; ask for a new one.")
    if token.expires_at.replace(tzinfo=datetime.UTC) <= now:
        raise LinkExpired("This link has expired; ask for a new one.")
    claimed = await session.execute(
        update(AccountToken)
        .where(AccountToken.id == token.id, AccountToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if getattr(claimed, "rowcount", 0) != 1:
        raise LinkUsed("This link has already been used; ask for a new one.")
    return token


class StaffService:
    def __init__(
        self, session: AsyncSession, *, auth: AuthSettings, mail: LinkMail = no_mail
    ) -> None:
        self.session = session
        self.auth = auth
        self.mail = mail

    async def _ensure_manages(self, principal: Principal, organisation_id: uuid.UUID) -> None:
        if principal.is_admin:
            return
        is_admin = await self.session.scalar(
            select(User.is_org_admin).where(User.id == principal.user_id)
        )
        if not (principal.belongs_to(organisation_id) and is_admin):
            raise NotOrganisationAdmin(
                "Only an admin of this organisation manages its staff.",
            )

    async def list_staff(self, principal: Principal, organisation_id: uuid.UUID) -> list[User]:
        await self._ensure_manages(principal, organisation_id)
        query = select(User).where(User.organisation_id == organisation_id).order_by(User.email)
        return list(await self.session.scalars(query))

    async def list_invitations(
        self, principal: Principal, organisation_id: uuid.UUID
    ) -> list[AccountToken]:
        await self._ensure_manages(principal, organisation_id)
        query = (
            select(AccountToken)
            .where(
                AccountToken.organisation_id == organisation_id,
                AccountToken.purpose == TokenPurpose.INVITATION,
            )
            .order_by(AccountToken.created_at.desc())
        )
        return list(await self.session.scalars(query))

    async def invite(
        self, principal: Principal, organisation_id: uuid.UUID, data: InvitationCreate
    ) -> tuple[AccountToken, str]:
        """Returns the invitation and its link (mailed to the invitee, shown once to the admin)."""
        await self._ensure_manages(principal, organisation_id)
        organisation = await self.session.get(Organisation, organisation_id)
        if organisation is None:
            raise NotFound("No such organisation.")
        secret, digest = new_link_secret()
        now = datetime.datetime.now(datetime.UTC)
        invitation = AccountToken(
            purpose=TokenPurpose.INVITATION,
            token_hash=digest,
            organisation_id=organisation_id,
            email=data.email,
            display_name=data.display_name,
            make_org_admin=data.org_admin,
            created_by_id=principal.user_id,
            expires_at=now + datetime.timedelta(hours=self.auth.invitation_ttl_hours),
        )
        self.session.add(invitation)
        await self.session.flush()
        link = f"{self.auth.public_url.rstrip('/')}/invitations/{secret}"
        self.mail(
            self.session,
            to=data.email,
            kind="account.invitation",
            data={"link": link, "organisation": organisation.name},
            language=data.language,
        )
        ledger.append(
            self.session,
            LedgerRecord(
                action="user.invited",
                subject_type="organisation",
                subject_id=str(organisation_id),
                actor_id=ledger.actor(principal.user_id),
                data={"email": data.email, "org_admin": data.org_admin},
            ),
        )
        return invitation, link

    async def accept_invitation(self, data: InvitationAccept) -> User:
        """The invitee chooses a name and password; the link then stops working."""
        now = datetime.datetime.now(datetime.UTC)
        token = await claim_token(self.session, data.token, TokenPurpose.INVITATION, now)
        # A refusal below rolls the request back, so the link is not used up by a weak password.
        problems = password_problems(
            data.password, min_length=self.auth.password_min_length, email=token.email
        )
        if problems:
            raise WeakPassword(
                "The password " + "; ".join(problems) + ".",
                errors=[{"field": "password", "message": p, "source": "body"} for p in problems],
            )
        organisation = await self.session.get_one(Organisation, token.organisation_id)
        taken = await self.session.scalar(select(User.id).where(User.email == token.email))
        if taken is not None:
            raise AlreadyExists("A user with this email already exists.")
        user = User(
            email=token.email,
            display_name=data.display_name,
            password_hash=await hash_password_off_loop(data.password),
            role=ROLE_FOR_KIND[organisation.kind],
            organisation_id=organisation.id,
            is_org_admin=token.make_org_admin,
        )
        self.session.add(user)
        await self.session.flush()
        ledger.append(
            self.session,
            LedgerRecord(
                action="user.joined",
                subject_type="user",
                subject_id=str(user.id),
                actor_id=ledger.actor(user.id),
                data={"organisation_id": str(organisation.id), "email": user.email},
            ),
        )
        return user

    async def update_staff(
        self, principal: Principal, user_id: uuid.UUID, data: StaffUpdate
    ) -> User:
        user = await self.session.get(User, user_id)
        if user is None:
            raise NotFound("No such user.")
        await self._ensure_manages(principal, user.organisation_id)
        changes = data.model_dump(exclude_unset=True, exclude_none=True)
        losing_admin = (
            user.is_org_admin
            and user.is_active
            and (changes.get("is_org_admin") is False or changes.get("is_active") is False)
        )
        if losing_admin and not principal.is_admin:
            admins = await self.session.scalar(
                select(func.count())
                .select_from(User)
                .where(
                    User.organisation_id == user.organisation_id,
                    User.is_org_admin.is_(True),
                    User.is_active.is_(True),
                )
            )
            if (admins or 0) <= 1:
                raise LastOrganisationAdmin(
                    "The organisation needs at least one active admin; make someone else an "
                    "admin first.",
                )
        if "is_org_admin" in changes:
            user.is_org_admin = changes["is_org_admin"]
        if changes.get("is_active") is False and user.is_active:
            await self.deactivate(principal, user)
        elif changes.get("is_active") is True:
            user.is_active = True
        ledger.append(
            self.session,
            LedgerRecord(
                action="user.updated",
                subject_type="user",
                subject_id=str(user.id),
                actor_id=ledger.actor(principal.user_id),
                data={"is_org_admin": user.is_org_admin, "is_active": user.is_active},
            ),
        )
        await self.session.flush()
        return user

    async def deactivate(self, principal: Principal, user: User) -> None:
        """The user's bearer tokens and page sessions stop at the next request (every request
        checks `is_active`); the API keys are revoked here, so reactivating does not revive
        them."""
        user.is_active = False
        await self.session.execute(
            update(ApiKey)
            .where(ApiKey.user_id == user.id, ApiKey.revoked_at.is_(None))
            .values(revoked_at=datetime.datetime.now(datetime.UTC))
            .execution_options(synchronize_session=False)
        )
