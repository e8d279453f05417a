"""The search contract: the same queries give the same results on both engines.

Every test runs against the embedded (tantivy) engine and the Meilisearch adapter (the in-process
fake, or a real server when MEILISEARCH_URL is set), both loaded with the fixed corpus of
`corpus.py` (fixture `corpus_engine`). Expected results are written out (text queries) or
computed from the corpus with plain Python (filters, facets, sorts): the engines must agree with
both. Relevance order may
legitimately differ between engines, so relevance results compare as sets.
"""

from __future__ import annotations

import datetime
import uuid
from collections import Counter

import pytest
from corpus import BY_ID, DOCUMENTS, SCU, SCUT, THU, WEST, ZJU, ids, sort_key, visible

from openlicense.accounts.models import Organisation, OrganisationKind
from openlicense.catalogue.models import (
    Declaration,
    DeclarationStatus,
    DeclarationWithdrawal,
    LegalStatus,
    ListingStatus,
    Patent,
    PatentType,
)
from openlicense.catalogue.service.indexing import build_document
from openlicense.search.documents import PatentDocument
from openlicense.search.engine import SearchEngine, SearchQuery, SearchResult

PUBLIC = visible()


async def found(engine: SearchEngine, **params: object) -> set[str]:
    result = await engine.search(SearchQuery(per_page=100, **params))
    assert result.total == len(result.hits)
    return {h.id for h in result.hits}


async def ordered(engine: SearchEngine, **params: object) -> list[str]:
    result = await engine.search(SearchQuery(per_page=100, **params))
    return [h.id for h in result.hits]


def test_the_corpus_is_what_the_tests_assume() -> None:
    assert len(DOCUMENTS) == 40
    assert len(PUBLIC) == 33
    assert ids(visible(ZJU)) - ids(PUBLIC) == {"p06", "p37", "p38"}
    assert ids(visible(THU)) - ids(PUBLIC) == {"p07", "p40"}


# --- language ------------------------------------------------------------------------------


async def test_chinese_partial_word_锂电池_finds_锂离子电池(corpus_engine: SearchEngine) -> None:
    # 锂离子电池正极材料 (p01) and 固态锂电池电解质 (p02); not 盐湖卤水提锂的电渗析池装置 (p26),
    # which has 锂, 电 and 池 but neither 锂电 nor 电池.
    assert await found(corpus_engine, q="锂电池") == {"p01", "p02"}


async def test_chinese_two_characters_电池(corpus_engine: SearchEngine) -> None:
    assert await found(corpus_engine, q="电池") == {
        "p01",
        "p02",
        "p03",
        "p04",
        "p05",
        "p11",
        "p34",
        "p36",
    }


async def test_chinese_phrase_is_cut_into_dictionary_words(corpus_engine: SearchEngine) -> None:
    # 锂电池 + 正极材料: p01 has both; p02 (固态锂电池电解质) only the rarer 锂电池 and follows
    assert (await ordered(corpus_engine, q="锂电池正极材料"))[:2] == ["p01", "p02"]
    assert await found(corpus_engine, q="复合材料") == {"p17", "p20"}


async def test_chinese_university_name(corpus_engine: SearchEngine) -> None:
    assert await found(corpus_engine, q="浙江大学") == ids(
        [d for d in PUBLIC if d.university_id == ZJU]
    )


async def test_english_keyword(corpus_engine: SearchEngine) -> None:
    assert await found(corpus_engine, q="battery") == {
        "p01",
        "p02",
        "p03",
        "p04",
        "p05",
        "p31",
        "p34",
    }
    assert await found(corpus_engine, q="lithium") == {"p01", "p02", "p26"}


async def test_english_is_case_and_accent_insensitive(corpus_engine: SearchEngine) -> None:
    assert await found(corpus_engine, q="LITHIUM") == {"p01", "p02", "p26"}
    assert await found(corpus_engine, q="graphène") == {"p17"}


async def test_english_stemming(corpus_engine: SearchEngine) -> None:
    assert await found(corpus_engine, q="cathodes") == {"p01"}
    assert await found(corpus_engine, q="films") == {"p19"}


async def test_english_typo(corpus_engine: SearchEngine) -> None:
    assert await found(corpus_engine, q="batery") == await found(corpus_engine, q="battery")
    assert await found(corpus_engine, q="grapheen") == {"p17"}  # a transposition is one typo


async def test_short_words_take_no_typo(corpus_engine: SearchEngine) -> None:
    assert await found(corpus_engine, q="rize") == set()  # "rice" is one edit away, but 4 letters


async def test_documents_with_every_word_come_first(corpus_engine: SearchEngine) -> None:
    # then those missing the most frequent word: "lithium" (3 documents) is rarer than nothing
    # here, "cathode" (1) is the rarest, so lithium-only documents come after p01
    assert (await ordered(corpus_engine, q="lithium cathode"))[0] == "p01"
    assert set(await ordered(corpus_engine, q="lithium cathode")) == {"p01", "p02", "p26"}
    assert (await ordered(corpus_engine, q="锂电池 cathode"))[0] == "p01"
    # no document has both: the rarer word's documents first, then the other's
    assert await ordered(corpus_engine, q="lithium vaccine") == [
        "p21",
        *sorted(["p01", "p02", "p26"], key=(await ordered(corpus_engine, q="lithium")).index),
    ]


async def test_a_word_found_nowhere_empties_the_result(corpus_engine: SearchEngine) -> None:
    # a topic the catalogue lacks is not answered with whatever shares a common word
    assert await found(corpus_engine, q="区块链 电池") == set()
    assert await found(corpus_engine, q="quantum battery") == set()


async def test_last_word_matches_as_prefix(corpus_engine: SearchEngine) -> None:
    assert await found(corpus_engine, q="photovo") == {"p12"}
    assert await found(corpus_engine, q="photovo ") == set()  # a finished word is not a prefix


async def test_synonyms_cross_languages(corpus_engine: SearchEngine) -> None:
    # p10 (新能源汽车…, "new energy vehicles") has neither "electric" nor 电动汽车
    assert await found(corpus_engine, q="electric vehicle") == {"p09", "p10"}
    assert await found(corpus_engine, q="电动汽车") == {"p09", "p10"}
    assert await found(corpus_engine, q="TCM") == {"p22"}  # 中药 / traditional Chinese medicine
    assert await found(corpus_engine, q="无人飞行器") == {"p16"}  # 无人机 / drone


async def test_application_number(corpus_engine: SearchEngine) -> None:
    number = BY_ID["p13"].application_number.split(".")[0]
    assert await found(corpus_engine, q=number) == {"p13"}


async def test_no_match(corpus_engine: SearchEngine) -> None:
    result = await corpus_engine.search(SearchQuery(q="区块链 blockchain", facets=["patent_type"]))
    assert (result.total, result.hits, result.facets) == (0, [], {"patent_type": {}})


async def test_punctuation_only_is_browsing(corpus_engine: SearchEngine) -> None:
    assert await found(corpus_engine, q=" ，。!? ") == ids(PUBLIC)


# --- highlights ----------------------------------------------------------------------------


async def test_highlights_mark_matches(corpus_engine: SearchEngine) -> None:
    result = await corpus_engine.search(SearchQuery(q="battery", per_page=100))
    p01 = next(h for h in result.hits if h.id == "p01")
    assert "<mark>battery</mark>" in p01.highlights["title_en"]
    assert set(p01.highlights) <= {"title_zh", "title_en", "abstract_zh", "abstract_en"}
    for hit in result.hits:
        assert any("<mark>" in v for v in hit.highlights.values()), hit.id

    result = await corpus_engine.search(SearchQuery(q="锂电池"))
    assert {h.id for h in result.hits} == {"p01", "p02"}
    p01 = next(h for h in result.hits if h.id == "p01")
    assert p01.highlights["title_zh"] == "<mark>锂离子电池</mark>正极材料及其制备方法"  # synonym
    for hit in result.hits:
        assert "<mark>" in hit.highlights["title_zh"], hit.id
        assert hit.highlights["title_zh"].replace("<mark>", "").replace("</mark>", "") == (
            hit.document.title_zh
        )


async def test_no_highlights_when_browsing(corpus_engine: SearchEngine) -> None:
    result = await corpus_engine.search(SearchQuery())
    assert all(h.highlights == {} for h in result.hits)


# --- filters -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("param", "values", "field"),
    [
        ("patent_type", ["utility_model", "design"], "patent_type"),
        ("technology_field", ["new_materials"], "technology_field"),
        ("university_id", [THU, SCU], "university_id"),
        ("province", ["浙江"], "province"),
        ("fee_type", ["STAGED", "ROYALTY"], "fee_type"),
        ("ipc_section", ["C"], "ipc_sections"),
        ("ipc_class", ["H01", "B01"], "ipc_classes"),
    ],
)
async def test_list_filter(
    corpus_engine: SearchEngine, param: str, values: list[str], field: str
) -> None:
    def accepts(value: object) -> bool:
        return bool(set(value) & set(values)) if isinstance(value, list) else value in values

    expected = ids([d for d in PUBLIC if accepts(getattr(d, field))])
    assert expected  # the corpus exercises the filter
    assert await found(corpus_engine, **{param: values}) == expected


async def test_filters_combine_with_text(corpus_engine: SearchEngine) -> None:
    assert await found(corpus_engine, q="电池", province=["浙江", "四川"]) == {
        "p01",
        "p04",
        "p05",
        "p11",
    }
    assert await found(corpus_engine, q="电池", patent_type=["utility_model"]) == {"p34"}


async def test_licence_status_filter_for_the_owner(corpus_engine: SearchEngine) -> None:
    assert await found(corpus_engine, licence_status=["withdrawn"]) == set()
    assert await found(
        corpus_engine, licence_status=["withdrawn", "none"], viewer_organisation_id=ZJU
    ) == {
        "p06",
        "p37",
        "p38",
    }


async def test_price_range(corpus_engine: SearchEngine) -> None:
    expected = ids(
        [
            d
            for d in PUBLIC
            if d.entry_price_minor is not None and 300_000 <= d.entry_price_minor <= 2_000_000
        ]
    )
    assert expected == {"p05", "p14", "p17", "p22", "p24", "p26", "p31", "p32", "p34", "p35"}
    assert await found(corpus_engine, price_min=300_000, price_max=2_000_000) == expected
    # a price filter never matches a document without a price (p15 is priced in USD)
    assert "p15" not in await found(corpus_engine, price_min=0)
    assert await found(corpus_engine, price_max=0) == ids(
        [d for d in PUBLIC if d.entry_price_minor == 0]
    )


async def test_trl_range(corpus_engine: SearchEngine) -> None:
    expected = ids([d for d in PUBLIC if d.trl is not None and d.trl >= 7])
    assert expected == {"p03", "p09", "p12", "p16", "p20", "p26", "p27", "p28", "p31"}
    assert await found(corpus_engine, trl_min=7) == expected
    assert await found(corpus_engine, trl_min=3, trl_max=4) == {
        "p02",
        "p05",
        "p11",
        "p18",
        "p21",
        "p23",
    }


async def test_has_trial(corpus_engine: SearchEngine) -> None:
    assert await found(corpus_engine, has_trial=True) == {"p04", "p11", "p16", "p23"}
    assert await found(corpus_engine, has_trial=False) == ids(PUBLIC) - {"p04", "p11", "p16", "p23"}


async def test_filters_without_a_match(corpus_engine: SearchEngine) -> None:
    assert await found(corpus_engine, province=["西藏"]) == set()
    assert await found(corpus_engine, university_id=['evil" OR listing_status = "draft']) == set()


# --- facets --------------------------------------------------------------------------------

FACETS = [
    "patent_type",
    "ipc_section",
    "ipc_class",
    "technology_field",
    "university_id",
    "province",
    "fee_type",
    "licence_status",
    "has_trial",
]
FIELD = {"ipc_section": "ipc_sections", "ipc_class": "ipc_classes"}


def expected_facets(docs: list) -> dict[str, dict[str, int]]:
    out = {}
    for name in FACETS:
        counts: Counter[str] = Counter()
        for d in docs:
            value = getattr(d, FIELD.get(name, name))
            for v in value if isinstance(value, list) else [value]:
                if v is not None:
                    counts["true" if v is True else "false" if v is False else str(v)] += 1
        out[name] = dict(counts)
    return out


async def test_facet_counts_over_all_public_documents(corpus_engine: SearchEngine) -> None:
    result = await corpus_engine.search(SearchQuery(facets=FACETS, per_page=5))
    assert len(result.hits) == 5  # counts cover every match, not only the page
    assert result.facets == expected_facets(PUBLIC)
    assert result.facets["patent_type"] == {"invention": 30, "utility_model": 2, "design": 1}
    assert result.facets["has_trial"] == {"true": 4, "false": 29}
    assert result.facets["province"] == {"浙江": 8, "北京": 8, "广东": 7, "四川": 6}
    assert result.facets["licence_status"] == {"open": 33}


async def test_facet_counts_follow_query_filters_and_viewer(corpus_engine: SearchEngine) -> None:
    result = await corpus_engine.search(SearchQuery(q="电池", facets=["has_trial", "province"]))
    assert result.facets == {
        "has_trial": {"true": 2, "false": 6},
        "province": {"浙江": 2, "北京": 2, "广东": 1, "四川": 2},
    }
    result = await corpus_engine.search(
        SearchQuery(facets=["licence_status", "fee_type"], viewer_organisation_id=ZJU, trl_max=5)
    )
    docs = [d for d in visible(ZJU) if d.trl is not None and d.trl <= 5]
    assert result.facets == {
        "licence_status": expected_facets(docs)["licence_status"],
        "fee_type": expected_facets(docs)["fee_type"],
    }
    assert result.facets["licence_status"] == {"open": 15, "none": 2, "withdrawn": 1}


# --- sorting -------------------------------------------------------------------------------


async def test_sort_newest(corpus_engine: SearchEngine) -> None:
    expected = [d.id for d in sorted(PUBLIC, key=sort_key("declared_at", descending=True))]
    assert expected[:9] == ["p36", "p35", "p34", "p33", "p32", "p31", "p29", "p30", "p28"]
    assert await ordered(corpus_engine, sort="newest") == expected


async def test_browsing_lists_newest_first(corpus_engine: SearchEngine) -> None:
    assert await ordered(corpus_engine) == await ordered(corpus_engine, sort="newest")


async def test_sort_newest_puts_undeclared_last(corpus_engine: SearchEngine) -> None:
    got = await ordered(corpus_engine, sort="newest", viewer_organisation_id=ZJU)
    assert got[-2:] == ["p06", "p37"]  # drafts without a declaration, by id
    assert got == [d.id for d in sorted(visible(ZJU), key=sort_key("declared_at", descending=True))]


async def test_sort_price_ascending(corpus_engine: SearchEngine) -> None:
    expected = [d.id for d in sorted(PUBLIC, key=sort_key("entry_price_minor", descending=False))]
    assert expected[:3] == ["p02", "p03", "p04"]  # free to start, by id
    assert expected[-6:] == ["p36", "p13", "p20", "p09", "p27", "p15"]  # p15 has no price
    assert await ordered(corpus_engine, sort="price_asc") == expected


async def test_sort_expiry(corpus_engine: SearchEngine) -> None:
    expected = [d.id for d in sorted(PUBLIC, key=sort_key("expiry_ts", descending=False))]
    assert expected[:4] == ["p31", "p34", "p33", "p28"]
    assert await ordered(corpus_engine, sort="expiry") == expected


async def test_sort_with_text_and_filters(corpus_engine: SearchEngine) -> None:
    assert await ordered(corpus_engine, q="电池", sort="price_asc") == [
        "p02", "p03", "p04", "p11", "p34", "p05", "p01", "p36",
    ]  # fmt: skip
    assert await ordered(corpus_engine, q="battery", sort="expiry", has_trial=False) == [
        "p31", "p34", "p03", "p05", "p01", "p02",
    ]  # fmt: skip


async def test_relevance_puts_title_matches_first(corpus_engine: SearchEngine) -> None:
    result = await corpus_engine.search(SearchQuery(q="涂层"))
    # 高熵合金涂层 (p18) and 海洋工程防腐涂层 (p32) have it in the title, p17 only in its abstract
    assert [h.id for h in result.hits][2:] == ["p17"]
    assert {h.id for h in result.hits[:2]} == {"p18", "p32"}
    assert all(h.score is not None for h in result.hits)


# --- pagination ----------------------------------------------------------------------------


async def test_pagination(corpus_engine: SearchEngine) -> None:
    everything = await ordered(corpus_engine, sort="newest")
    pages: list[SearchResult] = [
        await corpus_engine.search(SearchQuery(sort="newest", page=n, per_page=10))
        for n in (1, 2, 3, 4)
    ]
    assert [r.total for r in pages] == [33, 33, 33, 33]
    assert [len(r.hits) for r in pages] == [10, 10, 10, 3]
    assert [h.id for r in pages for h in r.hits] == everything
    assert (pages[1].page, pages[1].per_page) == (2, 10)
    beyond = await corpus_engine.search(SearchQuery(sort="newest", page=5, per_page=10))
    assert (beyond.total, beyond.hits) == (33, [])


async def test_pagination_with_ties_at_the_page_edge(corpus_engine: SearchEngine) -> None:
    # 12 public documents cost nothing to start: the first page boundary cuts through them
    everything = await ordered(corpus_engine, sort="price_asc")
    pages = [
        [
            h.id
            for h in (
                await corpus_engine.search(SearchQuery(sort="price_asc", page=n, per_page=5))
            ).hits
        ]
        for n in range(1, 8)
    ]
    assert [i for page in pages for i in page] == everything


async def test_pagination_of_relevance_results(corpus_engine: SearchEngine) -> None:
    first = await corpus_engine.search(SearchQuery(q="battery", per_page=4))
    second = await corpus_engine.search(SearchQuery(q="battery", per_page=4, page=2))
    assert (first.total, second.total) == (7, 7)
    assert (len(first.hits), len(second.hits)) == (4, 3)
    assert {h.id for h in first.hits} | {h.id for h in second.hits} == await found(
        corpus_engine, q="battery"
    )


# --- visibility ----------------------------------------------------------------------------


async def test_public_sees_published_open_listings_only(corpus_engine: SearchEngine) -> None:
    assert await found(corpus_engine) == ids(PUBLIC)
    for hidden in ("p06", "p07", "p08", "p37", "p38", "p39", "p40"):
        assert hidden not in await found(corpus_engine, q=BY_ID[hidden].title_zh)


async def test_an_officer_also_sees_own_listings(corpus_engine: SearchEngine) -> None:
    assert await found(corpus_engine, viewer_organisation_id=ZJU) == ids(visible(ZJU))
    assert await found(corpus_engine, q="锂电池", viewer_organisation_id=ZJU) == {
        "p01",
        "p02",
        "p06",
    }
    assert await found(corpus_engine, q="锂硫电池", viewer_organisation_id=ZJU) == set()
    assert await found(corpus_engine, q="锂硫电池", viewer_organisation_id=THU) == {"p07"}
    assert "p40" in await found(corpus_engine, viewer_organisation_id=THU)  # retired, still its own
    for org in (SCUT, WEST):
        assert await found(corpus_engine, viewer_organisation_id=org) == ids(visible(org))


# --- documents -----------------------------------------------------------------------------


async def test_get_ids_count(corpus_engine: SearchEngine) -> None:
    assert await corpus_engine.count() == 40
    assert await corpus_engine.ids() == {d.id for d in DOCUMENTS}
    assert await corpus_engine.get("p01") == BY_ID["p01"]
    assert await corpus_engine.get("p06") == BY_ID["p06"]  # drafts are indexed, only hidden
    assert await corpus_engine.get("p99") is None
    assert await corpus_engine.healthy()


async def test_hits_carry_the_whole_document(corpus_engine: SearchEngine) -> None:
    result = await corpus_engine.search(SearchQuery(q="TCM"))
    assert result.hits[0].document == BY_ID["p22"]


# --- the document built from the catalogue -------------------------------------------------

TODAY = datetime.date(2026, 11, 23)
LUMP_SUM = {"type": "LUMP_SUM", "amount_minor": 5_000_000}


def _catalogue(
    fee_standard: dict | None = None,
    *,
    legal_status: LegalStatus = LegalStatus.VALID,
    status: DeclarationStatus = DeclarationStatus.PUBLISHED,
    withdrawal_effective: datetime.date | None = None,
    currency: str = "CNY",
    licence_end: datetime.date = datetime.date(2031, 11, 30),
) -> tuple[Patent, Organisation, Declaration | None]:
    org = Organisation(
        id=uuid.uuid4(), name="浙江大学", kind=OrganisationKind.UNIVERSITY, province="浙江"
    )
    patent = Patent(
        id=uuid.uuid4(),
        application_number="202110123456.7",
        patent_type=PatentType.UTILITY_MODEL,
        title_zh="电池包散热结构",
        title_en="Battery pack cooling",
        abstract_zh="液冷板散热。",
        abstract_en=None,
        ipc_codes=["H01M 10/613", "H01M 50/20", "F28F 3/12"],
        filing_date=datetime.date(2021, 5, 1),
        expiry_date=datetime.date(2031, 4, 30),
        legal_status=legal_status,
        technology_field="new_energy",
        trl=6,
        keywords=["电池包", "液冷"],
        owner_organisation_id=org.id,
        listing_status=ListingStatus.PUBLISHED,
    )
    if fee_standard is None:
        return patent, org, None
    start = datetime.date(2026, 12, 1)
    terms = {
        "fee_standard": fee_standard,
        "currency": currency,
        "licence_start": start.isoformat(),
        "licence_end": licence_end.isoformat(),
    }
    declaration = Declaration(
        id=uuid.uuid4(),
        patent_id=patent.id,
        version=1,
        status=status,
        terms=terms,
        fee_type=fee_standard["type"],
        currency=currency,
        licence_start=start,
        licence_end=licence_end,
        published_at=datetime.datetime(2026, 11, 2, 8, 0, tzinfo=datetime.UTC),
    )
    if withdrawal_effective is not None:
        declaration.withdrawal = DeclarationWithdrawal(
            id=uuid.uuid4(),
            declaration_id=declaration.id,
            reason="No longer offered.",
            effective_date=withdrawal_effective,
            owner_consents=[],
            withdrawn_by_id=uuid.uuid4(),
        )
    return patent, org, declaration


def test_build_document_fields() -> None:
    patent, org, declaration = _catalogue(LUMP_SUM)
    doc = build_document(patent, org, declaration, today=TODAY)
    assert doc.id == str(patent.id) and doc.declaration_id == str(declaration.id)
    assert (doc.patent_type, doc.listing_status, doc.licence_status) == (
        "utility_model",
        "published",
        "open",
    )
    assert doc.ipc_sections == ["H", "F"]
    assert doc.ipc_classes == ["H01", "F28"]
    assert (doc.university_id, doc.owner_organisation_id) == (str(org.id), str(org.id))
    assert (doc.university_name, doc.province) == ("浙江大学", "浙江")
    assert (doc.fee_type, doc.entry_price_minor, doc.has_trial) == ("LUMP_SUM", 5_000_000, False)
    assert doc.declared_at == int(
        datetime.datetime(2026, 11, 2, 8, tzinfo=datetime.UTC).timestamp()
    )
    assert (doc.expiry_date, doc.expiry_ts) == ("2031-04-30", 22399)
    assert PatentDocument.model_validate_json(doc.model_dump_json()) == doc


@pytest.mark.parametrize(
    ("standard", "price", "trial"),
    [
        ({"type": "FREE"}, 0, False),
        ({"type": "LUMP_SUM", "amount_minor": 300_000, "due_days_after_acceptance": 30}, 0, False),
        (
            {
                "type": "INSTALMENTS",
                "instalments": [
                    {"amount_minor": 100_000, "due_months_after_acceptance": 0},
                    {"amount_minor": 200_000, "due_months_after_acceptance": 12},
                ],
            },
            100_000,
            False,
        ),
        (
            {
                "type": "ROYALTY",
                "base": "net_sales",
                "rate": "0.03",
                "payable_on_acceptance_minor": 0,
            },
            0,
            False,
        ),
        (
            {
                "type": "ENTRY_FEE_PLUS_ROYALTY",
                "base": "net_sales",
                "rate": "0.02",
                "entry_fee_minor": 800_000,
            },
            800_000,
            False,
        ),
        (
            {
                "type": "STAGED",
                "stages": [
                    {"label": "Trial", "duration_months": 6, "standard": {"type": "FREE"}},
                    {"label": "Paid", "standard": LUMP_SUM},
                ],
            },
            0,
            True,
        ),
        (
            {
                "type": "STAGED",
                "stages": [
                    {"label": "Early", "duration_months": 12, "standard": LUMP_SUM},
                    {"label": "Later", "standard": {"type": "FREE"}},
                ],
            },
            5_000_000,
            False,
        ),
    ],
)
def test_build_document_entry_price(standard: dict, price: int, trial: bool) -> None:
    doc = build_document(*_catalogue(standard), today=TODAY)
    assert (doc.fee_type, doc.entry_price_minor, doc.has_trial) == (standard["type"], price, trial)


def test_build_document_licence_status() -> None:
    def status(*args: object, **kwargs: object) -> str:
        return build_document(*_catalogue(*args, **kwargs), today=TODAY).licence_status

    assert status(None) == "none"
    assert status(LUMP_SUM) == "open"
    assert status(LUMP_SUM, legal_status=LegalStatus.LAPSED) == "closed"
    assert status(None, legal_status=LegalStatus.EXPIRED) == "closed"
    assert status(LUMP_SUM, status=DeclarationStatus.WITHDRAWN) == "withdrawn"
    assert status(LUMP_SUM, withdrawal_effective=TODAY) == "withdrawn"
    # announced withdrawal, effective later: still an offer until then
    assert status(LUMP_SUM, withdrawal_effective=TODAY + datetime.timedelta(days=10)) == "open"
    assert status(LUMP_SUM, licence_end=TODAY - datetime.timedelta(days=1)) == "closed"


def test_build_document_without_a_declaration_or_in_another_currency() -> None:
    doc = build_document(*_catalogue(None), today=TODAY)
    assert (doc.declaration_id, doc.fee_type, doc.entry_price_minor) == (None, None, None)
    assert (doc.has_trial, doc.declared_at) == (False, None)
    doc = build_document(*_catalogue(LUMP_SUM, currency="USD"), today=TODAY)
    assert (doc.fee_type, doc.entry_price_minor) == ("LUMP_SUM", None)
