"""The demand-side journey in the browser: an SME posts a need and sees its matches with reasons,
the TTO sees the need among its matches, the SME's challenge is answered by two teams on the
challenge page (neither sees the other's proposal) and the SME selects one; the authority reads
its indicators."""

from __future__ import annotations

from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import async_sessionmaker

from builders import make_actor
from demand.steps import challenge_payload, sync_search
from licensing import make_market
from openlicense.accounts.models import OrganisationKind
from openlicense.core.clock import FixedClock
from web.pages import browser_like, post_form, sign_in


async def test_demand_journey_in_pages(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> None:
    market = await make_market(client, db_sessionmaker, clock)
    rival = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    authority = await make_actor(db_sessionmaker, OrganisationKind.AUTHORITY)
    await market.declare({"type": "LUMP_SUM", "amount_minor": 5_000_000})
    await sync_search(market)

    async with browser_like(client) as sme:
        await sign_in(sme, market.sme.email)
        bad = await post_form(
            sme, "/needs/new", {"title": "短", "description": "太短"}, form_page="/needs/new"
        )
        assert bad.status_code == 422
        posted = await post_form(
            sme,
            "/needs/new",
            {
                "title": "寻求锂电池正极材料技术",
                "description": "我公司需要提高正极材料的能量密度和循环寿命。",
                "technology_field": "new_energy",
                "keywords": "正极，锂电池",
                "ipc_hints": "H01M 4/36",
                "budget_max_yuan": "500000",
                "cooperation_forms": "licence",
                "visibility": "universities",
            },
            form_page="/needs/new",
        )
        assert posted.status_code == 303, posted.text
        need_path = posted.headers["location"]
        detail = await sme.get(need_path)
        assert detail.status_code == 200
        assert "共有词语" in detail.text  # the reasons, Chinese first
        assert "/offers/" in detail.text  # take the matched licence through the licence flow
        need_id = need_path.rsplit("/", 1)[1]

    async with browser_like(client) as tto:
        await sign_in(tto, market.tto.email)
        matched = await tto.get("/tto/matches")
        assert matched.status_code == 200 and "寻求锂电池正极材料技术" in matched.text

    challenge = (
        await client.post(
            "/api/challenges", json=challenge_payload(need_id), headers=market.sme.headers
        )
    ).json()
    path = f"/challenges/{challenge['id']}"
    for actor, proposal in (
        (market.tto, "甲团队方案：高镍单晶路线。"),
        (rival, "乙团队方案：富锂锰基路线。"),
    ):
        async with browser_like(client) as team:
            await sign_in(team, actor.email)
            applied = await post_form(
                team,
                f"{path}/apply",
                {"proposal": proposal, "team": "张三，教授\n王五"},
                form_page=path,
            )
            assert applied.status_code == 303, applied.text
            own = (await team.get(path)).text
            assert proposal in own
            other = "乙团队方案" if proposal.startswith("甲") else "甲团队方案"
            assert other not in own  # a team never sees a rival's proposal

    async with browser_like(client) as sme:
        await sign_in(sme, market.sme.email)
        page = (await sme.get(path)).text
        assert "甲团队方案" in page and "乙团队方案" in page
        applications = (
            await client.get(
                f"/api/challenges/{challenge['id']}/applications", headers=market.sme.headers
            )
        ).json()
        first = next(a for a in applications if a["proposal"].startswith("甲"))
        chosen = await post_form(
            sme, f"{path}/applications/{first['id']}/select", {}, form_page=path
        )
        assert chosen.status_code == 303, chosen.text

    async with browser_like(client) as office:
        await sign_in(office, authority.email)
        stats = await office.get("/authority")
        assert stats.status_code == 200 and "浙江" in stats.text
        xlsx = await office.get("/authority/indicators.xlsx")
        assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


async def test_library_zone_and_event_pages(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> None:
    market = await make_market(client, db_sessionmaker, clock)
    tto = market.tto.headers
    achievement = {
        "title": "寒区农机电液控制软件",
        "description": "适用于零下三十度环境的农机电液控制软件。",
        "kind": "software",
        "team": ["王北辰"],
        "maturity": 8,
    }
    added = (await client.post("/api/achievements", json=achievement, headers=tto)).json()
    expert = (
        await client.post(
            "/api/experts",
            json={
                "name": "王北辰",
                "title": "研究员",
                "research_directions": ["农机装备"],
                "is_mentor": True,
            },
            headers=tto,
        )
    ).json()
    zone = (
        await client.post("/api/zones", json={"title": "黑龙江 农机装备 专区"}, headers=tto)
    ).json()
    await client.post(
        f"/api/zones/{zone['id']}/items",
        json={"kind": "achievement", "target_id": added["id"]},
        headers=tto,
    )
    starts = clock.now().replace(year=clock.now().year + 1).isoformat()
    event = (
        await client.post(
            "/api/events", json={"title": "冰雪经济专场对接会", "starts_at": starts}, headers=tto
        )
    ).json()

    async with browser_like(client) as visitor:
        assert "寒区农机电液控制软件" in (await visitor.get("/achievements")).text
        assert "王北辰" in (await visitor.get("/experts")).text
        profile = (await visitor.get(f"/experts/{expert['id']}")).text
        assert "寒区农机电液控制软件" in profile  # the expert's achievements
        assert "黑龙江 农机装备 专区" in (await visitor.get("/zones")).text
        assert "寒区农机电液控制软件" in (await visitor.get(f"/zones/{zone['id']}")).text
    async with browser_like(client) as sme:
        await sign_in(sme, market.sme.email)
        path = f"/events/{event['id']}"
        registered = await post_form(sme, f"{path}/register", {}, form_page=path)
        assert registered.status_code == 303, registered.text
        assert "已报名" in (await sme.get(path)).text


async def test_a_tto_adds_an_expert_and_an_achievement_through_the_pages(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    tto = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    async with browser_like(client) as person, browser_like(client) as visitor:
        await sign_in(person, tto.email)
        listed = await person.get("/experts")
        assert 'href="/experts/new"' in listed.text  # the TTO sees the way in
        assert 'href="/experts/new"' not in (await visitor.get("/experts")).text

        expert = {
            "name": "王教授", "title": "教授", "unit": "材料学院",
            "research_directions": "固态电池、正极材料", "technology_field": "new_energy",
            "keywords": "电池，储能", "bio": "长期从事储能材料研究。", "is_mentor": "on",
        }  # fmt: skip
        bad = await post_form(
            person, "/experts/new", {**expert, "name": ""}, form_page="/experts/new"
        )
        assert bad.status_code == 422 and 'id="e-name"' in bad.text
        added = await post_form(person, "/experts/new", expert, form_page="/experts/new")
        assert added.status_code == 303
        profile = await visitor.get(added.headers["location"])
        assert (
            profile.status_code == 200 and "王教授" in profile.text and "正极材料" in profile.text
        )

        achievement = {
            "title": "高镍正极材料烧结工艺", "kind": "know_how", "maturity": "6",
            "description": "一种降低高镍正极材料烧结能耗的工艺诀窍，已完成中试。",
            "technology_field": "new_energy", "keywords": "正极,烧结", "team": "王教授、李博士",
        }  # fmt: skip
        page = "/achievements/new"
        short = await post_form(person, page, {**achievement, "maturity": "12"}, form_page=page)
        assert short.status_code == 422 and 'id="e-maturity"' in short.text
        done = await post_form(person, page, achievement, form_page=page)
        assert done.status_code == 303 and done.headers["location"] == "/achievements?done=added"
        library = await visitor.get("/achievements")
        assert "高镍正极材料烧结工艺" in library.text
    # an enterprise cannot add to a university's libraries
    sme = await make_actor(db_sessionmaker, OrganisationKind.ENTERPRISE)
    async with browser_like(client) as other:
        await sign_in(other, sme.email)
        assert (await other.get("/experts/new", follow_redirects=False)).status_code == 403


async def test_an_enterprise_asks_a_mentor_for_consulting_from_the_expert_page(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    tto = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    mentor = {"name": "陈教授", "title": "教授", "fields": ["new_energy"], "is_mentor": True}
    expert = (await client.post("/api/experts", json=mentor, headers=tto.headers)).json()
    url = f"/experts/{expert['id']}"
    sme = await make_actor(db_sessionmaker, OrganisationKind.ENTERPRISE)
    async with browser_like(client) as visitor, browser_like(client) as person:
        assert "/login?next=" in (await visitor.get(url)).text  # sign in first
        await sign_in(person, sme.email)
        ask = f"{url}/consulting"
        short = await post_form(
            person, ask, {"topic": "选型", "description": "太短"}, form_page=url
        )
        assert short.status_code == 422 and 'id="e-description"' in short.text
        request = {"topic": "正极材料选型", "description": "希望请教正极材料的选型和测试方案。"}
        sent = await post_form(person, ask, request, form_page=url)
        assert sent.status_code == 303 and sent.headers["location"] == f"{url}?done=asked"
        assert "申请已提交" in (await person.get(sent.headers["location"])).text
    asked = (await client.get("/api/consulting", headers=tto.headers)).json()
    assert [r["topic"] for r in asked] == ["正极材料选型"]


async def test_an_enterprise_and_an_authority_publish_challenges_through_the_pages(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> None:
    market = await make_market(client, db_sessionmaker, clock)
    authority = await make_actor(db_sessionmaker, OrganisationKind.AUTHORITY)
    need = {
        "title": "寻求锂电池正极材料技术",
        "description": "我公司需要提高正极材料的能量密度和循环寿命。",
    }
    need_id = (await client.post("/api/needs", json=need, headers=market.sme.headers)).json()["id"]
    challenge = {
        "need_id": need_id, "goals": "开发能量密度不低于 300 Wh/kg 的正极材料并完成中试。",
        "acceptance_criteria": "第三方检测报告；中试样品 100 公斤。", "budget_yuan": "800000",
        "deadline": "2027-03-31",
    }  # fmt: skip
    async with browser_like(client) as sme, browser_like(client) as office:
        await sign_in(sme, market.sme.email)
        form = await sme.get(f"/challenges/new?need_id={need_id}")
        assert form.status_code == 200 and f'value="{need_id}" selected' in form.text
        short = {**challenge, "goals": "太短"}
        bad = await post_form(sme, "/challenges/new", short, form_page="/challenges/new")
        assert bad.status_code == 422 and 'id="e-goals"' in bad.text
        past = {**challenge, "deadline": "2020-01-01"}  # refused by the service: said on top
        late = await post_form(sme, "/challenges/new", past, form_page="/challenges/new")
        assert late.status_code == 422 and 'class="alert error"' in late.text
        made = await post_form(sme, "/challenges/new", challenge, form_page="/challenges/new")
        assert made.status_code == 303 and made.headers["location"].startswith("/challenges/")
        shown = await sme.get(made.headers["location"])
        assert "寻求锂电池正极材料技术" in shown.text  # the need's title by default

        await sign_in(office, authority.email)
        public = {**challenge, "need_id": "", "title": "冰雪装备关键技术攻关"}
        posted = await post_form(office, "/challenges/new", public, form_page="/challenges/new")
        assert posted.status_code == 303
    listed = (await client.get("/api/challenges")).json()
    assert {c["title"] for c in listed} == {"寻求锂电池正极材料技术", "冰雪装备关键技术攻关"}
