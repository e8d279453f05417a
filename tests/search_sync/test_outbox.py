"""The search outbox: written with each catalogue change, drained to the engine, never losing a
change while the engine is down, and safe with several drainers (FOR UPDATE SKIP LOCKED)."""

from __future__ import annotations

import asyncio
import datetime
from collections import Counter
from collections.abc import Sequence

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from builders import make_actor, patent_payload, terms_payload
from fakes import FakeSearchEngine
from openlicense.accounts.models import OrganisationKind
from openlicense.audit.ledger import LedgerSession
from openlicense.catalogue.models import ListingStatus, Patent
from openlicense.catalogue.service.indexing import CatalogueDocuments, documents_for
from openlicense.search.documents import PatentDocument
from openlicense.search.models import SearchOutbox
from openlicense.search.outbox import drain, drain_once
from openlicense.settings import SearchSettings

SOURCE = CatalogueDocuments()
NOW = datetime.datetime(2026, 11, 23, 9, tzinfo=datetime.UTC)


@pytest.fixture
def engine_double(search_engine: FakeSearchEngine) -> FakeSearchEngine:
    """The app's engine (tests/conftest.py), emptied for this test."""
    search_engine.docs.clear()
    search_engine.down = False
    search_engine.upserts = 0
    return search_engine


async def _pending(db_sessionmaker: async_sessionmaker) -> int:
    async with db_sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(SearchOutbox))


async def _published_patent(client: AsyncTestClient, tto, **overrides) -> dict:  # type: ignore[no-untyped-def]
    patent = (
        await client.post("/api/patents", json=patent_payload(**overrides), headers=tto.headers)
    ).json()
    draft = (
        await client.post(
            f"/api/patents/{patent['id']}/declarations",
            json={"terms": terms_payload()},
            headers=tto.headers,
        )
    ).json()
    await client.post(
        f"/api/declarations/{draft['id']}/publish",
        json={"attest_truthful": True},
        headers=tto.headers,
    )
    return patent


async def test_a_catalogue_change_writes_an_outbox_row_in_its_transaction(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, engine_double: FakeSearchEngine
) -> None:
    tto = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    refused = await client.post("/api/patents", json=patent_payload(trl=12), headers=tto.headers)
    assert refused.status_code == 422
    assert await _pending(db_sessionmaker) == 0  # a refused change leaves nothing to index
    patent = await _published_patent(client, tto)
    assert await _pending(db_sessionmaker) >= 2
    report = await drain(db_sessionmaker, engine_double, SOURCE, settings=SearchSettings(), now=NOW)
    assert report.error is None
    assert await _pending(db_sessionmaker) == 0
    document = engine_double.docs[patent["id"]]
    assert document.licence_status == "open"
    assert document.fee_type == "LUMP_SUM"
    assert document.entry_price_minor == 5_000_000


async def test_engine_down_then_back_loses_no_change(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, engine_double: FakeSearchEngine
) -> None:
    tto = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    engine_double.down = True
    kept = [await _published_patent(client, tto, title_zh=f"一种电池材料{i}") for i in range(3)]
    retired = await _published_patent(client, tto)
    declarations = (await client.get(f"/api/patents/{retired['id']}/declarations")).json()
    await client.post(
        f"/api/declarations/{declarations[0]['id']}/withdraw",
        json={
            "reason": "Assigned to a spin-off company.",
            "effective_date": "2026-11-23",
            "consents": [{"owner_id": o["id"], "document_ref": "W"} for o in retired["co_owners"]],
        },
        headers=tto.headers,
    )
    assert (
        await client.post(f"/api/patents/{retired['id']}/retire", headers=tto.headers)
    ).status_code == 200
    draft = (await client.post("/api/patents", json=patent_payload(), headers=tto.headers)).json()
    pending = await _pending(db_sessionmaker)
    assert pending >= 10  # every write above succeeded and queued its change

    failed = await drain_once(
        db_sessionmaker, engine_double, SOURCE, settings=SearchSettings(), now=NOW
    )
    assert failed.failed > 0 and failed.error
    assert await _pending(db_sessionmaker) == pending  # nothing lost
    async with db_sessionmaker() as session:
        attempts = set(await session.scalars(select(SearchOutbox.attempts)))
    assert attempts <= {0, 1} and 1 in attempts
    retry_too_soon = await drain_once(
        db_sessionmaker, engine_double, SOURCE, settings=SearchSettings(), now=NOW
    )
    assert retry_too_soon.claimed <= pending - failed.failed  # backed-off rows wait

    engine_double.down = False
    report = await drain(
        db_sessionmaker,
        engine_double,
        SOURCE,
        settings=SearchSettings(),
        now=NOW + datetime.timedelta(hours=1),
    )
    assert report.error is None
    assert await _pending(db_sessionmaker) == 0
    async with db_sessionmaker() as session:
        live = set(
            await session.scalars(
                select(Patent.id).where(Patent.listing_status != ListingStatus.RETIRED)
            )
        )
        expected, _ = await documents_for(session, live, today=NOW.date())
    assert (
        set(engine_double.docs) == {str(i) for i in live} == {p["id"] for p in kept} | {draft["id"]}
    )
    assert {
        d.id: d for d in expected
    } == engine_double.docs  # the index matches the database exactly


async def test_rows_are_parked_after_too_many_attempts(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, engine_double: FakeSearchEngine
) -> None:
    tto = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    await client.post("/api/patents", json=patent_payload(), headers=tto.headers)
    engine_double.down = True
    settings = SearchSettings(outbox_max_attempts=2)
    now = NOW
    for _ in range(3):
        await drain_once(db_sessionmaker, engine_double, SOURCE, settings=settings, now=now)
        now += datetime.timedelta(hours=1)
    async with db_sessionmaker() as session:
        parked = await session.scalar(
            select(func.count())
            .select_from(SearchOutbox)
            .where(SearchOutbox.failed_at.is_not(None))
        )
    assert parked == 1


class SlowCountingEngine(FakeSearchEngine):
    def __init__(self) -> None:
        super().__init__()
        self.per_id: Counter[str] = Counter()

    async def upsert(self, docs: Sequence[PatentDocument]) -> None:
        await asyncio.sleep(0.01)  # let the other drainer run meanwhile
        self.per_id.update(d.id for d in docs)
        await super().upsert(docs)


async def test_concurrent_drainers_never_process_a_patent_twice(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, engine, settings
) -> None:
    tto = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    rows = [patent_payload() for _ in range(30)]
    created = await client.post("/api/patents/batch", json=rows, headers=tto.headers)
    assert created.json()["created"] == 30
    counting = SlowCountingEngine()
    small = SearchSettings(outbox_batch_size=5)
    other_maker = async_sessionmaker(
        engine, expire_on_commit=False, sync_session_class=LedgerSession
    )
    await asyncio.gather(
        drain(db_sessionmaker, counting, SOURCE, settings=small, now=NOW),
        drain(other_maker, counting, SOURCE, settings=small, now=NOW),
    )
    assert await _pending(db_sessionmaker) == 0
    assert len(counting.per_id) == 30
    assert set(counting.per_id.values()) == {1}
