"""Computing the 千校万企 indicators for a period and a province, and their XLSX export."""

from __future__ import annotations

import datetime
import io
import uuid
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.orm import selectinload

from openlicense.accounts.models import Organisation, OrganisationKind
from openlicense.achievements.models import Achievement
from openlicense.agreements.models import Agreement, EntryStatus
from openlicense.challenges.models import (
    Challenge,
    ChallengeApplication,
    CooperationAgreement,
    Milestone,
)
from openlicense.challenges.states import MilestoneStatus
from openlicense.experts.models import ConsultingRequest, ConsultingSession
from openlicense.indicators import rules
from openlicense.indicators.errors import InvalidPeriod, OtherProvince
from openlicense.needs.models import Need, NeedMatch
from openlicense.zones.models import EventOutcome, MatchEvent

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from openlicense.accounts.principal import Principal


def scope(principal: Principal, province: str | None, own_province: str | None) -> str | None:
    """An authority sees its own province only; IP offices and the platform any (or all)."""
    if principal.organisation_kind is OrganisationKind.AUTHORITY:
        if province is not None and province != own_province:
            raise OtherProvince("An authority reads its own province's statistics.")
        return own_province
    return province


class IndicatorService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def for_principal(
        self, principal: Principal, period: str, province: str | None
    ) -> dict[str, Any]:
        own = await self.session.get_one(Organisation, principal.organisation_id)
        return await self.compute(period, scope(principal, province, own.province))

    async def compute(self, period_text: str, province: str | None) -> dict[str, Any]:
        period = rules.parse_period(period_text)
        if period is None:
            raise InvalidPeriod("period is YYYY, YYYY-H1, YYYY-H2 or YYYY-Q1..Q4.")
        start = _at(period.start)
        end = _at(period.end + datetime.timedelta(days=1))
        orgs = {
            o.id: o
            for o in await self.session.scalars(select(Organisation))
            if province is None or o.province == province
        }
        universities = {i for i, o in orgs.items() if o.kind is OrganisationKind.UNIVERSITY}

        def between(column: Any) -> ColumnElement[bool]:
            return and_(column >= start, column < end)

        served: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
        active: set[uuid.UUID] = set()

        licences = 0
        trials = conversions = 0
        paid_minor = 0
        query = (
            select(Agreement)
            .where(between(Agreement.notified_at))
            .options(selectinload(Agreement.entries))
        )
        for a in await self.session.scalars(query):
            if a.licensor_organisation_id not in universities:
                continue
            licences += 1
            served[a.licensor_organisation_id].add(a.licensee_organisation_id)
            active.add(a.licensor_organisation_id)
            paid_minor += sum((e.paid_minor or 0) - (e.refunded_minor or 0) for e in a.entries)
            if a.has_trial:
                trials += 1
                if any(
                    (e.stage_index or 1) > 1 and e.status is EntryStatus.PAID for e in a.entries
                ):
                    conversions += 1

        cooperation = 0
        for c in await self.session.scalars(
            select(CooperationAgreement).where(between(CooperationAgreement.sealed_at))
        ):
            if c.university_id in universities:
                cooperation += 1
                served[c.university_id].add(c.enterprise_id)
                active.add(c.university_id)
        milestone_paid = await self.session.scalar(
            select(func.coalesce(func.sum(Milestone.amount_minor), 0))
            .join(CooperationAgreement, CooperationAgreement.id == Milestone.agreement_id)
            .where(
                Milestone.status == MilestoneStatus.DONE,
                between(Milestone.completed_at),
                CooperationAgreement.university_id.in_(universities),
            )
        )

        consulting_sessions = 0
        rows = await self.session.execute(
            select(ConsultingRequest.university_id, ConsultingRequest.enterprise_id)
            .join(ConsultingSession, ConsultingSession.request_id == ConsultingRequest.id)
            .where(between(ConsultingSession.created_at))
        )
        for university_id, enterprise_id in rows.tuples():
            if university_id in universities:
                consulting_sessions += 1
                served[university_id].add(enterprise_id)
                active.add(university_id)

        applications = await self._pairs(
            select(ChallengeApplication.university_id, ChallengeApplication.challenge_id).where(
                between(ChallengeApplication.created_at)
            )
        )
        active |= {u for u, _ in applications if u in universities}
        achievements = await self._pairs(
            select(Achievement.organisation_id, Achievement.id).where(
                between(Achievement.created_at)
            )
        )
        active |= {u for u, _ in achievements if u in universities}

        needs = await self._count(Need, between(Need.created_at), province, Need.province)
        needs_met = await self._count(Need, between(Need.met_at), province, Need.province)
        matches = await self.session.scalar(
            select(func.count())
            .select_from(NeedMatch)
            .where(between(NeedMatch.first_seen_at), NeedMatch.university_id.in_(universities))
        )
        challenges = await self._count(
            Challenge, between(Challenge.created_at), province, Challenge.province
        )
        answered = len(
            {c for u, c in applications if u in universities}
            & set(
                await self.session.scalars(
                    select(Challenge.id).where(
                        *([Challenge.province == province] if province else [])
                    )
                )
            )
        )
        events = await self._count(
            MatchEvent, between(MatchEvent.starts_at), province, MatchEvent.province
        )
        outcomes = await self.session.scalar(
            select(func.count())
            .select_from(EventOutcome)
            .join(MatchEvent, MatchEvent.id == EventOutcome.event_id)
            .where(
                between(EventOutcome.created_at),
                *([MatchEvent.province == province] if province else []),
            )
        )
        per_university = sorted(
            (
                {
                    "university_id": str(u),
                    "university": orgs[u].name,
                    "enterprises_served": len(served.get(u, set())),
                    "meets_threshold": rules.meets_threshold(len(served.get(u, set()))),
                }
                for u in active
            ),
            key=lambda r: (-_int(r["enterprises_served"]), str(r["university"])),
        )
        return {
            "period": period.label,
            "date_from": period.start.isoformat(),
            "date_to": period.end.isoformat(),
            "province": province,
            "universities_total": len(universities),
            "universities_taking_part": len(active),
            "universities_meeting_threshold": sum(
                1 for r in per_university if r["meets_threshold"]
            ),
            "served_threshold": rules.SERVED_THRESHOLD,
            "enterprises_served": len(set().union(*served.values())) if served else 0,
            "needs_posted": needs,
            "needs_met": needs_met,
            "matches_found": matches or 0,
            "challenges_published": challenges,
            "challenges_answered": answered,
            "applications": sum(1 for u, _ in applications if u in universities),
            "licences_made": licences,
            "cooperation_agreements": cooperation,
            "consulting_sessions": consulting_sessions,
            "events": events,
            "event_outcomes": outcomes or 0,
            "money_paid_minor": paid_minor + int(milestone_paid or 0),
            "trial_licences": trials,
            "trials_converted": conversions,
            "per_university": per_university,
        }

    async def _pairs(
        self, query: Select[tuple[uuid.UUID, uuid.UUID]]
    ) -> list[tuple[uuid.UUID, uuid.UUID]]:
        return list((await self.session.execute(query)).tuples())

    async def _count(
        self, model: Any, where: ColumnElement[bool], province: str | None, column: Any
    ) -> int:
        query = select(func.count()).select_from(model).where(where)
        if province:
            query = query.where(column == province)
        return int(await self.session.scalar(query) or 0)


INDICATOR_LABELS: dict[str, str] = {
    "universities_total": "高校总数 Universities",
    "universities_taking_part": "参与高校 Universities taking part",
    "universities_meeting_threshold": "服务10家及以上企业的高校 Universities serving ≥10",
    "enterprises_served": "服务企业 Enterprises served",
    "needs_posted": "发布需求 Needs posted",
    "needs_met": "已满足需求 Needs met",
    "matches_found": "匹配 Matches found",
    "challenges_published": "揭榜挂帅项目 Challenges published",
    "challenges_answered": "已揭榜项目 Challenges answered",
    "applications": "揭榜申请 Applications",
    "licences_made": "开放许可 Licences made",
    "cooperation_agreements": "合作协议 Cooperation agreements",
    "consulting_sessions": "咨询 Consulting sessions",
    "events": "对接活动 Events",
    "event_outcomes": "活动成果 Event outcomes",
    "money_paid_minor": "到账金额（分）Money paid (fen)",
    "trial_licences": "试用许可 Trial licences",
    "trials_converted": "试用转化 Trials converted",
}


def to_xlsx(data: dict[str, Any]) -> bytes:
    """Two sheets: the indicators, and enterprises served per university."""
    from openpyxl import Workbook  # imported late: only exports need it

    book = Workbook()
    sheet = book.active
    sheet.title = "指标 Indicators"
    sheet.append(["期间 Period", data["period"]])
    sheet.append(["省份 Province", data["province"] or "全部 All"])
    sheet.append([])
    for key, label in INDICATOR_LABELS.items():
        sheet.append([label, data[key]])
    per = book.create_sheet("高校 Universities")
    per.append(["高校 University", "服务企业 Enterprises served", "达标 Meets threshold (≥10)"])
    for row in data["per_university"]:
        per.append(
            [row["university"], row["enterprises_served"], "是" if row["meets_threshold"] else "否"]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _int(value: object) -> int:
    return value if isinstance(value, int) else 0


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)
