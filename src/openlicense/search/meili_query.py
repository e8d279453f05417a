"""Meilisearch's side of a query and a document: the filter expression (visibility and licence
status on the query's day from the documents' calendar dates, list filters, ranges) and the
stored document with its analysed tokens. Pure: no client, no I/O."""

from __future__ import annotations

from typing import Any

from openlicense.search.documents import PatentDocument
from openlicense.search.embedded_index import analysed_document
from openlicense.search.engine import SearchQuery
from openlicense.search.freshness import day_number
from openlicense.search.setup import IndexDefinition
from openlicense.search.text import is_word_token, meili_token, stem

__all__ = [
    "build_filter",
    "has_latin",
    "meili_document",
    "quote",
    "status_filter",
    "stored_document",
]


def quote(value: str) -> str:
    """A filter string literal."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def status_filter(status: str, day: int) -> str:
    """Documents whose licence status is `status` on `day` (`freshness.effective_status`)."""
    ended = f"patent_ends_ts <= {day}"
    withdrawn = f"withdrawn_ts <= {day}"
    period = f"offer_ends_ts <= {day}"
    if status == "open":
        return f'(licence_status = "open" AND NOT {ended} AND NOT {withdrawn} AND NOT {period})'
    if status == "withdrawn":
        return (
            f'((licence_status = "withdrawn" OR (licence_status = "open" AND {withdrawn})) '
            f"AND NOT {ended})"
        )
    if status == "closed":
        return (
            f'({ended} OR licence_status = "closed" OR '
            f'(licence_status = "open" AND {period} AND NOT {withdrawn}))'
        )
    if status == "none":
        return f'(licence_status = "none" AND NOT {ended})'
    return 'licence_status = "unknown-status"'


def build_filter(query: SearchQuery) -> str:
    """The Meilisearch filter expression of a query: visibility AND every filter."""
    day = day_number(query.day())
    visible = f'(listing_status = "published" AND {status_filter("open", day)})'
    if query.viewer_organisation_id:
        visible = f"({visible} OR owner_organisation_id = {quote(query.viewer_organisation_id)})"
    parts = [visible]
    for field, values in query.list_filters().items():
        parts.append(f"{field} IN [{', '.join(quote(v) for v in values)}]")
    if query.licence_status:
        parts.append("(" + " OR ".join(status_filter(s, day) for s in query.licence_status) + ")")
    if query.has_trial is not None:
        parts.append(f"has_trial = {'true' if query.has_trial else 'false'}")
    for field, low, high in (
        ("entry_price_minor", query.price_min, query.price_max),
        ("trl", query.trl_min, query.trl_max),
    ):
        if low is not None:
            parts.append(f"{field} >= {int(low)}")
        if high is not None:
            parts.append(f"{field} <= {int(high)}")
    return " AND ".join(parts)


def stored_document(raw: dict[str, Any]) -> PatentDocument:
    return PatentDocument.model_validate({k: v for k, v in raw.items() if not k.startswith("_")})


def has_latin(q: str) -> bool:
    return any(c.isascii() and c.isalpha() for c in q)


def meili_document(doc: PatentDocument, definition: IndexDefinition) -> dict[str, Any]:
    """The document as stored in Meilisearch: the search document plus its tokens."""
    out = doc.model_dump(mode="json")
    fields, english = analysed_document(doc, definition.analyzer)
    for field, tokens in fields.items():
        words = [t for t in tokens if is_word_token(t)]
        out[f"s_{field}_x"] = " ".join(meili_token(t) for t in tokens if not is_word_token(t))
        # stems in order (multi-word synonyms match as phrases), words as written apart
        out[f"s_{field}_w"] = " ".join(t for t in words if stem(t) == t)
        out[f"s_{field}_r"] = " ".join(t for t in words if stem(t) != t)
    out["en_words"] = list(dict.fromkeys(english))
    return out
