"""Pydantic in/out models for accounts."""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated, Literal

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

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


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class OrganisationCreate(_In):
    name: Name
    name_en: Annotated[str | None, Field(max_length=200)] = None
    kind: OrganisationKind
    province: Annotated[str | None, Field(max_length=32)] = None
    credit_code: Annotated[str | None, Field(pattern=r"^[0-9A-HJ-NPQRTUWXY]{18}$")] = None
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
