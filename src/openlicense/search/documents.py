"""The search document: one flat, JSON-able record per listed patent (built by the catalogue)."""

from __future__ import annotations

import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from openlicense.search import ipc

LicenceStatus = Literal["open", "none", "withdrawn", "closed"]
ListingStatus = Literal["draft", "published", "retired"]

_EPOCH = datetime.date(1970, 1, 1)
CLAIMS_CHARS = 600
"""Claims are indexed from their start (the independent claim 1), up to this many characters."""


class PatentDocument(BaseModel):
    """What the engines index for one patent. Flat and JSON-able: both engines store it as is."""

    model_config = ConfigDict(extra="ignore")

    id: str
    declaration_id: str | None
    application_number: str
    patent_type: str
    title_zh: str
    title_en: str | None
    abstract_zh: str | None
    abstract_en: str | None
    keywords: list[str]
    ipc_codes: list[str]
    ipc_sections: list[str]
    ipc_classes: list[str]
    technology_field: str
    university_id: str
    university_name: str
    province: str | None
    fee_type: str | None
    entry_price_minor: int | None
    """Amount due at the start (acceptance on the declared start), CNY fen; None = not priced."""
    has_trial: bool
    trl: int | None
    licence_status: LicenceStatus
    """open = acceptable declaration; none = listed without a declaration; withdrawn; closed =
    patent not in force (or the declared period is over)."""
    listing_status: ListingStatus
    owner_organisation_id: str
    declared_at: int | None
    """Unix seconds of the current declaration's publication (sort "newest")."""
    expiry_date: str
    expiry_ts: int
    """Days since 1970-01-01 of `expiry_date` (sort "expiry")."""
    claims: str | None = None
    """The start of the claims (`CLAIMS_CHARS`), searched with the lowest weight."""
    ipc_subclasses: list[str] = []
    """IPC subclasses ("H01M") and main groups ("H01M 4") of `ipc_codes`, derived when empty."""
    ipc_groups: list[str] = []
    patent_ends_ts: int | None = None
    """Calendar dates evaluated at query time (`search/freshness.py`), days since 1970-01-01:
    the first day the patent is not in force, the withdrawal's effective date, the first day
    after the declared licence period."""
    withdrawn_ts: int | None = None
    offer_ends_ts: int | None = None

    @model_validator(mode="after")
    def _ipc_levels(self) -> PatentDocument:
        if self.ipc_codes and not (self.ipc_subclasses or self.ipc_groups):
            levels = [c for c in map(ipc.hierarchy, self.ipc_codes) if c is not None]
            self.ipc_subclasses = list(dict.fromkeys(c.subclass for c in levels if c.subclass))
            self.ipc_groups = list(dict.fromkeys(c.group for c in levels if c.group))
        return self


def ipc_section(code: str) -> str:
    """ "H01M 4/58" → "H"."""
    return code.strip()[:1].upper()


def ipc_class(code: str) -> str:
    """ "H01M 4/58" → "H01"."""
    return code.strip()[:3].upper()


def days_since_epoch(day: datetime.date) -> int:
    return (day - _EPOCH).days
