"""Verification of new universities and enterprises by a platform admin (the admin pages use it)."""

from __future__ import annotations

import uuid

from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from builders import make_actor
from openlicense.accounts.models import ROLE_FOR_KIND, Organisation, OrganisationKind
from openlicense.accounts.principal import Principal
from openlicense.accounts.service import AccountService
from openlicense.audit.models import LedgerEntry
from openlicense.core.errors import Forbidden
from openlicense.settings import AuthSettings

SIGN_UP = {
    "email": "officer@newuni.test",
    "password": "Tech-transfer-2026",
    "display_name": "王老师",
    "organisation": {"name": "新建大学", "kind": "university", "province": "浙江"},
}


async def _principal(sessionmaker: async_sessionmaker, kind: OrganisationKind) -> Principal:
    actor = await make_actor(sessionmaker, kind)
    async with sessionmaker() as session:
        org = await session.get_one(Organisation, actor.organisation_id)
        return Principal(actor.user_id, ROLE_FOR_KIND[kind], org.id, org.kind)


async def test_self_registered_organisation_waits_for_verification_when_signed_up(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    registered = await client.post("/api/auth/register", json=SIGN_UP)
    assert registered.status_code == 201
    org_id = registered.json()["organisation_id"]
    async with db_sessionmaker() as session:
        accounts = AccountService(session, auth=AuthSettings())
        pending = await accounts.list_organisations(OrganisationKind.UNIVERSITY, verified=False)
    assert [str(o.id) for o in pending] == [org_id]


async def test_admin_verifies_once_and_the_ledger_names_the_admin_when_verified(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    org_id = (await client.post("/api/auth/register", json=SIGN_UP)).json()["organisation_id"]
    admin = await _principal(db_sessionmaker, OrganisationKind.PLATFORM)
    async with db_sessionmaker.begin() as session:
        accounts = AccountService(session, auth=AuthSettings())
        org = await accounts.verify_organisation(admin, _uuid(org_id))
        first = org.verified_at
        again = await accounts.verify_organisation(admin, _uuid(org_id))
        assert again.verified_at == first is not None
    async with db_sessionmaker() as session:
        entries = list(
            await session.scalars(
                select(LedgerEntry).where(LedgerEntry.action == "organisation.verified")
            )
        )
    assert len(entries) == 1
    assert entries[0].actor_id == str(admin.user_id)


async def test_only_an_admin_may_verify_when_a_tto_tries(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    org_id = (await client.post("/api/auth/register", json=SIGN_UP)).json()["organisation_id"]
    officer = await _principal(db_sessionmaker, OrganisationKind.UNIVERSITY)
    async with db_sessionmaker() as session:
        accounts = AccountService(session, auth=AuthSettings())
        try:
            await accounts.verify_organisation(officer, _uuid(org_id))
        except Forbidden as exc:
            assert exc.instance_code == "not_an_admin"
        else:
            raise AssertionError("a TTO verified an organisation")


def _uuid(value: str) -> uuid.UUID:
    return uuid.UUID(value)
