"""Security of the pages (no browser needed; both databases): CSRF on every form, the session
cookie's flags, the JSON API ignoring the page session, one SME never seeing another's
agreement, user text escaped, no open redirect, and the language choice."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import async_sessionmaker

from builders import patent_payload
from licensing import Market, make_market
from openlicense.core.clock import FixedClock
from web.pages import browser_like, csrf_token, post_form, sign_in

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
async def market(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> Market:
    return await make_market(client, db_sessionmaker, clock)


@pytest.fixture
async def person(client: AsyncTestClient) -> AsyncIterator[AsyncTestClient]:
    """An HTTPS client with its own cookies (the database is emptied by `client`)."""
    async with browser_like(client) as fresh:
        yield fresh


async def test_form_post_without_csrf_token_is_refused(
    person: AsyncTestClient, market: Market
) -> None:
    await person.get("/login")  # has the CSRF cookie, but the form lacks the token
    refused = await person.post(
        "/login", data={"email": market.sme.email, "password": "x"}, follow_redirects=False
    )
    assert refused.status_code == 403
    forged = await person.post(
        "/login",
        data={"email": market.sme.email, "password": "x", "_csrf_token": "forged"},
        follow_redirects=False,
    )
    assert forged.status_code == 403
    wrong_password = await post_form(person, "/login", {"email": market.sme.email, "password": "x"})
    assert wrong_password.status_code == 400
    assert "邮箱或密码不正确" in wrong_password.text


async def test_session_cookie_is_secure_httponly_and_same_site_when_signed_in(
    person: AsyncTestClient, market: Market
) -> None:
    response = await sign_in(person, market.sme.email)
    cookies = {c.split("=", 1)[0]: c for c in response.headers.get_list("set-cookie")}
    session = cookies["ol_session"].lower()
    assert "httponly" in session and "secure" in session and "samesite=lax" in session
    assert response.headers["location"] == "/my/agreements"
    assert (await person.get("/my/agreements")).status_code == 200


async def test_json_api_ignores_the_page_session(person: AsyncTestClient, market: Market) -> None:
    await sign_in(person, market.tto.email)
    assert (await person.get("/tto")).status_code == 200
    assert (await person.get("/api/auth/me")).status_code == 401  # bearer tokens only


async def test_signing_out_ends_the_session(person: AsyncTestClient, market: Market) -> None:
    await sign_in(person, market.tto.email)
    out = await post_form(person, "/logout", {}, form_page="/tto")
    assert out.status_code == 303
    back = await person.get("/tto", follow_redirects=False)
    assert back.status_code == 303 and back.headers["location"] == "/login?next=%2Ftto"


async def test_an_sme_cannot_open_another_smes_agreement(
    client: AsyncTestClient, person: AsyncTestClient, market: Market
) -> None:
    declaration = await market.declare({"type": "LUMP_SUM", "amount_minor": 100_000})
    agreement = (await market.accept(declaration["id"])).json()
    other = await market.another_enterprise()
    await sign_in(person, other.email)
    for path in ("", "/contract.pdf", "/seal", "/report"):
        page = await person.get(f"/agreements/{agreement['id']}{path}")
        assert page.status_code == 404, path
        assert agreement["number"] not in page.text
    async with browser_like(client) as owner:
        await sign_in(owner, market.sme.email)
        mine = await owner.get(f"/agreements/{agreement['id']}")
        assert mine.status_code == 200 and agreement["number"] in mine.text


async def test_user_text_is_escaped_when_a_patent_title_is_a_script(
    person: AsyncTestClient, market: Market
) -> None:
    payload = patent_payload(title_zh=SCRIPT, abstract_zh='<img src=x onerror="alert(2)">')
    created = await market.client.post("/api/patents", json=payload, headers=market.tto.headers)
    assert created.status_code == 201, created.text
    patent = created.json()
    await market.client.post(f"/api/patents/{patent['id']}/publish", headers=market.tto.headers)
    page = await person.get(f"/patents/{patent['application_number']}")
    assert page.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert SCRIPT not in page.text
    assert "<img src=x" not in page.text and "&lt;img src=x" in page.text


async def test_language_follows_cookie_then_accept_language(person: AsyncTestClient) -> None:
    assert '<html lang="zh-CN">' in (await person.get("/")).text  # Chinese first
    english = await person.get("/", headers={"Accept-Language": "en-US,en;q=0.9,zh;q=0.5"})
    assert '<html lang="en">' in english.text
    switched = await person.get("/lang/en?next=/patents", follow_redirects=False)
    assert switched.status_code == 303 and switched.headers["location"] == "/patents"
    assert "lang=en" in switched.headers["set-cookie"]
    remembered = await person.get("/", headers={"Accept-Language": "zh-CN"})
    assert '<html lang="en">' in remembered.text


async def test_redirects_stay_on_this_site(person: AsyncTestClient, market: Market) -> None:
    switch = await person.get("/lang/en?next=https://evil.test/x", follow_redirects=False)
    assert switch.headers["location"] == "/"
    token = await csrf_token(person)
    login = await person.post(
        "/login",
        data={
            "email": market.sme.email,
            "password": "Correct-horse-42",
            "next": "//evil.test",
            "_csrf_token": token,
        },
        follow_redirects=False,
    )
    assert login.headers["location"] == "/my/agreements"


async def test_pages_send_security_headers(person: AsyncTestClient) -> None:
    headers = (await person.get("/patents")).headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
