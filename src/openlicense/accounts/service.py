"""Account use cases: sign-up, login, users, organisations, API keys. Never commits."""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from openlicense.accounts import rules as sme
from openlicense.accounts.errors import (
    AlreadyExists,
    CreditCodeRequired,
    InvalidCredentials,
    OrganisationKindNotSelfService,
    OrganisationNotVerified,
    TooManyLoginAttempts,
    WeakPassword,
)
from openlicense.accounts.models import (
    ROLE_FOR_KIND,
    ApiKey,
    LoginFailure,
    Organisation,
    OrganisationKind,
    User,
)
from openlicense.accounts.passwords import (
    hash_password_off_loop,
    password_problems,
    verify_password_off_loop,
)
from openlicense.accounts.schemas import (
    OrganisationCreate,
    OrganisationRead,
    OrganisationUpdate,
    SelfRegistration,
    UserCreate,
)
from openlicense.accounts.tokens import NewApiKey, generate_api_key
from openlicense.audit import ledger
from openlicense.audit.ledger import LedgerRecord
from openlicense.core.errors import Forbidden, NotFound

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from openlicense.accounts.principal import Principal
    from openlicense.settings import AuthSettings

SELF_SERVICE_KINDS = {OrganisationKind.UNIVERSITY, OrganisationKind.ENTERPRISE}


class AccountService:
    def __init__(self, session: AsyncSession, *, auth: AuthSettings) -> None:
        self.session = session
        self.auth = auth

    async def register(self, data: SelfRegistration) -> User:
        if data.organisation.kind not in SELF_SERVICE_KINDS:
            raise OrganisationKindNotSelfService(
                "Only universities and enterprises can sign up; ask the platform for other kinds.",
            )
        if (
            data.organisation.kind is OrganisationKind.ENTERPRISE
            and not data.organisation.credit_code
        ):
            raise CreditCodeRequired(
                "An enterprise signs up with its unified social credit code (统一社会信用代码).",
                errors=[
                    {
                        "field": "organisation.credit_code",
                        "message": "required for enterprises",
                        "source": "body",
                    }
                ],
            )
        # Hash before the first write: on SQLite the write lock is not held while argon2 runs.
        password_hash = await self._password_hash(data.password, data.email)
        organisation = await self.create_organisation(data.organisation, verified=False)
        return await self._add_user(
            email=data.email,
            password_hash=password_hash,
            display_name=data.display_name,
            organisation=organisation,
            org_admin=True,
        )

    async def create_organisation(
        self, data: OrganisationCreate, *, verified: bool = True
    ) -> Organisation:
        """A platform admin's organisation is verified on creation; a self-registered one waits
        for `verify_organisation`."""
        organisation = Organisation(
            **data.model_dump(),
            verified_at=datetime.datetime.now(datetime.UTC) if verified else None,
        )
        self.session.add(organisation)
        await self._flush_unique("An organisation with this name or credit code already exists.")
        return organisation

    async def update_organisation(
        self, organisation_id: uuid.UUID, data: OrganisationUpdate
    ) -> Organisation:
        organisation = await self.get_organisation(organisation_id)
        for field, value in data.model_dump(exclude_unset=True).items():
            setattr(organisation, field, value)
        await self.session.flush()
        return organisation

    async def create_user(self, data: UserCreate) -> User:
        password_hash = await self._password_hash(data.password, data.email)
        organisation = await self.get_organisation(data.organisation_id)
        first = await self.session.scalar(
            select(User.id).where(User.organisation_id == organisation.id).limit(1)
        )
        return await self._add_user(
            email=data.email,
            password_hash=password_hash,
            display_name=data.display_name,
            organisation=organisation,
            org_admin=first is None,  # an organisation's first user manages its staff
        )

    async def _password_hash(self, password: str, email: str) -> str:
        problems = password_problems(
            password, min_length=self.auth.password_min_length, email=email
        )
        if problems:
            raise WeakPassword(
                "The password " + "; ".join(problems) + ".",
                errors=[{"field": "password", "message": p, "source": "body"} for p in problems],
            )
        return await hash_password_off_loop(password)

    async def _add_user(
        self,
        *,
        email: str,
        password_hash: str,
        display_name: str,
        organisation: Organisation,
        org_admin: bool = False,
    ) -> User:
        user = User(
            is_org_admin=org_admin,
            email=email.lower(),
            display_name=display_name,
            password_hash=password_hash,
            role=ROLE_FOR_KIND[organisation.kind],
            organisation_id=organisation.id,
        )
        self.session.add(user)
        await self._flush_unique("A user with this email already exists.")
        return user

    async def login(self, email: str, password: str, *, address: str | None = None) -> User:
        """Sign in. Failures are counted per account and per client address: over either limit
        within the window the answer is 429 (checked before the password, so guessing stops).
        The caller runs in autocommit (the API and page login routes), so a failure is recorded
        even though the request answers 401."""
        email = email.lower()
        now = datetime.datetime.now(datetime.UTC)
        await self._refuse_if_throttled(email, address, now)
        user = await self.session.scalar(select(User).where(User.email == email))
        # Same answer for unknown email and wrong password: no account enumeration.
        known = user.password_hash if user is not None and user.is_active else None
        if not await verify_password_off_loop(known, password) or user is None:
            self.session.add(LoginFailure(email=email, address=address, failed_at=now))
            await self.session.flush()
            raise InvalidCredentials("Email or password is wrong.")
        user.last_login_at = now
        return user

    async def _refuse_if_throttled(
        self, email: str, address: str | None, now: datetime.datetime
    ) -> None:
        since = now - datetime.timedelta(minutes=self.auth.login_window_minutes)
        await self.session.execute(
            delete(LoginFailure).where(LoginFailure.failed_at < since - datetime.timedelta(days=1))
        )
        recent = (
            select(func.count()).select_from(LoginFailure).where(LoginFailure.failed_at >= since)
        )
        by_account = await self.session.scalar(recent.where(LoginFailure.email == email)) or 0
        by_address = (
            await self.session.scalar(recent.where(LoginFailure.address == address)) or 0
            if address
            else 0
        )
        if (
            by_account >= self.auth.login_max_failures_per_account
            or by_address >= self.auth.login_max_failures_per_address
        ):
            raise TooManyLoginAttempts(
                "Too many failed sign-ins; wait a few minutes and try again, or reset the "
                "password.",
                headers={"Retry-After": str(self.auth.login_window_minutes * 60)},
            )

    async def get_user(self, user_id: uuid.UUID) -> User:
        user = await self.session.get(User, user_id)
        if user is None:
            raise NotFound("No such user.")
        return user

    async def get_organisation(self, organisation_id: uuid.UUID) -> Organisation:
        organisation = await self.session.get(Organisation, organisation_id)
        if organisation is None:
            raise NotFound("No such organisation.")
        return organisation

    async def list_organisations(
        self, kind: OrganisationKind | None = None, *, verified: bool | None = None
    ) -> list[Organisation]:
        query = select(Organisation).order_by(Organisation.name)
        if kind is not None:
            query = query.where(Organisation.kind == kind)
        if verified is not None:
            query = query.where(
                Organisation.verified_at.is_not(None)
                if verified
                else Organisation.verified_at.is_(None)
            )
        return list(await self.session.scalars(query))

    async def verify_organisation(
        self, principal: Principal, organisation_id: uuid.UUID
    ) -> Organisation:
        """A platform admin confirms a university or enterprise is who it says (idempotent);
        the ledger records who did it."""
        if not principal.is_admin:
            raise Forbidden("Only platform admins verify organisations.", code="not_an_admin")
        organisation = await self.get_organisation(organisation_id)
        if organisation.verified_at is not None:
            return organisation
        organisation.verified_at = datetime.datetime.now(datetime.UTC)
        ledger.append(
            self.session,
            LedgerRecord(
                action="organisation.verified",
                subject_type="organisation",
                subject_id=str(organisation.id),
                actor_id=ledger.actor(principal.user_id),
                data={"name": organisation.name, "kind": organisation.kind.value},
            ),
        )
        await self.session.flush()
        return organisation

    async def list_users(self, organisation_id: uuid.UUID) -> list[User]:
        query = select(User).where(User.organisation_id == organisation_id).order_by(User.email)
        return list(await self.session.scalars(query))

    async def count_users(self) -> dict[uuid.UUID, int]:
        """Users per organisation, for the admin's organisation list."""
        rows = await self.session.execute(
            select(User.organisation_id, func.count()).group_by(User.organisation_id)
        )
        return {org_id: n for org_id, n in rows.all()}

    async def create_api_key(self, principal: Principal, name: str) -> tuple[ApiKey, NewApiKey]:
        new = generate_api_key()
        key = ApiKey(
            user_id=principal.user_id, name=name, prefix=new.prefix, secret_hash=new.secret_hash
        )
        self.session.add(key)
        await self.session.flush()
        return key, new

    async def list_api_keys(self, principal: Principal) -> list[ApiKey]:
        query = (
            select(ApiKey).where(ApiKey.user_id == principal.user_id).order_by(ApiKey.created_at)
        )
        return list(await self.session.scalars(query))

    async def revoke_api_key(self, principal: Principal, key_id: uuid.UUID) -> ApiKey:
        key = await self.session.get(ApiKey, key_id)
        if key is None or key.user_id != principal.user_id:
            raise NotFound("No such API key.")
        if key.revoked_at is None:
            key.revoked_at = datetime.datetime.now(datetime.UTC)
        return key

    async def _flush_unique(self, message: str) -> None:
        # The request's transaction is rolled back on the 409, so no savepoint is needed.
        try:
            await self.session.flush()
        except IntegrityError as exc:
            raise AlreadyExists(message) from exc


async def require_verified(
    session: AsyncSession, organisation_id: uuid.UUID, *, action: str
) -> None:
    """Refuse a binding act by an organisation the platform has not verified yet (403
    `organisation_not_verified`). Browsing and preparing drafts stay open to it."""
    verified_at = await session.scalar(
        select(Organisation.verified_at).where(Organisation.id == organisation_id)
    )
    if verified_at is None:
        raise OrganisationNotVerified(
            f"Your organisation is not verified yet, so it cannot {action}. A platform admin "
            "verifies universities and IP offices; an enterprise is verified once its unified "
            "social credit code is checked. You can keep browsing and preparing meanwhile.",
        )


def organisation_read(organisation: Organisation) -> OrganisationRead:
    read = OrganisationRead.model_validate(organisation)
    if organisation.kind is OrganisationKind.ENTERPRISE:
        read.is_sme = sme.is_sme(
            organisation.industry, organisation.headcount, organisation.annual_revenue_minor
        )
    return read
