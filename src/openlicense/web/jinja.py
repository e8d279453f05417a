"""The Jinja environment of the pages: gettext in the request's language, and the globals every
template may use (`static`, `site`, the language list)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from litestar.connection import ASGIConnection

from openlicense.settings import Settings
from openlicense.web import labels
from openlicense.web.i18n import COOKIE, DEFAULT, TAGS, Translator, negotiate, translator

STATE_KEY = "ol_translator"


def request_translator(connection: ASGIConnection[Any, Any, Any, Any]) -> Translator:
    """The request's language: the `lang` cookie, else `Accept-Language`, else zh-CN (cached)."""
    state = connection.scope.setdefault("state", {})
    found = state.get(STATE_KEY)
    if isinstance(found, Translator):
        return found
    chosen = translator(
        negotiate(connection.cookies.get(COOKIE), connection.headers.get("accept-language"))
    )
    state[STATE_KEY] = chosen
    return chosen


def _context_translator(ctx: Context) -> Translator:
    request = ctx.get("request")
    if request is None:
        return translator(DEFAULT)
    return request_translator(request)


@pass_context
def _gettext(ctx: Context, message: str) -> str:
    return _context_translator(ctx).gettext(message)


@pass_context
def _ngettext(ctx: Context, singular: str, plural: str, n: int) -> str:
    return _context_translator(ctx).raw_ngettext(singular, plural, n)  # formatted by jinja


@pass_context
def _tr(ctx: Context) -> Translator:
    return _context_translator(ctx)


TABLES = {
    "field": labels.TECHNOLOGY_FIELDS,
    "patent_type": labels.PATENT_TYPES,
    "legal": labels.LEGAL_STATUSES,
    "listing": labels.LISTING_STATUSES,
    "licence": labels.LICENCE_STATUSES,
    "fee": labels.FEE_TYPES,
    "agreement": labels.AGREEMENT_STATUSES,
    "entry_kind": labels.ENTRY_KINDS,
    "entry_status": labels.ENTRY_STATUSES,
    "base": labels.ROYALTY_BASES,
    "period": labels.REPORTING_PERIODS,
    "recording": labels.RECORDING_STATUSES,
    "channel": labels.PAYMENT_CHANNELS,
    "kind": labels.ORGANISATION_KINDS,
    "role": labels.ROLES,
    "ipc": labels.IPC_SECTIONS,
}


@pass_context
def _label(ctx: Context, table: str, code: Any) -> str:
    """`{{ label("fee", "LUMP_SUM") }}` → 一次性; the words of labels.py in the page's language."""
    value = getattr(code, "value", code)
    return labels.label(
        _context_translator(ctx), TABLES[table], None if value is None else str(value)
    )


@pass_context
def _province(ctx: Context, name: str | None) -> str:
    return labels.province(_context_translator(ctx), name)


def install(env: Environment, settings: Settings, static_url: Callable[[str], str]) -> None:
    env.install_gettext_callables(  # type: ignore[attr-defined]  # added by jinja2.ext.i18n
        gettext=_gettext, ngettext=_ngettext, newstyle=True
    )
    env.globals.update(
        static=static_url,
        site=settings.web,
        languages=[(tag, locale) for locale, tag in TAGS.items()],
        translator_for=_tr,
        label=_label,
        province=_province,
        printed_number=labels.patent_number_printed,
    )
