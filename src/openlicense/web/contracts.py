"""Contract texts (Markdown, as sealed) as HTML for the pages. Raw HTML in the text is escaped,
never rendered: the texts carry user-entered values (titles, other terms)."""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from markupsafe import Markup


@cache
def _renderer() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def contract_html(text: str) -> Markup:
    """The sealed Markdown rendered for reading; the PDF and the seal use the text itself."""
    return Markup(_renderer().render(text))  # noqa: S704 - markdown-it escapes all raw HTML
