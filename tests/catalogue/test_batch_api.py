"""`POST /api/patents/batch`: all or nothing; a batch that creates nothing answers 422 with the
row errors (never `201 Created` with `created: 0`)."""

from __future__ import annotations

from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import async_sessionmaker

from builders import make_actor, patent_payload
from openlicense.accounts.models import OrganisationKind


async def test_batch_with_an_invalid_row_answers_422_and_creates_nothing(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    tto = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    rows = [patent_payload(), {**patent_payload(), "application_number": "123"}]
    response = await client.post("/api/patents/batch", json=rows, headers=tto.headers)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "import_refused"
    assert [e["row"] for e in body["errors"]] == [2]
    mine = await client.get("/api/patents?mine=true", headers=tto.headers)
    assert mine.json()["items"] == []


async def test_empty_batch_is_refused(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    tto = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    response = await client.post("/api/patents/batch", json=[], headers=tto.headers)
    assert response.status_code == 422
    assert response.json()["code"] == "import_refused"


async def test_valid_batch_is_created(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    tto = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    rows = [patent_payload(), patent_payload()]
    response = await client.post("/api/patents/batch", json=rows, headers=tto.headers)
    assert response.status_code == 201, response.text
    assert response.json() == {"created": 2, "errors": []}
