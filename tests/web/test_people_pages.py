"""People's pages (issue 16): the inbox, the account, staff invitations and password reset, through
the page forms (CSRF, 303s), on the same services as the API."""

from __future__ import annotations

import re

from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from builders import make_actor
from openlicense.accounts.models import OrganisationKind
from openlicense.notifications.models import OutgoingMail
from openlicense.notifications.service import notify
from web.pages import browser_like, post_form, sign_in

NEW_PASSWORD = "Fresh-password-77"


async def test_inbox_page_shows_the_message_in_chinese_and_marks_it_read(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    sme = await make_actor(db_sessionmaker, OrganisationKind.ENTERPRISE)
    async with db_sessionmaker.begin() as session:
        await notify(
            session,
            [sme.user_id],
            "payment.overdue",
            ("agreement", "a1"),
            {"agreement_number": "OL2026-0007", "due_date": "2026-11-30", "description": "入门费"},
        )
    async with browser_like(client) as person:
        await sign_in(person, sme.email)
        inbox = await person.get("/inbox")
        assert inbox.status_code == 200
        assert "付款已逾期：OL2026-0007" in inbox.text and "1 条未读" in inbox.text
        marked = await post_form(person, "/inbox/read", {}, form_page="/inbox")
        assert marked.status_code == 303
        assert "0 条未读" in (await person.get("/inbox")).text


async def test_account_page_changes_the_password_and_email_choices(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    user = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    async with browser_like(client) as person, browser_like(client) as elsewhere:
        await sign_in(elsewhere, user.email)  # the same person on another computer
        assert (await elsewhere.get("/account")).status_code == 200
        await sign_in(person, user.email)
        wrong = await post_form(
            person,
            "/account/password",
            {"current_password": "not-the-password-1", "new_password": NEW_PASSWORD},
            form_page="/account",
        )
        assert wrong.status_code == 400 and "current password is wrong" in wrong.text
        done = await post_form(
            person,
            "/account/password",
            {"current_password": "Correct-horse-42", "new_password": NEW_PASSWORD},
            form_page="/account",
        )
        assert done.status_code == 303
        # the other computer's session has ended; this one was renewed and goes on
        ended = await elsewhere.get("/account", follow_redirects=False)
        assert ended.status_code == 303 and ended.headers["location"] == "/login?next=%2Faccount"
        assert (await person.get("/account", follow_redirects=False)).status_code == 200
        saved = await post_form(
            person, "/account/preferences", {"email": "payment.due"}, form_page="/account"
        )
        assert saved.status_code == 303
        account = await person.get("/account?done=preferences")
        assert 'value="payment.due" checked' in account.text
        assert 'value="match.new" checked' not in account.text
    async with browser_like(client) as again:
        await sign_in(again, user.email, NEW_PASSWORD)


async def test_an_admin_invites_through_the_staff_page_and_the_colleague_joins(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    admin = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    async with browser_like(client) as person:
        await sign_in(person, admin.email)
        invited = await post_form(
            person,
            "/account/staff/invite",
            {"email": "colleague@uni.test", "display_name": "赵老师"},
            form_page="/account/staff",
        )
        assert invited.status_code == 201
        link = re.search(r"<code>([^<]+)</code>", invited.text)
        assert link is not None
    token = link.group(1).rsplit("/", 1)[-1]
    async with browser_like(client) as colleague:
        joined = await post_form(
            colleague,
            f"/invitations/{token}",
            {"display_name": "赵老师", "password": NEW_PASSWORD},
            form_page=f"/invitations/{token}",
        )
        assert joined.status_code == 303
        await sign_in(colleague, "colleague@uni.test", NEW_PASSWORD)
        staff = await colleague.get("/account/staff")
        assert staff.status_code == 403  # a member, not an admin of the staff
        assert staff.headers["x-error-code"] == "not_an_organisation_admin"


async def test_password_reset_pages_say_the_same_and_the_link_works_once(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    user = await make_actor(db_sessionmaker, OrganisationKind.ENTERPRISE)
    async with browser_like(client) as person:
        for email in ("nobody@nowhere.test", user.email):
            sent = await post_form(
                person, "/password-reset", {"email": email}, form_page="/password-reset"
            )
            assert sent.status_code == 200 and "重置链接已发出" in sent.text
        async with db_sessionmaker() as session:
            body = await session.scalar(select(OutgoingMail.body))
        assert body is not None
        found = re.search(r"/password-reset/(\S+)", body)
        assert found is not None
        path = f"/password-reset/{found.group(1)}"
        reset = await post_form(person, path, {"new_password": NEW_PASSWORD}, form_page=path)
        assert reset.status_code == 303
        again = await post_form(person, path, {"new_password": NEW_PASSWORD}, form_page=path)
        assert again.status_code == 410 and again.headers["x-error-code"] == "link_used"
        await sign_in(person, user.email, NEW_PASSWORD)


def test_the_new_refusals_are_explained_in_chinese() -> None:
    from openlicense.accounts.errors import LinkUsed, OrganisationNotVerified
    from openlicense.web.explain import error_message
    from openlicense.web.i18n import Translator

    zh = Translator("zh_CN")
    assert "尚未通过平台审核" in error_message(zh, OrganisationNotVerified("x"))
    assert "已被使用" in error_message(zh, LinkUsed("x"))
