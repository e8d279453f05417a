"""Where the search definitions live: index settings, synonyms, dictionaries, IPC labels."""

from __future__ import annotations

from pathlib import Path


def definitions_dir() -> Path:
    """The repo's `search/` folder (next to `src/`), else `./search`."""
    repo = Path(__file__).resolve().parents[3] / "search"
    return repo if (repo / "indexes").is_dir() else Path.cwd() / "search"
