"""Sign-up, login, tokens, API keys and organisation privacy through the API."""

from __future__ import annotations

from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from builders import make_actor
from openlicense.accounts.models import ApiKey, OrganisationKind, User

SIGN_UP = {
    "email": "Officer@Univ.test",
    "password": "Tech-transfer-2026",
    "display_name": "王老师",
    "organisation": {"name": "测试大学", "kind": "university", "province": "浙江"},
}


async def test_register_then_login_returns_working_token(client: AsyncTestClient) -> None:
    registered = await client.post("/api/auth/register", json=SIGN_UP)
    assert registered.status_code == 201, registered.text
    assert registered.json()["role"] == "tto_officer"
    assert "password" not in registered.text

    login = await client.post(
        "/api/auth/login", json={"email": "officer@univ.test", "password": SIGN_UP["password"]}
    )
    assert login.status_code == 200
    token = login.json()["access_token"]
    me = await client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json()["email"] == "officer@univ.test"


async def test_password_is_stored_as_argon2_hash(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    await client.post("/api/auth/register", json=SIGN_UP)
    async with db_sessionmaker() as session:
        stored = await session.scalar(select(User.password_hash))
    assert stored.startswith("$argon2id$")
    assert SIGN_UP["password"] not in stored


async def test_weak_password_is_refused_and_nothing_is_created(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    response = await client.post("/api/auth/register", json={**SIGN_UP, "password": "short1"})
    assert response.status_code == 422
    assert response.json()["code"] == "weak_password"
    assert response.json()["errors"][0]["field"] == "password"
    async with db_sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(User)) == 0
    # the organisation from the failed sign-up was rolled back too: the name is free again
    assert (await client.post("/api/auth/register", json=SIGN_UP)).status_code == 201


async def test_duplicate_email_is_409(client: AsyncTestClient) -> None:
    assert (await client.post("/api/auth/register", json=SIGN_UP)).status_code == 201
    other_org = {**SIGN_UP, "organisation": {**SIGN_UP["organisation"], "name": "另一所大学"}}
    again = await client.post("/api/auth/register", json=other_org)
    assert again.status_code == 409


async def test_ip_office_cannot_self_register(client: AsyncTestClient) -> None:
    body = {**SIGN_UP, "organisation": {"name": "某知识产权局", "kind": "ip_office"}}
    response = await client.post("/api/auth/register", json=body)
    assert response.status_code == 403
    assert response.json()["code"] == "organisation_kind_not_self_service"


async def test_wrong_password_and_unknown_email_give_same_401(client: AsyncTestClient) -> None:
    await client.post("/api/auth/register", json=SIGN_UP)
    wrong = await client.post(
        "/api/auth/login", json={"email": SIGN_UP["email"], "password": "Nope-nope-123"}
    )
    unknown = await client.post(
        "/api/auth/login", json={"email": "x@y.test", "password": "Nope-nope-123"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"]


async def test_tampered_or_garbage_token_is_401(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    actor = await make_actor(db_sessionmaker, OrganisationKind.ENTERPRISE)
    tampered = actor.token[:-2] + ("AA" if not actor.token.endswith("AA") else "BB")
    for header in (f"Bearer {tampered}", "Bearer nonsense", "Basic abc"):
        response = await client.get("/api/auth/me", headers={"Authorization": header})
        assert response.status_code == 401, header
    assert (await client.get("/api/auth/me")).status_code == 401


async def test_api_key_is_shown_once_stored_hashed_and_revocable(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    auditor = await make_actor(db_sessionmaker, OrganisationKind.IP_OFFICE)
    created = await client.post(
        "/api/api-keys", json={"name": "stats script"}, headers=auditor.headers
    )
    assert created.status_code == 201
    key = created.json()["key"]
    async with db_sessionmaker() as session:
        stored = await session.scalar(select(ApiKey))
    assert key.split(".", 1)[1] not in stored.secret_hash

    listed = await client.get("/api/api-keys", headers={"X-API-Key": key})
    assert listed.status_code == 200
    assert "key" not in listed.json()[0]
    # machine keys cannot create more keys or write anything
    assert (
        await client.post("/api/api-keys", json={"name": "x"}, headers={"X-API-Key": key})
    ).status_code == 403

    revoked = await client.delete(f"/api/api-keys/{created.json()['id']}", headers=auditor.headers)
    assert revoked.status_code == 200
    assert (await client.get("/api/api-keys", headers={"X-API-Key": key})).status_code == 401


async def test_enterprise_reads_own_organisation_with_sme_flag_but_not_others(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    sme = await make_actor(
        db_sessionmaker,
        OrganisationKind.ENTERPRISE,
        industry="industrial",
        headcount=120,
        annual_revenue_minor=5_000_000_000,
    )
    other = await make_actor(db_sessionmaker, OrganisationKind.ENTERPRISE)
    own = await client.get(f"/api/organisations/{sme.organisation_id}", headers=sme.headers)
    assert own.status_code == 200
    assert own.json()["is_sme"] is True
    foreign = await client.get(f"/api/organisations/{other.organisation_id}", headers=sme.headers)
    assert foreign.status_code == 403
    changed = await client.patch(
        f"/api/organisations/{sme.organisation_id}",
        json={"headcount": 5000, "annual_revenue_minor": 90_000_000_000},
        headers=sme.headers,
    )
    assert changed.json()["is_sme"] is False


async def test_admin_creates_ip_office_and_auditor(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    admin = await make_actor(db_sessionmaker, OrganisationKind.PLATFORM)
    office = await client.post(
        "/api/organisations",
        json={"name": "浙江省知识产权局", "kind": "ip_office", "province": "浙江"},
        headers=admin.headers,
    )
    assert office.status_code == 201
    user = await client.post(
        "/api/users",
        json={
            "email": "audit@zjip.test",
            "password": "Zhejiang-office-77",
            "display_name": "审计员",
            "organisation_id": office.json()["id"],
        },
        headers=admin.headers,
    )
    assert user.status_code == 201
    assert user.json()["role"] == "auditor"
