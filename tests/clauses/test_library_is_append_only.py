"""Shipped clause-library files are never edited: a change is a new file with new versions.

Agreements store `(key, option, version)` and the full texts, and published declarations fix
their clause versions; editing a shipped file would make the library disagree with them."""

from __future__ import annotations

import hashlib
from pathlib import Path

from openlicense.clauses.library import LIBRARY_DIR

SHIPPED = {
    "2026-11-clauses-v1.json": "71bae954e9e8b6d4678874642d518c4f193914d05b616657fff631cdee386fd9",
}


def test_shipped_library_files_are_unchanged() -> None:
    for name, digest in SHIPPED.items():
        content = (Path(LIBRARY_DIR) / name).read_bytes()
        assert hashlib.sha256(content).hexdigest() == digest, (
            f"{name} was edited. Restore it and put the change in a new file with new versions."
        )


def test_every_library_file_is_registered_here() -> None:
    files = {p.name for p in Path(LIBRARY_DIR).glob("*.json")}
    assert files == set(SHIPPED), "add the new file and its SHA-256 to SHIPPED"
