"""Catalogue search: one contract, two engines. Depends on no domain: the catalogue builds the
documents and feeds them through the outbox.

- `documents`: the flat `PatentDocument` indexed per patent (built by `catalogue`).
- `engine`: `SearchQuery` / `SearchResult`, the `SearchEngine` protocol, `SearchUnavailable`.
  `app.make_search_engine(settings)` picks Meilisearch when `search.meilisearch_url` is set, else
  the embedded tantivy index (`embedded`), so a demo needs no server.
- `text`: what matches (Chinese characters and bigrams, English stems, typos, synonyms) and
  highlighting, shared by both engines.
- `setup`: the versioned definitions in the repo's `search/` folder and `apply_settings`.
- `outbox`: the `DocumentSource` protocol, draining and parking; `reindex`: full rebuilds.

See docs/search.md.
"""
