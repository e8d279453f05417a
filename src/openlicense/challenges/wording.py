"""The text of a cooperation agreement (ZH and EN), rendered from its snapshot. Pure.

The same snapshot always gives the same text; the seal (agreements.contract.seal_payload) binds
the two. Clause texts come from the guideline's clause library, rendered sandboxed like every
open licence (agreements.contract.render_clause_text). 甲方 is the enterprise, 乙方 the
university, as the guideline's instructions for use say."""

from __future__ import annotations

from typing import Any

from openlicense.agreements.contract import format_date, format_money, render_clause_text

_KIND = {
    "zh": {"commissioned": "委托开发", "joint": "合作开发"},
    "en": {"commissioned": "commissioned development", "joint": "joint development"},
}


def clause_context(snapshot: dict[str, Any], lang: str) -> dict[str, Any]:
    """Values of the library's placeholders in a cooperation agreement."""
    zh = lang == "zh"
    parties, challenge = snapshot["parties"], snapshot["challenge"]
    milestones = snapshot["milestones"]

    def name(party: dict[str, Any]) -> str:
        return str(party["name"] if zh else (party.get("name_en") or party["name"]))

    return {
        "licensor_name": name(parties["university"]),
        "licensee_name": name(parties["enterprise"]),
        "patent_number": "（合作成果）" if zh else "(results of the cooperation)",
        "patent_title": challenge["title"],
        "licence_start": format_date(snapshot["made_on"], lang),
        "licence_end": format_date(milestones[-1]["due_on"], lang),
        "fee_standard_zh": format_money(
            snapshot["price"]["amount_minor"], snapshot["price"]["currency"], "zh"
        ),
        "fee_standard_en": format_money(
            snapshot["price"]["amount_minor"], snapshot["price"]["currency"], "en"
        ),
        "confidentiality_years": 3,
        "publication_review_days": 60,
        "arbitration_commission": "中国国际经济贸易仲裁委员会" if zh else "CIETAC",
    }


def render(snapshot: dict[str, Any], lang: str) -> str:
    """The agreement's text in `lang` (zh or en): heading, goals, team, price, milestones, then
    the guideline clauses of the sealed clause set."""
    zh = lang == "zh"
    price = snapshot["price"]
    lines = _heading_zh(snapshot) if zh else _heading_en(snapshot)
    for i, m in enumerate(snapshot["milestones"], start=1):
        due = format_date(m["due_on"], lang)
        amount = format_money(m["amount_minor"], price["currency"], lang)
        lines.append(f"{i}. {m['title']} — {due} — {amount}")
    lines += [
        "",
        "## 六、知识产权条款（《产学研合作协议知识产权相关条款制定指引（试行）》）"
        if zh
        else "## 6. IP clauses (CNIPA/MOE/MOST guideline on industry–university agreements)",
    ]
    context = clause_context(snapshot, lang)
    for i, clause in enumerate(snapshot["clauses"], start=1):
        title = clause["title_zh"] if zh else clause["title_en"]
        text = render_clause_text(clause["text_zh"] if zh else clause["text_en"], context)
        lines += ["", f"### 6.{i} {title}", text]
    return "\n".join(lines).rstrip() + "\n"


def _heading_zh(snapshot: dict[str, Any]) -> list[str]:
    parties, challenge, price = snapshot["parties"], snapshot["challenge"], snapshot["price"]
    return [
        f"# 产学研合作协议（{_KIND['zh'][snapshot['kind']]}）",
        f"协议编号：{snapshot['number']}",
        f"甲方（企业）：{parties['enterprise']['name']}",
        f"乙方（高校）：{parties['university']['name']}",
        f"项目（揭榜挂帅）：{challenge['title']}",
        "",
        "## 一、项目目标",
        challenge["goals"],
        "",
        "## 二、验收标准",
        challenge["acceptance_criteria"],
        "",
        "## 三、团队",
        *[
            f"- {m['name']}" + (f"（{m['title']}）" if m.get("title") else "")
            for m in snapshot["team"]
        ],
        "",
        f"## 四、合同价款：{format_money(price['amount_minor'], price['currency'], 'zh')}",
        "",
        "## 五、里程碑",
    ]


def _heading_en(snapshot: dict[str, Any]) -> list[str]:
    parties, challenge, price = snapshot["parties"], snapshot["challenge"], snapshot["price"]
    return [
        f"# Industry–university cooperation agreement ({_KIND['en'][snapshot['kind']]})",
        f"Agreement number: {snapshot['number']}",
        f"Party A (enterprise): {_en(parties['enterprise'])}",
        f"Party B (university): {_en(parties['university'])}",
        f"Project (challenge): {challenge['title']}",
        "",
        "## 1. Goals",
        challenge["goals"],
        "",
        "## 2. Acceptance criteria",
        challenge["acceptance_criteria"],
        "",
        "## 3. Team",
        *[
            f"- {m['name']}" + (f" ({m['title']})" if m.get("title") else "")
            for m in snapshot["team"]
        ],
        "",
        f"## 4. Price: {format_money(price['amount_minor'], price['currency'], 'en')}",
        "",
        "## 5. Milestones",
    ]


def _en(party: dict[str, Any]) -> str:
    return str(party.get("name_en") or party["name"])
