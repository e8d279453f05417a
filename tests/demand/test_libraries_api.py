"""Achievements (成果库), experts (人才库) and consulting approved by the TTO with the unit's
consent; achievements and experts appear among a need's matches with their reasons."""

from __future__ import annotations

import datetime

from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import async_sessionmaker

from builders import make_actor, patent_payload
from demand.steps import post_need
from licensing import make_market
from openlicense.accounts.models import OrganisationKind
from openlicense.core.clock import FixedClock

ACHIEVEMENT = {
    "title": "储能电池热管理控制软件",
    "description": "用于锂电池储能系统的热管理与均衡控制软件，已在三个电站运行。",
    "kind": "software",
    "technology_field": "new_energy",
    "keywords": ["锂电池", "热管理"],
    "team": ["张三"],
    "maturity": 7,
    "fee_standard": {"type": "LUMP_SUM", "amount_minor": 3_000_000},
}
EXPERT = {
    "name": "张三",
    "title": "教授",
    "unit": "材料科学与工程学院",
    "research_directions": ["锂电池正极材料", "储能"],
    "fields": ["new_energy"],
    "keywords": ["正极"],
    "is_mentor": True,
}


async def test_achievements_experts_and_consulting(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> None:
    market = await make_market(client, db_sessionmaker, clock)
    tto, sme = market.tto, market.sme
    made = await client.post("/api/achievements", json=ACHIEVEMENT, headers=tto.headers)
    assert made.status_code == 201, made.text
    achievement = made.json()
    assert achievement["fee_standard"]["type"] == "LUMP_SUM" and achievement["review_due"] is False
    assert (
        await client.post("/api/achievements", json=ACHIEVEMENT, headers=sme.headers)
    ).status_code == 403

    # the half-year review reminder
    clock.set(clock.now() + datetime.timedelta(days=183))
    due = (await client.get(f"/api/achievements/{achievement['id']}")).json()
    assert due["review_due"] is True
    reviewed = await client.post(
        f"/api/achievements/{achievement['id']}/review", headers=tto.headers
    )
    assert reviewed.json()["review_due"] is False
    other = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    foreign = await client.post(
        f"/api/achievements/{achievement['id']}/review", headers=other.headers
    )
    assert foreign.status_code == 403

    expert = await client.post("/api/experts", json=EXPERT, headers=tto.headers)
    assert expert.status_code == 201, expert.text
    eid = expert.json()["id"]
    await client.post("/api/patents", json=patent_payload(inventors=["张三"]), headers=tto.headers)
    profile = (await client.get(f"/api/experts/{eid}")).json()
    assert [a["title"] for a in profile["achievements"]] == [ACHIEVEMENT["title"]]
    assert len(profile["patents"]) == 1

    # a need matches the achievement and the expert, with reasons
    need = await post_need(market)
    matches = (await client.get(f"/api/needs/{need['id']}/matches", headers=sme.headers)).json()
    by_kind = {m["kind"]: m for m in matches["matches"]}
    assert by_kind["achievement"]["target_id"] == achievement["id"]
    assert (
        "锂电池"
        in next(r for r in by_kind["achievement"]["reasons"] if r["kind"] == "terms")["values"]
    )
    assert by_kind["expert"]["target_id"] == eid

    # consulting: the SME asks, the TTO approves with the unit's consent, sessions recorded
    asked = await client.post(
        f"/api/experts/{eid}/consulting",
        json={
            "topic": "正极材料选型",
            "description": "希望教授指导正极材料的选型和测试方案。",
            "need_id": need["id"],
        },
        headers=sme.headers,
    )
    assert asked.status_code == 201, asked.text
    rid = asked.json()["id"]
    early = await client.post(
        f"/api/consulting/{rid}/sessions",
        json={"held_on": "2027-06-01", "summary": "第一次咨询。"},
        headers=sme.headers,
    )
    assert early.status_code == 409
    rival = await market.another_enterprise()
    assert (await client.get(f"/api/consulting/{rid}", headers=rival.headers)).status_code == 404
    no_consent = await client.post(f"/api/consulting/{rid}/approve", json={}, headers=tto.headers)
    assert no_consent.status_code == 400 or no_consent.status_code == 422
    wrong_tto = await client.post(
        f"/api/consulting/{rid}/approve",
        json={"unit_consent_ref": "材料学院 2027-1"},
        headers=other.headers,
    )
    assert wrong_tto.status_code == 404
    approved = await client.post(
        f"/api/consulting/{rid}/approve",
        json={"unit_consent_ref": "材料学院同意函 2027-1"},
        headers=tto.headers,
    )
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    held = await client.post(
        f"/api/consulting/{rid}/sessions",
        json={"held_on": "2027-06-01", "summary": "讨论了高镍路线。", "outcome": "形成测试方案"},
        headers=sme.headers,
    )
    assert held.status_code == 201 and len(held.json()["sessions"]) == 1
    done = await client.post(f"/api/consulting/{rid}/complete", headers=tto.headers)
    assert done.json()["status"] == "completed"
    listed = (await client.get("/api/consulting", headers=tto.headers)).json()
    assert [r["id"] for r in listed] == [rid]


async def test_achievements_due_for_review_after_half_a_year(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> None:
    from openlicense.achievements.service import AchievementService

    market = await make_market(client, db_sessionmaker, clock)
    await client.post("/api/achievements", json=ACHIEVEMENT, headers=market.tto.headers)
    async with db_sessionmaker() as session:
        assert list(await AchievementService(session, clock=clock).due_for_review()) == []
        clock.set(clock.now() + datetime.timedelta(days=183))
        due = await AchievementService(session, clock=clock).due_for_review()
        assert [a.title for a in due] == [ACHIEVEMENT["title"]]
