"""Published documents and public list pages kept in memory (catalogue/service/published.py):
a copy answers until the patent changes, in this process at once, in another after the version
check; what a transaction changed is recorded under a version that commits in order."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from builders import application_number, make_actor, patent_payload
from openlicense.accounts.models import OrganisationKind
from openlicense.catalogue.models import (
    CatalogueChange,
    CatalogueVersion,
    Patent,
    PatentOwner,
)
from openlicense.catalogue.service.published import (
    LISTS_ONLY,
    Cached,
    PublishedCache,
    cached,
)
from openlicense.db import sqlalchemy_config


async def _published(client: AsyncTestClient, headers: dict[str, str], **fields: Any) -> str:
    created = await client.post("/api/patents", json=patent_payload(**fields), headers=headers)
    assert created.status_code == 201, created.text
    patent_id: str = created.json()["id"]
    published = await client.post(f"/api/patents/{patent_id}/publish", headers=headers)
    assert published.status_code == 200, published.text
    return patent_id


async def _behind_the_cache(engine: AsyncEngine, patent_id: str, title: str) -> None:
    """Change a title as nothing in this process would: no session, nothing recorded."""
    async with engine.begin() as connection:
        await connection.execute(
            update(Patent).where(Patent.id == uuid.UUID(patent_id)).values(title_zh=title)
        )


async def _as_another_process(engine: AsyncEngine, patent_id: str | None, title: str) -> None:
    """What another process's transaction commits: the edit, the raised version, the change."""
    async with engine.begin() as connection:
        if patent_id is not None:
            await connection.execute(
                update(Patent).where(Patent.id == uuid.UUID(patent_id)).values(title_zh=title)
            )
        current = await connection.scalar(
            select(CatalogueVersion.version).where(CatalogueVersion.name == "catalogue")
        )
        version = (current or 0) + 1
        if current is None:
            await connection.execute(insert(CatalogueVersion).values(name="catalogue", version=1))
        else:
            await connection.execute(update(CatalogueVersion).values(version=version))
        target = uuid.UUID(patent_id) if patent_id else None
        await connection.execute(insert(CatalogueChange).values(version=version, patent_id=target))


async def test_a_published_patent_answers_from_memory_with_an_etag(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, engine: AsyncEngine
) -> None:
    tto = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    patent_id = await _published(client, tto.headers, title_zh="一种固态电池电解质")
    first = await client.get(f"/api/patents/{patent_id}")
    assert first.status_code == 200
    assert first.json()["title_zh"] == "一种固态电池电解质"
    etag = first.headers["etag"]

    await _behind_the_cache(engine, patent_id, "数据库里改过的标题")
    again = await client.get(f"/api/patents/{patent_id}")
    assert again.json()["title_zh"] == "一种固态电池电解质"  # the copy, not the database
    assert again.headers["etag"] == etag
    not_modified = await client.get(f"/api/patents/{patent_id}", headers={"If-None-Match": etag})
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    for header in (f'"x", {etag}', f"W/{etag}", "*"):
        listed = await client.get(f"/api/patents/{patent_id}", headers={"If-None-Match": header})
        assert listed.status_code == 304, header
    other_tag = await client.get(f"/api/patents/{patent_id}", headers={"If-None-Match": '"x"'})
    assert other_tag.status_code == 200
    assert other_tag.json()["title_zh"] == "一种固态电池电解质"


async def test_an_edit_in_this_process_is_seen_on_the_next_read(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    tto = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    patent_id = await _published(client, tto.headers, title_zh="旧标题的专利")
    before = await client.get(f"/api/patents/{patent_id}")
    listing = await client.get("/api/patents")
    assert [i["title_zh"] for i in listing.json()["items"]] == ["旧标题的专利"]

    edited = await client.patch(
        f"/api/patents/{patent_id}", json={"title_zh": "新标题的专利"}, headers=tto.headers
    )
    assert edited.status_code == 200, edited.text
    after = await client.get(f"/api/patents/{patent_id}")
    assert after.json()["title_zh"] == "新标题的专利"
    assert after.json() == edited.json()  # the stored JSON is what Litestar itself would send
    assert after.headers["etag"] != before.headers["etag"]
    listing = await client.get("/api/patents")
    assert [i["title_zh"] for i in listing.json()["items"]] == ["新标题的专利"]


async def test_a_co_owner_change_drops_the_copy(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    tto = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    patent_id = await _published(client, tto.headers)
    await client.get(f"/api/patents/{patent_id}")
    async with db_sessionmaker() as session, session.begin():
        owner = await session.scalar(
            select(PatentOwner).where(PatentOwner.patent_id == uuid.UUID(patent_id))
        )
        assert owner is not None
        owner.name = "另一个专利权人"
    after = await client.get(f"/api/patents/{patent_id}")
    assert after.json()["co_owners"][0]["name"] == "另一个专利权人"


async def test_retiring_drops_the_public_copy_and_list_page(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    tto = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    patent_id = await _published(client, tto.headers)
    assert (await client.get(f"/api/patents/{patent_id}")).status_code == 200
    assert len((await client.get("/api/patents")).json()["items"]) == 1
    retired = await client.post(f"/api/patents/{patent_id}/retire", headers=tto.headers)
    assert retired.status_code == 200, retired.text
    assert (await client.get(f"/api/patents/{patent_id}")).status_code == 404
    assert (await client.get("/api/patents")).json()["items"] == []


async def test_drafts_and_the_owners_view_are_never_kept(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, engine: AsyncEngine
) -> None:
    tto = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    created = await client.post("/api/patents", json=patent_payload(), headers=tto.headers)
    patent_id = created.json()["id"]
    assert (await client.get(f"/api/patents/{patent_id}", headers=tto.headers)).status_code == 200
    mine = await client.get("/api/patents", params={"mine": "true"}, headers=tto.headers)
    assert len(mine.json()["items"]) == 1
    await _behind_the_cache(engine, patent_id, "草稿直接改")
    draft = await client.get(f"/api/patents/{patent_id}", headers=tto.headers)
    assert draft.json()["title_zh"] == "草稿直接改"
    mine = await client.get("/api/patents", params={"mine": "true"}, headers=tto.headers)
    assert mine.json()["items"][0]["title_zh"] == "草稿直接改"
    assert (await client.get(f"/api/patents/{patent_id}")).status_code == 404


async def test_a_newly_published_patent_is_on_the_next_list_page(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    tto = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    await _published(client, tto.headers, application_number=application_number())
    assert len((await client.get("/api/patents")).json()["items"]) == 1
    await _published(client, tto.headers, application_number=application_number())
    assert len((await client.get("/api/patents")).json()["items"]) == 2


# --- the cache itself, as another process sees the database ---


class Loads:
    def __init__(self, *, public: bool = True) -> None:
        self.count = 0
        self.public = public

    async def __call__(self) -> Cached:
        self.count += 1
        return cached(f'{{"n": {self.count}}}'.encode(), public=self.public)


@pytest.fixture
async def cache(engine: AsyncEngine, db_sessionmaker: async_sessionmaker) -> PublishedCache:
    return PublishedCache(engine, documents=3, pages=3, check_seconds=0)


async def test_another_process_change_naming_no_patent_drops_everything(
    cache: PublishedCache, engine: AsyncEngine, db_sessionmaker: async_sessionmaker
) -> None:
    ids = [uuid.uuid4(), uuid.uuid4()]
    loads = {i: Loads() for i in ids}
    for patent_id in ids:
        await cache.document(patent_id, loads[patent_id])
        await cache.document(patent_id, loads[patent_id])
    page = Loads()
    await cache.page("p", page)
    assert [loads[i].count for i in ids] == [1, 1]

    await _as_another_process(engine, None, "")  # nothing named: everything
    for patent_id in ids:
        await cache.document(patent_id, loads[patent_id])
    await cache.page("p", page)
    assert [loads[i].count for i in ids] == [2, 2]
    assert page.count == 2


async def test_a_named_change_keeps_the_other_copies(
    cache: PublishedCache, engine: AsyncEngine, db_sessionmaker: async_sessionmaker
) -> None:
    first, second = uuid.uuid4(), uuid.uuid4()
    a, b, page = Loads(), Loads(), Loads()
    await cache.document(first, a)
    await cache.document(second, b)
    await cache.page("p", page)
    async with engine.begin() as connection:
        await connection.execute(insert(CatalogueVersion).values(name="catalogue", version=1))
        await connection.execute(insert(CatalogueChange).values(version=1, patent_id=first))
    await cache.document(first, a)
    await cache.document(second, b)
    await cache.page("p", page)
    assert (a.count, b.count, page.count) == (2, 1, 2)  # lists always go


async def test_a_gap_in_the_versions_or_a_version_going_back_drops_everything(
    cache: PublishedCache, engine: AsyncEngine, db_sessionmaker: async_sessionmaker
) -> None:
    patent_id = uuid.uuid4()
    loads = Loads()
    await cache.document(patent_id, loads)
    async with engine.begin() as connection:  # versions 1..3 committed, rows of 2 pruned
        await connection.execute(insert(CatalogueVersion).values(name="catalogue", version=3))
        for version in (1, 3):
            await connection.execute(
                insert(CatalogueChange).values(version=version, patent_id=LISTS_ONLY)
            )
    await cache.document(patent_id, loads)
    assert loads.count == 2
    await cache.document(patent_id, loads)
    assert loads.count == 2
    async with engine.begin() as connection:  # the database was emptied and started again
        await connection.execute(update(CatalogueVersion).values(version=1))
    await cache.document(patent_id, loads)
    assert loads.count == 3


async def test_what_is_not_public_or_read_across_a_drop_is_not_kept(
    cache: PublishedCache, db_sessionmaker: async_sessionmaker
) -> None:
    private = Loads(public=False)
    patent_id = uuid.uuid4()
    await cache.document(patent_id, private)
    await cache.document(patent_id, private)
    assert private.count == 2

    class DroppedMeanwhile(Loads):
        async def __call__(self) -> Cached:
            cache.drop(frozenset({uuid.uuid4()}))  # a commit lands while this read runs
            return await super().__call__()

    racing = DroppedMeanwhile()
    other = uuid.uuid4()
    await cache.document(other, racing)
    await cache.document(other, racing)
    assert racing.count == 2  # the first answer was not kept: it may predate the commit


async def test_the_cache_is_bounded(
    cache: PublishedCache, db_sessionmaker: async_sessionmaker
) -> None:
    ids = [uuid.uuid4() for _ in range(4)]
    loads = {i: Loads() for i in ids}
    for patent_id in ids:
        await cache.document(patent_id, loads[patent_id])
    await cache.document(ids[0], loads[ids[0]])  # the oldest went when the fourth came
    await cache.document(ids[3], loads[ids[3]])
    assert (loads[ids[0]].count, loads[ids[3]].count) == (2, 1)


async def test_a_database_failure_keeps_nothing_and_is_raised(
    db_sessionmaker: async_sessionmaker,
) -> None:
    from openlicense.settings import Settings

    broken = sqlalchemy_config(
        Settings(database={"url": "postgresql+asyncpg://nobody:x@127.0.0.1:1/none"})
    ).get_engine()
    cache = PublishedCache(broken, documents=3, pages=3, check_seconds=0)
    with pytest.raises(OSError):
        await cache.document(uuid.uuid4(), Loads())
    await broken.dispose()


# --- what transactions record ---


async def _changes(db_sessionmaker: async_sessionmaker) -> list[tuple[int, uuid.UUID | None]]:
    async with db_sessionmaker() as session:
        rows = await session.execute(
            select(CatalogueChange.version, CatalogueChange.patent_id).order_by(
                CatalogueChange.version
            )
        )
        return [(v, p) for v, p in rows.all()]


async def test_transactions_record_what_they_changed_under_one_version_each(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    tto = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    assert await _changes(db_sessionmaker) == []  # creating users changes no patent
    patent_id = uuid.UUID(await _published(client, tto.headers))
    recorded = await _changes(db_sessionmaker)
    assert recorded == [(1, patent_id), (2, patent_id)]  # created, then published

    async with db_sessionmaker() as session, session.begin():  # bulk UPDATE: anything
        await session.execute(update(Patent).values(trl=5))
    assert (await _changes(db_sessionmaker))[2:] == [(3, None)]
    imported = await client.post(  # a bulk INSERT of new patents: the lists changed
        "/api/patents/batch", json=[patent_payload()], headers=tto.headers
    )
    assert imported.status_code == 201, imported.text
    assert (await _changes(db_sessionmaker))[3:] == [(4, LISTS_ONLY)]

    async with db_sessionmaker() as session:  # rolled back: nothing recorded
        patent = await session.get(Patent, patent_id)
        assert patent is not None
        patent.trl = 7
        await session.flush()
        await session.rollback()
    assert len(await _changes(db_sessionmaker)) == 4


async def test_concurrent_writers_get_consecutive_versions(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    tto = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    ids = [
        uuid.UUID(await _published(client, tto.headers, application_number=number))
        for number in (application_number(), application_number(), application_number())
    ]

    async def edit(patent_id: uuid.UUID, trl: int) -> None:
        async with db_sessionmaker() as session, session.begin():
            patent = await session.get(Patent, patent_id)
            assert patent is not None
            patent.trl = trl

    await asyncio.gather(*(edit(p, 3 + n) for n, p in enumerate(ids)))
    recorded = await _changes(db_sessionmaker)
    versions = [v for v, _ in recorded]
    assert versions == list(range(1, len(recorded) + 1))
    assert {p for _, p in recorded[-3:]} == set(ids)


class SlowLoads(Loads):
    def __init__(self, *, public: bool = True, fail_first: bool = False) -> None:
        super().__init__(public=public)
        self.fail_first = fail_first

    async def __call__(self) -> Cached:
        await asyncio.sleep(0.05)
        if self.fail_first and self.count == 0:
            self.count += 1
            raise LookupError("the first caller may not see it")
        return await super().__call__()


async def test_readers_of_the_same_missing_copy_share_one_load(
    cache: PublishedCache, db_sessionmaker: async_sessionmaker
) -> None:
    loads = SlowLoads()
    answers = await asyncio.gather(*(cache.page("new page", loads) for _ in range(16)))
    assert loads.count == 1
    assert {a.body for a in answers} == {b'{"n": 1}'}


async def test_an_answer_that_is_not_public_or_a_refusal_is_not_shared(
    cache: PublishedCache, db_sessionmaker: async_sessionmaker
) -> None:
    private = SlowLoads(public=False)  # e.g. the owner reading its draft first
    patent_id = uuid.uuid4()
    answers = await asyncio.gather(*(cache.document(patent_id, private) for _ in range(4)))
    assert private.count == 4  # each caller read it as itself
    assert len({a.body for a in answers}) == 4

    refused = SlowLoads(fail_first=True)
    other = uuid.uuid4()
    results = await asyncio.gather(
        *(cache.document(other, refused) for _ in range(3)), return_exceptions=True
    )
    assert isinstance(results[0], LookupError)
    assert all(isinstance(r, Cached) for r in results[1:])
