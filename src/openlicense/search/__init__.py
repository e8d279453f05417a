"""Catalogue search: one contract, two engines.

- `documents`: the flat `PatentDocument` indexed per patent, and `build_document`.
- `engine`: `SearchQuery` / `SearchResult`, the `SearchEngine` protocol, `SearchUnavailable`, and
  `make_engine(settings)`: Meilisearch when `search.meilisearch_url` is set, else the embedded
  tantivy index (`embedded`), so a demo needs no server.
- `text`: what matches (Chinese characters and bigrams, English stems, typos, synonyms) and
  highlighting, shared by both engines.
- `setup`: the versioned definitions in the repo's `search/` folder and `apply_settings`.

See docs/search.md.
"""
