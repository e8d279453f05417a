"""A change the database did not confirm is never acknowledged: when COMMIT fails (the
connection died, the server restarted) the response is a 503 `commit_failed`, not the 2xx the
handler prepared, and nothing of the change is stored — ledger included."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import async_sessionmaker

from builders import make_actor, patent_payload
from openlicense.accounts.models import OrganisationKind
from openlicense.audit.models import LedgerEntry
from openlicense.catalogue.models import Patent


@pytest.fixture
def commit_fails() -> Iterator[None]:
    """The COMMIT of a transaction that inserted a patent fails as a lost connection does."""

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO PATENTS"):
            conn.info["wrote_patent"] = True

    def fail(conn: Any) -> None:
        if conn.info.pop("wrote_patent", False):
            raise OperationalError("COMMIT", {}, ConnectionResetError("server closed it"))

    def forget(conn: Any) -> None:
        conn.info.pop("wrote_patent", None)

    event.listen(Engine, "after_cursor_execute", note)
    event.listen(Engine, "commit", fail)
    event.listen(Engine, "rollback", forget)
    yield
    event.remove(Engine, "after_cursor_execute", note)
    event.remove(Engine, "commit", fail)
    event.remove(Engine, "rollback", forget)


async def test_a_failed_commit_answers_503_and_stores_nothing(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, commit_fails: None
) -> None:
    tto = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    payload = patent_payload()
    response = await client.post("/api/patents", json=payload, headers=tto.headers)
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == "1"
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "commit_failed"
    async with db_sessionmaker() as session:
        stored = await session.scalar(
            select(func.count()).where(Patent.application_number == payload["application_number"])
        )
        ledgered = await session.scalar(
            select(func.count()).where(LedgerEntry.action == "patent.created")
        )
    assert (stored, ledgered) == (0, 0)


async def test_the_same_request_succeeds_once_the_database_answers(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    tto = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    created = await client.post("/api/patents", json=patent_payload(), headers=tto.headers)
    assert created.status_code == 201 and created.json()["id"]
