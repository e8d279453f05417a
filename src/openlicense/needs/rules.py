"""Pure rules of the needs library: freshness, who may read a need, and why a result matches.

No I/O: facts in, decisions out."""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from openlicense.needs.states import NeedStatus, NeedVisibility

CONFIRM_EVERY = datetime.timedelta(days=182)
"""Enterprises confirm their needs every half year (千校万企: needs updated each half year)."""
GRACE = datetime.timedelta(days=30)
"""A need not confirmed within this period after its reminder stops being shown."""

Freshness = Literal["fresh", "due", "lapsed"]
ViewerKind = Literal["anonymous", "enterprise", "university", "authority", "platform", "other"]


def freshness(last_confirmed_at: datetime.datetime, now: datetime.datetime) -> Freshness:
    """fresh: confirmed within six months; due: the owner is reminded; lapsed: past the grace
    period, no longer shown to anyone but its enterprise."""
    age = now - last_confirmed_at
    if age < CONFIRM_EVERY:
        return "fresh"
    if age < CONFIRM_EVERY + GRACE:
        return "due"
    return "lapsed"


def confirm_due_at(last_confirmed_at: datetime.datetime) -> datetime.datetime:
    return last_confirmed_at + CONFIRM_EVERY


def hidden_after(last_confirmed_at: datetime.datetime) -> datetime.datetime:
    return last_confirmed_at + CONFIRM_EVERY + GRACE


@dataclass(frozen=True, slots=True)
class NeedFacts:
    organisation_id: uuid.UUID
    visibility: NeedVisibility
    status: NeedStatus
    last_confirmed_at: datetime.datetime


def can_read(
    need: NeedFacts,
    *,
    viewer_kind: ViewerKind,
    viewer_org: uuid.UUID | None,
    now: datetime.datetime,
) -> bool:
    """Its enterprise always; the platform always. Anyone else only while it is open and not
    lapsed: a public need to everyone, a universities-only need to universities and authorities.
    Another enterprise never reads a universities-only need."""
    if viewer_org is not None and viewer_org == need.organisation_id:
        return True
    if viewer_kind == "platform":
        return True
    if need.status is NeedStatus.CLOSED or freshness(need.last_confirmed_at, now) == "lapsed":
        return False
    if need.visibility is NeedVisibility.PUBLIC:
        return True
    return viewer_kind in ("university", "authority")


def visible_kinds(viewer_kind: ViewerKind) -> tuple[NeedVisibility, ...]:
    """The visibilities a viewer may list (besides its own needs)."""
    if viewer_kind in ("university", "authority", "platform"):
        return (NeedVisibility.PUBLIC, NeedVisibility.UNIVERSITIES)
    return (NeedVisibility.PUBLIC,)


# --- matching ----------------------------------------------------------------------------------

_SPLIT = re.compile(r"[\s,，;；、/|]+")


@dataclass(frozen=True, slots=True)
class NeedText:
    title: str
    description: str
    keywords: Sequence[str]
    technology_field: str | None
    ipc_hints: Sequence[str]


@dataclass(frozen=True, slots=True)
class Candidate:
    title: str
    text: str
    """Everything searchable about it (abstract, description, research directions …)."""
    keywords: Sequence[str]
    fields: Sequence[str]
    ipc_codes: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class Reason:
    kind: Literal["terms", "field", "ipc", "search", "patent"]
    values: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "values": list(self.values)}


@dataclass(frozen=True, slots=True)
class MatchDecision:
    score: float
    reasons: list[Reason] = field(default_factory=list)


WEIGHTS = {"terms": 3.0, "ipc_group": 3.0, "ipc_subclass": 2.0, "field": 1.0, "search": 1.0}


def need_terms(need: NeedText) -> list[str]:
    """The need's terms: its keywords, else the words of its title; lower case, de-duplicated."""
    raw = list(need.keywords) or _SPLIT.split(need.title)
    return list(dict.fromkeys(t.strip().lower() for t in raw if len(t.strip()) >= 2))


def ipc_subclass(code: str) -> str:
    return code.replace(" ", "").upper()[:4]


def ipc_group(code: str) -> str:
    """ "H01M 4/36" → "H01M4"."""
    compact = code.replace(" ", "").upper()
    return compact.split("/")[0]


def match(need: NeedText, candidate: Candidate, *, search_rank: int | None = None) -> MatchDecision:
    """Why `candidate` answers `need`: shared terms (need keywords found in the candidate, or the
    candidate's keywords found in the need), the same technology field, a shared IPC subclass or
    main group; plus the search engine's rank when the engine found it. No reason, no match
    (score 0)."""
    reasons: list[Reason] = []
    score = 0.0
    haystack = " ".join([candidate.title, candidate.text, *candidate.keywords]).lower()
    need_text = " ".join([need.title, need.description, *need.keywords]).lower()
    shared = [t for t in need_terms(need) if t in haystack]
    shared += [
        k.lower()
        for k in candidate.keywords
        if len(k) >= 2 and k.lower() in need_text and k.lower() not in shared
    ]
    if shared:
        reasons.append(Reason("terms", tuple(shared)))
        score += WEIGHTS["terms"] * len(shared)
    if need.technology_field and need.technology_field in candidate.fields:
        reasons.append(Reason("field", (need.technology_field,)))
        score += WEIGHTS["field"]
    groups = _shared(
        {ipc_group(c) for c in need.ipc_hints}, (ipc_group(c) for c in candidate.ipc_codes)
    )
    subclasses = _shared(
        {ipc_subclass(c) for c in need.ipc_hints}, (ipc_subclass(c) for c in candidate.ipc_codes)
    )
    if groups or subclasses:
        reasons.append(Reason("ipc", tuple(groups or subclasses)))
        score += WEIGHTS["ipc_group"] if groups else WEIGHTS["ipc_subclass"]
    if not reasons:
        return MatchDecision(0.0)
    if search_rank is not None:
        reasons.append(Reason("search", (str(search_rank + 1),)))
        score += WEIGHTS["search"] / (1 + search_rank)
    return MatchDecision(round(score, 4), reasons)


def _shared(wanted: set[str], have: Iterable[str]) -> list[str]:
    return sorted(wanted & {h for h in have if h})
