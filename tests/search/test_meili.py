"""The Meilisearch adapter: settings and setup, reindex by swap, outages, and the fake itself.

Tests that inspect requests or stop the server use the in-process fake; the settings tests use
the real server too when MEILISEARCH_URL is set.
"""

from __future__ import annotations

import datetime
import os
import socket
import uuid
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

import pytest
from corpus import BY_ID, DOCUMENTS, ZJU
from fake_meilisearch import FakeMeilisearch
from meilisearch_python_sdk.errors import MeilisearchApiError

from openlicense.search.documents import PatentDocument
from openlicense.search.engine import SearchError, SearchQuery, SearchUnavailable
from openlicense.search.meili import MeilisearchEngine, build_filter, meili_document, quote
from openlicense.search.setup import apply_settings, load_definition
from openlicense.search.text import meili_token

DEFINITION = load_definition()


def new_meilisearch_engine(url: str, uid: str | None = None) -> MeilisearchEngine:
    return MeilisearchEngine(
        url,
        api_key=os.environ.get("MEILISEARCH_API_KEY") or None,
        index_uid=uid or f"test_{uuid.uuid4().hex[:12]}",
    )


@pytest.fixture
def fake() -> Iterator[FakeMeilisearch]:
    """A fake of its own (tests here stop it or inspect its requests)."""
    with FakeMeilisearch() as server:
        yield server


@pytest.fixture
async def meili(meilisearch_url: str) -> AsyncIterator[MeilisearchEngine]:
    """An engine on a fresh index of the shared fake, or of the real server when configured."""
    engine = new_meilisearch_engine(meilisearch_url)
    yield engine
    for info in await engine.client.get_raw_indexes(limit=1000) or []:
        if info.uid == engine.uid or info.uid.startswith(f"{engine.uid}_"):
            await engine.client.wait_for_task(
                (await engine.client.index(info.uid).delete()).task_uid
            )
    await engine.close()


async def in_batches(docs: Sequence[PatentDocument], size: int = 10) -> AsyncIterator[list]:
    for start in range(0, len(docs), size):
        yield list(docs[start : start + size])


async def raw_settings(engine: MeilisearchEngine) -> dict[str, Any]:
    response = await engine.client.http_client.get(f"indexes/{engine.uid}/settings")
    response.raise_for_status()
    return response.json()


# --- settings ------------------------------------------------------------------------------


async def test_ensure_index_applies_the_versioned_settings(meili: MeilisearchEngine) -> None:
    await meili.ensure_index()
    settings = await raw_settings(meili)
    wanted = DEFINITION.settings
    assert settings["searchableAttributes"] == wanted["searchableAttributes"]
    assert set(settings["filterableAttributes"]) == set(wanted["filterableAttributes"])
    assert set(settings["sortableAttributes"]) == set(wanted["sortableAttributes"])
    assert settings["rankingRules"] == wanted["rankingRules"]
    assert settings["rankingRules"][0] == "sort"  # an explicit sort is exhaustive
    assert settings["pagination"]["maxTotalHits"] == wanted["pagination"]["maxTotalHits"]
    assert settings["faceting"]["maxValuesPerFacet"] == wanted["faceting"]["maxValuesPerFacet"]
    # the analysed tokens are the only searchable text; exact tokens never take typos
    assert all(a.startswith("s_") for a in settings["searchableAttributes"])
    assert set(settings["typoTolerance"]["disableOnAttributes"]) == {
        a for a in wanted["searchableAttributes"] if a.endswith("_x")
    }
    assert settings["typoTolerance"]["minWordSizeForTypos"] == {"oneTypo": 5, "twoTypos": 9}
    assert settings["localizedAttributes"] == wanted["localizedAttributes"]
    synonyms = settings["synonyms"]
    assert synonyms == DEFINITION.synonyms.to_meilisearch()
    # spelt as the documents' tokens: 锂电池 → 锂离子电池, "lithium battery" (stems)
    assert meili_token("锂离子电池") in synonyms[meili_token("锂电池")]
    assert "lithium batteri" in synonyms[meili_token("锂电池")]
    assert len(DEFINITION.synonyms.groups) >= 200


async def test_setup_shows_a_diff_applies_it_and_is_then_idempotent(
    meili: MeilisearchEngine,
) -> None:
    task = await meili.client.http_client.post(
        "indexes", json={"uid": meili.uid, "primaryKey": "id"}
    )
    await meili.client.wait_for_task(task.json()["taskUid"])  # an index with default settings

    preview = await apply_settings(meili, dry_run=True)
    keys = {line.split(":")[0] for line in preview}
    assert {"searchableAttributes", "filterableAttributes", "rankingRules", "synonyms"} <= keys
    assert any(line.startswith('searchableAttributes: ["*"] → ["s_title_x"') for line in preview)
    assert (await raw_settings(meili))["searchableAttributes"] == ["*"]  # dry run: unchanged

    assert await apply_settings(meili, dry_run=False) == preview
    assert (await raw_settings(meili))["searchableAttributes"] == (
        DEFINITION.settings["searchableAttributes"]
    )
    assert await apply_settings(meili, dry_run=False) == []
    assert await apply_settings(meili, dry_run=True) == []

    task = await meili.client.index(meili.uid).update_ranking_rules(["words", "typo"])
    await meili.client.wait_for_task(task.task_uid)
    assert await apply_settings(meili, dry_run=False) == [
        'rankingRules: ["words", "typo"] → '
        '["sort", "words", "typo", "attribute", "proximity", "exactness"]'
    ]
    assert await apply_settings(meili, dry_run=False) == []


async def test_setup_creates_a_missing_index(meili: MeilisearchEngine) -> None:
    preview = await apply_settings(meili, dry_run=True)
    assert preview[0] == f"index {meili.uid}: missing, would be created with patents v2, " + (
        "synonyms patents-v2, dictionary patents-zh-v1"
    )
    assert await meili.count() == 0
    assert await meili.client.get_raw_index(meili.uid) is None
    lines = await apply_settings(meili, dry_run=False)
    assert lines[0].startswith(f"index {meili.uid}: missing, created")
    assert await apply_settings(meili, dry_run=False) == []


async def test_documents_round_trip(meili: MeilisearchEngine) -> None:
    await meili.ensure_index()
    await meili.upsert(DOCUMENTS)
    assert await meili.count() == 40
    assert await meili.ids() == {d.id for d in DOCUMENTS}
    assert await meili.get("p15") == BY_ID["p15"]
    await meili.delete(["p15", "nope"])
    assert await meili.get("p15") is None
    assert await meili.count() == 39
    assert await meili.healthy()


# --- reindex -------------------------------------------------------------------------------


async def test_reindex_fills_a_fresh_index_and_swaps_it_in(fake: FakeMeilisearch) -> None:
    engine = new_meilisearch_engine(fake.url, "patents")
    await engine.ensure_index()
    await engine.upsert(DOCUMENTS)
    fake.clear_requests()
    replacement = [d for d in DOCUMENTS if d.id != "p01"]
    seen_during = []

    async def batches() -> AsyncIterator[list[PatentDocument]]:
        async for batch in in_batches(replacement):
            result = await engine.search(SearchQuery(q="锂电池"))
            seen_during.append({h.id for h in result.hits})
            yield batch

    assert await engine.reindex(batches()) == 39
    assert seen_during and all(ids == {"p01", "p02"} for ids in seen_during)
    created = [b["uid"] for m, p, b in fake.requests if (m, p) == ("POST", "/indexes")]
    assert len(created) == 1 and created[0].startswith("patents_")
    fresh = created[0]
    swaps = [b for m, p, b in fake.requests if (m, p) == ("POST", "/swap-indexes")]
    assert swaps == [[{"indexes": ["patents", fresh]}]]
    assert ("DELETE", f"/indexes/{fresh}") in [(m, p) for m, p, _ in fake.requests]
    settings_patches = [p for m, p, _ in fake.requests if m == "PATCH" and p.endswith("/settings")]
    assert settings_patches == [f"/indexes/{fresh}/settings"]  # settings before documents
    assert sorted(fake.state.indexes) == ["patents"]
    assert await engine.ids() == {d.id for d in replacement}
    assert {h.id for h in (await engine.search(SearchQuery(q="锂电池"))).hits} == {"p02"}
    await engine.close()


async def test_a_failed_reindex_drops_the_partial_index(fake: FakeMeilisearch) -> None:
    engine = new_meilisearch_engine(fake.url, "patents")
    await engine.upsert(DOCUMENTS)

    async def broken() -> AsyncIterator[list[PatentDocument]]:
        yield DOCUMENTS[:5]
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        await engine.reindex(broken())
    assert sorted(fake.state.indexes) == ["patents"]
    assert await engine.count() == 40
    await engine.close()


async def test_reindex_creates_the_index_when_there_is_none(fake: FakeMeilisearch) -> None:
    engine = new_meilisearch_engine(fake.url, "patents")
    assert await engine.reindex(in_batches(DOCUMENTS)) == 40
    assert sorted(fake.state.indexes) == ["patents"]
    await engine.close()


# --- waiting and failures ------------------------------------------------------------------


async def test_writes_are_searchable_when_they_return() -> None:
    with FakeMeilisearch(auto_process_after=None) as lazy:  # tasks run only when waited for
        engine = new_meilisearch_engine(lazy.url, "patents")
        await engine.ensure_index()
        await engine.upsert(DOCUMENTS)
        assert (await engine.search(SearchQuery(q="TCM"))).total == 1
        await engine.delete(["p22"])
        assert (await engine.search(SearchQuery(q="TCM"))).total == 0
        assert any(p.startswith("/tasks/") for p in lazy.paths("GET"))

        # the fake really is asynchronous: a write nobody waits for is not visible yet
        await engine.client.index("patents").add_documents(
            [meili_document(BY_ID["p22"], DEFINITION)]
        )
        assert (await engine.search(SearchQuery(q="TCM"))).total == 0
        lazy.process_tasks()
        assert (await engine.search(SearchQuery(q="TCM"))).total == 1
        await engine.close()


async def test_a_failed_task_is_an_error_not_an_outage(fake: FakeMeilisearch) -> None:
    engine = new_meilisearch_engine(fake.url, "patents")
    await engine.ensure_index()
    bad = BY_ID["p01"].model_copy(update={"id": "not a valid id!"})
    with pytest.raises(SearchError) as caught:
        await engine.upsert([bad])
    assert not isinstance(caught.value, SearchUnavailable)
    assert "invalid_document_id" in str(caught.value)
    await engine.close()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_an_unreachable_server_is_search_unavailable() -> None:
    engine = MeilisearchEngine(f"http://127.0.0.1:{_closed_port()}", timeout=2)
    for call in (
        engine.ensure_index(),
        engine.search(SearchQuery(q="电池")),
        engine.upsert(DOCUMENTS[:1]),
        engine.delete(["p01"]),
        engine.count(),
        engine.ids(),
        engine.get("p01"),
        engine.reindex(in_batches(DOCUMENTS)),
        apply_settings(engine, dry_run=True),
    ):
        with pytest.raises(SearchUnavailable):
            await call
    assert await engine.healthy() is False
    await engine.close()


@pytest.mark.parametrize("mode", ["refuse", "503"])
async def test_an_outage_then_recovery(fake: FakeMeilisearch, mode: str) -> None:
    engine = new_meilisearch_engine(fake.url, "patents")
    await engine.upsert(DOCUMENTS)
    assert await engine.healthy()
    fake.down(mode)
    with pytest.raises(SearchUnavailable):
        await engine.search(SearchQuery(q="电池"))
    with pytest.raises(SearchUnavailable):
        await engine.upsert([BY_ID["p01"]])
    with pytest.raises(SearchUnavailable):
        await engine.delete(["p01"])
    assert await engine.healthy() is False
    fake.up()
    assert await engine.healthy()
    assert (await engine.search(SearchQuery(q="电池"))).total == 8
    await engine.delete(["p01"])
    assert (await engine.search(SearchQuery(q="电池"))).total == 7
    await engine.close()


# --- the request the adapter sends -------------------------------------------------------------


async def test_search_request(fake: FakeMeilisearch) -> None:
    engine = new_meilisearch_engine(fake.url, "patents")
    await engine.upsert(DOCUMENTS)
    fake.clear_requests()
    await engine.search(
        SearchQuery(
            q="电池",
            province=["浙江", "四川"],
            has_trial=True,
            price_min=0,
            trl_max=5,
            sort="price_asc",
            page=2,
            per_page=5,
            facets=["ipc_class", "has_trial"],
            viewer_organisation_id=ZJU,
            today=datetime.date(2026, 11, 23),
        )
    )
    [(method, path, body)] = fake.requests
    assert (method, path) == ("POST", "/indexes/patents/search")
    assert body["q"] == meili_token("电池") + " "  # the analysed token, not a prefix
    assert body["matchingStrategy"] == "frequency"
    day = (datetime.date(2026, 11, 23) - datetime.date(1970, 1, 1)).days
    assert body["filter"] == (
        '((listing_status = "published" AND (licence_status = "open" AND NOT patent_ends_ts <= '
        f"{day} AND NOT withdrawn_ts <= {day} AND NOT offer_ends_ts <= {day})) OR "
        'owner_organisation_id = "org-zju") AND province IN ["浙江", "四川"] AND has_trial = true '
        "AND entry_price_minor >= 0 AND trl <= 5"
    )
    assert body["sort"] == ["entry_price_minor:asc", "id:asc"]
    assert (body["page"], body["hitsPerPage"]) == (2, 5)
    assert body["facets"] == ["ipc_classes", "has_trial"]
    assert "s_title_x" not in body["attributesToRetrieve"]  # tokens stay on the server
    await engine.close()


def test_filter_values_are_quoted() -> None:
    assert quote('a "b" \\ c') == '"a \\"b\\" \\\\ c"'
    day = datetime.date(2026, 11, 23)
    assert build_filter(SearchQuery(today=day)).startswith('(listing_status = "published" AND (')
    evil = build_filter(SearchQuery(university_id=['x" OR listing_status = "draft'], today=day))
    assert evil.endswith('university_id IN ["x\\" OR listing_status = \\"draft"]')


# --- the fake's own semantics (so its answers can be trusted) --------------------------------


async def _fake_search(fake: FakeMeilisearch, **params: Any) -> list[str]:
    engine = new_meilisearch_engine(fake.url, "patents")
    try:
        if not fake.state.indexes:
            await engine.upsert(DOCUMENTS)
        result = await engine.client.index("patents").search(limit=100, **params)
        return sorted(h["id"] for h in result.hits)
    finally:
        await engine.close()


async def test_fake_filter_language(fake: FakeMeilisearch) -> None:
    assert await _fake_search(fake, filter="trl 7 TO 8 AND patent_type = utility_model") == ["p31"]
    assert await _fake_search(
        fake, filter='province IN ["浙江"] AND NOT licence_status = open'
    ) == [
        "p06",
        "p37",
        "p38",
    ]
    assert await _fake_search(fake, filter="entry_price_minor IS NULL") == ["p06", "p15", "p37"]
    assert await _fake_search(fake, filter="province IS NULL AND trl > 7") == ["p20"]
    assert await _fake_search(fake, filter="province NOT EXISTS OR trl < 3") == []
    assert await _fake_search(
        fake, filter="(has_trial = true OR trl <= 3) AND fee_type != STAGED"
    ) == [
        "p05",
        "p21",
    ]
    assert await _fake_search(
        fake, filter=[["ipc_sections = A", "ipc_sections = D"], "trl >= 4"]
    ) == [
        "p22",
        "p23",
        "p25",
        "p37",
    ]
    assert await _fake_search(fake, filter="university_id NOT IN [org-zju, org-thu, org-scut]") == [
        "p05", "p11", "p12", "p16", "p20", "p22", "p25", "p26", "p30", "p34", "p39",
    ]  # fmt: skip


async def test_fake_refuses_what_a_real_server_refuses(fake: FakeMeilisearch) -> None:
    with pytest.raises(MeilisearchApiError) as caught:
        await _fake_search(fake, filter="title_zh = 电池")
    assert caught.value.code == "invalid_search_filter"
    with pytest.raises(MeilisearchApiError) as caught:
        await _fake_search(fake, sort=["title_zh:asc"])
    assert caught.value.code == "invalid_search_sort"
    with pytest.raises(MeilisearchApiError) as caught:
        await _fake_search(fake, facets=["title_en"])
    assert caught.value.code == "invalid_search_facets"
    with pytest.raises(MeilisearchApiError) as caught:
        await _fake_search(fake, filter="trl >= 3 AND (")
    assert caught.value.code == "invalid_search_filter"
