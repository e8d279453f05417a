"""HTTP routes for accounts: sign-up, login, me, organisations, users, API keys."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Router, delete, get, patch, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from openlicense.accounts.errors import NotYourOrganisation
from openlicense.accounts.guards import allow, public, signed_in
from openlicense.accounts.mail import LinkMail
from openlicense.accounts.models import OrganisationKind, Role
from openlicense.accounts.principal import Principal
from openlicense.accounts.recovery import PasswordService
from openlicense.accounts.schemas import (
    AccessToken,
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyRead,
    InvitationAccept,
    InvitationCreate,
    InvitationCreated,
    InvitationRead,
    Login,
    OrganisationCreate,
    OrganisationRead,
    OrganisationUpdate,
    PasswordChange,
    PasswordResetConfirm,
    PasswordResetRequest,
    SelfRegistration,
    StaffUpdate,
    UserCreate,
    UserRead,
)
from openlicense.accounts.service import AccountService, organisation_read
from openlicense.accounts.staff import StaffService
from openlicense.accounts.tokens import issue_access_token
from openlicense.settings import Settings


async def provide_account_service(
    db_session: NamedDependency[AsyncSession], settings: NamedDependency[Settings]
) -> AccountService:
    return AccountService(db_session, auth=settings.auth)


async def provide_staff_service(
    db_session: NamedDependency[AsyncSession],
    settings: NamedDependency[Settings],
    link_mail: NamedDependency[LinkMail],
) -> StaffService:
    return StaffService(db_session, auth=settings.auth, mail=link_mail)


async def provide_password_service(
    db_session: NamedDependency[AsyncSession],
    settings: NamedDependency[Settings],
    link_mail: NamedDependency[LinkMail],
) -> PasswordService:
    return PasswordService(db_session, auth=settings.auth, mail=link_mail)


STAFF_ROLES = (
    Role.TTO_OFFICER,
    Role.ENTERPRISE_MEMBER,
    Role.AUDITOR,
    Role.ADMIN,
    Role.PROVINCIAL_AUTHORITY,
)
"""Every organisation has staff; the service checks the caller administers this one."""


class AuthController(Controller):
    path = "/api/auth"
    tags = ["accounts"]

    @post("/register", guards=[public], status_code=201)
    async def register(
        self, data: JSONBody[SelfRegistration], accounts: NamedDependency[AccountService]
    ) -> UserRead:
        """Sign up a university or enterprise with its first user."""
        return UserRead.model_validate(await accounts.register(data))

    # Autocommit: no write lock is held while argon2 verifies; last_login_at is one UPDATE.
    @post("/login", guards=[public], status_code=200, opt={"db": "autocommit"})
    async def login(
        self,
        request: Request[Any, Any, State],
        data: JSONBody[Login],
        accounts: NamedDependency[AccountService],
        settings: NamedDependency[Settings],
    ) -> AccessToken:
        address = request.client.host if request.client else None
        user = await accounts.login(data.email, data.password, address=address)
        token = issue_access_token(
            user.id,
            secret=settings.auth.jwt_secret.get_secret_value(),
            ttl_minutes=settings.auth.jwt_ttl_minutes,
        )
        return AccessToken(
            access_token=token,
            expires_in=settings.auth.jwt_ttl_minutes * 60,
            user=UserRead.model_validate(user),
        )

    @get("/me", guards=[signed_in])
    async def me(
        self, request: Request[Principal, Any, State], accounts: NamedDependency[AccountService]
    ) -> UserRead:
        return UserRead.model_validate(await accounts.get_user(request.user.user_id))

    @post("/password", guards=[signed_in], status_code=204)
    async def change_password(
        self,
        request: Request[Principal, Any, State],
        data: JSONBody[PasswordChange],
        passwords: NamedDependency[PasswordService],
    ) -> None:
        """Change one's own password (the current one is asked again)."""
        await passwords.change(request.user.user_id, data.current_password, data.new_password)

    @post("/password-reset", guards=[public], status_code=202)
    async def request_password_reset(
        self, data: JSONBody[PasswordResetRequest], passwords: NamedDependency[PasswordService]
    ) -> dict[str, str]:
        """Mail a single-use reset link. The answer is the same whether the address exists."""
        await passwords.request_reset(data.email, language=data.language)
        return {"detail": "If an account uses this address, a reset link is on its way."}

    @post("/password-reset/confirm", guards=[public], status_code=204)
    async def confirm_password_reset(
        self, data: JSONBody[PasswordResetConfirm], passwords: NamedDependency[PasswordService]
    ) -> None:
        await passwords.reset(data.token, data.new_password)


class InvitationController(Controller):
    path = "/api/invitations"
    tags = ["accounts"]

    @post("/accept", guards=[public], status_code=201)
    async def accept_invitation(
        self, data: JSONBody[InvitationAccept], staff: NamedDependency[StaffService]
    ) -> UserRead:
        """Join the inviting organisation; the link works once, until it expires."""
        return UserRead.model_validate(await staff.accept_invitation(data))


class OrganisationController(Controller):
    path = "/api/organisations"
    tags = ["accounts"]

    @get("/", guards=[allow(Role.ADMIN, Role.AUDITOR, api_keys=True)])
    async def list_organisations(
        self,
        accounts: NamedDependency[AccountService],
        kind: FromQuery[OrganisationKind | None] = None,
    ) -> list[OrganisationRead]:
        return [organisation_read(o) for o in await accounts.list_organisations(kind)]

    @post("/", guards=[allow(Role.ADMIN)], status_code=201)
    async def create_organisation(
        self, data: JSONBody[OrganisationCreate], accounts: NamedDependency[AccountService]
    ) -> OrganisationRead:
        return organisation_read(await accounts.create_organisation(data))

    @get("/{organisation_id:uuid}", guards=[signed_in])
    async def get_organisation(
        self,
        request: Request[Principal, Any, State],
        accounts: NamedDependency[AccountService],
        organisation_id: FromPath[uuid.UUID],
    ) -> OrganisationRead:
        """Own organisation for everyone; any organisation for admins and auditors."""
        principal = request.user
        if not (
            principal.belongs_to(organisation_id) or principal.role in {Role.ADMIN, Role.AUDITOR}
        ):
            raise NotYourOrganisation("You can read only your own organisation.")
        return organisation_read(await accounts.get_organisation(organisation_id))

    @patch(
        "/{organisation_id:uuid}",
        guards=[allow(Role.TTO_OFFICER, Role.ENTERPRISE_MEMBER, Role.ADMIN)],
    )
    async def update_organisation(
        self,
        request: Request[Principal, Any, State],
        accounts: NamedDependency[AccountService],
        organisation_id: FromPath[uuid.UUID],
        data: JSONBody[OrganisationUpdate],
    ) -> OrganisationRead:
        if not (request.user.belongs_to(organisation_id) or request.user.is_admin):
            raise NotYourOrganisation("You can change only your own organisation.")
        return organisation_read(await accounts.update_organisation(organisation_id, data))

    @get("/{organisation_id:uuid}/users", guards=[allow(*STAFF_ROLES)])
    async def list_staff(
        self,
        request: Request[Principal, Any, State],
        staff: NamedDependency[StaffService],
        organisation_id: FromPath[uuid.UUID],
    ) -> list[UserRead]:
        users = await staff.list_staff(request.user, organisation_id)
        return [UserRead.model_validate(u) for u in users]

    @get("/{organisation_id:uuid}/invitations", guards=[allow(*STAFF_ROLES)])
    async def list_invitations(
        self,
        request: Request[Principal, Any, State],
        staff: NamedDependency[StaffService],
        organisation_id: FromPath[uuid.UUID],
    ) -> list[InvitationRead]:
        found = await staff.list_invitations(request.user, organisation_id)
        return [InvitationRead.model_validate(i) for i in found]

    @post("/{organisation_id:uuid}/invitations", guards=[allow(*STAFF_ROLES)], status_code=201)
    async def invite(
        self,
        request: Request[Principal, Any, State],
        staff: NamedDependency[StaffService],
        organisation_id: FromPath[uuid.UUID],
        data: JSONBody[InvitationCreate],
    ) -> InvitationCreated:
        """Invite a colleague by email: a single-use link, mailed, valid for a few days."""
        invitation, link = await staff.invite(request.user, organisation_id, data)
        read = InvitationRead.model_validate(invitation).model_dump()
        return InvitationCreated.model_validate({**read, "link": link})


class UserController(Controller):
    path = "/api/users"
    tags = ["accounts"]

    @post("/", guards=[allow(Role.ADMIN)], status_code=201)
    async def create_user(
        self, data: JSONBody[UserCreate], accounts: NamedDependency[AccountService]
    ) -> UserRead:
        """Add a user to any organisation; the role follows the organisation's kind."""
        return UserRead.model_validate(await accounts.create_user(data))

    @patch("/{user_id:uuid}", guards=[allow(*STAFF_ROLES)])
    async def update_staff(
        self,
        request: Request[Principal, Any, State],
        staff: NamedDependency[StaffService],
        user_id: FromPath[uuid.UUID],
        data: JSONBody[StaffUpdate],
    ) -> UserRead:
        """An organisation admin deactivates, reactivates or makes an admin of a colleague.
        Deactivation ends every session and revokes every API key at once."""
        return UserRead.model_validate(await staff.update_staff(request.user, user_id, data))


class ApiKeyController(Controller):
    path = "/api/api-keys"
    tags = ["accounts"]

    @post("/", guards=[allow(Role.AUDITOR, Role.ADMIN)], status_code=201)
    async def create_api_key(
        self,
        request: Request[Principal, Any, State],
        data: JSONBody[ApiKeyCreate],
        accounts: NamedDependency[AccountService],
    ) -> ApiKeyCreated:
        """Create a key for scripts. The secret is in this response only; store it now."""
        key, new = await accounts.create_api_key(request.user, data.name)
        return ApiKeyCreated.model_validate(
            {**ApiKeyRead.model_validate(key).model_dump(), "key": new.secret}
        )

    @get("/", guards=[allow(Role.AUDITOR, Role.ADMIN, api_keys=True)])
    async def list_api_keys(
        self, request: Request[Principal, Any, State], accounts: NamedDependency[AccountService]
    ) -> list[ApiKeyRead]:
        return [ApiKeyRead.model_validate(k) for k in await accounts.list_api_keys(request.user)]

    @delete("/{key_id:uuid}", guards=[allow(Role.AUDITOR, Role.ADMIN)], status_code=200)
    async def revoke_api_key(
        self,
        request: Request[Principal, Any, State],
        accounts: NamedDependency[AccountService],
        key_id: FromPath[uuid.UUID] = Parameter(),
    ) -> ApiKeyRead:
        return ApiKeyRead.model_validate(await accounts.revoke_api_key(request.user, key_id))


router = Router(
    path="/",
    route_handlers=[
        AuthController,
        InvitationController,
        OrganisationController,
        UserController,
        ApiKeyController,
    ],
)
