"""Pydantic in/out models for accounts."""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated, Literal

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from openlicense.accounts import credit_code
from openlicense.accounts.models import OrganisationKind, Role


def _email(value: str) -> str:
    """Syntax only, lower-cased. No DNS lookups; reserved TLDs such as `.test` (used by the
    demo accounts) are allowed."""
    try:
        return validate_email(
            value, check_deliverability=False, test_environment=True
        ).normalized.lower()
    except EmailNotValidError as exc:
        raise ValueError(str(exc)) from exc


EmailStr = Annotated[str, StringConstraints(max_length=254), AfterValidator(_email)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)]


def _credit_code(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip().upper()
    why = credit_code.problem(value)
    if why is not None:
        raise ValueError(why)
    return value


CreditCode = Annotated[str | None, AfterValidator(_credit_code)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class OrganisationCreate(_In):
    name: Name
    name_en: Annotated[str | None, Field(max_length=200)] = None
    kind: OrganisationKind
    province: Annotated[str | None, Field(max_length=32)] = None
    credit_code: CreditCode = None
    """统一社会信用代码; its check character (GB 32100-2015) must match. Enterprises need one."""
    industry: Annotated[str | None, Field(max_length=40)] = None
    headcount: Annotated[int | None, Field(ge=0, le=10_000_000)] = None
    annual_revenue_minor: Annotated[int | None, Field(ge=0, le=10**17)] = None


class OrganisationUpdate(_In):
    name_en: Annotated[str | None, Field(max_length=200)] = None
    province: Annotated[str | None, Field(max_length=32)] = None
    industry: Annotated[str | None, Field(max_length=40)] = None
    headcount: Annotated[int | None, Field(ge=0, le=10_000_000)] = None
    annual_revenue_minor: Annotated[int | None, Field(ge=0, le=10**17)] = None


class OrganisationRead(_Out):
    id: uuid.UUID
    name: str
    name_en: str | None
    kind: OrganisationKind
    province: str | None
    credit_code: str | None
    industry: str | None
    headcount: int | None
    annual_revenue_minor: int | None
    is_sme: bool | None = None
    verified_at: datetime.datetime | None = None
    created_at: datetime.datetime


class SelfRegistration(_In):
    """Self-service sign-up creates a university or enterprise and its first user. IP offices
    and the platform are created by a platform admin."""

    email: EmailStr
    password: Annotated[str, Field(min_length=1, max_length=256)]
    display_name: Name
    organisation: OrganisationCreate


class UserCreate(_In):
    email: EmailStr
    password: Annotated[str, Field(min_length=1, max_length=256)]
    display_name: Name
    organisation_id: uuid.UUID


class UserRead(_Out):
    id: uuid.UUID
    email: str
    display_name: str
    role: Role
    organisation_id: uuid.UUID
    is_active: bool
    is_org_admin: bool = False
    created_at: datetime.datetime


class Login(_In):
    email: EmailStr
    password: Annotated[str, Field(min_length=1, max_length=256)]


class AccessToken(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - a scheme name, not a secret
    expires_in: int
    user: UserRead


class ApiKeyCreate(_In):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


class ApiKeyRead(_Out):
    id: uuid.UUID
    name: str
    prefix: str
    created_at: datetime.datetime
    last_used_at: datetime.datetime | None
    revoked_at: datetime.datetime | None


class ApiKeyCreated(ApiKeyRead):
    key: str
    """The secret, shown this once."""


Password = Annotated[str, Field(min_length=1, max_length=256)]


class PasswordChange(_In):
    current_password: Password
    new_password: Password


class PasswordResetRequest(_In):
    email: EmailStr
    language: Literal["zh", "en"] = "zh"


class PasswordResetConfirm(_In):
    token: Annotated[str, Field(min_length=10, max_length=200)]
    new_password: Password


class InvitationCreate(_In):
    email: EmailStr
    display_name: Annotated[str | None, Field(max_length=120)] = None
    org_admin: bool = False
    """The new user will manage the organisation's staff too."""
    language: Literal["zh", "en"] = "zh"


class InvitationRead(_Out):
    id: uuid.UUID
    email: str
    organisation_id: uuid.UUID
    make_org_admin: bool
    expires_at: datetime.datetime
    used_at: datetime.datetime | None
    created_at: datetime.datetime


class InvitationCreated(InvitationRead):
    link: str
    """The single-use link (also mailed to the invitee): shown this once."""


class InvitationAccept(_In):
    token: Annotated[str, Field(min_length=10, max_length=200)]
    display_name: Name
    password: Password


class StaffUpdate(_In):
    """What an organisation admin may change about a colleague. The role itself follows the
    organisation's kind; within it, a user manages the staff or not."""

    is_org_admin: bool | None = None
    is_active: bool | None = None
