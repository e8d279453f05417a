"""Contract texts (Markdown, as sealed) as HTML for the pages. Raw HTML in the text is escaped,
never rendered: the texts carry user-entered values (titles, other terms). Headings move two
levels down, so a contract sits under the page's own h1 and h2."""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from markupsafe import Markup

SHIFT = 2


@cache
def _renderer() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def contract_html(text: str) -> Markup:
    """The sealed Markdown rendered for reading; the PDF and the seal use the text itself."""
    renderer = _renderer()
    tokens = renderer.parse(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + SHIFT, 6)}"
    html = renderer.renderer.render(tokens, renderer.options, {})
    return Markup(html)  # noqa: S704 - markdown-it escapes all raw HTML (html=False)
