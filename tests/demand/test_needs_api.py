"""Needs: posting, visibility (public vs universities only), half-year confirmation and grace,
matching with reasons through the search engine, and a need met by an accepted open licence."""

from __future__ import annotations

import datetime
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import async_sessionmaker

from builders import make_actor
from demand.steps import need_payload, post_need, sync_search
from licensing import make_market
from openlicense.accounts.models import OrganisationKind
from openlicense.core.clock import FixedClock
from openlicense.jobs.tasks import run_reminders_once


async def test_an_enterprise_never_sees_another_enterprises_private_need(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> None:
    market = await make_market(client, db_sessionmaker, clock)
    private = await post_need(market, visibility="universities", title="不公开的需求标题")
    public = await post_need(market, title="公开的技术需求")
    rival = await market.another_enterprise()

    assert (
        await client.get(f"/api/needs/{private['id']}", headers=rival.headers)
    ).status_code == 404
    assert (await client.get(f"/api/needs/{private['id']}")).status_code == 404
    listed = {n["id"] for n in (await client.get("/api/needs", headers=rival.headers)).json()}
    assert public["id"] in listed and private["id"] not in listed
    anonymous = {n["id"] for n in (await client.get("/api/needs")).json()}
    assert private["id"] not in anonymous

    # universities see it; the owner sees both among its own
    assert (
        await client.get(f"/api/needs/{private['id']}", headers=market.tto.headers)
    ).status_code == 200
    mine = (await client.get("/api/needs?mine=true", headers=market.sme.headers)).json()
    assert {n["id"] for n in mine} == {private["id"], public["id"]}
    # and only the owner may change it or read its matches
    changed = await client.patch(
        f"/api/needs/{public['id']}", json={"title": "改过的标题"}, headers=rival.headers
    )
    assert changed.status_code == 403 and changed.json()["code"] == "not_need_owner"
    matches = await client.get(f"/api/needs/{public['id']}/matches", headers=rival.headers)
    assert matches.status_code == 403


async def test_a_need_not_confirmed_after_the_grace_period_stops_being_shown(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> None:
    market = await make_market(client, db_sessionmaker, clock)
    need = await post_need(market)
    assert need["freshness"] == "fresh"
    start = clock.now()

    clock.set(start + datetime.timedelta(days=190))
    due = (await client.get(f"/api/needs/{need['id']}", headers=market.sme.headers)).json()
    assert due["freshness"] == "due"  # the half-year reminder
    assert (await client.get(f"/api/needs/{need['id']}")).status_code == 200

    clock.set(start + datetime.timedelta(days=182 + 31))
    assert (await client.get(f"/api/needs/{need['id']}")).status_code == 404
    assert need["id"] not in {n["id"] for n in (await client.get("/api/needs")).json()}
    own = (await client.get(f"/api/needs/{need['id']}", headers=market.sme.headers)).json()
    assert own["freshness"] == "lapsed"

    confirmed = await client.post(f"/api/needs/{need['id']}/confirm", headers=market.sme.headers)
    assert confirmed.status_code == 200 and confirmed.json()["freshness"] == "fresh"
    assert (await client.get(f"/api/needs/{need['id']}")).status_code == 200


async def test_a_need_due_for_confirmation_is_reminded_once_to_its_enterprise(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> None:
    market = await make_market(client, db_sessionmaker, clock)
    need = await post_need(market, title="需要半年确认的需求")
    start = clock.now()

    async def inbox(actor: Any) -> list[dict[str, Any]]:
        body = (await client.get("/api/notifications", headers=actor.headers)).json()
        return [m for m in body["items"] if m["kind"] == "need.confirm"]

    clock.set(start + datetime.timedelta(days=100))  # fresh: nothing to remind
    assert (await run_reminders_once(db_sessionmaker, clock)).sent["need.confirm"] == 0
    clock.set(start + datetime.timedelta(days=183))  # due
    first = await run_reminders_once(db_sessionmaker, clock)
    again = await run_reminders_once(db_sessionmaker, clock)  # a second worker, a second pass
    assert first.sent["need.confirm"] == 1 and again.sent["need.confirm"] == 0
    messages = await inbox(market.sme)
    assert len(messages) == 1
    assert messages[0]["title"] == "请确认需求仍有效：需要半年确认的需求"
    hidden_on = (start + datetime.timedelta(days=182 + 30)).date().isoformat()
    assert hidden_on in messages[0]["body"]
    assert await inbox(market.tto) == []  # only the enterprise's own staff
    assert (messages[0]["subject_type"], messages[0]["subject_id"]) == ("need", need["id"])

    # confirmed: the next half year is reminded again, once
    await client.post(f"/api/needs/{need['id']}/confirm", headers=market.sme.headers)
    clock.set(start + datetime.timedelta(days=183 + 183))
    assert (await run_reminders_once(db_sessionmaker, clock)).sent["need.confirm"] == 1
    # a lapsed need (past the grace period) is not reminded any more
    clock.set(start + datetime.timedelta(days=183 + 183 + 60))
    assert (await run_reminders_once(db_sessionmaker, clock)).sent["need.confirm"] == 0


async def test_only_enterprises_post_needs_and_bad_input_is_refused(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> None:
    market = await make_market(client, db_sessionmaker, clock)
    refused = await client.post("/api/needs", json=need_payload(), headers=market.tto.headers)
    assert refused.status_code == 403
    bad = await client.post(
        "/api/needs",
        json=need_payload(budget_min_minor=9, budget_max_minor=1),
        headers=market.sme.headers,
    )
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_budget"
    assert (await client.get("/api/needs?mine=true", headers=market.sme.headers)).json() == []


async def test_need_to_matched_patent_to_accepted_licence(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> None:
    """Done when: a need → a matched open-licence patent → accepted licence."""
    market = await make_market(client, db_sessionmaker, clock)
    declaration = await market.declare({"type": "LUMP_SUM", "amount_minor": 5_000_000})
    await sync_search(market)
    need = await post_need(market)

    found = await client.get(f"/api/needs/{need['id']}/matches", headers=market.sme.headers)
    assert found.status_code == 200, found.text
    body = found.json()
    patent = next(m for m in body["matches"] if m["target_id"] == declaration["patent_id"])
    assert patent["kind"] == "patent" and patent["new"] is True
    assert patent["declaration_id"] == declaration["id"]
    kinds = {r["kind"]: r["values"] for r in patent["reasons"]}
    assert "正极" in kinds["terms"] and kinds["field"] == ["new_energy"]
    assert kinds["ipc"] == ["H01M4"]
    # seen now: no longer new on the next visit
    again = (
        await client.get(f"/api/needs/{need['id']}/matches", headers=market.sme.headers)
    ).json()
    assert again["new_count"] == 0

    # the TTO sees the need among its matches, new for it
    matched = await client.get("/api/needs/matched", headers=market.tto.headers)
    assert matched.status_code == 200, matched.text
    entry = next(e for e in matched.json() if e["need"]["id"] == need["id"])
    assert entry["new_count"] >= 1
    assert entry["matches"][0]["university_id"] == str(market.tto.organisation_id)

    accepted = await client.post(
        f"/api/needs/{need['id']}/licence",
        json={"declaration_id": patent["declaration_id"]},
        headers={**market.sme.headers, "Idempotency-Key": "need-licence-0001"},
    )
    assert accepted.status_code == 201, accepted.text
    agreement = accepted.json()
    met = (await client.get(f"/api/needs/{need['id']}", headers=market.sme.headers)).json()
    assert met["status"] == "met" and met["met_by_agreement_id"] == agreement["id"]
    # retrying is safe: the same licence, still met once
    retry = await client.post(
        f"/api/needs/{need['id']}/licence",
        json={"declaration_id": patent["declaration_id"]},
        headers={**market.sme.headers, "Idempotency-Key": "need-licence-0001"},
    )
    assert retry.status_code == 200 and retry.json()["id"] == agreement["id"]

    # the statistics show the need, its match and the licence
    admin = market.admin
    stats = (
        await client.get("/api/authority/indicators?period=2026-H2", headers=admin.headers)
    ).json()
    assert stats["needs_posted"] == 1 and stats["needs_met"] == 1
    assert stats["licences_made"] == 1 and stats["matches_found"] >= 1


async def test_universities_only_need_is_matched_for_universities_but_not_shown_to_rivals(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> None:
    market = await make_market(client, db_sessionmaker, clock)
    await market.declare({"type": "LUMP_SUM", "amount_minor": 5_000_000})
    await sync_search(market)
    need = await post_need(market, visibility="universities")
    other_tto = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    mine = (await client.get("/api/needs/matched", headers=market.tto.headers)).json()
    assert need["id"] in {e["need"]["id"] for e in mine}
    theirs = (await client.get("/api/needs/matched", headers=other_tto.headers)).json()
    assert need["id"] not in {e["need"]["id"] for e in theirs}


def test_reporting_periods() -> None:
    from openlicense.indicators.rules import parse_period

    half = parse_period("2026-H2")
    assert half is not None and (half.start, half.end) == (
        datetime.date(2026, 7, 1),
        datetime.date(2026, 12, 31),
    )
    quarter = parse_period("2027-Q1")
    assert quarter is not None and quarter.end == datetime.date(2027, 3, 31)
    year = parse_period("2026")
    assert year is not None and year.end == datetime.date(2026, 12, 31)
    assert parse_period("2026-H3") is None and parse_period("26") is None


async def test_patching_a_need_with_null_keeps_what_a_need_must_have(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> None:
    market = await make_market(client, db_sessionmaker, clock)
    need = await post_need(market, technology_field="new_energy")
    url = f"/api/needs/{need['id']}"
    for body in (
        {"title": None},
        {"description": None},
        {"visibility": None},
        {"cooperation_forms": None},
        {"cooperation_forms": []},  # a need is open to at least one form of cooperation
        {"keywords": None},
    ):
        refused = await client.patch(url, json=body, headers=market.sme.headers)
        assert refused.status_code == 422, (body, refused.text)
    unchanged = (await client.get(url, headers=market.sme.headers)).json()
    assert unchanged["title"] == need["title"]
    assert unchanged["cooperation_forms"] == need["cooperation_forms"]
    cleared = await client.patch(url, json={"technology_field": None}, headers=market.sme.headers)
    assert cleared.status_code == 200 and cleared.json()["technology_field"] is None
