"""Versioned index definitions (`search/indexes/*.json`, `search/synonyms/*.json`) and
`apply_settings`, which brings an engine's index settings to the definition, showing a diff.

`search/indexes/patents.json` holds the Meilisearch settings and names the synonym file and the
Chinese user dictionary (`search/dictionaries/`); both engines analyse text with the same
`text.Analyzer` built from them, and the embedded engine reads the same file for its result
limits (`pagination.maxTotalHits`, `faceting.maxValuesPerFacet`) and typo thresholds. Like
migrations, definitions are changed by committing a new version, then running
`openlicense search setup` (and, when the dictionary changed, `openlicense search reindex`).
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openlicense.search.definitions import definitions_dir
from openlicense.search.segment import load_dictionary
from openlicense.search.text import (
    Analyzer,
    SynonymIndex,
    load_narrower,
    load_synonym_groups,
    settings_json,
)

if TYPE_CHECKING:
    from openlicense.search.engine import SearchEngine

__all__ = [
    "IndexDefinition",
    "apply_settings",
    "definitions_dir",
    "diff_settings",
    "load_definition",
]


@dataclass(frozen=True)
class IndexDefinition:
    name: str
    version: int
    primary_key: str
    synonyms_name: str
    settings: dict[str, Any]
    """Meilisearch settings without synonyms (see `meilisearch_settings`)."""
    path: Path | None = field(default=None, compare=False)
    synonym_groups: tuple[tuple[str, ...], ...] = ()
    dictionary_name: str = "none"
    dictionary: tuple[str, ...] = ()
    narrower: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @functools.cached_property
    def analyzer(self) -> Analyzer:
        return Analyzer(self.dictionary, self.synonym_groups, dict(self.narrower))

    @property
    def synonyms(self) -> SynonymIndex:
        return self.analyzer.synonyms

    @property
    def analysis_key(self) -> str:
        """Changes when the indexed tokens would: the dictionary and the synonyms."""
        data = json.dumps([self.dictionary, self.synonym_groups, self.narrower], ensure_ascii=False)
        return hashlib.sha256(data.encode()).hexdigest()[:16]

    @property
    def typo_sizes(self) -> tuple[int, int]:
        """(oneTypo, twoTypos) of `typoTolerance.minWordSizeForTypos`."""
        sizes = self.settings.get("typoTolerance", {}).get("minWordSizeForTypos", {})
        return int(sizes.get("oneTypo", 5)), int(sizes.get("twoTypos", 9))

    @property
    def max_total_hits(self) -> int:
        return int(self.settings.get("pagination", {}).get("maxTotalHits", 1000))

    @property
    def max_values_per_facet(self) -> int:
        return int(self.settings.get("faceting", {}).get("maxValuesPerFacet", 100))

    def meilisearch_settings(self) -> dict[str, Any]:
        """The full settings object to PATCH, synonyms included."""
        return {**self.settings, "synonyms": self.synonyms.to_meilisearch()}

    def describe(self) -> str:
        return (
            f"{self.name} v{self.version}, synonyms {self.synonyms_name}, "
            f"dictionary {self.dictionary_name}"
        )


@functools.cache
def _load(path: Path) -> IndexDefinition:
    data = json.loads(path.read_text(encoding="utf-8"))
    root = path.parent.parent
    synonyms_name = data.get("synonyms")
    groups: list[list[str]] = []
    narrower: dict[str, list[str]] = {}
    if synonyms_name:
        synonyms_file = root / "synonyms" / f"{synonyms_name}.json"
        synonyms_data = json.loads(synonyms_file.read_text(encoding="utf-8"))
        groups = load_synonym_groups(synonyms_data)
        narrower = load_narrower(synonyms_data)
    dictionary_name = data.get("dictionary")
    words: list[str] = []
    if dictionary_name:
        words = load_dictionary([root / "dictionaries" / f"{dictionary_name}.txt"])
    return IndexDefinition(
        name=path.stem,
        version=int(data["version"]),
        primary_key=data.get("primaryKey", "id"),
        synonyms_name=synonyms_name or "none",
        settings=dict(data["settings"]),
        path=path,
        synonym_groups=tuple(tuple(g) for g in groups),
        dictionary_name=dictionary_name or "none",
        dictionary=tuple(words),
        narrower=tuple((k, tuple(v)) for k, v in narrower.items()),
    )


def load_definition(path: Path | None = None) -> IndexDefinition:
    """The patents index definition (cached per file)."""
    return _load((path or definitions_dir() / "indexes" / "patents.json").resolve())


def _subset(current: Any, desired: Any) -> Any:
    """The part of `current` that `desired` manages: for objects, only the keys it names."""
    if isinstance(desired, dict) and isinstance(current, dict):
        return {k: _subset(current.get(k), v) for k, v in desired.items()}
    return current


def _normalised(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _normalised(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [_normalised(v) for v in value]
    return value


def _short(value: Any, limit: int = 160) -> str:
    text = settings_json(value)
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def diff_settings(
    current: dict[str, Any], desired: dict[str, Any]
) -> tuple[list[str], dict[str, Any]]:
    """Human diff lines and the patch (top-level settings that differ). Objects compare only on
    the keys the definition names; lists compare in order except where order is meaningless."""
    unordered = {"filterableAttributes", "sortableAttributes", "stopWords", "disableOnWords"}
    lines: list[str] = []
    patch: dict[str, Any] = {}
    for key, want in desired.items():
        have = current.get(key) if key == "synonyms" else _subset(current.get(key), want)
        a, b = _normalised(have), _normalised(want)
        if key in unordered and isinstance(a, list) and isinstance(b, list):
            a, b = sorted(map(settings_json, a)), sorted(map(settings_json, b))
        if key == "synonyms" and isinstance(have, dict) and isinstance(want, dict):
            a = {k: sorted(v or []) for k, v in sorted(have.items())}
            b = {k: sorted(v or []) for k, v in sorted(want.items())}
        if a == b:
            continue
        patch[key] = want
        if key == "synonyms" and isinstance(have, dict | None) and isinstance(want, dict):
            have = have or {}
            added = sorted(set(want) - set(have))
            removed = sorted(set(have) - set(want))
            changed = sorted(k for k in set(want) & set(have) if sorted(want[k]) != sorted(have[k]))
            lines.append(
                f"synonyms: +{len(added)} -{len(removed)} ~{len(changed)} terms"
                + (f" (e.g. {', '.join((added + changed + removed)[:5])})" if want or have else "")
            )
        else:
            lines.append(f"{key}: {_short(have)} → {_short(want)}")
    return lines, patch


async def apply_settings(engine: SearchEngine, *, dry_run: bool) -> list[str]:
    """Bring the engine's index settings to the definition. Returns the diff lines (empty when
    already up to date, so a second run prints nothing); with `dry_run`, changes nothing."""
    apply = getattr(engine, "apply_settings", None)
    if apply is None:
        return [f"{engine.name} engine: nothing to apply"]
    lines: list[str] = await apply(dry_run=dry_run)
    return lines
