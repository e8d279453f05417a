"""Notifications (issue 16): the inbox, email preferences, reminders sent exactly once, and mail
through SMTP to the development sink."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from builders import make_actor
from licensing import make_market
from openlicense.accounts.models import OrganisationKind
from openlicense.core.clock import FixedClock
from openlicense.jobs.tasks import run_reminders_once
from openlicense.notifications.devsink import read_sink, start_sink
from openlicense.notifications.mailer import send_pending_mail
from openlicense.notifications.models import MailState, Notification, OutgoingMail
from openlicense.notifications.service import notify
from openlicense.notifications.texts import INBOX_KINDS, KINDS, render
from openlicense.settings import MailSettings

PERIOD = {"licence_start": "2026-11-23", "licence_end": "2028-11-22"}
LUMP = {"type": "LUMP_SUM", "amount_minor": 5_000_000}


def test_every_kind_has_both_languages_and_renders_its_placeholders() -> None:
    data = {"agreement_number": "OL-1", "due_date": "2026-12-01", "days": 3, "title": "T"}
    for kind in KINDS:
        zh, en = render(kind, data, "zh"), render(kind, data, "en")
        assert (zh.title and en.title and zh.title != en.title) or kind == "message"
        assert "{" not in zh.body + en.body
    assert "OL-1" in render("trial.ending", data, "en").title


async def test_inbox_counts_unread_and_marks_only_the_callers_own(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    alice = await make_actor(db_sessionmaker, OrganisationKind.ENTERPRISE)
    bob = await make_actor(db_sessionmaker, OrganisationKind.ENTERPRISE)
    async with db_sessionmaker.begin() as session:
        await notify(
            session, [alice.user_id, bob.user_id], "match.new", ("need", "n1"), {"title": "石墨烯"}
        )
        await notify(session, [alice.user_id], "match.new", ("need", "n2"), {"title": "电池"})
    count = await client.get("/api/notifications/unread-count", headers=alice.headers)
    assert count.json() == {"unread": 2}
    inbox = await client.get("/api/notifications?lang=en", headers=alice.headers)
    items = inbox.json()["items"]
    assert [i["title"] for i in items] == ["New match: 电池", "New match: 石墨烯"]
    zh = await client.get("/api/notifications", headers=alice.headers)
    assert zh.json()["items"][0]["title"] == "新的匹配：电池"
    marked = await client.post(
        "/api/notifications/read", json={"ids": [items[0]["id"]]}, headers=alice.headers
    )
    assert marked.json() == {"unread": 1}
    # Bob's copy of a message cannot be marked by Alice: ids are filtered by the caller.
    bob_items = (await client.get("/api/notifications", headers=bob.headers)).json()["items"]
    await client.post(
        "/api/notifications/read", json={"ids": [bob_items[0]["id"]]}, headers=alice.headers
    )
    assert (await client.get("/api/notifications/unread-count", headers=bob.headers)).json() == {
        "unread": 1
    }
    await client.post("/api/notifications/read", json={}, headers=alice.headers)
    assert (await client.get("/api/notifications/unread-count", headers=alice.headers)).json() == {
        "unread": 0
    }


async def test_email_goes_only_for_the_kinds_a_user_chose(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    user = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    prefs = await client.get("/api/notifications/preferences", headers=user.headers)
    assert {p["kind"] for p in prefs.json()} == set(INBOX_KINDS)
    off = await client.put(
        "/api/notifications/preferences",
        json={"kind": "match.new", "email": False},
        headers=user.headers,
    )
    assert {p["kind"]: p["email"] for p in off.json()}["match.new"] is False
    unknown = await client.put(
        "/api/notifications/preferences",
        json={"kind": "no.such", "email": True},
        headers=user.headers,
    )
    assert unknown.status_code == 422
    async with db_sessionmaker.begin() as session:
        await notify(session, [user.user_id], "match.new", ("need", "n1"), {"title": "x"})
        await notify(session, [user.user_id], "payment.due", ("agreement", "a1"), {})
    async with db_sessionmaker() as session:
        kinds = list(await session.scalars(select(OutgoingMail.kind)))
    assert kinds == ["payment.due"]


async def test_a_reminder_is_sent_once_across_two_concurrent_workers(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> None:
    market = await make_market(client, db_sessionmaker, clock)
    declaration = await market.declare(LUMP, **PERIOD)
    accepted = await market.accept(declaration["id"])
    assert accepted.status_code == 201, accepted.text
    first, second = await asyncio.gather(
        run_reminders_once(db_sessionmaker, clock), run_reminders_once(db_sessionmaker, clock)
    )
    assert first.sent or second.sent
    assert sum(first.sent.values()) + sum(second.sent.values()) == max(
        sum(first.sent.values()), sum(second.sent.values())
    )
    again = await run_reminders_once(db_sessionmaker, clock)
    assert not again.sent and again.skipped
    async with db_sessionmaker() as session:
        per_kind = dict(
            (
                await session.execute(
                    select(Notification.kind, func.count()).group_by(Notification.kind)
                )
            ).all()
        )
    assert per_kind.get("payment.due") == 1  # one licensee user, once
    inbox = await client.get("/api/notifications", headers=market.sme.headers)
    assert inbox.json()["unread"] >= 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_queued_mail_reaches_the_development_sink_once(
    db_sessionmaker: async_sessionmaker, tmp_path: Path
) -> None:
    user = await make_actor(db_sessionmaker, OrganisationKind.ENTERPRISE)
    async with db_sessionmaker.begin() as session:
        await notify(
            session,
            [user.user_id],
            "payment.overdue",
            ("agreement", "a1"),
            {"agreement_number": "OL2026-0001", "due_date": "2026-11-30", "description": "入门费"},
        )
    port = _free_port()
    sink = start_sink(tmp_path, port=port)
    try:
        settings = MailSettings(smtp_host="127.0.0.1", smtp_port=port)
        report = await send_pending_mail(db_sessionmaker, settings)
        again = await send_pending_mail(db_sessionmaker, settings)
    finally:
        sink.stop()
    assert report.sent == 1 and again.sent == 0
    mails = read_sink(tmp_path)
    assert len(mails) == 1 and mails[0]["to"] == user.email
    assert "付款已逾期" in mails[0]["subject"] and "Payment overdue" in mails[0]["subject"]
    assert "OL2026-0001" in mails[0]["body"]
    async with db_sessionmaker() as session:
        states = list(await session.scalars(select(OutgoingMail.state)))
    assert states == [MailState.SENT]


async def test_mail_stays_queued_and_is_retried_when_smtp_is_down(
    db_sessionmaker: async_sessionmaker,
) -> None:
    user = await make_actor(db_sessionmaker, OrganisationKind.ENTERPRISE)
    async with db_sessionmaker.begin() as session:
        await notify(session, [user.user_id], "payment.due", ("agreement", "a1"), {})
    settings = MailSettings(smtp_host="127.0.0.1", smtp_port=_free_port(), timeout_seconds=2)
    report = await send_pending_mail(db_sessionmaker, settings)
    assert report.failed == 1
    async with db_sessionmaker() as session:
        row = await session.scalar(select(OutgoingMail))
    assert row is not None and row.state is MailState.PENDING and row.attempts == 1
