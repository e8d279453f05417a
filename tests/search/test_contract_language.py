"""The search contract, continued: what issue 15 added, on both engines.

Word segmentation and synonyms, graceful degradation, IPC codes as typed with hierarchical
filters and facets, listings that change with the calendar on the exact day, "did you mean",
traditional/simplified folding, and suggest-as-you-type. The engines hold the fixed corpus of
`corpus.py` plus the documents below.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from corpus import DOCUMENTS, SCU, SCUT, THU, WEST, ZJU, _doc, visible

from conftest import ENGINES, close_engine, make_engine_for
from openlicense.search import embedded_search, meili
from openlicense.search.documents import PatentDocument
from openlicense.search.engine import SearchEngine, SearchQuery
from openlicense.search.freshness import day_number, effective_status
from openlicense.search.setup import load_definition
from openlicense.search.suggest import suggest

DAY = datetime.date(2026, 12, 1)
"""The day the calendar closes p44–p47."""
BEFORE = DAY - datetime.timedelta(days=1)


def _dated(doc: PatentDocument, **dates: datetime.date) -> PatentDocument:
    return doc.model_copy(update={k: day_number(v) for k, v in dates.items()})


EXTRA: list[PatentDocument] = [
    _doc(41, THU, "无人驾驶汽车换道决策方法", "Lane-change decisions for self-driving cars",
         abstract_zh="综合周围车辆轨迹预测为无人驾驶汽车做出换道决策。",
         ipc=("B60W 30/18",), field="information_technology"),
    _doc(42, SCU, "植保无人驾驶飞行器的喷洒控制方法",
         "Spraying control of a crop-protection unmanned aerial vehicle",
         abstract_zh="根据处方图调节喷头流量。", ipc=("B64U 10/13", "A01M 7/00"),
         field="agriculture"),
    _doc(43, WEST, "人工造雪机", "Snowmaking machine",
         abstract_zh="风扇式造雪机在湿球温度零下2℃即可造雪。", ipc=("F25C 3/04",),
         field="intelligent_manufacturing"),
    # one query word that is two domain words (输电线路巡检 = 输电线路 + 巡检)
    _doc(48, SCUT, "输电线路巡检图像的缺陷识别方法", "Defects in power-line inspection images",
         ipc=("H02G 1/02",), field="information_technology"),
    _doc(49, WEST, "输电线路除冰机器人", "De-icing robot for power lines",
         ipc=("H02G 7/16",), field="intelligent_manufacturing"),
    _doc(50, ZJU, "城市燃气管道巡检机器人", "Inspection robot for city gas pipes",
         ipc=("F17D 5/00",), field="intelligent_manufacturing"),
    # the calendar closes these on DAY: an expiry, a withdrawal, the end of the declared
    # period, an annual fee left unpaid past the late-payment period
    _dated(_doc(44, ZJU, "高山滑雪板减振结构", "Vibration damping for alpine skis",
                ipc=("A63C 5/075",), field="new_materials"), patent_ends_ts=DAY),
    _dated(_doc(45, THU, "冰场浇冰车", "Ice resurfacing machine", ipc=("E01H 4/02",),
                field="intelligent_manufacturing"), withdrawn_ts=DAY),
    _dated(_doc(46, SCUT, "雪道压雪车", "Piste grooming vehicle", ipc=("E01H 4/02",),
                field="intelligent_manufacturing"), offer_ends_ts=DAY),
    _dated(_doc(47, SCU, "道路融雪剂", "Road de-icing agent", ipc=("C09K 3/18",),
                field="new_materials"), patent_ends_ts=DAY),
]  # fmt: skip
CALENDAR = {"p44", "p45", "p46", "p47"}
ALL = [*DOCUMENTS, *EXTRA]


@pytest.fixture(scope="module", params=ENGINES)
async def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, meilisearch_url: str
) -> AsyncIterator[SearchEngine]:
    directory: Path = tmp_path_factory.mktemp(f"language-{request.param}")
    search_engine = await make_engine_for(request.param, directory, meilisearch_url)
    await search_engine.upsert(ALL)
    yield search_engine
    await close_engine(search_engine)


async def ranked(engine: SearchEngine, q: str = "", **params: object) -> list[str]:
    params.setdefault("today", BEFORE)
    result = await engine.search(SearchQuery(q=q, per_page=100, **params))
    return [h.id for h in result.hits]


def public(day: datetime.date) -> list[PatentDocument]:
    hidden = CALENDAR if day >= DAY else set()
    return [d for d in visible() + EXTRA if d.id not in hidden and d.id in {x.id for x in ALL}]


# --- words ---------------------------------------------------------------------------------


async def test_a_drone_is_not_a_self_driving_car(engine: SearchEngine) -> None:
    # 无人驾驶飞行器 is one word (a drone), not 无人驾驶 (self-driving) + 飞行器
    found = await ranked(engine, "无人驾驶飞行器")
    assert set(found) == {"p16", "p42"}  # p16 says 无人机, p42 无人驾驶飞行器
    assert "p41" not in found
    # 无人驾驶 alone means self-driving; the drone patent only contains it
    assert (await ranked(engine, "无人驾驶"))[0] == "p41"


async def test_a_compound_of_domain_words_also_finds_each_part(engine: SearchEngine) -> None:
    # 输电线路巡检 is one dictionary word; the patent that names the whole leads, those naming
    # one of its domain-word parts (输电线路, 巡检) follow instead of being lost
    found = await ranked(engine, "输电线路巡检")
    assert found[0] == "p48"
    assert {"p49", "p50"} <= set(found[1:])
    # generic or misleading parts never split a word: 设备, 飞行器 (see the two tests around)
    parsed = load_definition().analyzer.parse("输电线路巡检")
    assert [c.tokens for c in parsed.clauses] == [("输电线路巡检",), ("输电线路",), ("巡检",)]
    assert [c.part for c in parsed.clauses] == [False, True, True]
    for whole in ("制雪设备", "无人驾驶飞行器", "植保无人机 喷洒"):
        assert not any(c.part for c in load_definition().analyzer.parse(whole).clauses), whole


async def test_the_words_a_buyer_uses_find_the_words_a_patent_uses(engine: SearchEngine) -> None:
    assert await ranked(engine, "制雪设备") == ["p43"]  # the patent says 造雪机
    assert await ranked(engine, "snow making machine") == ["p43"]


async def test_a_query_word_matches_inside_longer_words(engine: SearchEngine) -> None:
    # 飞行器 is part of 无人驾驶飞行器, 电池 of 锂离子电池 and 太阳能电池
    assert await ranked(engine, "飞行器") == ["p42"]
    assert {"p01", "p11"} <= set(await ranked(engine, "电池"))


async def test_traditional_characters_find_simplified_text(engine: SearchEngine) -> None:
    assert await ranked(engine, "鋰電池") == await ranked(engine, "锂电池")
    assert set(await ranked(engine, "無人機")) == {"p16", "p42"}


# --- IPC -----------------------------------------------------------------------------------


def _with_code(prefix: str, day: datetime.date = BEFORE) -> set[str]:
    return {
        d.id
        for d in public(day)
        if any(c.replace(" ", "").lower().startswith(prefix) for c in d.ipc_codes)
    }


@pytest.mark.parametrize(
    ("q", "prefix"),
    [
        ("H01M", "h01m"),
        ("h01m", "h01m"),
        ("h01m4", "h01m4/"),
        ("H01M 4", "h01m4/"),
        ("H01M 10/0562", "h01m10/0562"),
        ("h01m 10 / 0562", "h01m10/0562"),
        ("B64U", "b64u"),
        ("E01H", "e01h"),
    ],
)
async def test_ipc_codes_are_searchable_as_typed(engine: SearchEngine, q: str, prefix: str) -> None:
    expected = _with_code(prefix)
    assert expected
    assert set(await ranked(engine, q)) == expected


async def test_the_main_ipc_code_ranks_first(engine: SearchEngine) -> None:
    # p12 is classified H02S 40/10 first; p01 has no H02S code at all
    assert (await ranked(engine, "H02S"))[0] == "p12"


@pytest.mark.parametrize(
    ("param", "values", "level"),
    [
        ("ipc_section", ["H"], lambda c: c[:1]),
        ("ipc_class", ["H01"], lambda c: c[:3]),
        ("ipc_subclass", ["H01M", "B64U"], lambda c: c[:4]),
        ("ipc_group", ["H01M 10", "A01M 7"], lambda c: c.split("/")[0]),
    ],
)
async def test_ipc_filters_at_every_level(
    engine: SearchEngine, param: str, values: list[str], level: object
) -> None:
    expected = {d.id for d in public(BEFORE) if {level(c) for c in d.ipc_codes} & set(values)}  # type: ignore[operator]
    assert expected
    assert set(await ranked(engine, **{param: values})) == expected


async def test_ipc_facets_at_every_level(engine: SearchEngine) -> None:
    result = await engine.search(
        SearchQuery(facets=["ipc_subclass", "ipc_group"], per_page=1, today=BEFORE)
    )
    subclasses: Counter[str] = Counter()
    groups: Counter[str] = Counter()
    for d in public(BEFORE):
        subclasses.update({c[:4] for c in d.ipc_codes if "-" not in c})
        groups.update({c.split("/")[0] for c in d.ipc_codes if "-" not in c})
    assert result.facets["ipc_subclass"] == dict(subclasses)
    assert result.facets["ipc_group"] == dict(groups)
    assert result.facets["ipc_group"]["H01M 10"] == 4  # p02, p03, p04, p34
    # combined with a query
    result = await engine.search(SearchQuery(q="电池", facets=["ipc_subclass"], today=BEFORE))
    assert result.facets["ipc_subclass"]["H01M"] >= 5


# --- the calendar --------------------------------------------------------------------------


async def test_listings_close_on_the_day_without_a_refresh(engine: SearchEngine) -> None:
    assert set(await ranked(engine, today=BEFORE)) >= CALENDAR
    assert CALENDAR & set(await ranked(engine, today=DAY)) == set()
    assert CALENDAR & set(await ranked(engine, today=DAY + datetime.timedelta(days=30))) == set()
    # by text too
    assert await ranked(engine, "浇冰车", today=BEFORE) == ["p45"]
    assert await ranked(engine, "浇冰车", today=DAY) == []


async def test_the_owner_sees_the_status_of_the_day(engine: SearchEngine) -> None:
    statuses = {}
    for org, pid in ((ZJU, "p44"), (THU, "p45"), (SCUT, "p46"), (SCU, "p47")):
        for status in ("open", "withdrawn", "closed"):
            ids = await ranked(
                engine, licence_status=[status], viewer_organisation_id=org, today=DAY
            )
            if pid in ids:
                statuses[pid] = status
        assert pid in await ranked(engine, licence_status=["open"], viewer_organisation_id=org)
    assert statuses == {"p44": "closed", "p45": "withdrawn", "p46": "closed", "p47": "closed"}
    result = await engine.search(
        SearchQuery(facets=["licence_status"], viewer_organisation_id=THU, today=DAY, per_page=1)
    )
    seen = [d for d in public(DAY) if d.owner_organisation_id != THU]
    seen += [d for d in ALL if d.owner_organisation_id == THU]
    statuses = Counter(effective_status(d.licence_status, d, DAY) for d in seen)
    assert statuses["withdrawn"] == 2  # p07 as built, p45 by the calendar
    assert result.facets["licence_status"] == dict(statuses)


async def test_status_facets_count_each_status_when_many_documents_changed(
    engine: SearchEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    query = SearchQuery(facets=["licence_status"], viewer_organisation_id=THU, today=DAY)
    corrected = (await engine.search(query)).facets
    monkeypatch.setattr(embedded_search, "CHANGED_LIMIT", 0)
    monkeypatch.setattr(meili, "CHANGED_LIMIT", 0)
    assert (await engine.search(query)).facets == corrected


# --- spelling ------------------------------------------------------------------------------


async def test_did_you_mean_corrects_english_words(engine: SearchEngine) -> None:
    result = await engine.search(SearchQuery(q="grapheen", today=BEFORE))
    assert [h.id for h in result.hits] == ["p17"]  # one typo is tolerated …
    assert result.did_you_mean == "graphene"  # … and the query is shown as understood
    result = await engine.search(SearchQuery(q="baterry ", today=BEFORE))
    assert result.total == 0  # two typos in a 7-letter word: beyond the budget
    assert result.did_you_mean == "battery "
    result = await engine.search(SearchQuery(q="battery", today=BEFORE))
    assert result.did_you_mean is None


async def test_a_typo_on_the_first_letter_counts_twice(engine: SearchEngine) -> None:
    # "vattery" is one substitution from "battery", on the first letter: two typos
    assert await ranked(engine, "vattery ") == []
    assert set(await ranked(engine, "bsttery ")) == set(await ranked(engine, "battery "))


# --- suggest -------------------------------------------------------------------------------


async def _suggest(engine: SearchEngine, q: str) -> object:
    segmenter = load_definition().analyzer.segmenter
    return await suggest(engine, q, today=BEFORE, segmenter=segmenter, limit=8)


async def test_suggest_completes_keywords_universities_and_ipc(engine: SearchEngine) -> None:
    result = await _suggest(engine, "石墨")
    assert ("keyword", "石墨烯") in {(t.kind, t.text) for t in result.terms}  # type: ignore[attr-defined]
    result = await _suggest(engine, "浙江")
    assert [(t.kind, t.text) for t in result.terms] == [("university", "浙江大学")]  # type: ignore[attr-defined]
    result = await _suggest(engine, "h01")
    terms = {t.text: t for t in result.terms}  # type: ignore[attr-defined]
    assert "H01M" in terms and terms["H01M"].label_zh and terms["H01M"].label_en
    assert terms["H01M"].count == len(_with_code("h01m"))
    result = await _suggest(engine, "batter")  # an IPC label in English
    assert "H01M" in {t.text for t in result.terms}  # type: ignore[attr-defined]


async def test_suggest_lists_matching_titles(engine: SearchEngine) -> None:
    result = await _suggest(engine, "锂离子")
    assert [p.id for p in result.patents] == ["p01"]  # type: ignore[attr-defined]
    result = await _suggest(engine, "grap")  # the last word is a prefix
    assert [p.id for p in result.patents] == ["p17"]  # type: ignore[attr-defined]
    result = await _suggest(engine, "锂硫")  # p07 is withdrawn: not public
    assert result.patents == []  # type: ignore[attr-defined]
