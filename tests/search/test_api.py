"""The search API with the embedded engine: IPC filters and facets, "did you mean", the calendar
day from the app's clock, and suggest-as-you-type."""

from __future__ import annotations

import datetime
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from corpus import DOCUMENTS
from litestar.testing import AsyncTestClient

from openlicense.core.clock import FixedClock
from openlicense.search.embedded import EmbeddedEngine
from openlicense.search.freshness import day_number
from openlicense.settings import Settings

CLOSES = datetime.date(2026, 11, 30)


@pytest.fixture
async def api(
    settings: Settings, clock: FixedClock, tmp_path: Path
) -> AsyncIterator[AsyncTestClient]:
    from openlicense.app import create_app

    directory = tmp_path / "index"
    engine = EmbeddedEngine(directory)
    closing = DOCUMENTS[0].model_copy(update={"offer_ends_ts": day_number(CLOSES)})
    await engine.upsert([closing, *DOCUMENTS[1:]])
    await engine.close()
    search = settings.search.model_copy(update={"embedded_dir": directory, "worker_enabled": False})
    app = create_app(settings.model_copy(update={"search": search}), clock=clock)
    async with AsyncTestClient(app=app, raise_server_exceptions=False) as client:
        yield client


async def test_search_filters_and_facets_ipc_levels(api: AsyncTestClient) -> None:
    response = await api.get(
        "/api/search/patents",
        params={"ipc_subclass": "H01M", "ipc_group": ["H01M 4", "H01M 10"], "facets": "ipc_group"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert {h["id"] for h in body["hits"]} == {"p01", "p02", "p03", "p04", "p05", "p34"}
    assert body["facets"]["ipc_group"]["H01M 4"] == 2
    response = await api.get("/api/search/patents", params={"q": "h01m4"})
    assert {h["id"] for h in response.json()["hits"]} == {"p01", "p05"}


async def test_search_says_what_it_understood(api: AsyncTestClient) -> None:
    body = (await api.get("/api/search/patents", params={"q": "grapheen"})).json()
    assert [h["id"] for h in body["hits"]] == ["p17"]
    assert body["did_you_mean"] == "graphene"
    body = (await api.get("/api/search/patents", params={"q": "石墨烯"})).json()
    assert body["did_you_mean"] is None


async def test_search_uses_the_clock_for_the_calendar(
    api: AsyncTestClient, clock: FixedClock
) -> None:
    hits = (await api.get("/api/search/patents", params={"per_page": 100})).json()["hits"]
    assert "p01" in {h["id"] for h in hits}
    clock.set(datetime.datetime(2026, 12, 1, 0, 0, tzinfo=datetime.UTC))  # the period ended
    hits = (await api.get("/api/search/patents", params={"per_page": 100})).json()["hits"]
    assert "p01" not in {h["id"] for h in hits}


async def test_suggest(api: AsyncTestClient) -> None:
    response = await api.get("/api/search/suggest", params={"q": "锂离子"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["q"] == "锂离子"
    assert [p["id"] for p in body["patents"]] == ["p01"]
    body = (await api.get("/api/search/suggest", params={"q": "浙江"})).json()
    assert body["terms"][0] == {
        "kind": "university",
        "text": "浙江大学",
        "label_zh": None,
        "label_en": None,
        "count": 8,  # ZJU's public listings
    }
    body = (await api.get("/api/search/suggest", params={"q": "H01", "limit": 3})).json()
    assert body["terms"][0]["text"] == "H01M" and body["terms"][0]["label_en"]
    assert len(body["terms"]) <= 3
    assert (await api.get("/api/search/suggest", params={"q": ""})).json() == {
        "q": "",
        "terms": [],
        "patents": [],
    }
    assert (await api.get("/api/search/suggest", params={"q": "x" * 101})).status_code == 422


async def test_search_parameters_are_bounded(api: AsyncTestClient) -> None:
    # every query parameter has a bound: a clear 4xx, never a 500 or an unbounded filter
    refused = [
        {"province": ["浙江"] * 51},  # at most 50 values per filter
        {"fee_type": "X" * 65},  # at most 64 characters per value
        {"price_max": 10**13 + 1},
        {"page": 1001},
        {"per_page": 101},
        {"facets": "no_such_facet"},
        {"q": "x" * 201},
    ]
    for params in refused:
        response = await api.get("/api/search/patents", params=params)
        assert response.status_code in (400, 422), (params, response.status_code)
        assert response.headers["content-type"].startswith("application/problem+json") or (
            "detail" in response.json()
        )
    fine = await api.get("/api/search/patents", params={"province": ["浙江"] * 50})
    assert fine.status_code == 200
