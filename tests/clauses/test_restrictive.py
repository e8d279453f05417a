"""Rule 29 (and 19): the paraphrase lint on a table of restrictive and harmless sentences."""

from __future__ import annotations

import pytest

from openlicense.clauses.restrictive import findings

RESTRICTIVE: list[tuple[str, str]] = [
    # own research barred (CC 850)
    ("被许可方不得自行开展相关技术的研究开发。", "own_research_barred"),
    ("被许可方不得研发与本专利相关的技术。", "own_research_barred"),
    ("乙方不得对许可技术进行任何改进或二次开发。", "own_research_barred"),
    ("未经许可方书面同意，被许可方不得从事相关领域的研究。", "own_research_barred"),
    ("被许可方承诺放弃在该领域的自主研发。", "own_research_barred"),
    ("被许可人禁止开展与专利技术相关的试验和研制。", "own_research_barred"),
    ("在许可期内，被许可方不能进行同一技术方向的技术开发。", "own_research_barred"),
    (
        "The licensee shall not conduct its own research on the licensed technology.",
        "own_research_barred",
    ),
    ("Licensee may not develop any technology in the field of the patent.", "own_research_barred"),
    ("The licensee agrees not to engage in R&D relating to the patent.", "own_research_barred"),
    ("Licensee must not experiment with or improve the patented process.", "own_research_barred"),
    (
        "Without the prior consent of the licensor, the licensee may not carry out research.",
        "own_research_barred",
    ),
    # competition barred
    ("被许可方不得使用竞争性技术。", "competition_barred"),
    ("被许可方不得生产或销售同类产品。", "competition_barred"),
    ("The licensee shall not use competing technologies.", "competition_barred"),
    ("Licensee undertakes not to deal with competitors of the licensor.", "competition_barred"),
    # exclusive grant-back (CC 850, 864)
    ("被许可方对专利的改进成果应无偿独占许可给许可方。", "exclusive_grant_back"),
    ("被许可方的全部改进成果归许可方所有。", "exclusive_grant_back"),
    ("乙方的后续改进应转让给甲方。", "exclusive_grant_back"),
    ("被许可方须将改进技术以独占方式回授许可方。", "exclusive_grant_back"),
    ("改进成果由被许可方无偿转让给许可方。", "exclusive_grant_back"),
    (
        "Any improvements made by the licensee shall be assigned to the licensor.",
        "exclusive_grant_back",
    ),
    (
        "The licensee grants the licensor an exclusive licence to all improvements.",
        "exclusive_grant_back",
    ),
    ("All improvements shall belong to the licensor free of charge.", "exclusive_grant_back"),
    ("Licensee shall grant back improvements exclusively.", "exclusive_grant_back"),
    # no-challenge
    ("被许可方不得对本专利的有效性提出异议。", "no_challenge"),
    ("被许可方放弃请求宣告本专利无效的权利。", "no_challenge"),
    ("乙方不得就本专利提出无效宣告请求。", "no_challenge"),
    ("The licensee shall not challenge the validity of the patent.", "no_challenge"),
    ("Licensee waives any right to contest the validity of the licensed patent.", "no_challenge"),
    ("The licensee may not request invalidation of the patent.", "no_challenge"),
    # sublicensing (rule 19)
    ("被许可方可以再许可第三方实施本专利。", "sublicence_granted"),
    ("被许可方有权允许其关联方使用本专利。", "sublicence_granted"),
    ("The licensee may grant sublicences to its customers.", "sublicence_granted"),
]

HARMLESS: list[str] = [
    "被许可方可以自由开展相关技术的研究开发。",
    "许可方不得限制被许可方的研发活动。",
    "本许可不限制被许可方的研究开发。",
    "各方的改进成果归各自所有。",
    "被许可方的改进成果归被许可方所有。",
    "被许可方可将改进成果以非独占方式许可给许可方，许可方应支付合理费用。",
    "被许可方应每季度报告净销售额。",
    "被许可方不得将本专利用于中国境外。",
    "被许可方不得再许可。",
    "许可期限届满后，被许可方应停止使用本专利。",
    "被许可方应按期支付许可使用费。",
    "双方发生争议的，先协商解决。",
    "被许可方有权对本专利的有效性提出异议。",
    "许可方应维持专利有效。",
    "被许可方仅限于自身实施，不得转让本许可。",
    "许可方不得干涉被许可方的技术改进。",
    "本协议适用中华人民共和国法律。",
    "被许可方可以进行研究和试验。",
    "The licensee may conduct its own research and development.",
    "Nothing in these terms restricts the licensee's own research.",
    "The licensor shall not restrict the licensee's development work.",
    "Each party owns its own improvements.",
    "The licensee may offer a non-exclusive licence to its improvements to the licensor.",
    "The licensee shall report net sales every quarter.",
    "The licensee shall not sublicense the patent.",
    "Royalties are payable within 30 days of the end of each quarter.",
    "The licence is non-exclusive and limited to mainland China.",
    "The licensee may challenge the validity of the patent at any time.",
    "The licensor shall keep the patent in force during the licence period.",
    "Disputes are first negotiated, then brought to mediation or court.",
    "Improvements made by the licensee belong to the licensee.",
    "The licensee shall keep accounts open to inspection on notice.",
]


def test_rule_29_tables_are_big_enough() -> None:
    assert len(RESTRICTIVE) >= 30 and len(HARMLESS) >= 30
    assert sum(1 for s, _ in RESTRICTIVE if s.isascii()) >= 10
    assert sum(1 for s in HARMLESS if s.isascii()) >= 10


@pytest.mark.parametrize(("sentence", "meaning"), RESTRICTIVE)
def test_rule_29_restrictive_paraphrases_are_caught(sentence: str, meaning: str) -> None:
    assert meaning in [f.meaning for f in findings(sentence)]


@pytest.mark.parametrize("sentence", HARMLESS)
def test_rule_29_harmless_sentences_pass(sentence: str) -> None:
    assert findings(sentence) == []
