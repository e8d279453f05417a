"""Pure loading and resolution of the versioned clause library (domain.md §5).

The library is the directory `library/`: JSON files, each a list of clause *option versions*.
A shipped file is never edited. A change is a new file (sorting after the old ones) that adds a
higher `version` of a (key, option), with a later `effective_from`, or new options or keys.
An agreement stores only `clause_set_ref(...)`, the exact (key, option, version) triples, and can
be rebuilt from them with `clauses_from_ref`.

Key order is the order in which keys first appear in the files (sorted by file name). For the
first file that is the §5 order: A (common), B (ownership), C (topics), D (`ol.*`), with the two
lint-only keys `rnd_restriction` (after `improvements`) and `no_challenge` (after
`invalidation`).

Scenario-specific keys name the `ownership.scenario` options they apply to in `scenario`
(comma-separated): `enterprise_rights` → UNIV_OWNS, `university_rights` → ENTERPRISE_OWNS,
`ownership.joint_*` → JOINT, EACH_OWNS_OWN. A key with `scenario: null` always applies.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta

LIBRARY_DIR = Path(__file__).parent / "library"

SCENARIO_KEY = "ownership.scenario"
OPEN_LICENCE_PREFIX = "ol."
"""Keys of §5 D: generated from the declaration, one fixed option each (rule 14)."""

ALLOWED_PLACEHOLDERS: frozenset[str] = frozenset(
    {
        "licensor_name",
        "licensee_name",
        "patent_number",
        "patent_title",
        "licence_start",
        "licence_end",
        "fee_standard_zh",
        "fee_standard_en",
        "confidentiality_years",
        "publication_review_days",
        "arbitration_commission",
    }
)
"""The only Jinja2 variables a clause text may use; the agreement supplies their values."""

PLACEHOLDER_ONLY_IN: Mapping[str, frozenset[tuple[str, str | None]]] = {
    "arbitration_commission": frozenset({("dispute_resolution", "arbitration")}),
    "publication_review_days": frozenset({("publication", None)}),
}
"""Placeholders restricted to some (key, option) pairs; option None means any option of the key."""

PLACEHOLDER_DEFAULTS: Mapping[str, int] = {
    "confidentiality_years": 3,
    "publication_review_days": 60,
}
"""Values used when the agreement does not set them (the agreements renderer uses the same)."""
PUBLICATION_REVIEW_DAYS: tuple[int, ...] = (30, 60, 90)
"""Allowed values of `publication_review_days` (the agreement picks one)."""

_KEY_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$")
_OPTION_RE = re.compile(r"^(?:[a-z][a-z0-9_]*|[A-Z][A-Z0-9_]*)$")
"""snake_case, or SCREAMING_SNAKE for the §5 B scenario identifiers (UNIV_OWNS, ...)."""

_REQUIRED_FIELDS: dict[str, type | tuple[type, ...]] = {
    "key": str,
    "option": str,
    "version": int,
    "default": bool,
    "title_zh": str,
    "title_en": str,
    "text_zh": str,
    "text_en": str,
    "effective_from": str,
    "legal_anchor": str,
    "source": str,
    "restricts_competition": bool,
}
_OPTIONAL_FIELDS: dict[str, type | tuple[type, ...]] = {
    "needs_counsel": bool,
    "fixed_for_open_licence": bool,
    "scenario": (str, type(None)),
}


class ClauseLibraryError(ValueError):
    """The library files are malformed or inconsistent (a packaging bug, not a user error)."""


class UnknownClause(ValueError):
    """A choice names a key or an option that the library does not have (on that date)."""

    def __init__(self, key: str, option: str | None, reason: str = "") -> None:
        self.key = key
        self.option = option
        detail = f"{key}={option}" if option is not None else key
        super().__init__(f"Unknown clause {detail}" + (f": {reason}" if reason else ""))


@dataclass(frozen=True, slots=True)
class ClauseVersion:
    key: str
    option: str
    version: int
    default: bool
    title_zh: str
    title_en: str
    text_zh: str
    text_en: str
    effective_from: date
    legal_anchor: str
    source: str
    restricts_competition: bool
    needs_counsel: bool
    fixed_for_open_licence: bool
    scenario: str | None
    """Comma-separated `ownership.scenario` options this key applies to; None: always."""

    @property
    def scenarios(self) -> frozenset[str]:
        if self.scenario is None:
            return frozenset()
        return frozenset(s.strip() for s in self.scenario.split(","))

    def applies_to(self, scenario: str | None) -> bool:
        return self.scenario is None or scenario in self.scenarios

    def ref(self) -> dict[str, Any]:
        return {"key": self.key, "option": self.option, "version": self.version}


# ------------------------------------------------------------------------------------- loading


def load_library(directory: Path | None = None) -> tuple[ClauseVersion, ...]:
    """Every clause version in every `*.json` file of `directory` (default: the shipped one).

    Raises ClauseLibraryError unless: (key, option, version) is unique; versions of an option
    take effect in order; on every date each key has exactly one default option, and no default
    restricts competition; placeholders come from ALLOWED_PLACEHOLDERS (and PLACEHOLDER_ONLY_IN);
    exactly the `ol.*` keys are fixed for open licences; scenarios name `ownership.scenario`
    options and agree across a key's versions.
    """
    directory = LIBRARY_DIR if directory is None else directory
    files = sorted(directory.glob("*.json"))
    if not files:
        raise ClauseLibraryError(f"no clause library files in {directory}")
    clauses: list[ClauseVersion] = []
    for path in files:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ClauseLibraryError(f"{path.name}: invalid JSON: {exc}") from exc
        if not isinstance(data, list):
            raise ClauseLibraryError(f"{path.name}: expected a list of clause versions")
        clauses.extend(_parse(raw, f"{path.name}[{i}]") for i, raw in enumerate(data))
    library = tuple(clauses)
    _validate(library)
    return library


def _parse(raw: object, where: str) -> ClauseVersion:
    if not isinstance(raw, dict):
        raise ClauseLibraryError(f"{where}: expected an object")
    unknown = set(raw) - set(_REQUIRED_FIELDS) - set(_OPTIONAL_FIELDS)
    if unknown:
        raise ClauseLibraryError(f"{where}: unknown fields {sorted(unknown)}")
    for name in _REQUIRED_FIELDS:
        if name not in raw:
            raise ClauseLibraryError(f"{where}: missing field {name!r}")
    for name, kind in {**_REQUIRED_FIELDS, **_OPTIONAL_FIELDS}.items():
        # bool is an int: refuse true/false where a version number is expected.
        value = raw.get(name)
        if name in raw and (not isinstance(value, kind) or (kind is int and value is True)):
            raise ClauseLibraryError(f"{where}: field {name!r} has the wrong type")
    key, option = raw["key"], raw["option"]
    if not _KEY_RE.match(key) or not _OPTION_RE.match(option):
        raise ClauseLibraryError(f"{where}: malformed key or option {key}={option}")
    if raw["version"] < 1:
        raise ClauseLibraryError(f"{where}: version must be ≥ 1")
    for name in ("title_zh", "title_en", "text_zh", "text_en", "legal_anchor", "source"):
        if not raw[name].strip():
            raise ClauseLibraryError(f"{where}: {name} is empty")
    try:
        effective_from = date.fromisoformat(raw["effective_from"])
    except ValueError as exc:
        raise ClauseLibraryError(f"{where}: effective_from is not a date") from exc
    return ClauseVersion(
        key=key,
        option=option,
        version=raw["version"],
        default=raw["default"],
        title_zh=raw["title_zh"],
        title_en=raw["title_en"],
        text_zh=raw["text_zh"],
        text_en=raw["text_en"],
        effective_from=effective_from,
        legal_anchor=raw["legal_anchor"],
        source=raw["source"],
        restricts_competition=raw["restricts_competition"],
        needs_counsel=raw.get("needs_counsel", False),
        fixed_for_open_licence=raw.get("fixed_for_open_licence", False),
        scenario=raw.get("scenario"),
    )


_PARSER = jinja2.Environment(autoescape=True)
"""Only parses texts to find their variables; rendering is the agreement's job."""


def placeholders(text: str) -> frozenset[str]:
    """The Jinja2 variables a clause text uses."""
    return frozenset(meta.find_undeclared_variables(_PARSER.parse(text)))


def _validate(library: tuple[ClauseVersion, ...]) -> None:
    seen: set[tuple[str, str, int]] = set()
    for c in library:
        ident = (c.key, c.option, c.version)
        if ident in seen:
            raise ClauseLibraryError(f"duplicate clause version {c.key}={c.option} v{c.version}")
        seen.add(ident)
        _check_placeholders(c)
        if c.fixed_for_open_licence != c.key.startswith(OPEN_LICENCE_PREFIX):
            raise ClauseLibraryError(
                f"{c.key}={c.option}: fixed_for_open_licence must be set exactly on ol.* keys"
            )
        if c.default and c.restricts_competition:
            raise ClauseLibraryError(f"{c.key}={c.option}: a default may not restrict competition")
    index = clause_index(library)
    scenario_options = set(index.get(SCENARIO_KEY, {}))
    for key, options in index.items():
        if len({v.scenario for versions in options.values() for v in versions}) > 1:
            raise ClauseLibraryError(f"{key}: scenario differs between its versions")
        any_version = next(iter(options.values()))[0]
        if any_version.scenarios - scenario_options:
            raise ClauseLibraryError(f"{key}: scenario names no {SCENARIO_KEY} option")
        for option, versions in options.items():
            dates = [v.effective_from for v in versions]
            if dates != sorted(dates):
                raise ClauseLibraryError(f"{key}={option}: a later version takes effect earlier")
        for day in sorted({v.effective_from for vs in options.values() for v in vs}):
            defaults = [o for o, vs in options.items() if (v := _latest(vs, day)) and v.default]
            if len(defaults) != 1:
                raise ClauseLibraryError(
                    f"{key}: {len(defaults)} default options on {day.isoformat()} (need exactly 1)"
                )


def _check_placeholders(c: ClauseVersion) -> None:
    for text in (c.text_zh, c.text_en):
        try:
            names = placeholders(text)
        except jinja2.TemplateSyntaxError as exc:
            raise ClauseLibraryError(f"{c.key}={c.option} v{c.version}: {exc}") from exc
        if names - ALLOWED_PLACEHOLDERS:
            raise ClauseLibraryError(
                f"{c.key}={c.option} v{c.version}: placeholders not allowed: "
                f"{sorted(names - ALLOWED_PLACEHOLDERS)}"
            )
        for name in names & PLACEHOLDER_ONLY_IN.keys():
            allowed = PLACEHOLDER_ONLY_IN[name]
            if (c.key, c.option) not in allowed and (c.key, None) not in allowed:
                raise ClauseLibraryError(
                    f"{c.key}={c.option} v{c.version}: {{{{ {name} }}}} is not allowed here"
                )


# ------------------------------------------------------------------------------------- lookup


def clause_index(
    library: Iterable[ClauseVersion],
) -> dict[str, dict[str, tuple[ClauseVersion, ...]]]:
    """key → option → versions (ascending), keys and options in library order."""
    index: dict[str, dict[str, list[ClauseVersion]]] = {}
    for c in library:
        index.setdefault(c.key, {}).setdefault(c.option, []).append(c)
    return {
        key: {o: tuple(sorted(vs, key=lambda v: v.version)) for o, vs in options.items()}
        for key, options in index.items()
    }


def _latest(versions: Sequence[ClauseVersion], on: date) -> ClauseVersion | None:
    """The highest version in effect on `on` (`versions` ascending)."""
    for v in reversed(versions):
        if v.effective_from <= on:
            return v
    return None


def clause_keys(library: Iterable[ClauseVersion]) -> tuple[str, ...]:
    """Every key, in the documented order (§5: A, B, C, D), scenario-specific ones included."""
    return tuple(clause_index(library))


def default_options(library: Iterable[ClauseVersion], *, on: date | None = None) -> dict[str, str]:
    """key → its default option on `on` (default: as of the newest versions).

    For `ol.*` keys the default is the fixed option. Keys not yet in effect on `on` are left out.
    """
    return _defaults(clause_index(library), date.max if on is None else on)


def _defaults(
    index: Mapping[str, Mapping[str, Sequence[ClauseVersion]]], on: date
) -> dict[str, str]:
    result: dict[str, str] = {}
    for key, options in index.items():
        for option, versions in options.items():
            latest = _latest(versions, on)
            if latest is not None and latest.default:
                result[key] = option
    return result


def resolve_clause_set(
    choices: Mapping[str, str], library: Iterable[ClauseVersion], *, on: date
) -> tuple[ClauseVersion, ...]:
    """The clauses of an agreement made on `on`: one version per applicable key, in key order.

    For every key: the chosen option, or the key's default on `on`; then that option's latest
    version with `effective_from <= on`. Keys that depend on `ownership.scenario` are included
    only for the scenarios they apply to (a choice for a key that does not apply is ignored here;
    `lint_clause_choices` reports it). Keys with no version in effect on `on` are left out unless
    chosen. Raises UnknownClause for an unknown key or option, or a chosen option not yet in
    effect on `on`. Whether a choice is *allowed* (rules 14, 29, 30) is the lint's job.
    """
    index = clause_index(library)
    for key, option in choices.items():
        if key not in index:
            raise UnknownClause(key, option, "no such clause key")
        if option not in index[key]:
            raise UnknownClause(key, option, f"no such option for {key}")
    defaults = _defaults(index, on)
    scenario = choices.get(SCENARIO_KEY, defaults.get(SCENARIO_KEY))
    resolved: list[ClauseVersion] = []
    for key, options in index.items():
        if not next(iter(options.values()))[0].applies_to(scenario):
            continue
        chosen = choices.get(key) or defaults.get(key)
        if chosen is None:
            continue  # the key only takes effect after `on`
        version = _latest(options[chosen], on)
        if version is None:
            raise UnknownClause(key, chosen, f"not in effect on {on.isoformat()}")
        resolved.append(version)
    return tuple(resolved)


def clause_set_ref(clauses: Iterable[ClauseVersion]) -> list[dict[str, Any]]:
    """What an agreement stores: `[{"key", "option", "version"}]`, in clause order (rule 22)."""
    return [c.ref() for c in clauses]


def clauses_from_ref(
    refs: Iterable[Mapping[str, Any]], library: Iterable[ClauseVersion]
) -> tuple[ClauseVersion, ...]:
    """The exact clause versions a stored `clause_set_ref` names; UnknownClause if one is gone."""
    by_ident = {(c.key, c.option, c.version): c for c in library}
    result: list[ClauseVersion] = []
    for ref in refs:
        ident = (ref["key"], ref["option"], ref["version"])
        if ident not in by_ident:
            raise UnknownClause(ref["key"], ref["option"], f"no version {ref['version']}")
        result.append(by_ident[ident])
    return tuple(result)
