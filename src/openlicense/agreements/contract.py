"""Open-licence contract text (ZH + EN) rendered from a sealed snapshot, and its SHA-256 seal.

Pure: no database, no clock. An agreement is sealed from a *snapshot* — a plain JSON-able dict
(dates as ISO strings, money as int minor units) holding the declaration version and its terms,
the patent, the parties, the written notice, the payment schedule and the clause versions. The
same snapshot always renders to byte-identical text (equal treatment, rule 14), and the seal
binds the snapshot to that text, so neither can change unnoticed.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template
from jinja2.sandbox import SandboxedEnvironment

from openlicense.agreements.sealed import PatentPart, Snapshot
from openlicense.agreements.wording import (
    LANGS,
    describe_fee_standard,
    format_date,
    format_datetime,
    format_money,
    zh_numeral,
)
from openlicense.core.canonical import canonical_json

__all__ = [
    "SEAL_VERSION",
    "RenderedContract",
    "clause_context",
    "describe_fee_standard",
    "format_date",
    "format_money",
    "render_clause_text",
    "render_contract",
    "seal",
    "seal_payload",
    "verify_seal",
]

SEAL_VERSION = 1
TEMPLATES_DIR = Path(__file__).parent / "templates"

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


def seal(snapshot: Snapshot, rendered: RenderedContract) -> str:
    """SHA-256 (hex) over the snapshot and both texts: any change to either breaks it."""
    return seal_payload(snapshot, rendered)


def seal_payload(snapshot: Mapping[str, Any], rendered: RenderedContract) -> str:
    """The seal of any sealed document (an open licence's snapshot, or a cooperation agreement's
    from the challenges domain): SHA-256 over canonical JSON of the snapshot, both texts and the
    seal version."""
    payload = {
        "snapshot": snapshot,
        "text_zh": rendered.text_zh,
        "text_en": rendered.text_en,
        "seal_version": SEAL_VERSION,
    }
    return hashlib.sha256(canonical_json(payload)).hexdigest()


def render_clause_text(text: str, context: Mapping[str, Any]) -> str:
    """One library clause text with its placeholders filled, rendered sandboxed as in every
    contract."""
    return _clause_template(text).render(context).strip()


def verify_seal(snapshot: Snapshot, rendered: RenderedContract, expected: str) -> bool:
    try:
        actual = seal(snapshot, rendered)
    except TypeError:  # a float crept into a stored snapshot: it cannot match any seal
        return False
    return hmac.compare_digest(actual.encode("ascii"), expected.encode("utf-8"))


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


def clause_context(snapshot: Snapshot, lang: str) -> dict[str, Any]:
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


def _schedule_rows(snapshot: Snapshot, lang: str) -> list[dict[str, str]]:
    terms = snapshot["declaration"]["terms"]
    currency = terms.get("currency", "CNY")
    staged = terms["fee_standard"]["type"] == "STAGED"
    rows = []
    for n, item in enumerate(snapshot["schedule"], start=1):
        label = _SCHEDULE_KIND[lang].get(item["kind"], item["kind"])
        stage = item.get("stage_index")
        if staged and stage is not None:
            label += f"（第{stage}阶段）" if lang == "zh" else f" (stage {stage})"
        period_start, period_end = item.get("period_start"), item.get("period_end")
        if period_start and period_end:
            start, end = format_date(period_start, lang), format_date(period_end, lang)
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


def _clauses(snapshot: Snapshot, lang: str, context: dict[str, Any]) -> list[dict[str, Any]]:
    zh = lang == "zh"
    return [
        {
            "key": clause["key"],
            "option": clause["option"],
            "version": clause["version"],
            "title": clause["title_zh"] if zh else clause["title_en"],
            "text": _clause_template(clause["text_zh"] if zh else clause["text_en"])
            .render(context)
            .strip(),
            "legal_anchor": clause.get("legal_anchor") or "",
        }
        for clause in snapshot["clauses"]
    ]


@lru_cache(maxsize=2048)
def _clause_template(text: str) -> Template:
    """Clause texts come from a versioned, immutable library: compile each once, not per
    acceptance (compiling was a third of an acceptance's CPU)."""
    return _CLAUSE_ENV.from_string(text)


def _patent_context(patent: PatentPart, lang: str, title: str) -> dict[str, str]:
    def day(value: str | None) -> str:
        return format_date(value, lang) if value else ""

    return {
        "application_number": patent["application_number"],
        "patent_number": patent["patent_number"] or "",
        "type": _PATENT_TYPE[lang].get(patent["patent_type"], patent["patent_type"]),
        "title": title,
        "title_zh": patent["title_zh"],
        "filing_date": day(patent.get("filing_date")),
        "grant_date": day(patent.get("grant_date")),
        "expiry_date": format_date(patent["expiry_date"], lang),
        "ipc_codes": ("、" if lang == "zh" else ", ").join(patent.get("ipc_codes") or []),
    }


def _parties_context(snapshot: Snapshot, lang: str, names: dict[str, Any]) -> dict[str, Any]:
    licensor, licensee, notice = snapshot["licensor"], snapshot["licensee"], snapshot["notice"]
    return {
        "licensor": {
            "name": names["licensor_name"],
            "name_zh": licensor["name"],
            "patentees": ("、" if lang == "zh" else "; ").join(
                licensor.get("patentees") or [licensor["name"]]
            ),
        },
        "licensee": {
            "name": names["licensee_name"],
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
    }


def _terms_context(terms: dict[str, Any], lang: str) -> dict[str, str]:
    sep = "、" if lang == "zh" else ", "
    territory = terms.get("territory", "CN-mainland")
    return {
        "currency": terms.get("currency", "CNY"),
        "territory": _TERRITORY[lang].get(territory, territory),
        "field_of_use": terms.get("field_of_use") or "",
        "other_terms": terms.get("other_terms") or "",
        "payment_channels": sep.join(
            _CHANNEL[lang].get(c, c) for c in terms.get("payment_channels") or []
        ),
    }


def _context(snapshot: Snapshot, lang: str) -> dict[str, Any]:
    decl = snapshot["declaration"]
    terms = decl["terms"]
    currency = terms.get("currency", "CNY")
    known = [a for i in snapshot["schedule"] if (a := i.get("amount_minor")) is not None]
    names = clause_context(snapshot, lang)
    clauses = _clauses(snapshot, lang, names)
    fixed_articles = 4  # parties, patent, scope and period, fee
    count = fixed_articles + len(clauses) + 2
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
        "patent": _patent_context(snapshot["patent"], lang, names["patent_title"]),
        **_parties_context(snapshot, lang, names),
        "licence": {
            "start": format_date(snapshot["licence"]["start"], lang),
            "end": format_date(snapshot["licence"]["end"], lang),
        },
        "terms": _terms_context(terms, lang),
        "fee_standard": names[f"fee_standard_{lang}"],
        "schedule": _schedule_rows(snapshot, lang),
        "schedule_total": format_money(sum(known), currency, lang),
        "schedule_has_reports": len(known) < len(snapshot["schedule"]),
        "clauses": clauses,
        "numbers": [zh_numeral(n) if lang == "zh" else str(n) for n in range(1, count)],
    }


def render_contract(snapshot: Snapshot) -> RenderedContract:
    """Both language versions from the snapshot alone: same snapshot → byte-identical text."""
    texts = {
        lang: _ENV.get_template(f"contract_{lang}.md.j2").render(_context(snapshot, lang))
        for lang in LANGS
    }
    return RenderedContract(text_zh=texts["zh"], text_en=texts["en"])
