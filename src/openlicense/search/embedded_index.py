"""The embedded engine's tantivy schema, and a search document as tantivy fields.

Searchable text goes through `text.Analyzer` first; each field below holds its tokens
separated by spaces, which tantivy's whitespace tokenizer splits again (no further analysis).

| field | tokens of | weight (`FIELD_WEIGHTS`) |
| --- | --- | --- |
| `title` | title_zh, title_en | highest |
| `keywords` | keywords | |
| `abstract` | abstract_zh, abstract_en | |
| `claims` | the start of the claims | lowest |
| `ipc` | the main (first) IPC code, every level | |
| `meta` | the other IPC codes, university name, application number | |
| `en` | every English word as written (lowercased), once per document | not searched* |

*the vocabulary for typos, prefixes and "did you mean".
"""

from __future__ import annotations

from typing import Any

import tantivy

from openlicense.search import ipc
from openlicense.search.documents import PatentDocument
from openlicense.search.text import Analyzer

__all__ = [
    "FIELD_WEIGHTS",
    "INT_FIELDS",
    "KEYWORD_FIELDS",
    "TEXT_FIELDS",
    "build_schema",
    "document_tokens",
    "register_analyzers",
    "to_tantivy",
]

TOKENS = "ol_tokens"

FIELD_WEIGHTS: dict[str, float] = {
    "title": 4.0,
    "keywords": 2.5,
    "ipc": 3.0,
    "meta": 2.0,
    "abstract": 1.0,
    "claims": 0.5,
}
TEXT_FIELDS = tuple(FIELD_WEIGHTS)
WORD_FIELDS = ("title", "keywords", "abstract", "claims")
"""Fields holding English words (typo and prefix expansions apply there)."""

KEYWORD_FIELDS = (
    "patent_type",
    "ipc_sections",
    "ipc_classes",
    "ipc_subclasses",
    "ipc_groups",
    "technology_field",
    "university_id",
    "university_name",
    "province",
    "fee_type",
    "licence_status",
    "listing_status",
    "owner_organisation_id",
)
INT_FIELDS = (
    "entry_price_minor",
    "trl",
    "declared_at",
    "expiry_ts",
    "patent_ends_ts",
    "withdrawn_ts",
    "offer_ends_ts",
)
SUGGEST_FIELD = "kw"
"""Keywords as written, one term each: what suggest-as-you-type completes."""


def register_analyzers(index: tantivy.Index) -> None:
    analyzer = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()
    index.register_tokenizer(TOKENS, analyzer)


def build_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", fast=True, tokenizer_name="raw", index_option="basic")
    sb.add_bytes_field("doc", stored=True)
    for name in TEXT_FIELDS:
        sb.add_text_field(name, tokenizer_name=TOKENS, index_option="freq")
    sb.add_text_field("en", tokenizer_name=TOKENS, index_option="basic")
    sb.add_text_field(SUGGEST_FIELD, tokenizer_name="raw", index_option="basic")
    for name in KEYWORD_FIELDS:
        sb.add_text_field(name, fast=True, tokenizer_name="raw", index_option="basic")
    sb.add_boolean_field("has_trial", indexed=True, fast=True)
    for name in INT_FIELDS:
        sb.add_integer_field(name, indexed=True, fast=True)
    return sb.build()


def document_tokens(doc: PatentDocument, analyzer: Analyzer) -> dict[str, list[str]]:
    """Index tokens of each searchable field (shared with the Meilisearch adapter)."""
    return analysed_document(doc, analyzer)[0]


def analysed_document(
    doc: PatentDocument, analyzer: Analyzer
) -> tuple[dict[str, list[str]], list[str]]:
    """Index tokens of each searchable field, and the document's English words as written."""
    number = doc.application_number.replace(".", "")
    codes = [t for code in doc.ipc_codes[:1] for t in ipc.index_tokens(code)]
    meta = [t for code in doc.ipc_codes[1:] for t in ipc.index_tokens(code)]
    meta += analyzer.tokens(doc.university_name)
    meta += [number, number[:-1]] if len(number) > 1 else [number]
    fields: dict[str, list[str]] = {"ipc": codes, "meta": meta}
    words: list[str] = []
    for name, texts in (
        ("title", [doc.title_zh, doc.title_en]),
        ("keywords", doc.keywords),
        ("abstract", [doc.abstract_zh, doc.abstract_en]),
        ("claims", [doc.claims]),
    ):
        tokens: list[str] = []
        for text in texts:
            found, english = analyzer.analyse(text)
            tokens += found
            if name != "abstract" or text is doc.abstract_en:
                words += english
        fields[name] = tokens
    return fields, words


def to_tantivy(doc: PatentDocument, analyzer: Analyzer) -> tantivy.Document:
    tokens, english = analysed_document(doc, analyzer)
    fields: dict[str, Any] = {
        "id": doc.id,
        "doc": doc.model_dump_json().encode(),
        "has_trial": doc.has_trial,
    }
    for name in TEXT_FIELDS:
        if tokens[name]:
            fields[name] = " ".join(tokens[name])
    words = dict.fromkeys(english)
    if words:
        fields["en"] = " ".join(words)
    keywords = [k.strip() for k in doc.keywords if k.strip()]
    if keywords:
        fields[SUGGEST_FIELD] = keywords
    for name in KEYWORD_FIELDS:
        value = getattr(doc, name)
        if value is not None and value != []:
            fields[name] = value
    for name in INT_FIELDS:
        if (value := getattr(doc, name)) is not None:
            fields[name] = value
    return tantivy.Document(**fields)
