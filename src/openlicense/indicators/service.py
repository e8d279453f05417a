"""Computing the 千校万企 indicators for a period and a province, and their XLSX export."""

from __future__ import annotations

import datetime
import io
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
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
        orgs = {
            o.id: o
            for o in await self.session.scalars(select(Organisation))
            if province is None or o.province == province
        }
        tally = _Tally(
            start=_at(period.start),
            end=_at(period.end + datetime.timedelta(days=1)),
            province=province,
            universities={i for i, o in orgs.items() if o.kind is OrganisationKind.UNIVERSITY},
        )
        figures = await self._licences(tally)
        figures |= await self._cooperation(tally)
        figures |= await self._demand(tally)
        per_university = _per_university(tally, orgs)
        served = tally.served.values()
        money = figures.pop("money_paid_minor") + figures.pop("milestone_paid_minor")
        order = [
            "needs_posted",
            "needs_met",
            "matches_found",
            "challenges_published",
            "challenges_answered",
            "applications",
            "licences_made",
            "cooperation_agreements",
            "consulting_sessions",
            "events",
            "event_outcomes",
        ]
        return {
            "period": period.label,
            "date_from": period.start.isoformat(),
            "date_to": period.end.isoformat(),
            "province": province,
            "universities_total": len(tally.universities),
            "universities_taking_part": len(tally.active),
            "universities_meeting_threshold": sum(
                1 for r in per_university if r["meets_threshold"]
            ),
            "served_threshold": rules.SERVED_THRESHOLD,
            "enterprises_served": len(set().union(*served)) if served else 0,
            **{name: figures[name] for name in order},
            "money_paid_minor": money,
            "trial_licences": figures["trial_licences"],
            "trials_converted": figures["trials_converted"],
            "per_university": per_university,
        }

    async def _licences(self, tally: _Tally) -> dict[str, int]:
        """Open licences made by the scope's universities: counts, money, trials converted."""
        licences = trials = conversions = paid_minor = 0
        query = (
            select(Agreement)
            .where(tally.between(Agreement.notified_at))
            .options(selectinload(Agreement.entries))
        )
        for a in await self.session.scalars(query):
            if a.licensor_organisation_id not in tally.universities:
                continue
            licences += 1
            tally.serve(a.licensor_organisation_id, a.licensee_organisation_id)
            paid_minor += sum((e.paid_minor or 0) - (e.refunded_minor or 0) for e in a.entries)
            if a.has_trial:
                trials += 1
                if any(
                    (e.stage_index or 1) > 1 and e.status is EntryStatus.PAID for e in a.entries
                ):
                    conversions += 1
        return {
            "licences_made": licences,
            "money_paid_minor": paid_minor,
            "trial_licences": trials,
            "trials_converted": conversions,
        }

    async def _cooperation(self, tally: _Tally) -> dict[str, int]:
        """Cooperation agreements, milestone money and consulting sessions."""
        cooperation = 0
        for c in await self.session.scalars(
            select(CooperationAgreement).where(tally.between(CooperationAgreement.sealed_at))
        ):
            if c.university_id in tally.universities:
                cooperation += 1
                tally.serve(c.university_id, c.enterprise_id)
        milestone_paid = await self.session.scalar(
            select(func.coalesce(func.sum(Milestone.amount_minor), 0))
            .join(CooperationAgreement, CooperationAgreement.id == Milestone.agreement_id)
            .where(
                Milestone.status == MilestoneStatus.DONE,
                tally.between(Milestone.completed_at),
                CooperationAgreement.university_id.in_(tally.universities),
            )
        )
        consulting_sessions = 0
        rows = await self.session.execute(
            select(ConsultingRequest.university_id, ConsultingRequest.enterprise_id)
            .join(ConsultingSession, ConsultingSession.request_id == ConsultingRequest.id)
            .where(tally.between(ConsultingSession.created_at))
        )
        for university_id, enterprise_id in rows.tuples():
            if university_id in tally.universities:
                consulting_sessions += 1
                tally.serve(university_id, enterprise_id)
        return {
            "cooperation_agreements": cooperation,
            "consulting_sessions": consulting_sessions,
            "milestone_paid_minor": int(milestone_paid or 0),
        }

    async def _demand(self, tally: _Tally) -> dict[str, int]:
        """Needs, matches, challenges and their applications, achievements, events."""
        province, between = tally.province, tally.between
        applications = await self._pairs(
            select(ChallengeApplication.university_id, ChallengeApplication.challenge_id).where(
                between(ChallengeApplication.created_at)
            )
        )
        achievements = await self._pairs(
            select(Achievement.organisation_id, Achievement.id).where(
                between(Achievement.created_at)
            )
        )
        tally.active |= {u for u, _ in [*applications, *achievements] if u in tally.universities}
        in_province = [Challenge.province == province] if province else []
        answered = {c for u, c in applications if u in tally.universities} & set(
            await self.session.scalars(select(Challenge.id).where(*in_province))
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
        matches = await self.session.scalar(
            select(func.count())
            .select_from(NeedMatch)
            .where(
                between(NeedMatch.first_seen_at), NeedMatch.university_id.in_(tally.universities)
            )
        )
        return {
            "needs_posted": await self._count(
                Need, between(Need.created_at), province, Need.province
            ),
            "needs_met": await self._count(Need, between(Need.met_at), province, Need.province),
            "matches_found": matches or 0,
            "challenges_published": await self._count(
                Challenge, between(Challenge.created_at), province, Challenge.province
            ),
            "challenges_answered": len(answered),
            "applications": sum(1 for u, _ in applications if u in tally.universities),
            "events": await self._count(
                MatchEvent, between(MatchEvent.starts_at), province, MatchEvent.province
            ),
            "event_outcomes": outcomes or 0,
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


@dataclass
class _Tally:
    """The period and scope of one computation, and who served whom in it."""

    start: datetime.datetime
    end: datetime.datetime
    province: str | None
    universities: set[uuid.UUID]
    served: dict[uuid.UUID, set[uuid.UUID]] = field(default_factory=lambda: defaultdict(set))
    active: set[uuid.UUID] = field(default_factory=set)

    def between(self, column: Any) -> ColumnElement[bool]:
        return and_(column >= self.start, column < self.end)

    def serve(self, university: uuid.UUID, enterprise: uuid.UUID) -> None:
        self.served[university].add(enterprise)
        self.active.add(university)


def _per_university(tally: _Tally, orgs: dict[uuid.UUID, Organisation]) -> list[dict[str, Any]]:
    """Each taking part university, most enterprises served first (the 10+ threshold marked)."""
    return sorted(
        (
            {
                "university_id": str(u),
                "university": orgs[u].name,
                "enterprises_served": len(tally.served.get(u, set())),
                "meets_threshold": rules.meets_threshold(len(tally.served.get(u, set()))),
            }
            for u in tally.active
        ),
        key=lambda r: (-_int(r["enterprises_served"]), str(r["university"])),
    )
