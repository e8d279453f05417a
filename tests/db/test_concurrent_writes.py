"""Concurrent writers never get a 500 (SQLite serialises writers: they queue), and cheap reads
stay quick meanwhile; every acknowledged write is stored."""

from __future__ import annotations

import asyncio
import time

from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import async_sessionmaker

from builders import make_actor, patent_payload
from openlicense.accounts.models import OrganisationKind


async def test_concurrent_creates_all_succeed_and_reads_stay_quick(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    tto = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)

    async def write(n: int) -> int:
        response = await client.post("/api/patents", json=patent_payload(), headers=tto.headers)
        return response.status_code

    async def read() -> float:
        started = time.perf_counter()
        response = await client.get("/health")
        assert response.status_code < 500
        return time.perf_counter() - started

    results = await asyncio.gather(*(write(n) for n in range(24)), *(read() for _ in range(8)))
    statuses, latencies = results[:24], results[24:]
    assert set(statuses) == {201}
    assert max(latencies) < 10  # type: ignore[type-var]
    mine = await client.get("/api/patents?mine=true&limit=100", headers=tto.headers)
    assert len(mine.json()["items"]) == 24


def test_a_busy_database_answers_503_not_500() -> None:
    from sqlalchemy.exc import OperationalError

    from openlicense.problems import from_unexpected

    locked = OperationalError("BEGIN IMMEDIATE", {}, Exception("database is locked"))
    problem = from_unexpected(locked)
    assert problem.status_code == 503
    assert problem.extra["code"] == "database_busy"  # type: ignore[index]
    assert from_unexpected(RuntimeError("boom")).status_code == 500
