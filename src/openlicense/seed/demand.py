"""Demo data of the demand side (issue 17), in Chinese: needs, achievements, experts and
mentors, a 揭榜挂帅 challenge taken to a sealed cooperation agreement, an authority's public
challenge, a consulting request, zones and a matchmaking event.

Written through the domains' own services (as a client, like the API), in one transaction, as
the demo accounts of `seed.data`. Idempotent: a second run finds the first need and adds nothing.
Matches are not computed here (the seed has no search engine at hand): the first visit to a
need's matches with `refresh=true`, or any edit, runs the matcher."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from openlicense.accounts.models import Organisation, User
from openlicense.accounts.principal import Principal
from openlicense.achievements.models import Achievement
from openlicense.achievements.schemas import AchievementCreate
from openlicense.achievements.service import AchievementService
from openlicense.catalogue.models import Declaration, DeclarationStatus, Patent
from openlicense.challenges.schemas import (
    ApplicationCreate,
    ChallengeCreate,
    CooperationCreate,
)
from openlicense.challenges.service import ChallengeService, CooperationService
from openlicense.core.clock import FixedClock
from openlicense.experts.models import Expert
from openlicense.experts.schemas import (
    ConsultingApproval,
    ConsultingCreate,
    ExpertCreate,
    SessionCreate,
)
from openlicense.experts.service import ConsultingService, ExpertService
from openlicense.needs.models import Need
from openlicense.needs.schemas import NeedCreate
from openlicense.needs.service import NeedService
from openlicense.zones.schemas import EventCreate, ItemAdd, OutcomeCreate, ZoneCreate
from openlicense.zones.service import ZoneService
from openlicense.zones.states import ItemKind, OutcomeKind

FIRST_NEED = "寻求高能量密度储能电池正极材料技术"

NEEDS: tuple[dict[str, Any], ...] = (
    {
        "title": FIRST_NEED,
        "description": "我公司生产工商业储能电池，需要将正极材料能量密度提高 15% 以上，"
        "循环寿命不低于 6000 次，希望与高校联合开发或获得专利许可。",
        "technology_field": "new_energy",
        "ipc_hints": ["H01M 4/36"],
        "keywords": ["正极", "锂电池", "储能"],
        "budget_min_minor": 50_000_000,
        "budget_max_minor": 200_000_000,
        "cooperation_forms": ["licence", "joint_development"],
        "visibility": "public",
    },
    {
        "title": "农机装备智能控制系统升级",
        "description": "拖拉机与收获机的电液控制系统需要国产化替代，寻求成熟方案和技术咨询。",
        "technology_field": "intelligent_equipment",
        "keywords": ["农机", "电液控制", "智能控制"],
        "budget_max_minor": 80_000_000,
        "cooperation_forms": ["licence", "consulting"],
        "visibility": "universities",
    },
    {
        "title": "食品冷链保鲜包装材料",
        "description": "需要可降解、具有抗菌功能的冷链保鲜包装膜，用于生鲜配送。",
        "technology_field": "new_materials",
        "keywords": ["保鲜", "可降解", "包装"],
        "cooperation_forms": ["transfer", "joint_development"],
        "visibility": "public",
    },
)

ACHIEVEMENTS: tuple[tuple[str, dict[str, Any]], ...] = (
    (
        "tto1@uni.test",
        {
            "title": "高镍单晶正极材料制备工艺（技术秘密）",
            "description": "一套高镍单晶正极材料的烧结与包覆工艺，能量密度提高约 12%，已完成中试。",
            "kind": "know_how",
            "technology_field": "new_energy",
            "ipc_codes": ["H01M 4/36"],
            "keywords": ["正极", "锂电池", "单晶"],
            "team": ["陈立新"],
            "maturity": 6,
            "fee_standard": {"type": "LUMP_SUM", "amount_minor": 30_000_000},
        },
    ),
    (
        "tto1@uni.test",
        {
            "title": "可降解抗菌保鲜膜配方",
            "description": "以聚乳酸为基体的抗菌保鲜膜配方及吹膜工艺，适用于冷链包装。",
            "kind": "know_how",
            "technology_field": "new_materials",
            "keywords": ["保鲜", "可降解", "抗菌"],
            "team": ["林晓雯"],
            "maturity": 5,
        },
    ),
    (
        "tto6@uni.test",
        {
            "title": "寒区农机电液控制软件",
            "description": "适用于零下三十度环境的农机电液控制软件，已装机 200 台。",
            "kind": "software",
            "technology_field": "intelligent_equipment",
            "keywords": ["农机", "电液控制", "寒区"],
            "team": ["王北辰"],
            "maturity": 8,
            "fee_standard": {"type": "LUMP_SUM", "amount_minor": 10_000_000},
        },
    ),
)

EXPERTS: tuple[tuple[str, dict[str, Any]], ...] = (
    (
        "tto1@uni.test",
        {
            "name": "陈立新",
            "title": "教授",
            "unit": "材料科学与工程学院",
            "research_directions": ["锂电池正极材料", "储能材料"],
            "fields": ["new_energy", "new_materials"],
            "keywords": ["正极", "储能"],
            "bio": "长期从事锂离子电池正极材料研究，主持国家重点研发计划项目。",
            "is_mentor": True,
        },
    ),
    (
        "tto1@uni.test",
        {
            "name": "林晓雯",
            "title": "副教授",
            "unit": "生物系统工程与食品科学学院",
            "research_directions": ["食品包装", "可降解材料"],
            "fields": ["new_materials", "food_processing"],
            "keywords": ["保鲜", "包装"],
            "is_mentor": True,
        },
    ),
    (
        "tto6@uni.test",
        {
            "name": "王北辰",
            "title": "研究员",
            "unit": "机电工程学院",
            "research_directions": ["农机装备", "冰雪装备"],
            "fields": ["intelligent_equipment"],
            "keywords": ["农机", "电液控制", "冰雪"],
            "is_mentor": True,
        },
    ),
)


async def seed_demand(session_maker: async_sessionmaker[AsyncSession], *, today: dt.date) -> int:
    """Add the demand-side demo data unless it is there; returns the needs added (0 or 3)."""
    clock = FixedClock(dt.datetime.combine(today, dt.time(1, 0), tzinfo=dt.UTC))
    async with session_maker() as session, session.begin():
        if await session.scalar(select(Need.id).where(Need.title == FIRST_NEED)) is not None:
            return 0
        who = await _principals(session)
        if not {"sme@demo.test", "tto1@uni.test", "tto2@uni.test", "tto6@uni.test"} <= set(who):
            return 0  # the organisations seed has not run
        await _libraries(session, clock, who)
        needs = NeedService(session, clock=clock)
        posted = [
            await needs.post(who["sme@demo.test"], NeedCreate.model_validate(n)) for n in NEEDS
        ]
        challenge = await _challenge(session, clock, who, posted[0].id, today)
        await _consulting(session, clock, who, posted[1].id, today)
        await _zones(session, clock, who, challenge, today)
    return len(NEEDS)


async def _principals(session: AsyncSession) -> dict[str, Principal]:
    emails = [
        "sme@demo.test",
        "member2@ent.test",
        "tto1@uni.test",
        "tto2@uni.test",
        "tto6@uni.test",
        "authority@zj.test",
        "admin@openlicense.test",
    ]
    rows = await session.scalars(
        select(User).where(User.email.in_(emails)).execution_options(populate_existing=True)
    )
    out = {}
    for user in rows:
        org = await session.get_one(Organisation, user.organisation_id)
        out[user.email] = Principal(user.id, user.role, user.organisation_id, org.kind)
    return out


async def _libraries(session: AsyncSession, clock: FixedClock, who: dict[str, Principal]) -> None:
    achievements = AchievementService(session, clock=clock)
    for email, data in ACHIEVEMENTS:
        await achievements.add(who[email], AchievementCreate.model_validate(data))
    experts = ExpertService(session, clock=clock)
    for email, data in EXPERTS:
        await experts.add(who[email], ExpertCreate.model_validate(data))


async def _challenge(
    session: AsyncSession,
    clock: FixedClock,
    who: dict[str, Principal],
    need_id: Any,
    today: dt.date,
) -> Any:
    challenges = ChallengeService(session, clock=clock)
    sme = who["sme@demo.test"]
    challenge = await challenges.publish(
        sme,
        ChallengeCreate(
            need_id=need_id,
            goals="开发能量密度不低于 300 Wh/kg、循环 6000 次的正极材料，并完成 100 公斤级中试。",
            acceptance_criteria="第三方检测报告；中试样品 100 公斤；工艺包一套。",
            budget_minor=150_000_000,
            deadline=today + dt.timedelta(days=60),
        ),
    )
    teams = {
        "tto1@uni.test": ("陈立新", "高镍单晶路线，十二个月完成中试，已有小试数据。"),
        "tto2@uni.test": ("赵清远", "富锂锰基路线，十八个月完成中试。"),
    }
    applications = {}
    for email, (leader, plan) in teams.items():
        applications[email] = await challenges.apply(
            who[email],
            challenge.id,
            ApplicationCreate.model_validate(
                {
                    "proposal": f"{leader}团队：{plan}",
                    "team": [{"name": leader, "title": "教授", "role": "负责人"}, {"name": "李博"}],
                    "price_minor": 120_000_000,
                }
            ),
        )
    await challenges.shortlist(sme, challenge.id, applications["tto1@uni.test"].id)
    await challenges.select(sme, challenge.id, applications["tto1@uni.test"].id)
    cooperation = CooperationService(session, clock=clock)
    await cooperation.draw_up(
        sme,
        challenge.id,
        CooperationCreate.model_validate(
            {
                "kind": "joint",
                "price_minor": 120_000_000,
                "clauses": {"background_ip": "free_licence_to_exploit"},
                "milestones": [
                    {
                        "title": "小试样品与检测",
                        "due_on": today + dt.timedelta(days=180),
                        "amount_minor": 40_000_000,
                    },
                    {
                        "title": "中试验收",
                        "due_on": today + dt.timedelta(days=365),
                        "amount_minor": 80_000_000,
                    },
                ],
            }
        ),
    )
    await cooperation.sign(who["tto1@uni.test"], challenge.id)
    if "authority@zj.test" in who:
        await challenges.publish(
            who["authority@zj.test"],
            ChallengeCreate(
                title="冰雪经济：高寒地区装备低温启动技术",
                goals="面向冰雪旅游与寒区农机，解决零下 35 度环境下电池与液压系统的低温启动问题。",
                acceptance_criteria="零下 35 度冷启动试验通过；示范应用两处。",
                budget_minor=300_000_000,
                deadline=today + dt.timedelta(days=90),
                technology_field="intelligent_equipment",
            ),
        )
    return challenge


async def _consulting(
    session: AsyncSession,
    clock: FixedClock,
    who: dict[str, Principal],
    need_id: Any,
    today: dt.date,
) -> None:
    expert_id = await session.scalar(select(Expert.id).where(Expert.name == "王北辰"))
    if expert_id is None:
        return
    consulting = ConsultingService(session, clock=clock)
    request = await consulting.request(
        who["sme@demo.test"],
        expert_id,
        ConsultingCreate(
            topic="农机电液控制系统国产化",
            description="希望王研究员就电液控制系统的国产化方案提供一对一咨询。",
            need_id=need_id,
        ),
    )
    await consulting.approve(
        who["tto6@uni.test"],
        request.id,
        ConsultingApproval(unit_consent_ref="机电工程学院同意函（演示）"),
    )
    await consulting.add_session(
        who["tto6@uni.test"],
        request.id,
        SessionCreate(
            held_on=today,
            summary="线上会议：梳理了现有控制系统的替代清单。",
            outcome="形成替代方案初稿",
        ),
    )


async def _zones(
    session: AsyncSession,
    clock: FixedClock,
    who: dict[str, Principal],
    challenge: Any,
    today: dt.date,
) -> None:
    zones = ZoneService(session, clock=clock)
    curator = who.get("authority@zj.test") or who["admin@openlicense.test"]
    zj = await zones.create_zone(
        curator, ZoneCreate(title="浙江 新能源与新材料 专区", description="千校万企：浙江省专区。")
    )
    await zones.add_to_zone(
        curator, zj.id, ItemAdd(kind=ItemKind.CHALLENGE, target_id=challenge.id)
    )
    admin = who["admin@openlicense.test"]
    hlj = await zones.create_zone(
        admin, ZoneCreate(title="黑龙江 农机装备 专区", province="黑龙江")
    )
    snow = await zones.create_zone(admin, ZoneCreate(title="冰雪经济 专区", province="黑龙江"))
    for achievement_id in await session.scalars(select(Achievement.id)):
        for zone in (zj, hlj):
            await zones.add_to_zone(
                admin, zone.id, ItemAdd(kind=ItemKind.ACHIEVEMENT, target_id=achievement_id)
            )
    patents = await session.scalars(
        select(Patent.id)
        .join(Declaration, Declaration.patent_id == Patent.id)
        .where(Declaration.status == DeclarationStatus.PUBLISHED)
        .order_by(Patent.id)
        .limit(6)
    )
    patent_ids = list(patents)
    for patent_id in patent_ids:
        await zones.add_to_zone(admin, snow.id, ItemAdd(kind=ItemKind.PATENT, target_id=patent_id))
    event = await zones.create_event(
        curator,
        EventCreate(
            title="千校万企 新能源专场对接会",
            description="高校开放许可专利与揭榜挂帅项目现场对接。",
            starts_at=clock.now() + dt.timedelta(days=14),
            place="杭州国际博览中心",
            zone_id=zj.id,
        ),
    )
    await zones.add_to_event(
        curator, event.id, ItemAdd(kind=ItemKind.CHALLENGE, target_id=challenge.id)
    )
    for patent_id in patent_ids[:3]:
        await zones.add_to_event(
            curator, event.id, ItemAdd(kind=ItemKind.PATENT, target_id=patent_id)
        )
    await zones.register(who["sme@demo.test"], event.id)
    if "member2@ent.test" in who:
        await zones.register(who["member2@ent.test"], event.id)
    await zones.record_outcome(
        curator,
        event.id,
        OutcomeCreate(
            kind=OutcomeKind.INTRODUCTION,
            enterprise_id=who["sme@demo.test"].organisation_id,
            note="与浙江大学陈立新团队对接",
        ),
    )
