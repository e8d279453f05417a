"""Small builders with defaults: organisations, users (with tokens), patent and terms payloads."""

from __future__ import annotations

import copy
import datetime
import itertools
import uuid
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker

from openlicense.accounts.models import ROLE_FOR_KIND, Organisation, OrganisationKind, User
from openlicense.accounts.passwords import hash_password
from openlicense.accounts.tokens import issue_access_token
from openlicense.catalogue.identifiers import check_character

TEST_JWT_SECRET = "test-secret-test-secret-test-secret-0123456789"
PASSWORD = "Correct-horse-42"
_serial = itertools.count(1)


@lru_cache(maxsize=1)
def password_hash() -> str:
    return hash_password(PASSWORD)  # argon2 is deliberately slow: hash once per run


@dataclass(frozen=True)
class Actor:
    user_id: uuid.UUID
    organisation_id: uuid.UUID
    email: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def make_actor(
    sessionmaker: async_sessionmaker,
    kind: OrganisationKind,
    *,
    organisation_id: uuid.UUID | None = None,
    **org_fields: Any,
) -> Actor:
    """A user (and, unless given, a new organisation of `kind`) with a valid access token."""
    n = next(_serial)
    org_fields.setdefault("verified_at", datetime.datetime.now(datetime.UTC))
    new_organisation = organisation_id is None
    async with sessionmaker.begin() as session:
        if organisation_id is None:
            org = Organisation(
                name=f"{kind.value} {n} 组织", kind=kind, province="浙江", **org_fields
            )
            session.add(org)
            await session.flush()
            organisation_id = org.id
        user = User(
            email=f"user{n}@{kind.value}.test",
            display_name=f"User {n}",
            password_hash=password_hash(),
            role=ROLE_FOR_KIND[kind],
            organisation_id=organisation_id,
            is_org_admin=new_organisation,
        )
        session.add(user)
        await session.flush()
        user_id = user.id
    token = issue_access_token(user_id, secret=TEST_JWT_SECRET, ttl_minutes=60)
    return Actor(user_id, organisation_id, f"user{n}@{kind.value}.test", token)


def application_number(*, year: int = 2021, type_digit: int = 1, serial: int | None = None) -> str:
    digits = f"{year}{type_digit}{serial if serial is not None else next(_serial) + 1000000:07d}"
    return f"{digits}.{check_character(digits)}"


TYPE_DIGIT = {"invention": 1, "utility_model": 2, "design": 3}


def patent_payload(**overrides: Any) -> dict[str, Any]:
    """A granted, valid, declarable invention patent owned by one consenting university."""
    patent_type = overrides.get("patent_type", "invention")
    payload: dict[str, Any] = {
        "application_number": application_number(type_digit=TYPE_DIGIT[patent_type]),
        "patent_type": patent_type,
        "title_zh": "一种锂离子电池正极材料及其制备方法",
        "title_en": "Cathode material for lithium-ion battery and preparation method thereof",
        "abstract_zh": "本发明公开了一种锂离子电池正极材料。",
        "abstract_en": "A cathode material for lithium-ion batteries.",
        "claims": "1. 一种正极材料，其特征在于……",
        "ipc_codes": ["H01M 4/36", "h01m10/0525"],
        "inventors": ["张三", "李四"],
        "filing_date": "2021-03-01",
        "grant_date": "2023-05-01",
        "announcement_date": "2023-05-20",
        "legal_status": "valid",
        "annual_fee_paid_through": "2027-03-01",
        "technology_field": "new_energy",
        "trl": 6,
        "application_scenarios": ["储能电站"],
        "keywords": ["锂电池", "正极"],
        "co_owners": [
            {"name": "浙江大学", "consents_to_open_licence": True, "consent_document_ref": "DOC-1"}
        ],
    }
    if patent_type != "invention":
        payload["evaluation_report"] = {
            "reference": "ER-2024-001",
            "issued_on": "2024-01-10",
            "conclusion": "positive",
        }
    payload.update(overrides)
    return payload


def terms_payload(fee_standard: dict[str, Any] | None = None, **overrides: Any) -> dict[str, Any]:
    payload = {
        "fee_standard": fee_standard or {"type": "LUMP_SUM", "amount_minor": 5_000_000},
        "currency": "CNY",
        "licence_start": "2026-12-01",
        "licence_end": "2028-11-30",
        "payment_channels": ["bank_transfer"],
    }
    payload.update(overrides)
    return copy.deepcopy(payload)


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)
