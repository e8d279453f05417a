"""The shipped clause library, loaded once per process (the files are immutable)."""

from __future__ import annotations

from functools import lru_cache

from openlicense.clauses.library import ClauseVersion, load_library


@lru_cache(maxsize=1)
def shipped_library() -> tuple[ClauseVersion, ...]:
    return load_library()
