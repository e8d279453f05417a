"""Organisations, users and API keys."""

from __future__ import annotations

import datetime
import uuid
from enum import StrEnum

from advanced_alchemy.base import UUIDv7AuditBase
from sqlalchemy import BigInteger, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from openlicense.core.columns import str_enum


class OrganisationKind(StrEnum):
    UNIVERSITY = "university"
    ENTERPRISE = "enterprise"
    IP_OFFICE = "ip_office"
    PLATFORM = "platform"
    AUTHORITY = "authority"
    """A provincial authority (education, industry or IP department of a province): reads the
    千校万企 statistics of its `province`."""


class Role(StrEnum):
    TTO_OFFICER = "tto_officer"
    ENTERPRISE_MEMBER = "enterprise_member"
    AUDITOR = "auditor"
    ADMIN = "admin"
    PROVINCIAL_AUTHORITY = "provincial_authority"


ROLE_FOR_KIND: dict[OrganisationKind, Role] = {
    OrganisationKind.UNIVERSITY: Role.TTO_OFFICER,
    OrganisationKind.ENTERPRISE: Role.ENTERPRISE_MEMBER,
    OrganisationKind.IP_OFFICE: Role.AUDITOR,
    OrganisationKind.PLATFORM: Role.ADMIN,
    OrganisationKind.AUTHORITY: Role.PROVINCIAL_AUTHORITY,
}
"""A user's role follows from its organisation's kind: one role per kind of user."""


class Organisation(UUIDv7AuditBase):
    __tablename__ = "organisations"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    name_en: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[OrganisationKind] = mapped_column(str_enum(OrganisationKind), index=True)
    province: Mapped[str | None] = mapped_column(String(32), index=True)
    """Province-level division (e.g. 浙江), used by search facets and audit statistics."""
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)
    """Unified social credit code (统一社会信用代码)."""
    industry: Mapped[str | None] = mapped_column(String(40))
    """Enterprise industry key from the SME classification table (accounts/sme.py)."""
    headcount: Mapped[int | None]
    annual_revenue_minor: Mapped[int | None] = mapped_column(BigInteger)
    """Enterprise operating revenue of the last year, in fen (CNY minor units)."""
    verified_at: Mapped[datetime.datetime | None] = mapped_column(index=True)
    """When a platform admin checked the organisation (credit code, letter of authority).
    Self-registered universities and enterprises start unverified; who verified it is in the
    audit ledger (`organisation.verified`)."""


class User(UUIDv7AuditBase):
    __tablename__ = "users"

    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(str_enum(Role), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    is_active: Mapped[bool] = mapped_column(default=True)
    is_org_admin: Mapped[bool] = mapped_column(default=False, server_default=false())
    """Manages the organisation's staff (invitations, deactivation, who else is an admin). The
    first user of a self-registered organisation is one."""
    last_login_at: Mapped[datetime.datetime | None]
    sessions_valid_from: Mapped[datetime.datetime | None]
    """Set by a password change or reset: every token and page session issued before it is
    refused, so a stolen session ends when the password does (the changing session is renewed)."""

    organisation: Mapped[Organisation] = relationship(lazy="raise")


class ApiKey(UUIDv7AuditBase):
    """A machine credential (IP offices' scripts). Only a SHA-256 of the secret is stored: the
    secret is 256 random bits, so a slow hash adds nothing and would slow every request."""

    __tablename__ = "api_keys"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    """Public, non-secret lookup part shown in listings (`ol_xxxxxxxx`)."""
    secret_hash: Mapped[str] = mapped_column(String(64))
    last_used_at: Mapped[datetime.datetime | None]
    revoked_at: Mapped[datetime.datetime | None]

    user: Mapped[User] = relationship(lazy="raise")


class TokenPurpose(StrEnum):
    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a purpose name, not a secret


class AccountToken(UUIDv7AuditBase):
    """A single-use, expiring link: an invitation to join an organisation or a password reset.
    Only a SHA-256 of the secret is stored; `used_at` is set once, by a conditional UPDATE, so a
    link works exactly once even when clicked twice at the same moment."""

    __tablename__ = "account_tokens"

    purpose: Mapped[TokenPurpose] = mapped_column(str_enum(TokenPurpose), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    """The user whose password is reset (none for an invitation: the user does not exist yet)."""
    email: Mapped[str] = mapped_column(String(254))
    display_name: Mapped[str | None] = mapped_column(String(120))
    make_org_admin: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    expires_at: Mapped[datetime.datetime]
    used_at: Mapped[datetime.datetime | None]


class LoginFailure(UUIDv7AuditBase):
    """One failed sign-in, counted per account (email) and per client address for throttling.
    Rows older than the throttle window are ignored (and pruned on the next failure)."""

    __tablename__ = "login_failures"

    email: Mapped[str] = mapped_column(String(254), index=True)
    address: Mapped[str | None] = mapped_column(String(64), index=True)
    failed_at: Mapped[datetime.datetime] = mapped_column(index=True)
