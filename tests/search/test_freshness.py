"""Calendar dates of a search document and the licence status they give on a day."""

from __future__ import annotations

import datetime
import uuid

import pytest

from openlicense.accounts.models import Organisation, OrganisationKind
from openlicense.catalogue.models import (
    Declaration,
    DeclarationStatus,
    DeclarationWithdrawal,
    LegalStatus,
    ListingStatus,
    Patent,
    PatentType,
)
from openlicense.catalogue.service.indexing import build_document, calendar_dates
from openlicense.search.freshness import day_number, effective_status, lapse_day

EXPIRY = datetime.date(2031, 4, 30)
PERIOD_END = datetime.date(2030, 11, 30)
WITHDRAWN = datetime.date(2027, 3, 1)
PAID_THROUGH = datetime.date(2027, 4, 30)


def _listing(
    *, withdrawal: datetime.date | None = None, paid_through: datetime.date | None = None
) -> tuple[Patent, Organisation, Declaration]:
    org = Organisation(id=uuid.uuid4(), name="浙江大学", kind=OrganisationKind.UNIVERSITY)
    patent = Patent(
        id=uuid.uuid4(),
        application_number="202110123456.7",
        patent_type=PatentType.INVENTION,
        title_zh="电池包散热结构",
        title_en=None,
        abstract_zh=None,
        abstract_en=None,
        claims="1. 一种电池包散热结构，其特征在于，包括液冷板。",
        ipc_codes=["H01M 10/613"],
        filing_date=datetime.date(2011, 5, 1),
        expiry_date=EXPIRY,
        legal_status=LegalStatus.VALID,
        annual_fee_paid_through=paid_through,
        technology_field="new_energy",
        trl=6,
        keywords=[],
        owner_organisation_id=org.id,
        listing_status=ListingStatus.PUBLISHED,
    )
    terms = {
        "fee_standard": {"type": "FREE"},
        "currency": "CNY",
        "licence_start": "2026-12-01",
        "licence_end": PERIOD_END.isoformat(),
    }
    declaration = Declaration(
        id=uuid.uuid4(),
        patent_id=patent.id,
        version=1,
        status=DeclarationStatus.PUBLISHED,
        terms=terms,
        fee_type="FREE",
        currency="CNY",
        licence_start=datetime.date(2026, 12, 1),
        licence_end=PERIOD_END,
        published_at=datetime.datetime(2026, 11, 2, tzinfo=datetime.UTC),
    )
    declaration.withdrawal = None
    if withdrawal is not None:
        declaration.withdrawal = DeclarationWithdrawal(
            id=uuid.uuid4(),
            declaration_id=declaration.id,
            reason="No longer offered.",
            effective_date=withdrawal,
            owner_consents=[],
            withdrawn_by_id=uuid.uuid4(),
        )
    return patent, org, declaration


def _status_on(day: datetime.date, **kwargs: datetime.date) -> str:
    """Built long before `day`, evaluated on `day`: what search shows without a refresh."""
    doc = build_document(*_listing(**kwargs), today=datetime.date(2026, 12, 1))
    assert doc.licence_status == "open"
    return effective_status(doc.licence_status, doc, day)


def test_the_document_carries_the_dates_the_calendar_changes() -> None:
    patent, _, declaration = _listing(withdrawal=WITHDRAWN, paid_through=PAID_THROUGH)
    dates = calendar_dates(patent, declaration)
    assert dates.patent_ends_ts == day_number(datetime.date(2027, 11, 1))  # the lapse comes first
    assert dates.withdrawn_ts == day_number(WITHDRAWN)
    assert dates.offer_ends_ts == day_number(PERIOD_END + datetime.timedelta(days=1))
    doc = build_document(patent, _, declaration, today=datetime.date(2026, 12, 1))
    assert doc.claims is not None and doc.claims.startswith("1. 一种电池包散热结构")
    assert (doc.ipc_subclasses, doc.ipc_groups) == (["H01M"], ["H01M 10"])


@pytest.mark.parametrize(
    ("paid_through", "lapses"),
    [
        (datetime.date(2027, 4, 30), datetime.date(2027, 11, 1)),  # due 05-01, late until 10-31
        (datetime.date(2027, 8, 31), datetime.date(2028, 3, 1)),  # due 09-01, late until 02-29
        (datetime.date(2028, 2, 28), datetime.date(2028, 8, 29)),
    ],
)
def test_an_unpaid_annual_fee_lapses_after_the_late_payment_period(
    paid_through: datetime.date, lapses: datetime.date
) -> None:
    assert lapse_day(paid_through) == lapses
    assert _status_on(lapses - datetime.timedelta(days=1), paid_through=paid_through) == "open"
    assert _status_on(lapses, paid_through=paid_through) == "closed"


def test_a_patent_closes_on_its_expiry_day_not_the_day_after() -> None:
    doc = build_document(*_listing(), today=datetime.date(2026, 12, 1))
    doc = doc.model_copy(update={"offer_ends_ts": None})  # only the expiry matters here
    assert effective_status("open", doc, EXPIRY - datetime.timedelta(days=1)) == "open"
    assert effective_status("open", doc, EXPIRY) == "closed"


def test_a_withdrawal_takes_effect_on_its_day() -> None:
    assert _status_on(WITHDRAWN - datetime.timedelta(days=1), withdrawal=WITHDRAWN) == "open"
    assert _status_on(WITHDRAWN, withdrawal=WITHDRAWN) == "withdrawn"
    # a withdrawn offer stays withdrawn when its period ends; the patent's end closes it
    assert _status_on(PERIOD_END + datetime.timedelta(days=1), withdrawal=WITHDRAWN) == "withdrawn"
    assert _status_on(EXPIRY, withdrawal=WITHDRAWN) == "closed"


def test_the_declared_period_ends_after_its_last_day() -> None:
    assert _status_on(PERIOD_END) == "open"
    assert _status_on(PERIOD_END + datetime.timedelta(days=1)) == "closed"


def test_building_on_the_day_gives_the_same_status() -> None:
    for day in (WITHDRAWN, PERIOD_END + datetime.timedelta(days=1), EXPIRY):
        listing = _listing(withdrawal=WITHDRAWN)
        built = build_document(*listing, today=day)
        early = build_document(*listing, today=datetime.date(2026, 12, 1))
        assert built.licence_status == effective_status(early.licence_status, early, day)
