"""The search document: one flat, JSON-able record per listed patent, and how it is built."""

from __future__ import annotations

import datetime
import logging
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from openlicense.catalogue.rules import PatentFacts, check_acceptable
from openlicense.catalogue.terms import DeclarationTerms
from openlicense.pricing.fee_standards import Staged
from openlicense.pricing.schedule import due_at_start_minor
from openlicense.search import freshness, ipc

if TYPE_CHECKING:
    from openlicense.accounts.models import Organisation
    from openlicense.catalogue.models import Declaration, Patent

__all__ = [
    "LicenceStatus",
    "ListingStatus",
    "PatentDocument",
    "build_document",
    "entry_price_minor",
    "ipc_class",
    "ipc_section",
]

log = logging.getLogger(__name__)

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


def _value(enum_or_str: object) -> str:
    return str(getattr(enum_or_str, "value", enum_or_str))


def _unix(moment: datetime.datetime | None) -> int | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return int(moment.timestamp())


def entry_price_minor(terms: DeclarationTerms) -> int | None:
    """What a licensee accepting on the declared start pays on or before the licence starts,
    in CNY fen (None for another currency)."""
    if terms.currency != "CNY":
        return None
    return due_at_start_minor(terms.fee_standard)


def _licence_status(
    patent: Patent, declaration: Declaration | None, today: datetime.date
) -> LicenceStatus:
    facts = PatentFacts(
        patent_type=_value(patent.patent_type),
        legal_status=_value(patent.legal_status),
        patent_number=patent.patent_number,
        announcement_date=patent.announcement_date,
        expiry_date=patent.expiry_date,
        annual_fee_paid_through=patent.annual_fee_paid_through,
    )
    if facts.legal_status != "valid" or facts.expiry_date <= today:
        return "closed"
    if declaration is None or _value(declaration.status) not in ("published", "withdrawn"):
        return "none"
    withdrawal = declaration.withdrawal
    codes = {
        v.code
        for v in check_acceptable(
            declaration_status=_value(declaration.status),
            withdrawal_effective=withdrawal.effective_date if withdrawal else None,
            licence_end=declaration.licence_end,
            patent=facts,
            today=today,
        )
    }
    if "declaration_withdrawn" in codes:
        return "withdrawn"
    if codes:
        return "closed"
    return "open"


def build_document(
    patent: Patent,
    university: Organisation,
    declaration: Declaration | None,
    *,
    today: datetime.date,
) -> PatentDocument:
    """The search document of a patent.

    `university` is the owning organisation; `declaration` is the patent's latest published or
    withdrawn declaration (with `.withdrawal` loaded), or None. Drafts are not offers: pass None.
    """
    fee_type: str | None = None
    price: int | None = None
    has_trial = False
    if declaration is not None:
        fee_type = declaration.fee_type
        try:
            terms = DeclarationTerms.model_validate(declaration.terms)
        except ValidationError:
            log.warning("declaration %s: stored terms do not validate", declaration.id)
        else:
            fee_type = terms.fee_standard.type.value
            has_trial = isinstance(terms.fee_standard, Staged) and terms.fee_standard.has_trial
            try:
                price = entry_price_minor(terms)
            except ValueError:
                log.warning("declaration %s: no schedule for its terms", declaration.id)
    codes = [c for c in (patent.ipc_codes or []) if c and c.strip()]
    dates = freshness.calendar_dates(patent, declaration)
    status = freshness.effective_status(_licence_status(patent, declaration, today), dates, today)
    return PatentDocument(
        id=str(patent.id),
        declaration_id=str(declaration.id) if declaration is not None else None,
        application_number=patent.application_number,
        patent_type=_value(patent.patent_type),
        title_zh=patent.title_zh,
        title_en=patent.title_en,
        abstract_zh=patent.abstract_zh,
        abstract_en=patent.abstract_en,
        keywords=list(patent.keywords or []),
        ipc_codes=codes,
        ipc_sections=list(dict.fromkeys(ipc_section(c) for c in codes)),
        ipc_classes=list(dict.fromkeys(ipc_class(c) for c in codes)),
        technology_field=patent.technology_field,
        university_id=str(university.id),
        university_name=university.name,
        province=university.province,
        fee_type=fee_type,
        entry_price_minor=price,
        has_trial=has_trial,
        trl=patent.trl,
        licence_status=status,  # type: ignore[arg-type]
        listing_status=_value(patent.listing_status),  # type: ignore[arg-type]
        owner_organisation_id=str(patent.owner_organisation_id),
        declared_at=_unix(declaration.published_at) if declaration is not None else None,
        expiry_date=patent.expiry_date.isoformat(),
        expiry_ts=(patent.expiry_date - _EPOCH).days,
        claims=patent.claims[:CLAIMS_CHARS] if patent.claims else None,
        patent_ends_ts=dates.patent_ends_ts,
        withdrawn_ts=dates.withdrawn_ts,
        offer_ends_ts=dates.offer_ends_ts,
    )
