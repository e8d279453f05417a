"""The demand-side demo data: needs, a challenge up to a signed cooperation agreement, an
authority's public challenge, achievements, experts, consulting, zones and an event; idempotent."""

from __future__ import annotations

import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from openlicense.achievements.models import Achievement
from openlicense.challenges.models import Challenge, CooperationAgreement
from openlicense.experts.models import ConsultingSession, Expert
from openlicense.needs.models import Need
from openlicense.seed.demand import seed_demand
from openlicense.seed.generate import seed
from openlicense.zones.models import EventRegistration, MatchEvent, Zone

TODAY = datetime.date(2026, 11, 23)
MODELS = (
    Need,
    Challenge,
    CooperationAgreement,
    Achievement,
    Expert,
    ConsultingSession,
    Zone,
    MatchEvent,
    EventRegistration,
)


async def _counts(sessionmaker: async_sessionmaker) -> dict[str, int]:
    async with sessionmaker() as session:
        return {
            m.__tablename__: await session.scalar(select(func.count()).select_from(m))
            for m in MODELS
        }


async def test_demand_demo_data_is_seeded_once(db_sessionmaker: async_sessionmaker) -> None:
    await seed(db_sessionmaker, patents=30, today=TODAY)
    assert await seed_demand(db_sessionmaker, today=TODAY) == 3
    counts = await _counts(db_sessionmaker)
    assert counts == {
        "needs": 3,
        "challenges": 2,
        "cooperation_agreements": 1,
        "achievements": 3,
        "experts": 3,
        "consulting_sessions": 1,
        "zones": 3,
        "match_events": 1,
        "event_registrations": 2,
    }
    async with db_sessionmaker() as session:
        agreement = await session.scalar(select(CooperationAgreement))
        assert agreement is not None and agreement.university_signed_at is not None
        assert "产学研合作协议" in agreement.text_zh
    assert await seed_demand(db_sessionmaker, today=TODAY) == 0
    assert await _counts(db_sessionmaker) == counts
