"""Contract rendering and sealing: both languages, every clause, deterministic text, a seal that
breaks on any change (rules 14, 17, 21; PL 50–51; CC 845)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from jinja2.exceptions import SecurityError

from openlicense.agreements.contract import (
    RenderedContract,
    canonical_json,
    describe_fee_standard,
    format_money,
    render_contract,
    seal,
    verify_seal,
    zh_numeral,
)
from openlicense.catalogue.schemas import DeclarationTerms

STAGED_TRIAL_ROYALTY: dict[str, Any] = {
    "type": "STAGED",
    "stages": [
        {"label": "试用期", "duration_months": 6, "standard": {"type": "FREE"}},
        {
            "label": "正式许可期",
            "duration_months": None,
            "standard": {
                "type": "ROYALTY",
                "base": "net_sales",
                "rate": "0.03",
                "rate_steps": [{"from_year": 2, "rate": "0.025"}],
                "reporting_period": "quarterly",
                "report_due_days": 30,
                "annual_minimum_minor": 1_000_000,
                "payable_on_acceptance_minor": 0,
            },
        },
    ],
}
LUMP_SUM: dict[str, Any] = {
    "type": "LUMP_SUM",
    "amount_minor": 5_000_000,
    "due_days_after_acceptance": 0,
}

CLAUSES: list[dict[str, Any]] = [
    {
        "key": "improvements",
        "option": "each_keeps_own",
        "version": 1,
        "title_zh": "后续改进",
        "title_en": "Improvements",
        "text_zh": "{{ licensor_name }}与{{ licensee_name }}各自对其就专利{{ patent_number }}作出的"
        "后续改进享有权利，另一方不得分享。",
        "text_en": "Each of {{ licensor_name }} and {{ licensee_name }} keeps its own improvements "
        "to patent {{ patent_number }}; the other has no share.",
        "legal_anchor": "CC 875",
    },
    {
        "key": "confidentiality",
        "option": "general",
        "version": 2,
        "title_zh": "保密",
        "title_en": "Confidentiality",
        "text_zh": "双方在本合同终止后{{ confidentiality_years }}年内对对方的保密信息负保密义务。"
        "发表论文前应提前{{ publication_review_days }}日送审。",
        "text_en": "Each party keeps the other's confidential information secret for "
        "{{ confidentiality_years }} years after termination; papers are submitted for review "
        "{{ publication_review_days }} days before publication.",
        "legal_anchor": "CC 871",
    },
    {
        "key": "dispute_resolution",
        "option": "arbitration",
        "version": 1,
        "title_zh": "争议解决",
        "title_en": "Disputes",
        "text_zh": "关于《{{ patent_title }}》许可（{{ licence_start }}至{{ licence_end }}）"
        "的争议，双方先协商；协商不成的，提交{{ arbitration_commission }}仲裁。"
        "许可使用费标准为：{{ fee_standard_zh }}",
        "text_en": "Disputes on the licence of “{{ patent_title }}” ({{ licence_start }} to "
        "{{ licence_end }}) are first negotiated, then referred to {{ arbitration_commission }} "
        "arbitration. Fee standard: {{ fee_standard_en }}",
        "legal_anchor": "PL 52",
    },
]


def _merge(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def example_snapshot(**overrides: Any) -> dict[str, Any]:
    """A complete snapshot; nested dicts in `overrides` are merged, everything else replaced.
    `fee_standard=` replaces the declared fee standard (and the schedule is left alone)."""
    fee = overrides.pop("fee_standard", STAGED_TRIAL_ROYALTY)
    terms = DeclarationTerms.model_validate(
        {
            "fee_standard": fee,
            "currency": "CNY",
            "licence_start": "2026-12-01",
            "licence_end": "2028-11-30",
            "payment_channels": ["bank_transfer", "online"],
            "field_of_use": None,
            "other_terms": "被许可人每年向专利权人提交一次实施情况说明。",
        }
    )
    snapshot = {
        "agreement_id": "01927a3e-8c1d-7b2e-9f00-000000000123",
        "agreement_number": "OLA-2026-000123",
        "declaration": {
            "id": "01927a3e-8c1d-7b2e-9f00-00000000d001",
            "version": 1,
            "terms_hash": terms.sha256(),
            "announcement_ref": "OL20261123-0042",
            "announcement_date": "2026-11-23",
            "terms": terms.model_dump(mode="json"),
        },
        "patent": {
            "application_number": "202110123456.7",
            "patent_number": "ZL202110123456.7",
            "patent_type": "invention",
            "title_zh": "一种锂离子电池正极材料及其制备方法",
            "title_en": "Cathode material for lithium-ion batteries and its preparation method",
            "expiry_date": "2041-02-28",
            "ipc_codes": ["H01M 4/36", "H01M 10/0525"],
        },
        "licensor": {
            "organisation_id": "01927a3e-8c1d-7b2e-9f00-00000000a001",
            "name": "浙江大学",
            "name_en": "Zhejiang University",
            "patentees": ["浙江大学", "宁波大学"],
        },
        "licensee": {
            "organisation_id": "01927a3e-8c1d-7b2e-9f00-00000000b001",
            "name": "杭州某某新材料有限公司",
            "credit_code": "91330100MA2XXXXX1X",
            "province": "浙江",
        },
        "notice": {
            "user_id": "01927a3e-8c1d-7b2e-9f00-00000000c001",
            "user_email": "sme@demo.test",
            "user_name": "王经理",
            "notified_at": "2026-11-23T09:00:00+00:00",
            "ip": "203.0.113.5",
            "user_agent": "Mozilla/5.0 (X11; Linux x86_64)",
            "idempotency_key": "accept-7f3a",
        },
        "licence": {"start": "2026-12-01", "end": "2028-11-30"},
        "schedule": [
            {
                "key": "acceptance",
                "kind": "acceptance",
                "due_date": "2026-12-01",
                "amount_minor": 0,
                "description": "试用期免费",
                "stage_index": 1,
            },
            {
                "key": "royalty-2027Q3",
                "kind": "royalty",
                "due_date": "2027-10-30",
                "amount_minor": None,
                "description": "2027年第三季度提成",
                "stage_index": 2,
            },
            {
                "key": "minimum-2027",
                "kind": "minimum",
                "due_date": "2027-12-31",
                "amount_minor": 1_000_000,
                "description": "第1许可年度最低提成费",
                "stage_index": 2,
            },
        ],
        "clauses": CLAUSES,
    }
    return _merge(snapshot, overrides)


def lump_sum_snapshot() -> dict[str, Any]:
    return example_snapshot(
        fee_standard=LUMP_SUM,
        schedule=[
            {
                "key": "acceptance",
                "kind": "acceptance",
                "due_date": "2026-12-01",
                "amount_minor": 5_000_000,
                "description": "一次性许可使用费",
                "stage_index": None,
            }
        ],
    )


def _texts(rendered: RenderedContract) -> dict[str, str]:
    return {"zh": rendered.text_zh, "en": rendered.text_en}


# --- rendering --------------------------------------------------------------------------------


def test_both_languages_name_the_patent_and_the_parties_when_rendered() -> None:
    rendered = render_contract(example_snapshot())
    zh, en = rendered.text_zh, rendered.text_en
    assert zh.startswith("# 专利开放许可实施合同\n")
    assert en.startswith("# Patent Open Licence Agreement\n")
    for text in (zh, en):
        assert "OLA-2026-000123" in text
        assert "ZL202110123456.7" in text  # CC 845: patent number …
        assert "202110123456.7" in text  # … application number …
        assert "一种锂离子电池正极材料及其制备方法" in text  # … title …
        assert "宁波大学" in text  # … every patentee
        assert "杭州某某新材料有限公司" in text
        assert "91330100MA2XXXXX1X" in text
        assert "OL20261123-0042" in text
        assert example_snapshot()["declaration"]["terms_hash"] in text
    assert "浙江大学" in zh and "Zhejiang University" in en
    assert "2041年2月28日" in zh and "28 February 2041" in en  # validity (CC 865)
    assert "发明专利" in zh and "invention patent" in en
    assert "第五十条" in zh and "第五十一条第一款" in zh
    assert "Article 50" in en and "Article 51(1)" in en


def test_scope_is_non_exclusive_mainland_china_without_sublicence_when_rendered() -> None:
    zh, en = _texts(render_contract(example_snapshot())).values()
    assert "普通许可（非独占、非排他）" in zh and "中国大陆" in zh and "第十二条" in zh
    assert "ordinary (non-exclusive)" in en and "mainland China" in en and "Art. 12" in en
    assert "自2026年12月1日起至2028年11月30日止" in zh
    assert "from 1 December 2026 to 30 November 2028" in en


def test_every_clause_is_numbered_with_its_title_and_filled_text_when_rendered() -> None:
    snapshot = example_snapshot()
    texts = _texts(render_contract(snapshot))
    for n, clause in enumerate(snapshot["clauses"], start=5):
        assert f"## 第{zh_numeral(n)}条 {clause['title_zh']}\n" in texts["zh"]
        assert f"## Article {n} {clause['title_en']}\n" in texts["en"]
    assert "浙江大学与杭州某某新材料有限公司各自对其就专利ZL202110123456.7" in texts["zh"]
    assert "Each of Zhejiang University and 杭州某某新材料有限公司 keeps" in texts["en"]
    assert "终止后3年内" in texts["zh"] and "提前60日送审" in texts["zh"]
    assert "for 3 years after termination" in texts["en"] and "60 days before" in texts["en"]
    assert "提交中国国际经济贸易仲裁委员会仲裁" in texts["zh"]
    assert "referred to CIETAC arbitration" in texts["en"]
    assert (
        "《一种锂离子电池正极材料及其制备方法》许可（2026年12月1日至2028年11月30日）" in texts["zh"]
    )
    assert "Cathode material for lithium-ion batteries" in texts["en"]
    final = zh_numeral(5 + len(snapshot["clauses"]))
    assert f"## 第{final}条 合同成立、生效与备案\n" in texts["zh"]
    assert (
        f"## Article {5 + len(snapshot['clauses'])} Formation, effect and recording\n"
        in texts["en"]
    )


@pytest.mark.parametrize("make", [example_snapshot, lump_sum_snapshot])
def test_every_placeholder_is_filled_when_rendered(make: Any) -> None:
    for text in _texts(render_contract(make())).values():
        assert "{{" not in text and "}}" not in text and "{%" not in text and "{#" not in text
        assert "None" not in text and "Undefined" not in text


def test_a_clause_with_an_unknown_placeholder_is_refused_when_rendered() -> None:
    clause = {**CLAUSES[0], "text_zh": "{{ licensee_discount }}"}
    with pytest.raises(Exception, match="licensee_discount"):
        render_contract(example_snapshot(clauses=[clause]))


def test_clause_text_cannot_reach_python_internals_when_rendered() -> None:
    clause = {**CLAUSES[0], "text_en": "{{ licensor_name.__class__.__mro__[1].__subclasses__() }}"}
    with pytest.raises(SecurityError):
        render_contract(example_snapshot(clauses=[clause]))


def test_staged_trial_fee_is_described_in_words_when_rendered() -> None:
    zh, en = _texts(render_contract(example_snapshot())).values()
    assert (
        "分阶段许可（先试用后付费，试用期6个月）：第1阶段（试用期，6个月）：免费，不收取许可使用费。"
        "第2阶段（正式许可期，至许可期限届满）：提成支付：按净销售额的3%按季度提成，"
        "自第2个许可年度起费率为2.5%" in zh
    )
    assert "每个许可年度最低提成费为人民币10,000.00元" in zh
    assert "Staged licence (try before you pay: a 6-month trial period)" in en
    assert "Stage 1 (trial period, “试用期”, 6 months): free of charge" in en
    assert "a royalty of 3% of net sales, reported and paid quarterly" in en
    assert "2.5% from licence year 2" in en


def test_lump_sum_fee_and_its_schedule_row_are_rendered() -> None:
    zh, en = _texts(render_contract(lump_sum_snapshot())).values()
    assert "一次总算、一次总付：许可使用费人民币50,000.00元，于接受许可时支付。" in zh
    assert "A lump sum of CNY 50,000.00, payable on acceptance." in en
    assert "| 1 | 2026年12月1日 | 接受许可时应付款：一次性许可使用费 | 人民币50,000.00元 |" in zh
    assert "| 1 | 1 December 2026 | Due on acceptance: 一次性许可使用费 | CNY 50,000.00 |" in en
    assert "按报告计算" not in zh and "per report" not in en


def test_schedule_rows_show_amounts_or_per_report_when_rendered() -> None:
    zh, en = _texts(render_contract(example_snapshot())).values()
    assert "| 1 | 2026年12月1日 | 接受许可时应付款（第1阶段）：试用期免费 | 人民币0.00元 |" in zh
    assert "| 2 | 2027年10月30日 | 提成费（第2阶段）：2027年第三季度提成 | 按报告计算 |" in zh
    assert (
        "| 3 | 2027年12月31日 | 年度最低提成费（第2阶段）：第1许可年度最低提成费 | "
        "人民币10,000.00元 |" in zh
    )
    assert "| 2 | 30 October 2027 | Royalty (stage 2): 2027年第三季度提成 | per report |" in en
    assert "| 3 | 31 December 2027 | Annual minimum royalty (stage 2)" in en
    assert "固定款项合计：人民币10,000.00元（不含按报告计算的提成费）" in zh
    assert "Total of fixed amounts: CNY 10,000.00 (excluding royalties calculated per report)" in en


def test_schedule_rows_keep_english_descriptions_out_of_the_chinese_version() -> None:
    item = {
        "key": "royalty-s2-p3",
        "kind": "royalty",
        "due_date": "2027-10-30",
        "amount_minor": None,
        "description": "Royalty 3% of net sales, 2027-07-01–2027-09-30",
        "stage_index": 2,
        "period_start": "2027-07-01",
        "period_end": "2027-09-30",
    }
    topup = {**item, "key": "minimum-s2-y1", "kind": "minimum_topup", "amount_minor": 12_345}
    zh, en = _texts(render_contract(example_snapshot(schedule=[item, topup]))).values()
    assert (
        "| 1 | 2027年10月30日 | 提成费（第2阶段）（2027年7月1日至2027年9月30日） | 按报告计算 |"
        in zh
    )
    assert "年度最低提成费补足（第2阶段）" in zh and "人民币123.45元" in zh
    assert "Royalty 3% of net sales" not in zh
    assert (
        "| 1 | 30 October 2027 | Royalty (stage 2) (1 July 2027 to 30 September 2027): "
        "Royalty 3% of net sales, 2027-07-01–2027-09-30 | per report |" in en
    )
    assert "Annual minimum top-up (stage 2)" in en


def test_closing_article_states_formation_effect_and_recording_when_rendered() -> None:
    zh, en = _texts(render_contract(example_snapshot())).values()
    assert "本合同自被许可人的书面通知到达专利权人时成立" in zh
    assert "已通知 → 已付款 → 已生效" in zh
    assert "三个月内" in zh and "第八十七条、第十五条第二款" in zh
    assert "formed when the licensee's written notice reaches the patentee" in en
    assert "notified → paid → effective" in en
    assert "Within three months" in en and "Arts. 87 and 15(2)" in en
    assert "2026年11月23日 09:00:00（UTC+00:00）" in zh
    assert "23 November 2026, 09:00:00 UTC+00:00" in en


def test_rendering_is_deterministic_when_the_snapshot_is_the_same() -> None:
    first = render_contract(example_snapshot())
    again = render_contract(json.loads(json.dumps(example_snapshot())))  # as stored and reloaded
    assert first == again
    assert first.text_zh.encode() == again.text_zh.encode()
    assert first.text_en.encode() == again.text_en.encode()


def test_equal_terms_give_identical_fee_articles_when_licensees_differ() -> None:
    """Rule 14: only the parties differ between two licensees of one declaration version."""
    a = render_contract(example_snapshot())
    b = render_contract(example_snapshot(licensee={"name": "宁波另一家有限公司"}))
    fee = describe_fee_standard(example_snapshot()["declaration"]["terms"], "zh")
    assert f"1. 许可使用费标准：{fee}\n" in a.text_zh
    assert f"1. 许可使用费标准：{fee}\n" in b.text_zh
    assert a.text_zh.replace("杭州某某新材料有限公司", "宁波另一家有限公司") == b.text_zh


# --- fee standards in words ---------------------------------------------------------------------

ROYALTY_UNITS = {
    "base": "units",
    "amount_per_unit_minor": 250,
    "reporting_period": "annual",
    "report_due_days": 60,
}


@pytest.mark.parametrize(
    ("fee", "zh", "en"),
    [
        (
            {"type": "FREE"},
            "免费，不收取许可使用费。",
            "Free of charge (no licence fee is payable).",
        ),
        (
            {**LUMP_SUM, "due_days_after_acceptance": 30},
            "一次总算、一次总付：许可使用费人民币50,000.00元，于接受许可之日起30日内支付。",
            "A lump sum of CNY 50,000.00, payable within 30 days of acceptance.",
        ),
        (
            {
                "type": "INSTALMENTS",
                "instalments": [
                    {"amount_minor": 3_000_000, "due_months_after_acceptance": 0},
                    {"amount_minor": 2_000_000, "due_months_after_acceptance": 12},
                ],
            },
            "一次总算、分期支付：许可使用费总额人民币50,000.00元，分2期支付：第1期人民币30,000.00元，"
            "于接受许可时支付；第2期人民币20,000.00元，于接受许可后12个月支付。",
            "A total of CNY 50,000.00 in 2 instalments: 1st instalment CNY 30,000.00 on "
            "acceptance; 2nd instalment CNY 20,000.00 12 months after acceptance.",
        ),
        (
            {
                "type": "ROYALTY",
                "base": "profit",
                "rate": "0.1",
                "reporting_period": "monthly",
                "report_due_days": 15,
                "payable_on_acceptance_minor": 200_000,
            },
            "提成支付：按利润的10%按月提成；被许可人应于每月结束后15日内提交实施报告并支付提成费；"
            "接受许可时支付人民币2,000.00元。",
            "A royalty of 10% of profit, reported and paid monthly; the use report and royalty for "
            "each month are due within 15 days of its end; CNY 2,000.00 is payable on acceptance.",
        ),
        (
            {"type": "ENTRY_FEE_PLUS_ROYALTY", "entry_fee_minor": 1_000_000, **ROYALTY_UNITS},
            "入门费加提成：接受许可时支付入门费人民币10,000.00元；此后按每件产品人民币2.50元按年度提成；"
            "被许可人应于每年度结束后60日内提交实施报告并支付提成费。",
            "An entry fee of CNY 10,000.00 payable on acceptance, then a royalty of CNY 2.50 per "
            "unit sold, reported and paid annually; the use report and royalty for each year are "
            "due within 60 days of its end.",
        ),
        (
            {
                "type": "STAGED",
                "stages": [
                    {
                        "label": "第1年",
                        "duration_months": 12,
                        "standard": {
                            "type": "ROYALTY",
                            "base": "new_output_value",
                            "rate": "0.015",
                            "payable_on_acceptance_minor": 0,
                        },
                    },
                    {"label": "之后", "duration_months": None, "standard": LUMP_SUM},
                ],
            },
            "分阶段许可：第1阶段（第1年，12个月）：提成支付：按新增产值的1.5%按季度提成；"
            "被许可人应于每季度结束后30日内提交实施报告并支付提成费；本阶段开始时无需支付款项。"
            "第2阶段（之后，至许可期限届满）：一次总算、一次总付：许可使用费人民币50,000.00元，"
            "于本阶段开始时支付。",
            "Staged licence. Stage 1 (“第1年”, 12 months): a royalty of 1.5% of new output value, "
            "reported and paid quarterly; the use report and royalty for each quarter are due "
            "within 30 days of its end; nothing is payable at the start of this stage. Stage 2 "
            "(“之后”, until the licence period ends): a lump sum of CNY 50,000.00, payable at the "
            "start of this stage.",
        ),
    ],
    ids=["free", "lump_sum", "instalments", "royalty", "entry_fee_plus_royalty", "staged"],
)
def test_each_fee_standard_type_is_described_in_both_languages(
    fee: dict[str, Any], zh: str, en: str
) -> None:
    terms = DeclarationTerms.model_validate(
        {"fee_standard": fee, "licence_start": "2026-12-01", "licence_end": "2028-11-30"}
    ).model_dump(mode="json")
    assert describe_fee_standard(terms, "zh") == zh
    assert describe_fee_standard(terms, "en") == en


def test_money_is_formatted_from_minor_units_without_floats() -> None:
    assert format_money(5_000_000, "CNY", "zh") == "人民币50,000.00元"
    assert format_money(5_000_000, "CNY", "en") == "CNY 50,000.00"
    assert format_money(7, "CNY", "en") == "CNY 0.07"
    assert format_money(1234, "JPY", "zh") == "JPY 1,234"
    with pytest.raises(TypeError):
        format_money(50.0, "CNY", "en")  # type: ignore[arg-type]


def test_article_numbers_are_chinese_numerals() -> None:
    assert [zh_numeral(n) for n in (1, 9, 10, 11, 20, 21, 99)] == [
        "一",
        "九",
        "十",
        "十一",
        "二十",
        "二十一",
        "九十九",
    ]


# --- canonical JSON and the seal ---------------------------------------------------------------


def test_canonical_json_is_sorted_compact_utf8() -> None:
    assert canonical_json({"b": 1, "a": ["许可", None, True]}) == (
        '{"a":["许可",null,true],"b":1}'.encode()
    )


@pytest.mark.parametrize("value", [1.0, {"amount": 0.1}, [1, [2.5]], {"a": {"b": [float("nan")]}}])
def test_canonical_json_refuses_floats(value: Any) -> None:
    with pytest.raises(TypeError, match="float"):
        canonical_json(value)


def test_seal_is_stable_sha256_hex_and_verifies() -> None:
    snapshot = example_snapshot()
    rendered = render_contract(snapshot)
    digest = seal(snapshot, rendered)
    assert len(digest) == 64 and int(digest, 16) >= 0
    assert seal(json.loads(json.dumps(snapshot)), render_contract(snapshot)) == digest
    assert verify_seal(snapshot, rendered, digest)
    assert not verify_seal(snapshot, rendered, digest[:-1] + ("0" if digest[-1] != "0" else "1"))
    assert not verify_seal(snapshot, rendered, "")
    assert not verify_seal(snapshot, rendered, "封印" * 32)


def _leaves(obj: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any]]:
    if isinstance(obj, dict):
        return [leaf for k, v in obj.items() for leaf in _leaves(v, (*path, k))]
    if isinstance(obj, list) and obj:
        return [leaf for i, v in enumerate(obj) for leaf in _leaves(v, (*path, i))]
    return [(path, obj)]


def _changed(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        return value + "x"
    if value is None:
        return 0
    if isinstance(value, list):  # an empty list
        return ["x"]
    raise AssertionError(f"unexpected leaf {value!r}")


def test_seal_changes_when_any_snapshot_field_changes() -> None:
    snapshot = example_snapshot()
    rendered = render_contract(snapshot)
    digest = seal(snapshot, rendered)
    leaves = _leaves(snapshot)
    assert len(leaves) > 60
    for path, value in leaves:
        tampered = copy.deepcopy(snapshot)
        target = tampered
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = _changed(value)
        assert seal(tampered, rendered) != digest, path
        assert not verify_seal(tampered, rendered, digest), path


def test_seal_changes_when_any_character_of_either_text_changes() -> None:
    snapshot = example_snapshot()
    rendered = render_contract(snapshot)
    digest = seal(snapshot, rendered)
    for field in ("text_zh", "text_en"):
        text = getattr(rendered, field)
        for i, ch in enumerate(text):
            tampered = text[:i] + ("Ｘ" if ch != "Ｘ" else "Y") + text[i + 1 :]
            other = RenderedContract(**{**rendered.__dict__, field: tampered})
            assert not verify_seal(snapshot, other, digest), (field, i)
        assert not verify_seal(
            snapshot, RenderedContract(**{**rendered.__dict__, field: text + "\n"}), digest
        )


def test_seal_does_not_verify_when_the_languages_are_swapped() -> None:
    snapshot = example_snapshot()
    rendered = render_contract(snapshot)
    swapped = RenderedContract(text_zh=rendered.text_en, text_en=rendered.text_zh)
    assert not verify_seal(snapshot, swapped, seal(snapshot, rendered))


def test_seal_refuses_a_float_in_the_snapshot() -> None:
    snapshot = example_snapshot()
    rendered = render_contract(snapshot)
    digest = seal(snapshot, rendered)
    snapshot["schedule"][2]["amount_minor"] = 10000.0
    with pytest.raises(TypeError):
        seal(snapshot, rendered)
    assert not verify_seal(snapshot, rendered, digest)
