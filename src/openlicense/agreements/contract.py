"""Open-licence contract text (ZH + EN) rendered from a sealed snapshot, and its SHA-256 seal.

Pure: no database, no clock. An agreement is sealed from a *snapshot* — a plain JSON-able dict
(dates as ISO strings, money as int minor units) holding the declaration version and its terms,
the patent, the parties, the written notice, the payment schedule and the clause versions. The
same snapshot always renders to byte-identical text (equal treatment, rule 14), and the seal
binds the snapshot to that text, so neither can change unnoticed.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from openlicense.core.canonical import canonical_json
from openlicense.pricing.money import minor_unit_exponent

__all__ = [
    "SEAL_VERSION",
    "RenderedContract",
    "clause_context",
    "describe_fee_standard",
    "format_date",
    "format_money",
    "render_contract",
    "seal",
    "verify_seal",
]

SEAL_VERSION = 1
TEMPLATES_DIR = Path(__file__).parent / "templates"
LANGS = ("zh", "en")

CLAUSE_DEFAULTS: dict[str, dict[str, Any]] = {
    "zh": {
        "confidentiality_years": 3,
        "publication_review_days": 60,
        "arbitration_commission": "中国国际经济贸易仲裁委员会",
    },
    "en": {
        "confidentiality_years": 3,
        "publication_review_days": 60,
        "arbitration_commission": "CIETAC",
    },
}
"""Values of the clause placeholders that the platform fixes for every open licence."""


# --- canonical JSON and the seal -------------------------------------------------------------


@dataclass(frozen=True)
class RenderedContract:
    text_zh: str
    text_en: str


def seal(snapshot: dict[str, Any], rendered: RenderedContract) -> str:
    """SHA-256 (hex) over the snapshot and both texts: any change to either breaks it."""
    payload = {
        "snapshot": snapshot,
        "text_zh": rendered.text_zh,
        "text_en": rendered.text_en,
        "seal_version": SEAL_VERSION,
    }
    return hashlib.sha256(canonical_json(payload)).hexdigest()


def verify_seal(snapshot: dict[str, Any], rendered: RenderedContract, expected: str) -> bool:
    try:
        actual = seal(snapshot, rendered)
    except TypeError:  # a float crept into a stored snapshot: it cannot match any seal
        return False
    return hmac.compare_digest(actual.encode("ascii"), expected.encode("utf-8"))


# --- formatting --------------------------------------------------------------------------------

_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_ZH_DIGITS = "零一二三四五六七八九"


def format_date(value: str, lang: str) -> str:
    """`2026-12-01` → `2026年12月1日` / `1 December 2026` (no locale: deterministic)."""
    d = datetime.date.fromisoformat(value)
    if lang == "zh":
        return f"{d.year}年{d.month}月{d.day}日"
    return f"{d.day} {_MONTHS_EN[d.month - 1]} {d.year}"


def format_datetime(value: str, lang: str) -> str:
    """An ISO timestamp with its own offset, e.g. `2026年11月23日 09:00:00（UTC+00:00）`."""
    dt = datetime.datetime.fromisoformat(value)
    offset = dt.strftime("%z")
    zone = f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"
    clock = dt.strftime("%H:%M:%S")
    if lang == "zh":
        return f"{format_date(dt.date().isoformat(), 'zh')} {clock}（{zone}）"
    return f"{format_date(dt.date().isoformat(), 'en')}, {clock} {zone}"


def format_money(amount_minor: int, currency: str, lang: str) -> str:
    """`人民币5,000.00元` / `CNY 5,000.00`; other currencies as `USD 5,000.00` in both."""
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int):
        raise TypeError(f"money must be int minor units, got {type(amount_minor).__name__}")
    exponent = minor_unit_exponent(currency)
    units, fraction = divmod(abs(amount_minor), 10**exponent)
    number = ("-" if amount_minor < 0 else "") + f"{units:,}"
    if exponent:
        number += f".{fraction:0{exponent}d}"
    if lang == "zh" and currency == "CNY":
        return f"人民币{number}元"
    return f"{currency} {number}"


def format_rate(rate: str) -> str:
    """A decimal fraction as a percentage without float noise: `"0.025"` → `2.5%`."""
    percent = (Decimal(rate) * 100).normalize()
    return f"{percent:f}%"


def zh_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 21 → 二十一, 99 → 九十九 (article numbers)."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else f"{_ZH_DIGITS[tens]}十")
    return head + (_ZH_DIGITS[ones] if ones else "")


def _ordinal_en(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _months(n: int, lang: str) -> str:
    if lang == "zh":
        return f"{n}个月"
    return f"{n} month" + ("" if n == 1 else "s")


# --- fee standards in words ------------------------------------------------------------------

_BASE = {
    "zh": {
        "net_sales": "净销售额",
        "profit": "利润",
        "units": "产品数量",
        "new_output_value": "新增产值",
    },
    "en": {
        "net_sales": "net sales",
        "profit": "profit",
        "units": "units sold",
        "new_output_value": "new output value",
    },
}
_PERIOD = {
    "zh": {"monthly": "按月", "quarterly": "按季度", "annual": "按年度"},
    "en": {"monthly": "monthly", "quarterly": "quarterly", "annual": "annually"},
}
_PERIOD_NOUN = {
    "zh": {"monthly": "每月", "quarterly": "每季度", "annual": "每年度"},
    "en": {"monthly": "month", "quarterly": "quarter", "annual": "year"},
}


def _royalty(fs: dict[str, Any], currency: str, lang: str) -> str:
    base = fs["base"]
    period = fs.get("reporting_period", "quarterly")
    due_days = fs.get("report_due_days", 30)
    steps = fs.get("rate_steps") or []
    minimum = fs.get("annual_minimum_minor")
    if lang == "zh":
        if base == "units":
            price = format_money(fs["amount_per_unit_minor"], currency, lang)
            text = f"按每件产品{price}{_PERIOD[lang][period]}提成"
        else:
            text = f"按{_BASE[lang][base]}的{format_rate(fs['rate'])}{_PERIOD[lang][period]}提成"
        for step in steps:
            text += f"，自第{step['from_year']}个许可年度起费率为{format_rate(step['rate'])}"
        noun = _PERIOD_NOUN[lang][period]
        text += f"；被许可人应于{noun}结束后{due_days}日内提交实施报告并支付提成费"
        if minimum is not None:
            text += f"；每个许可年度最低提成费为{format_money(minimum, currency, lang)}"
        return text
    if base == "units":
        price = format_money(fs["amount_per_unit_minor"], currency, lang)
        text = f"a royalty of {price} per unit sold, reported and paid {_PERIOD[lang][period]}"
    else:
        rate = format_rate(fs["rate"])
        text = (
            f"a royalty of {rate} of {_BASE[lang][base]}, reported and paid {_PERIOD[lang][period]}"
        )
    for step in steps:
        text += f", {format_rate(step['rate'])} from licence year {step['from_year']}"
    noun = _PERIOD_NOUN[lang][period]
    text += (
        f"; the use report and royalty for each {noun} are due within {due_days} days of its end"
    )
    if minimum is not None:
        floor = format_money(minimum, currency, lang)
        text += f"; the minimum royalty for each licence year is {floor}"
    return text


def _describe(fs: dict[str, Any], currency: str, lang: str, *, in_stage: bool) -> str:
    kind = fs["type"]
    zh = lang == "zh"
    # Inside a stage, relative due dates count from the start of that stage.
    origin_zh = "本阶段开始" if in_stage else "接受许可"
    origin_en = "the start of this stage" if in_stage else "acceptance"
    at_en = "at the start of this stage" if in_stage else "on acceptance"
    if kind == "FREE":
        return "免费，不收取许可使用费" if zh else "free of charge (no licence fee is payable)"
    if kind == "LUMP_SUM":
        amount = format_money(fs["amount_minor"], currency, lang)
        days = fs.get("due_days_after_acceptance", 0)
        if zh:
            when = f"于{origin_zh}时支付" if days == 0 else f"于{origin_zh}之日起{days}日内支付"
            return f"一次总算、一次总付：许可使用费{amount}，{when}"
        when = f"payable {at_en}" if days == 0 else f"payable within {days} days of {origin_en}"
        return f"a lump sum of {amount}, {when}"
    if kind == "INSTALMENTS":
        instalments = fs["instalments"]
        total = format_money(sum(i["amount_minor"] for i in instalments), currency, lang)
        parts = []
        for n, inst in enumerate(instalments, start=1):
            amount = format_money(inst["amount_minor"], currency, lang)
            months = inst["due_months_after_acceptance"]
            if zh:
                when = f"于{origin_zh}时支付" if months == 0 else f"于{origin_zh}后{months}个月支付"
                parts.append(f"第{n}期{amount}，{when}")
            else:
                when = at_en if months == 0 else f"{_months(months, lang)} after {origin_en}"
                parts.append(f"{_ordinal_en(n)} instalment {amount} {when}")
        if zh:
            return (
                f"一次总算、分期支付：许可使用费总额{total}，分{len(instalments)}期支付："
                + "；".join(parts)
            )
        return f"a total of {total} in {len(instalments)} instalments: " + "; ".join(parts)
    if kind == "ROYALTY":
        upfront = fs["payable_on_acceptance_minor"]
        if zh:
            head = (
                f"{origin_zh}时无需支付款项"
                if upfront == 0
                else f"{origin_zh}时支付{format_money(upfront, currency, lang)}"
            )
            return f"提成支付：{_royalty(fs, currency, lang)}；{head}"
        head = (
            f"nothing is payable {at_en}"
            if upfront == 0
            else f"{format_money(upfront, currency, lang)} is payable {at_en}"
        )
        return f"{_royalty(fs, currency, lang)}; {head}"
    if kind == "ENTRY_FEE_PLUS_ROYALTY":
        entry = format_money(fs["entry_fee_minor"], currency, lang)
        if zh:
            return (
                f"入门费加提成：{origin_zh}时支付入门费{entry}；此后{_royalty(fs, currency, lang)}"
            )
        return f"an entry fee of {entry} payable {at_en}, then {_royalty(fs, currency, lang)}"
    if kind == "STAGED":
        return _staged(fs, currency, lang)
    raise ValueError(f"unknown fee standard type {kind!r}")


def _staged(fs: dict[str, Any], currency: str, lang: str) -> str:
    stages = fs["stages"]
    trial = stages[0]["standard"]["type"] == "FREE"
    parts = []
    for n, stage in enumerate(stages, start=1):
        months = stage.get("duration_months")
        desc = _describe(stage["standard"], currency, lang, in_stage=True)
        if lang == "zh":
            span = _months(months, lang) if months else "至许可期限届满"
            tag = "试用期，" if n == 1 and trial and "试用" not in stage["label"] else ""
            parts.append(f"第{n}阶段（{tag}{stage['label']}，{span}）：{desc}")
        else:
            span = _months(months, lang) if months else "until the licence period ends"
            tag = (
                "trial period, "
                if n == 1 and trial and "trial" not in stage["label"].lower()
                else ""
            )
            parts.append(f"Stage {n} ({tag}“{stage['label']}”, {span}): {desc}")
    if lang == "zh":
        head = "分阶段许可"
        if trial:
            head += f"（先试用后付费，试用期{_months(stages[0]['duration_months'], lang)}）"
        return f"{head}：" + "。".join(parts)  # stages contain "；" themselves
    head = "Staged licence"
    if trial:
        head += f" (try before you pay: a {stages[0]['duration_months']}-month trial period)"
    return f"{head}. " + ". ".join(parts)


def describe_fee_standard(terms: dict[str, Any], lang: str) -> str:
    """The declared fee method and standard (PL 50) in words, from the terms JSON.

    `terms` is the `DeclarationTerms` JSON (its `fee_standard` and `currency` are used). The text
    is generated, never typed, so every licensee of a version reads the same words."""
    if lang not in LANGS:
        raise ValueError(f"unsupported language {lang!r}")
    text = _describe(terms["fee_standard"], terms.get("currency", "CNY"), lang, in_stage=False)
    if lang == "en":
        text = text[0].upper() + text[1:]
    return text + ("。" if lang == "zh" else ".")


# --- rendering -----------------------------------------------------------------------------------

_PATENT_TYPE = {
    "zh": {"invention": "发明专利", "utility_model": "实用新型专利", "design": "外观设计专利"},
    "en": {
        "invention": "invention patent",
        "utility_model": "utility model patent",
        "design": "design patent",
    },
}
_CHANNEL = {
    "zh": {"bank_transfer": "银行转账", "online": "平台在线支付"},
    "en": {"bank_transfer": "bank transfer", "online": "online payment through the platform"},
}
_TERRITORY = {"zh": {"CN-mainland": "中国大陆"}, "en": {"CN-mainland": "mainland China"}}
_SCHEDULE_KIND = {
    "zh": {
        "acceptance": "接受许可时应付款",
        "lump_sum": "一次性许可使用费",
        "instalment": "分期许可使用费",
        "entry_fee": "入门费",
        "royalty": "提成费",
        "minimum": "年度最低提成费",
        "minimum_topup": "年度最低提成费补足",
        "annual_minimum": "年度最低提成费",
        "stage": "阶段许可使用费",
    },
    "en": {
        "acceptance": "Due on acceptance",
        "lump_sum": "Lump-sum licence fee",
        "instalment": "Instalment",
        "entry_fee": "Entry fee",
        "royalty": "Royalty",
        "minimum": "Annual minimum royalty",
        "minimum_topup": "Annual minimum top-up",
        "annual_minimum": "Annual minimum royalty",
        "stage": "Stage fee",
    },
}


def _template_env() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        undefined=StrictUndefined,
        autoescape=False,  # noqa: S701 — plain text, not HTML
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


# Clause texts come from the catalogue (editable data): render them sandboxed.
_CLAUSE_ENV = SandboxedEnvironment(
    undefined=StrictUndefined,
    autoescape=False,
    keep_trailing_newline=False,
)
_ENV = _template_env()


def clause_context(snapshot: dict[str, Any], lang: str) -> dict[str, Any]:
    """The placeholders a clause text may use, in the clause's language."""
    licensor, licensee, patent = snapshot["licensor"], snapshot["licensee"], snapshot["patent"]
    terms = snapshot["declaration"]["terms"]
    zh = lang == "zh"
    return {
        "licensor_name": licensor["name"] if zh else (licensor.get("name_en") or licensor["name"]),
        "licensee_name": licensee["name"] if zh else (licensee.get("name_en") or licensee["name"]),
        "patent_number": patent["patent_number"],
        "patent_title": patent["title_zh"]
        if zh
        else (patent.get("title_en") or patent["title_zh"]),
        "licence_start": format_date(snapshot["licence"]["start"], lang),
        "licence_end": format_date(snapshot["licence"]["end"], lang),
        "fee_standard_zh": describe_fee_standard(terms, "zh"),
        "fee_standard_en": describe_fee_standard(terms, "en"),
        **CLAUSE_DEFAULTS[lang],
    }


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" for ch in text)


def _schedule_rows(snapshot: dict[str, Any], lang: str) -> list[dict[str, str]]:
    terms = snapshot["declaration"]["terms"]
    currency = terms.get("currency", "CNY")
    staged = terms["fee_standard"]["type"] == "STAGED"
    rows = []
    for n, item in enumerate(snapshot["schedule"], start=1):
        label = _SCHEDULE_KIND[lang].get(item["kind"], item["kind"])
        stage = item.get("stage_index")
        if staged and stage is not None:
            label += f"（第{stage}阶段）" if lang == "zh" else f" (stage {stage})"
        if item.get("period_start") and item.get("period_end"):
            start, end = (format_date(item[k], lang) for k in ("period_start", "period_end"))
            label += f"（{start}至{end}）" if lang == "zh" else f" ({start} to {end})"
        description = item.get("description") or ""
        # The schedule's descriptions are English (pricing.schedule); the Chinese version keeps
        # only Chinese ones, so it never mixes in an English sentence.
        if description and (lang == "en" or _has_cjk(description)):
            label += ("：" if lang == "zh" else ": ") + description
        amount = item.get("amount_minor")
        if amount is None:
            shown = "按报告计算" if lang == "zh" else "per report"
        else:
            shown = format_money(amount, currency, lang)
        rows.append(
            {
                "n": str(n),
                "due_date": format_date(item["due_date"], lang),
                "item": label.replace("|", "/"),  # keep the Markdown table intact
                "amount": shown,
            }
        )
    return rows


def _context(snapshot: dict[str, Any], lang: str) -> dict[str, Any]:
    decl, patent = snapshot["declaration"], snapshot["patent"]
    licensor, licensee, notice = snapshot["licensor"], snapshot["licensee"], snapshot["notice"]
    terms = decl["terms"]
    zh = lang == "zh"
    currency = terms.get("currency", "CNY")
    known = [i["amount_minor"] for i in snapshot["schedule"] if i.get("amount_minor") is not None]
    clauses_ctx = clause_context(snapshot, lang)
    clauses = []
    for clause in snapshot["clauses"]:
        text = _CLAUSE_ENV.from_string(clause[f"text_{lang}"]).render(clauses_ctx)
        clauses.append(
            {
                "key": clause["key"],
                "option": clause["option"],
                "version": clause["version"],
                "title": clause[f"title_{lang}"],
                "text": text.strip(),
                "legal_anchor": clause.get("legal_anchor") or "",
            }
        )
    fixed_articles = 4  # parties, patent, scope and period, fee
    numbers = [zh_numeral(n) if zh else str(n) for n in range(1, fixed_articles + len(clauses) + 2)]
    return {
        "agreement_id": snapshot["agreement_id"],
        "agreement_number": snapshot["agreement_number"],
        "declaration": {
            "id": decl["id"],
            "version": decl["version"],
            "terms_hash": decl["terms_hash"],
            "announcement_ref": decl["announcement_ref"],
            "announcement_date": format_date(decl["announcement_date"], lang),
        },
        "patent": {
            "application_number": patent["application_number"],
            "patent_number": patent["patent_number"],
            "type": _PATENT_TYPE[lang].get(patent["patent_type"], patent["patent_type"]),
            "title": clauses_ctx["patent_title"],
            "title_zh": patent["title_zh"],
            "filing_date": (
                format_date(patent["filing_date"], lang) if patent.get("filing_date") else ""
            ),
            "grant_date": (
                format_date(patent["grant_date"], lang) if patent.get("grant_date") else ""
            ),
            "expiry_date": format_date(patent["expiry_date"], lang),
            "ipc_codes": ("、" if zh else ", ").join(patent.get("ipc_codes") or []),
        },
        "licensor": {
            "name": clauses_ctx["licensor_name"],
            "name_zh": licensor["name"],
            "patentees": ("、" if zh else "; ").join(
                licensor.get("patentees") or [licensor["name"]]
            ),
        },
        "licensee": {
            "name": clauses_ctx["licensee_name"],
            "name_zh": licensee["name"],
            "credit_code": licensee.get("credit_code") or "",
            "province": licensee.get("province") or "",
        },
        "notice": {
            "user_name": notice.get("user_name") or "",
            "user_email": notice.get("user_email") or "",
            "notified_at": format_datetime(notice["notified_at"], lang),
            "ip": notice.get("ip") or "",
            "user_agent": notice.get("user_agent") or "",
        },
        "licence": {
            "start": format_date(snapshot["licence"]["start"], lang),
            "end": format_date(snapshot["licence"]["end"], lang),
        },
        "terms": {
            "currency": currency,
            "territory": _TERRITORY[lang].get(
                terms.get("territory", "CN-mainland"), terms.get("territory")
            ),
            "field_of_use": terms.get("field_of_use") or "",
            "other_terms": terms.get("other_terms") or "",
            "payment_channels": ("、" if zh else ", ").join(
                _CHANNEL[lang].get(c, c) for c in terms.get("payment_channels") or []
            ),
        },
        "fee_standard": clauses_ctx[f"fee_standard_{lang}"],
        "schedule": _schedule_rows(snapshot, lang),
        "schedule_total": format_money(sum(known), currency, lang),
        "schedule_has_reports": len(known) < len(snapshot["schedule"]),
        "clauses": clauses,
        "numbers": numbers,
    }


def render_contract(snapshot: dict[str, Any]) -> RenderedContract:
    """Both language versions from the snapshot alone: same snapshot → byte-identical text."""
    texts = {
        lang: _ENV.get_template(f"contract_{lang}.md.j2").render(_context(snapshot, lang))
        for lang in LANGS
    }
    return RenderedContract(text_zh=texts["zh"], text_en=texts["en"])
