"""Demo patents: register facts, co-owners and listings, one deterministic patent per index."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

import openlicense.seed.data as data
from openlicense.accounts.models import OrganisationKind
from openlicense.audit import ledger
from openlicense.audit.ledger import LedgerRecord
from openlicense.catalogue.identifiers import check_character, expiry_date
from openlicense.catalogue.models import (
    Declaration,
    DeclarationWithdrawal,
    LegalStatus,
    ListingStatus,
    Patent,
    PatentOwner,
    PatentType,
)
from openlicense.catalogue.rules import OwnerFacts, PatentFacts, check_declarable
from openlicense.catalogue.service.declarations import published_record, withdrawn_record
from openlicense.catalogue.service.published import note_new_patents
from openlicense.core.bulk import BulkTarget, Prepared, prepare_rows, write_rows
from openlicense.core.dates import add_months
from openlicense.seed.common import (
    _DAY,
    _OFFICE_HOURS,
    _SERIAL_OFFSET,
    _SERIAL_SPACE,
    _SERIAL_STEP,
    _at,
    _between,
    _Bundle,
    _cumulative,
    _OrgRef,
    _person,
    _pick,
    _uid,
    _UniRef,
    table_of,
)
from openlicense.seed.declarations import _declare
from openlicense.seed.organisations import _existing
from openlicense.seed.texts import _describe

_FIELD_KEYS = tuple(data.FIELDS)
_TYPES = (PatentType.INVENTION, PatentType.UTILITY_MODEL, PatentType.DESIGN)
_TYPE_CUM = _cumulative((75, 20, 5))
_YEARS = tuple(range(2014, 2024))
_YEAR_CUM = _cumulative((4, 5, 6, 8, 9, 10, 12, 13, 12, 10))
_GRANT_LAG_DAYS = {
    PatentType.INVENTION: (540, 1300),
    PatentType.UTILITY_MODEL: (120, 400),
    PatentType.DESIGN: (90, 300),
}
_TRL_CUM = {
    PatentType.INVENTION: _cumulative((10, 20, 25, 20, 12, 8, 5)),
    PatentType.UTILITY_MODEL: _cumulative((2, 5, 10, 20, 25, 22, 16)),
    PatentType.DESIGN: _cumulative((2, 5, 10, 20, 25, 22, 16)),
}
_TRLS = tuple(range(3, 10))


@dataclass(frozen=True, slots=True)
class _World:
    today: dt.date
    universities: list[_UniRef]
    uni_cum: list[float]
    enterprises: list[_OrgRef]
    enterprises_by_field: dict[str, list[_OrgRef]]
    declarable_until: dt.date
    """A declaration needs the patent to last at least 13 more months (rule 9's 12 + margin)."""

    @classmethod
    def build(
        cls,
        today: dt.date,
        orgs: list[dict[str, Any]],
        enterprise_fields: dict[uuid.UUID, str],
        org_ids: dict[uuid.UUID, uuid.UUID],
        user_ids: dict[uuid.UUID, uuid.UUID],
    ) -> _World:
        universities = []
        for n, uni in enumerate(data.UNIVERSITIES, start=1):
            email = "tto@zju.test" if n == 1 else f"tto{n}@uni.test"
            weights = [3.0 if key in uni.focus else 1.0 for key in _FIELD_KEYS]
            universities.append(
                _UniRef(
                    org=_OrgRef(
                        org_ids[_uid(f"org:university:{uni.slug}")], uni.name, uni.slug.upper()
                    ),
                    tto_user_id=user_ids[_uid(f"user:{email}")],
                    field_cum=_cumulative(weights),
                )
            )
        enterprises: list[_OrgRef] = []
        by_field: dict[str, list[_OrgRef]] = {}
        for row in orgs:
            if row["kind"] is OrganisationKind.ENTERPRISE:
                ref = _OrgRef(org_ids[row["id"]], row["name"], f"E{len(enterprises) + 1:02d}")
                enterprises.append(ref)
                by_field.setdefault(enterprise_fields[row["id"]], []).append(ref)
        return cls(
            today=today,
            universities=universities,
            uni_cum=_cumulative([u.weight for u in data.UNIVERSITIES]),
            enterprises=enterprises,
            enterprises_by_field=by_field,
            declarable_until=add_months(today, 13),
        )


_TABLES = (
    ("patents", Patent),
    ("patent_owners", PatentOwner),
    ("declarations", Declaration),
    ("withdrawals", DeclarationWithdrawal),
)
"""What a chunk writes, in insert order (foreign keys), with the name `SeedReport` counts it by."""


@dataclass(frozen=True, slots=True)
class _Chunk:
    """Demo patents built and converted to driver values, ready to write (built in a worker
    process for large runs, see `seed.workers`)."""

    indices: list[int]
    numbers: list[str]
    """Application numbers, aligned with `indices`."""
    tables: list[Prepared]
    """Rows per table of `_TABLES`, in its order."""
    records: list[LedgerRecord]
    """The ledger entries of the chunk's declarations (published, then withdrawn), built by the
    same record builders as the API's: seeded history is in the chain like any other."""

    def counts(self) -> dict[str, int]:
        return {name: len(p.records) for (name, _), p in zip(_TABLES, self.tables, strict=True)}


def _build_chunk(world: _World, target: BulkTarget, indices: list[int]) -> _Chunk:
    """Pure: the same indices give the same rows, wherever this runs."""
    bundles = [_build_patent(i, _uid(f"patent:{i}"), world) for i in indices]
    rows: tuple[list[dict[str, Any]], ...] = (
        [b.patent for b in bundles],
        [o for b in bundles for o in b.owners],
        [b.declaration for b in bundles if b.declaration is not None],
        [b.withdrawal for b in bundles if b.withdrawal is not None],
    )
    return _Chunk(
        indices=indices,
        numbers=[b.patent["application_number"] for b in bundles],
        records=[r for b in bundles for r in _ledger_records(b)],
        tables=[
            prepare_rows(table_of(model), target, table_rows)
            for (_, model), table_rows in zip(_TABLES, rows, strict=True)
        ],
    )


def _ledger_records(bundle: _Bundle) -> list[LedgerRecord]:
    if bundle.declaration is None:
        return []
    declaration = Declaration(**bundle.declaration)
    records = [published_record(declaration)]
    if bundle.withdrawal is not None:
        records.append(withdrawn_record(declaration, DeclarationWithdrawal(**bundle.withdrawal)))
    return records


async def _missing(session: AsyncSession, start: int, end: int) -> list[int]:
    """The indices in [start, end) whose patent is not in the database yet."""
    ids = {i: _uid(f"patent:{i}") for i in range(start, end)}
    have = await _existing(session, table_of(Patent).c.id, list(ids.values()))
    return [i for i, patent_id in ids.items() if patent_id not in have]


async def _write_chunk(
    session: AsyncSession, world: _World, target: BulkTarget, chunk: _Chunk
) -> dict[str, int]:
    # Skip numbers someone already entered by hand (application_number is unique): rare, so
    # the chunk is simply built again without them.
    taken = await _existing(session, table_of(Patent).c.application_number, chunk.numbers)
    if taken:
        keep = [i for i, n in zip(chunk.indices, chunk.numbers, strict=True) if n not in taken]
        chunk = _build_chunk(world, target, keep)
    for (_, model), prepared in zip(_TABLES, chunk.tables, strict=True):
        await write_rows(session, table_of(model), prepared)
    note_new_patents(session)  # the cached list pages of a running app are stale now
    ledger.append(session, *chunk.records)  # chained when the chunk's transaction commits
    return chunk.counts()


def _build_patent(i: int, patent_id: uuid.UUID, w: _World) -> _Bundle:
    rng = random.Random(f"{data.SEED}:patent:{i}")
    today = w.today
    uni = _pick(rng, w.universities, w.uni_cum)
    field_key = _pick(rng, _FIELD_KEYS, uni.field_cum)
    vocab = data.FIELDS[field_key]
    ptype = _pick(rng, _TYPES, _TYPE_CUM)

    year = _pick(rng, _YEARS, _YEAR_CUM)
    filing = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
    digit = {
        PatentType.INVENTION: "8" if rng.random() < 0.03 else "1",
        PatentType.UTILITY_MODEL: "2",
        PatentType.DESIGN: "3",
    }[ptype]
    body = f"{year}{digit}{(i * _SERIAL_STEP + _SERIAL_OFFSET) % _SERIAL_SPACE:07d}"
    application_number = f"{body}.{check_character(body)}"
    expiry = expiry_date(ptype.value, filing)
    text = _describe(rng, ptype, vocab)
    inventors = list(dict.fromkeys(_person(rng) for _ in range(rng.randint(2, 6))))

    grant, announced, status, paid_through = _register(rng, ptype, filing, expiry, today)
    patent_number = None if announced is None else "ZL" + application_number

    report = None
    if announced is not None and ptype is not PatentType.INVENTION:
        issued = announced + dt.timedelta(days=rng.randint(20, 240))
        if issued < today:
            report = {
                "reference": f"PJ{issued.year}{body[4:]}",
                "issued_on": issued.isoformat(),
                "conclusion": "negative" if rng.random() < 0.06 else "positive",
            }
    granted = announced is not None
    pledged = granted and rng.random() < 0.04
    pledgee_consent_ref = None
    if pledged and announced is not None and rng.random() < 0.85:
        bank = rng.choice(data.BANKS)
        pledgee_consent_ref = f"质权人书面同意书（{bank}）ZY{announced.year + 1}{i % 10**6:06d}"
    suspended = status is LegalStatus.VALID and rng.random() < 0.004
    trl = _pick(rng, _TRLS, _TRL_CUM[ptype])

    co_owner: _OrgRef | None = None
    if rng.random() < 0.07:
        if rng.random() < 0.7:
            co_owner = rng.choice(w.enterprises_by_field.get(field_key) or w.enterprises)
        else:
            co_owner = rng.choice([u.org for u in w.universities if u is not uni])
    consents = granted and (co_owner is not None or rng.random() < 0.93)

    if status is LegalStatus.PENDING:
        listing = ListingStatus.DRAFT
    elif status is LegalStatus.VALID:
        listing = ListingStatus.DRAFT if rng.random() < 0.03 else ListingStatus.PUBLISHED
    else:
        listing = ListingStatus.RETIRED if rng.random() < 0.5 else ListingStatus.PUBLISHED
    earliest = today - dt.timedelta(days=730)
    if announced is not None:
        earliest = max(earliest, announced + _DAY)
    listed_on = _between(rng, min(earliest, today - _DAY), today - _DAY)
    created_at = _at(listed_on, rng.randrange(_OFFICE_HOURS))
    updated_at = created_at
    retired_at = None
    if listing is ListingStatus.RETIRED:
        retired_at = max(
            _at(_between(rng, listed_on, today - _DAY), rng.randrange(_OFFICE_HOURS)),
            created_at + dt.timedelta(hours=1),
        )
        updated_at = retired_at

    owners = []
    for position, org in enumerate([uni.org] if co_owner is None else [uni.org, co_owner]):
        owners.append(
            {
                "id": _uid(f"patent_owner:{i}:{position}"),
                "patent_id": patent_id,
                "position": position,
                "name": org.name,
                "organisation_id": org.id,
                "consents_to_open_licence": consents,
                "consent_document_ref": (
                    f"OLC-{org.code}-{listed_on.year}-{i:06d}-{position + 1}" if consents else None
                ),
                "consent_recorded_at": created_at if consents else None,
                "created_at": created_at,
                "updated_at": created_at,
            }
        )

    bundle = _Bundle(patent={}, owners=owners)
    facts = PatentFacts(
        patent_type=ptype.value,
        legal_status=status.value,
        patent_number=patent_number,
        announcement_date=announced,
        expiry_date=expiry,
        annual_fee_paid_through=paid_through,
        pledged=pledged,
        pledgee_consent_ref=pledgee_consent_ref,
        suspended=suspended,
        evaluation_conclusion=report["conclusion"] if report else None,
        owners=tuple(OwnerFacts(name=o["name"], consents=consents) for o in owners),
    )
    declarable = (
        listing is ListingStatus.PUBLISHED
        and expiry >= w.declarable_until
        and not check_declarable(facts, today)
    )
    first_day = listed_on
    if report is not None:
        first_day = max(first_day, dt.date.fromisoformat(report["issued_on"]) + _DAY)
    if declarable and first_day < today and rng.random() < 0.6:
        published_at = _declare(
            rng, i, patent_id, bundle, uni, vocab, ptype, expiry, first_day, created_at, today
        )
        updated_at = max(updated_at, published_at)

    bundle.patent = {
        "id": patent_id,
        "application_number": application_number,
        "patent_number": patent_number,
        "patent_type": ptype,
        "title_zh": text.title_zh,
        "title_en": text.title_en,
        "abstract_zh": text.abstract_zh,
        "abstract_en": text.abstract_en,
        "claims": text.claims,
        "ipc_codes": text.ipc,
        "inventors": inventors,
        "filing_date": filing,
        "grant_date": grant,
        "announcement_date": announced,
        "expiry_date": expiry,
        "legal_status": status,
        "annual_fee_paid_through": paid_through,
        "pledged": pledged,
        "pledgee_consent_ref": pledgee_consent_ref,
        "suspended": suspended,
        "evaluation_report": report,
        "technology_field": field_key,
        "trl": trl,
        "application_scenarios": text.scenarios,
        "keywords": text.keywords,
        "owner_organisation_id": uni.org.id,
        "listing_status": listing,
        "retired_at": retired_at,
        "created_at": created_at,
        "updated_at": updated_at,
    }
    return bundle


def _register(
    rng: random.Random, ptype: PatentType, filing: dt.date, expiry: dt.date, today: dt.date
) -> tuple[dt.date | None, dt.date | None, LegalStatus, dt.date | None]:
    """(grant, grant announcement, legal status, annual fee paid through) as the register shows
    them on `today`: pending until announced, then mostly valid, some lapsed, few invalidated."""
    lo, hi = _GRANT_LAG_DAYS[ptype]
    grant = filing + dt.timedelta(days=rng.randint(lo, hi))
    announced = grant + dt.timedelta(days=rng.randint(14, 42))
    if announced >= today:
        return None, None, LegalStatus.PENDING, None
    roll = rng.random()
    if expiry <= today:
        return grant, announced, LegalStatus.EXPIRED, expiry
    if roll < 0.04 and announced < today - dt.timedelta(days=600):
        # fee unpaid beyond the 6-month grace period
        paid = max(
            announced + dt.timedelta(days=180), today - dt.timedelta(days=rng.randint(200, 900))
        )
        return grant, announced, LegalStatus.LAPSED, paid
    if roll > 0.985:
        paid = max(announced, today - dt.timedelta(days=rng.randint(30, 500)))
        return grant, announced, LegalStatus.INVALIDATED, paid
    paid = min(today + dt.timedelta(days=rng.randint(92, 334)), expiry)
    return grant, announced, LegalStatus.VALID, paid
