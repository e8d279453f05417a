"""Languages of the pages: zh-CN first, en second, from gettext catalogs (Babel).

The catalogs are `src/openlicense/locale/<locale>/LC_MESSAGES/messages.po`, compiled in memory at
start-up (no .mo files to go stale). The language is the `lang` cookie set by the switch in the
header, else the best match of `Accept-Language`, else zh-CN. Numbers, money and dates are
formatted with Babel per `../shared/docs/ux.md`: `¥5,000` and `12.5 万元` in Chinese, `RMB 125,000`
in English; `2026年12月3日` and `3 Dec 2026`; times in China Standard Time.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, Final

from babel import Locale
from babel.dates import format_date, format_datetime, get_timezone
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal, format_percent
from babel.support import Translations

from openlicense.pricing.money import minor_unit_exponent

LOCALE_DIR: Final = Path(__file__).resolve().parents[1] / "locale"
DOMAIN: Final = "messages"
DEFAULT: Final = "zh_CN"
LOCALES: Final = ("zh_CN", "en")
"""Babel locale identifiers, Chinese first."""
TAGS: Final = {"zh_CN": "zh-CN", "en": "en"}
"""BCP 47 tags for `<html lang>`, `hreflang` and the cookie."""
COOKIE: Final = "lang"
CHINA_TIME: Final = "Asia/Shanghai"
WAN: Final = Decimal(10_000)


def N_(message: str) -> str:
    """Mark a message for extraction without translating it now (tables of messages)."""
    return message


@cache
def catalogs() -> dict[str, Translations]:
    """Each locale's compiled catalog, read once."""
    out = {}
    for locale in LOCALES:
        path = LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
        with path.open("rb") as f:
            catalog = read_po(f, locale=locale)
        buffer = io.BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        buffer.seek(0)
        out[locale] = Translations(buffer, domain=DOMAIN)
    return out


def from_tag(tag: str | None) -> str | None:
    """`zh-CN`, `zh_cn`, `zh-Hans-CN`, `zh` → zh_CN; `en-GB` → en; anything else → None."""
    if not tag:
        return None
    lowered = tag.strip().lower().replace("_", "-")
    if lowered.startswith("zh"):
        return "zh_CN"
    if lowered == "en" or lowered.startswith("en-"):
        return "en"
    return None


def negotiate(cookie: str | None, accept_language: str | None) -> str:
    """The cookie wins; then the highest-weighted language of `Accept-Language` we have."""
    chosen = from_tag(cookie)
    if chosen:
        return chosen
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        locale = from_tag(tag)
        if locale and weight > 0:
            weighted.append((-weight, position, locale))
    return min(weighted)[2] if weighted else DEFAULT


@cache
def _babel(locale: str) -> Locale:
    """Parsed once: Babel would parse the identifier again on every date and number."""
    return Locale.parse(locale)


@dataclass(frozen=True, slots=True)
class Translator:
    """One locale's messages and formats: what a page handler and a template use."""

    locale: str

    @property
    def tag(self) -> str:
        return TAGS[self.locale]

    @property
    def zh(self) -> bool:
        return self.locale == "zh_CN"

    def gettext(self, message: str, **values: Any) -> str:
        text = catalogs()[self.locale].ugettext(message)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, n: int, **values: Any) -> str:
        return self.raw_ngettext(singular, plural, n) % {"num": n, **values}

    def raw_ngettext(self, singular: str, plural: str, n: int) -> str:
        return catalogs()[self.locale].ungettext(singular, plural, n)

    def number(self, value: int | Decimal, digits: int = 2) -> str:
        pattern = "#,##0" + ("." + "#" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=_babel(self.locale))

    def money(self, amount_minor: int | None, currency: str = "CNY") -> str:
        """¥5,000 / 12.5 万元 in Chinese, RMB 125,000 in English; other currencies per Babel."""
        if amount_minor is None:
            return "—"
        major = Decimal(amount_minor).scaleb(-minor_unit_exponent(currency))
        if currency != "CNY":
            return format_currency(major, currency, locale=_babel(self.locale))
        if self.zh and major >= WAN:
            return self.gettext("%(amount)s 万元", amount=self.number(major / WAN, 4))
        if self.zh:
            return "¥" + self.number(major)
        return "RMB " + self.number(major)

    def rate(self, value: Decimal | str | None) -> str:
        if value is None:
            return "—"
        return format_percent(Decimal(value), format="#,##0.###%", locale=_babel(self.locale))

    def date(self, day: datetime.date | str | None) -> str:
        if day is None or day == "":
            return "—"
        if isinstance(day, str):
            day = datetime.date.fromisoformat(day)
        if isinstance(day, datetime.datetime):
            day = day.date()
        return format_date(day, "long" if self.zh else "d MMM y", locale=_babel(self.locale))

    def moment(self, moment: datetime.datetime | None) -> str:
        """In China Standard Time, whatever the server's zone (stored times are UTC)."""
        if moment is None:
            return "—"
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=datetime.UTC)
        pattern = "y年M月d日 HH:mm" if self.zh else "d MMM y, HH:mm"
        zone = get_timezone(CHINA_TIME)
        return format_datetime(moment, pattern, tzinfo=zone, locale=_babel(self.locale))

    def days_left(self, day: datetime.date | None, today: datetime.date) -> str:
        """还有 12 天 / 12 days left; 今天到期 / due today; 逾期 3 天 / 3 days overdue."""
        if day is None:
            return ""
        delta = (day - today).days
        if delta == 0:
            return self.gettext("due today")
        if delta > 0:
            return self.ngettext("%(num)d day left", "%(num)d days left", delta)
        return self.ngettext("%(num)d day overdue", "%(num)d days overdue", -delta)

    def pick(self, zh: str | None, en: str | None) -> str:
        """The text in this language when there is one, else the other (titles, names)."""
        first, second = (zh, en) if self.zh else (en, zh)
        return first or second or ""

    def labels(self, table: Mapping[str, str]) -> dict[str, str]:
        return {key: self.gettext(msg) for key, msg in table.items()}


@cache
def translator(locale: str) -> Translator:
    return Translator(locale if locale in LOCALES else DEFAULT)
