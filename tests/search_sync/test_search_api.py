"""GET /api/search/patents through the app with the real embedded engine, fed by the outbox."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import async_sessionmaker

from builders import make_actor, patent_payload, terms_payload
from fakes import FakeSearchEngine
from openlicense.accounts.models import OrganisationKind
from openlicense.core.clock import FixedClock
from openlicense.settings import Settings


@pytest.fixture
async def embedded_client(
    settings: Settings, clock: FixedClock, tmp_path: Path, db_sessionmaker: async_sessionmaker
) -> AsyncIterator[AsyncTestClient]:
    from openlicense.app import create_app

    local = settings.model_copy(
        update={"search": settings.search.model_copy(update={"embedded_dir": tmp_path / "index"})}
    )
    async with AsyncTestClient(
        app=create_app(local, clock=clock), raise_server_exceptions=False
    ) as client:
        yield client


async def test_search_finds_chinese_and_english_and_hides_drafts(
    embedded_client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    client = embedded_client
    tto = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    admin = await make_actor(db_sessionmaker, OrganisationKind.PLATFORM)
    titles = [
        ("一种锂离子电池正极材料及其制备方法", "Cathode material for lithium-ion battery"),
        ("一种玉米联合收获机的脱粒装置", "Threshing device of a corn combine harvester"),
        ("一种固态电池电解质", "Solid-state battery electrolyte"),
    ]
    ids = []
    for i, (zh, en) in enumerate(titles):
        payload = patent_payload(
            title_zh=zh,
            title_en=en,
            abstract_zh=zh,
            abstract_en=en,
            keywords=[],
            application_scenarios=[],
        )
        patent = (await client.post("/api/patents", json=payload, headers=tto.headers)).json()
        ids.append(patent["id"])
        if i < 2:  # the third stays a draft
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
    synced = await client.post("/api/jobs/search-sync", headers=admin.headers)
    assert synced.status_code == 200 and synced.json()["error"] is None

    async def found(params: dict, headers: dict | None = None) -> list[str]:
        response = await client.get("/api/search/patents", params=params, headers=headers or {})
        assert response.status_code == 200, response.text
        return [hit["id"] for hit in response.json()["hits"]]

    assert await found({"q": "锂电池"}) == [ids[0]]
    assert set(await found({"q": "电池"})) == {ids[0]}  # the solid-state one is a draft
    assert set(await found({"q": "电池"}, tto.headers)) == {ids[0], ids[2]}  # its own draft too
    assert await found({"q": "harvester"}) == [ids[1]]
    assert await found({"q": "batery"}) == [ids[0]]
    result = (
        await client.get("/api/search/patents", params={"facets": ["technology_field", "fee_type"]})
    ).json()
    assert result["total"] == 2
    assert result["facets"]["fee_type"] == {"LUMP_SUM": 2}
    hit = (await client.get("/api/search/patents", params={"q": "正极"})).json()["hits"][0]
    assert "<mark>" in hit["highlights"]["title_zh"]
    # The catalogue list's q= goes through the same engine (no ILIKE): ranked, typo tolerant.
    listed = (await client.get("/api/patents", params={"q": "batery"})).json()
    assert [p["id"] for p in listed["items"]] == [ids[0]]
    assert listed["total_estimate"] == 1 and listed["next_cursor"] is None
    own = (await client.get("/api/patents", params={"q": "电池"}, headers=tto.headers)).json()
    assert {p["id"] for p in own["items"]} == {ids[0], ids[2]}


async def test_search_is_503_when_the_engine_is_down(
    client: AsyncTestClient, search_engine: FakeSearchEngine
) -> None:
    search_engine.down = True
    try:
        response = await client.get("/api/search/patents", params={"q": "电池"})
    finally:
        search_engine.down = False
    assert response.status_code == 503
    assert response.json()["code"] == "search_unavailable"
    assert response.headers["retry-after"] == "5"
