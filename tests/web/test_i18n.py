"""The gettext catalogs: every message of the pages has a zh-CN translation (the check fails
when one is missing), and money, dates and deadlines follow ux.md in both languages."""

from __future__ import annotations

import datetime
import importlib.util
from pathlib import Path

import pytest

from openlicense.web.i18n import negotiate, translator

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "i18n.py"


def _i18n():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("i18n_script", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_page_message_has_a_chinese_translation() -> None:
    assert _i18n().problems() == []


def test_a_missing_translation_is_reported(tmp_path: Path) -> None:
    i18n = _i18n()
    catalog = i18n.read("zh_CN")
    message = next(m for m in catalog if m.id == "Find patents")
    message.string = ""
    i18n.read = lambda locale: catalog  # the check reads this catalog
    assert i18n.problems() == ["untranslated in zh_CN: 'Find patents'"]


@pytest.mark.parametrize(
    ("minor", "zh", "en"),
    [
        (500_000, "¥5,000", "RMB 5,000"),
        (999_999, "¥9,999.99", "RMB 9,999.99"),
        (1_250_000_00, "125 万元", "RMB 1,250,000"),
        (12_500_000, "12.5 万元", "RMB 125,000"),
    ],
)
def test_money_in_yuan_and_wan_yuan(minor: int, zh: str, en: str) -> None:
    assert translator("zh_CN").money(minor) == zh
    assert translator("en").money(minor) == en


def test_dates_and_deadlines_in_both_languages() -> None:
    day, today = datetime.date(2026, 12, 3), datetime.date(2026, 11, 21)
    assert translator("zh_CN").date(day) == "2026年12月3日"
    assert translator("en").date(day) == "3 Dec 2026"
    assert translator("zh_CN").days_left(day, today) == "还有 12 天"
    assert translator("en").days_left(day, today) == "12 days left"
    assert translator("en").days_left(today, day) == "12 days overdue"
    moment = datetime.datetime(2026, 12, 3, 1, 30, tzinfo=datetime.UTC)
    assert translator("zh_CN").moment(moment) == "2026年12月3日 09:30"  # China Standard Time


@pytest.mark.parametrize(
    ("cookie", "header", "locale"),
    [
        (None, None, "zh_CN"),
        (None, "en-GB,en;q=0.9", "en"),
        (None, "fr-FR,en;q=0.5,zh;q=0.8", "zh_CN"),
        ("en", "zh-CN", "en"),
        ("zh-CN", "en", "zh_CN"),
        ("xx", "de", "zh_CN"),
    ],
)
def test_language_negotiation(cookie: str | None, header: str | None, locale: str) -> None:
    assert negotiate(cookie, header) == locale


def test_the_formatters_handle_missing_and_foreign_values() -> None:
    zh, en = translator("zh_CN"), translator("en")
    assert zh.money(None) == en.rate(None) == zh.date(None) == zh.date("") == zh.moment(None) == "—"
    assert "$" in en.money(1250, "USD") and "12.50" in en.money(1250, "USD")
    assert zh.money(123_400) == "¥1,234"  # under 万: yuan with the sign
    assert en.rate("0.035") == "3.5%"
    assert zh.date("2026-12-03") == "2026年12月3日"
    assert zh.date(datetime.datetime(2026, 12, 3, 23, 0)) == "2026年12月3日"
    # stored UTC, shown in China Standard Time; a naive value is taken as UTC
    assert zh.moment(datetime.datetime(2026, 12, 3, 17, 30)) == "2026年12月4日 01:30"
    today = datetime.date(2026, 12, 3)
    assert zh.days_left(None, today) == ""
    assert en.days_left(today, today) == "due today"
    assert en.days_left(today + datetime.timedelta(days=1), today) == "1 day left"
    assert en.days_left(today - datetime.timedelta(days=3), today) == "3 days overdue"
    assert zh.pick(None, "English only") == "English only" and en.pick("中文", None) == "中文"


def test_a_malformed_accept_language_falls_back_sensibly() -> None:
    assert negotiate(None, "en;q=abc, zh-CN;q=0.5") == "zh_CN"  # a bad weight counts as 0
    assert negotiate(None, "fr, de;q=0.9") == "zh_CN"  # nothing we speak: Chinese first
    assert negotiate(None, "en-GB;q=0.8, zh;q=0.2") == "en"
