"""The search document: one flat, JSON-able record per listed patent (built by the catalogue)."""

from __future__ import annotations

import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

LicenceStatus = Literal["open", "none", "withdrawn", "closed"]
ListingStatus = Literal["draft", "published", "retired"]

_EPOCH = datetime.date(1970, 1, 1)


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


def ipc_section(code: str) -> str:
    """ "H01M 4/58" → "H"."""
    return code.strip()[:1].upper()


def ipc_class(code: str) -> str:
    """ "H01M 4/58" → "H01"."""
    return code.strip()[:3].upper()


def days_since_epoch(day: datetime.date) -> int:
    return (day - _EPOCH).days
