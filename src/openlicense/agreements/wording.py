"""The contract's words: dates, money, rates and the declared fee standard (PL 50) in zh and en.

Pure and deterministic (no locale, no clock): the same terms always read the same, which equal
treatment (rule 14) and the seal both depend on."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openlicense.pricing.money import minor_unit_exponent

LANGS = ("zh", "en")

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


@dataclass(frozen=True)
class _Origin:
    """What relative due dates count from: acceptance, or the start of the stage."""

    zh: str
    en: str
    at_en: str


_ACCEPTANCE = _Origin("接受许可", "acceptance", "on acceptance")
_STAGE_START = _Origin("本阶段开始", "the start of this stage", "at the start of this stage")


def _describe(fs: dict[str, Any], currency: str, lang: str, *, in_stage: bool) -> str:
    origin = _STAGE_START if in_stage else _ACCEPTANCE
    kind = fs["type"]
    if kind == "FREE":
        return (
            "免费，不收取许可使用费"
            if lang == "zh"
            else "free of charge (no licence fee is payable)"
        )
    if kind == "LUMP_SUM":
        return _lump_sum(fs, currency, lang, origin)
    if kind == "INSTALMENTS":
        return _instalments(fs, currency, lang, origin)
    if kind == "ROYALTY":
        upfront = fs["payable_on_acceptance_minor"]
        if lang == "zh":
            head = (
                f"{origin.zh}时无需支付款项"
                if upfront == 0
                else f"{origin.zh}时支付{format_money(upfront, currency, lang)}"
            )
            return f"提成支付：{_royalty(fs, currency, lang)}；{head}"
        head = (
            f"nothing is payable {origin.at_en}"
            if upfront == 0
            else f"{format_money(upfront, currency, lang)} is payable {origin.at_en}"
        )
        return f"{_royalty(fs, currency, lang)}; {head}"
    if kind == "ENTRY_FEE_PLUS_ROYALTY":
        entry = format_money(fs["entry_fee_minor"], currency, lang)
        royalty = _royalty(fs, currency, lang)
        if lang == "zh":
            return f"入门费加提成：{origin.zh}时支付入门费{entry}；此后{royalty}"
        return f"an entry fee of {entry} payable {origin.at_en}, then {royalty}"
    if kind == "STAGED":
        return _staged(fs, currency, lang)
    raise ValueError(f"unknown fee standard type {kind!r}")


def _lump_sum(fs: dict[str, Any], currency: str, lang: str, origin: _Origin) -> str:
    amount = format_money(fs["amount_minor"], currency, lang)
    days = fs.get("due_days_after_acceptance", 0)
    if lang == "zh":
        when = f"于{origin.zh}时支付" if days == 0 else f"于{origin.zh}之日起{days}日内支付"
        return f"一次总算、一次总付：许可使用费{amount}，{when}"
    when = f"payable {origin.at_en}" if days == 0 else f"payable within {days} days of {origin.en}"
    return f"a lump sum of {amount}, {when}"


def _instalments(fs: dict[str, Any], currency: str, lang: str, origin: _Origin) -> str:
    instalments = fs["instalments"]
    total = format_money(sum(i["amount_minor"] for i in instalments), currency, lang)
    parts = []
    for n, inst in enumerate(instalments, start=1):
        amount = format_money(inst["amount_minor"], currency, lang)
        months = inst["due_months_after_acceptance"]
        if lang == "zh":
            when = f"于{origin.zh}时支付" if months == 0 else f"于{origin.zh}后{months}个月支付"
            parts.append(f"第{n}期{amount}，{when}")
        else:
            when = origin.at_en if months == 0 else f"{_months(months, lang)} after {origin.en}"
            parts.append(f"{_ordinal_en(n)} instalment {amount} {when}")
    if lang == "zh":
        return (
            f"一次总算、分期支付：许可使用费总额{total}，分{len(instalments)}期支付："
            + "；".join(parts)
        )
    return f"a total of {total} in {len(instalments)} instalments: " + "; ".join(parts)


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
