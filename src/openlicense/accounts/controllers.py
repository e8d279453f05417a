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
from openlicense.accounts.models import OrganisationKind, Role
from openlicense.accounts.principal import Principal
from openlicense.accounts.schemas import (
    AccessToken,
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyRead,
    Login,
    OrganisationCreate,
    OrganisationRead,
    OrganisationUpdate,
    SelfRegistration,
    UserCreate,
    UserRead,
)
from openlicense.accounts.service import AccountService, organisation_read
from openlicense.accounts.tokens import issue_access_token
from openlicense.settings import Settings


async def provide_account_service(
    db_session: NamedDependency[AsyncSession], settings: NamedDependency[Settings]
) -> AccountService:
    return AccountService(db_session, auth=settings.auth)


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
        data: JSONBody[Login],
        accounts: NamedDependency[AccountService],
        settings: NamedDependency[Settings],
    ) -> AccessToken:
        user = await accounts.login(data.email, data.password)
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


class UserController(Controller):
    path = "/api/users"
    tags = ["accounts"]

    @post("/", guards=[allow(Role.ADMIN)], status_code=201)
    async def create_user(
        self, data: JSONBody[UserCreate], accounts: NamedDependency[AccountService]
    ) -> UserRead:
        """Add a user to any organisation; the role follows the organisation's kind."""
        return UserRead.model_validate(await accounts.create_user(data))


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
    route_handlers=[AuthController, OrganisationController, UserController, ApiKeyController],
)
