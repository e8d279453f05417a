"""Gettext catalogs of the web pages (Babel): extract, update, check.

    uv run python scripts/i18n.py extract   # messages.pot from web/*.py and web/templates/
    uv run python scripts/i18n.py update    # merge the .pot into zh_CN and en (keeps translations)
    uv run python scripts/i18n.py check     # fail when a zh-CN message is missing or fuzzy

Message ids are English; the zh_CN catalog translates every one of them (the check and
`tests/web/test_i18n.py` fail otherwise); the en catalog leaves them as they are.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "src" / "openlicense" / "web"
LOCALE = ROOT / "src" / "openlicense" / "locale"
POT = LOCALE / "messages.pot"
LOCALES = ("zh_CN", "en")
METHODS = [("**.py", "python"), ("templates/**.html", "jinja2.ext:babel_extract")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"}}
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None}


def extract() -> Catalog:
    catalog = Catalog(project="openlicense", version="0.1.0", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        WEB, METHODS, OPTIONS, KEYWORDS, strip_comment_tags=True
    ):
        catalog.add(message, None, [(f"web/{filename}", lineno)], auto_comments=comments,
                    context=context)  # fmt: skip
    return catalog


def po_path(locale: str) -> Path:
    return LOCALE / locale / "LC_MESSAGES" / "messages.po"


def read(locale: str) -> Catalog:
    with po_path(locale).open("rb") as f:
        return read_po(f, locale=locale)


def write(path: Path, catalog: Catalog) -> None:
    catalog.project, catalog.version = "openlicense", "0.1.0"
    catalog.copyright_holder, catalog.msgid_bugs_address = "openlicense", ""
    catalog.fuzzy = False
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        write_po(f, catalog, width=100, sort_output=True, omit_header=False)


def update() -> None:
    template = extract()
    write(POT, template)
    for locale in LOCALES:
        path = po_path(locale)
        catalog = read(locale) if path.exists() else Catalog(locale=locale, charset="utf-8")
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        if locale == "en":  # English is the source language: every message is its own id
            for message in catalog:
                if message.id and not message.string:
                    message.string = message.id
        write(path, catalog)


def problems() -> list[str]:
    """Every extracted message without a (non-fuzzy) zh-CN translation, plus placeholders that
    differ between the id and the translation."""
    zh = read("zh_CN")
    out = []
    for message in extract():
        if not message.id:
            continue
        found = zh.get(message.id, context=message.context)
        key = message.id if isinstance(message.id, str) else message.id[0]
        if found is None:
            out.append(f"missing in zh_CN: {key!r}")
            continue
        strings = found.string if isinstance(found.string, (list, tuple)) else [found.string]
        if not all(strings) or found.fuzzy:
            out.append(f"untranslated in zh_CN: {key!r}")
            continue
        ids = message.id if isinstance(message.id, (list, tuple)) else [message.id]
        if _placeholders(ids[0]) != _placeholders(strings[0]):
            out.append(f"placeholders differ in zh_CN: {key!r}")
        in_template = any(path.endswith(".html") for path, _ in message.locations)
        if in_template and "%" in re.sub(r"%\(\w+\)[sd]|%%", "", strings[0]):
            out.append(f"a lone % in zh_CN (templates format every message; write %%): {key!r}")
    return out


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\(\w+\)[sd]", text))


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "extract":
        write(POT, extract())
    elif command == "update":
        update()
    elif command == "check":
        found = problems()
        for line in found:
            print(line)
        print(f"{len(found)} problem(s)" if found else "zh_CN catalog complete")
        return 1 if found else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
