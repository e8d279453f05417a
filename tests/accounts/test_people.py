"""People and trust (issue 16): verification before anything binding, the credit code's check
character, invitations, staff management, passwords, deactivation and login throttling."""

from __future__ import annotations

import datetime
import re

from litestar.testing import AsyncTestClient
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import async_sessionmaker

from builders import PASSWORD, make_actor, patent_payload, terms_payload
from licensing import make_market
from openlicense.accounts.credit_code import check_character, problem
from openlicense.accounts.models import AccountToken, OrganisationKind
from openlicense.core.clock import FixedClock
from openlicense.notifications.models import OutgoingMail


def _valid_code(first17: str = "91330100MA2B3C4D5") -> str:
    return first17 + check_character(first17)


# --- credit code (GB 32100-2015) -----------------------------------------------------------


def test_credit_code_check_character_matches_published_codes() -> None:
    for code in ("9144030071526726XG", "91330100799655058B", "91110108772551611J"):
        assert check_character(code[:17]) == code[17]
        assert problem(code) is None
    assert problem("9144030071526726XA") is not None  # wrong check character
    assert problem("9144030071526726I") is not None  # short, and I is not in the alphabet


async def test_enterprise_signs_up_only_with_a_valid_credit_code(client: AsyncTestClient) -> None:
    base = {"email": "boss@sme.test", "password": PASSWORD, "display_name": "王经理"}
    org = {"name": "杭州测试科技有限公司", "kind": "enterprise"}
    missing = await client.post("/api/auth/register", json={**base, "organisation": org})
    assert missing.status_code == 422 and missing.json()["code"] == "credit_code_required"
    typo = _valid_code()[:-1] + ("0" if _valid_code()[-1] != "0" else "1")
    wrong = await client.post(
        "/api/auth/register", json={**base, "organisation": {**org, "credit_code": typo}}
    )
    assert wrong.status_code == 422 and "check character" in wrong.text
    ok = await client.post(
        "/api/auth/register", json={**base, "organisation": {**org, "credit_code": _valid_code()}}
    )
    assert ok.status_code == 201, ok.text
    assert ok.json()["is_org_admin"] is True


# --- verification before anything binding ------------------------------------------------------


async def test_unverified_university_cannot_publish_a_declaration_but_can_prepare_it(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    tto = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY, verified_at=None)
    patent = await client.post("/api/patents", json=patent_payload(), headers=tto.headers)
    assert patent.status_code == 201, patent.text
    draft = await client.post(
        f"/api/patents/{patent.json()['id']}/declarations",
        json={"terms": terms_payload()},
        headers=tto.headers,
    )
    assert draft.status_code == 201, draft.text
    published = await client.post(
        f"/api/declarations/{draft.json()['id']}/publish",
        json={"attest_truthful": True},
        headers=tto.headers,
    )
    assert published.status_code == 403
    assert published.json()["code"] == "organisation_not_verified"
    assert "not verified" in published.json()["detail"]
    again = await client.get(f"/api/declarations/{draft.json()['id']}", headers=tto.headers)
    assert again.json()["status"] == "draft"


async def test_unverified_enterprise_cannot_accept_a_licence(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> None:
    market = await make_market(client, db_sessionmaker, clock)
    declaration = await market.declare(
        {"type": "FREE"}, licence_start="2026-11-23", licence_end="2028-11-22"
    )
    unverified = await make_actor(db_sessionmaker, OrganisationKind.ENTERPRISE, verified_at=None)
    refused = await market.accept(declaration["id"], who=unverified)
    assert refused.status_code == 403
    assert refused.json()["code"] == "organisation_not_verified"
    assert (await market.accept(declaration["id"])).status_code == 201


# --- invitations -------------------------------------------------------------------------------


async def _invite(client: AsyncTestClient, admin, email: str = "new@uni.test", **extra):  # type: ignore[no-untyped-def]
    response = await client.post(
        f"/api/organisations/{admin.organisation_id}/invitations",
        json={"email": email, **extra},
        headers=admin.headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


def _token(link: str) -> str:
    return link.rsplit("/", 1)[-1]


async def test_invitation_joins_the_organisation_once(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    admin = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    invitation = await _invite(client, admin)
    accept = {"token": _token(invitation["link"]), "display_name": "李老师", "password": PASSWORD}
    joined = await client.post("/api/invitations/accept", json=accept)
    assert joined.status_code == 201, joined.text
    user = joined.json()
    assert user["organisation_id"] == str(admin.organisation_id)
    assert user["role"] == "tto_officer" and user["is_org_admin"] is False
    reused = await client.post("/api/invitations/accept", json=accept)
    assert reused.status_code == 410 and reused.json()["code"] == "link_used"
    login = await client.post(
        "/api/auth/login", json={"email": "new@uni.test", "password": PASSWORD}
    )
    assert login.status_code == 200
    async with db_sessionmaker() as session:
        mails = list(await session.scalars(select(OutgoingMail)))
    assert [m.to_address for m in mails] == ["new@uni.test"]
    assert invitation["link"] in mails[0].body


async def test_expired_invitation_is_refused(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    admin = await make_actor(db_sessionmaker, OrganisationKind.ENTERPRISE)
    invitation = await _invite(client, admin, "late@sme.test")
    async with db_sessionmaker.begin() as session:
        await session.execute(
            update(AccountToken).values(
                expires_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=1)
            )
        )
    accept = {"token": _token(invitation["link"]), "display_name": "迟到", "password": PASSWORD}
    expired = await client.post("/api/invitations/accept", json=accept)
    assert expired.status_code == 410 and expired.json()["code"] == "link_expired"


async def test_only_an_organisation_admin_invites_its_own_staff(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    admin = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    colleague = await make_actor(
        db_sessionmaker, OrganisationKind.UNIVERSITY, organisation_id=admin.organisation_id
    )
    other = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    for who in (colleague, other):
        refused = await client.post(
            f"/api/organisations/{admin.organisation_id}/invitations",
            json={"email": "x@uni.test"},
            headers=who.headers,
        )
        assert refused.status_code == 403
        assert refused.json()["code"] == "not_an_organisation_admin"
    staff = await client.get(
        f"/api/organisations/{admin.organisation_id}/users", headers=admin.headers
    )
    assert {u["email"] for u in staff.json()} == {admin.email, colleague.email}


# --- staff management and deactivation ---------------------------------------------------------


async def test_deactivated_users_token_and_api_key_stop_at_once(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    admin = await make_actor(db_sessionmaker, OrganisationKind.IP_OFFICE)
    auditor = await make_actor(
        db_sessionmaker, OrganisationKind.IP_OFFICE, organisation_id=admin.organisation_id
    )
    key = await client.post("/api/api-keys", json={"name": "script"}, headers=auditor.headers)
    secret = key.json()["key"]
    assert (await client.get("/api/api-keys", headers={"X-API-Key": secret})).status_code == 200
    done = await client.patch(
        f"/api/users/{auditor.user_id}", json={"is_active": False}, headers=admin.headers
    )
    assert done.status_code == 200 and done.json()["is_active"] is False
    token = await client.get("/api/auth/me", headers=auditor.headers)
    assert token.status_code == 401
    api_key = await client.get("/api/api-keys", headers={"X-API-Key": secret})
    assert api_key.status_code == 401
    # Reactivation brings the account back, not the revoked key.
    await client.patch(
        f"/api/users/{auditor.user_id}", json={"is_active": True}, headers=admin.headers
    )
    assert (await client.get("/api/auth/me", headers=auditor.headers)).status_code == 200
    assert (await client.get("/api/api-keys", headers={"X-API-Key": secret})).status_code == 401


async def test_the_last_organisation_admin_cannot_step_down(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    admin = await make_actor(db_sessionmaker, OrganisationKind.ENTERPRISE)
    colleague = await make_actor(
        db_sessionmaker, OrganisationKind.ENTERPRISE, organisation_id=admin.organisation_id
    )
    alone = await client.patch(
        f"/api/users/{admin.user_id}", json={"is_org_admin": False}, headers=admin.headers
    )
    assert alone.status_code == 409 and alone.json()["code"] == "last_organisation_admin"
    promoted = await client.patch(
        f"/api/users/{colleague.user_id}", json={"is_org_admin": True}, headers=admin.headers
    )
    assert promoted.json()["is_org_admin"] is True
    stepped = await client.patch(
        f"/api/users/{admin.user_id}", json={"is_org_admin": False}, headers=admin.headers
    )
    assert stepped.status_code == 200


# --- passwords ---------------------------------------------------------------------------------


async def test_password_change_needs_the_current_password(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    user = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    signed_in = await client.post(
        "/api/auth/login", json={"email": user.email, "password": PASSWORD}
    )
    other_device = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
    wrong = await client.post(
        "/api/auth/password",
        json={"current_password": "not-it-at-all-1", "new_password": "Another-secret-42"},
        headers=user.headers,
    )
    assert wrong.status_code == 401
    changed = await client.post(
        "/api/auth/password",
        json={"current_password": PASSWORD, "new_password": "Another-secret-42"},
        headers=user.headers,
    )
    assert changed.status_code == 204, changed.text
    # every token issued before the change has ended, the one that asked included
    for headers in (user.headers, other_device):
        ended = await client.get("/api/auth/me", headers=headers)
        assert ended.status_code == 401 and "password was changed" in ended.text
    login = await client.post(
        "/api/auth/login", json={"email": user.email, "password": "Another-secret-42"}
    )
    assert login.status_code == 200
    fresh = {"Authorization": f"Bearer {login.json()['access_token']}"}
    assert (await client.get("/api/auth/me", headers=fresh)).status_code == 200


async def test_password_reset_link_works_once_and_reveals_nothing(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    user = await make_actor(db_sessionmaker, OrganisationKind.ENTERPRISE)
    assert (await client.get("/api/auth/me", headers=user.headers)).status_code == 200
    unknown = await client.post("/api/auth/password-reset", json={"email": "nobody@x.test"})
    known = await client.post("/api/auth/password-reset", json={"email": user.email})
    assert unknown.status_code == known.status_code == 202
    assert unknown.json() == known.json()
    async with db_sessionmaker() as session:
        mails = list(await session.scalars(select(OutgoingMail)))
    assert [m.to_address for m in mails] == [user.email]
    match = re.search(r"/password-reset/(\S+)", mails[0].body)
    assert match is not None
    confirm = {"token": match.group(1), "new_password": "Fresh-password-77"}
    done = await client.post("/api/auth/password-reset/confirm", json=confirm)
    assert done.status_code == 204, done.text
    reused = await client.post(
        "/api/auth/password-reset/confirm",
        json={**confirm, "new_password": "Other-password-88"},
    )
    assert reused.status_code == 410 and reused.json()["code"] == "link_used"
    # a reset ends every session signed in before it (the reason to reset is often a leak)
    assert (await client.get("/api/auth/me", headers=user.headers)).status_code == 401
    old = await client.post("/api/auth/login", json={"email": user.email, "password": PASSWORD})
    assert old.status_code == 401
    new = await client.post(
        "/api/auth/login", json={"email": user.email, "password": "Fresh-password-77"}
    )
    assert new.status_code == 200


# --- login throttling --------------------------------------------------------------------------


async def test_login_is_throttled_per_account(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    user = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    for _ in range(5):
        bad = await client.post(
            "/api/auth/login", json={"email": user.email, "password": "wrong-password-1"}
        )
        assert bad.status_code == 401
    blocked = await client.post("/api/auth/login", json={"email": user.email, "password": PASSWORD})
    assert blocked.status_code == 429 and blocked.json()["code"] == "too_many_attempts"
    assert blocked.headers["retry-after"] == "900"
    other = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    fine = await client.post("/api/auth/login", json={"email": other.email, "password": PASSWORD})
    assert fine.status_code == 200


async def test_login_is_throttled_per_address(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    user = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    for n in range(30):
        bad = await client.post(
            "/api/auth/login", json={"email": f"guess{n}@x.test", "password": "wrong-password-1"}
        )
        assert bad.status_code == 401
    blocked = await client.post("/api/auth/login", json={"email": user.email, "password": PASSWORD})
    assert blocked.status_code == 429
