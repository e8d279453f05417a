"""Demo data: counts, idempotence, growth, and that every seeded row passes the domain's own
checks (identifiers, patent schema, declaration rules 1–12, terms hash, demo logins)."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from itertools import pairwise
from typing import Any

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm import selectinload

import openlicense.seed.generate as generate
import openlicense.seed.workers as workers
from openlicense.accounts.models import Organisation, OrganisationKind, Role, User
from openlicense.accounts.passwords import verify_password
from openlicense.accounts.rules import is_sme
from openlicense.catalogue import identifiers
from openlicense.catalogue.models import (
    Declaration,
    DeclarationStatus,
    DeclarationWithdrawal,
    LegalStatus,
    Patent,
    PatentOwner,
)
from openlicense.catalogue.rules import CONDITION_TERMS, RuleConfig, check_declaration, find_terms
from openlicense.catalogue.schemas import DeclarationTerms, PatentCreate
from openlicense.catalogue.service import patent_facts
from openlicense.core.dates import add_months
from openlicense.pricing.fee_standards import (
    FeeType,
    Instalments,
    LumpSum,
    Royalty,
    RoyaltyBase,
    RoyaltyTerms,
    Staged,
)
from openlicense.seed.data import (
    DEMO_PASSWORD,
    DEMO_USERS,
    ENTERPRISE_COUNT,
    LARGE_ENTERPRISES,
    UNIVERSITIES,
)
from openlicense.seed.generate import SeedReport, seed

TODAY = datetime.date(2026, 11, 23)
N = 200
ORGANISATIONS = len(UNIVERSITIES) + ENTERPRISE_COUNT + 3  # + IP office, platform, authority
USERS = 3 + (len(UNIVERSITIES) + 1) + (ENTERPRISE_COUNT + 1)  # admin, auditor, authority, …
TABLES = {
    "organisations": Organisation,
    "users": User,
    "patents": Patent,
    "patent_owners": PatentOwner,
    "declarations": Declaration,
    "withdrawals": DeclarationWithdrawal,
}


async def _counts(sessionmaker: async_sessionmaker) -> dict[str, int]:
    async with sessionmaker() as session:
        return {
            name: await session.scalar(select(func.count()).select_from(model))
            for name, model in TABLES.items()
        }


async def _max_updated(sessionmaker: async_sessionmaker) -> dict[str, datetime.datetime]:
    async with sessionmaker() as session:
        return {
            name: await session.scalar(select(func.max(model.updated_at)))
            for name, model in TABLES.items()
        }


async def test_seed_creates_the_expected_rows(
    db_sessionmaker: async_sessionmaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(generate, "CHUNK", 64)  # several chunks, one transaction each
    calls: list[int] = []
    report = await seed(db_sessionmaker, patents=N, today=TODAY, progress=calls.append)

    assert calls == [64, 64, 64, 8]  # per chunk, adding up to N
    assert (report.organisations, report.users, report.patents) == (ORGANISATIONS, USERS, N)
    assert N <= report.patent_owners < N * 1.2  # a few co-owned patents
    assert 0.3 * N < report.declarations < 0.7 * N
    assert await _counts(db_sessionmaker) == {
        "organisations": ORGANISATIONS,
        "users": USERS,
        "patents": N,
        "patent_owners": report.patent_owners,
        "declarations": report.declarations,
        "withdrawals": report.withdrawals,
    }
    async with db_sessionmaker() as session:
        orgs = list(await session.scalars(select(Organisation)))
        roles = set(await session.scalars(select(User.role)))
        statuses = set(await session.scalars(select(Patent.legal_status)))
    assert roles == set(Role)
    assert {o.kind for o in orgs} == set(OrganisationKind)
    assert LegalStatus.VALID in statuses and len(statuses) >= 3

    universities = [o for o in orgs if o.kind is OrganisationKind.UNIVERSITY]
    assert all(o.province and o.name_en for o in universities)
    enterprises = [o for o in orgs if o.kind is OrganisationKind.ENTERPRISE]
    codes = [o.credit_code for o in enterprises]
    assert all(re.fullmatch(r"[0-9A-HJ-NPQRTUWXY]{18}", c or "") for c in codes)
    assert len(set(codes)) == ENTERPRISE_COUNT
    smes = [is_sme(o.industry, o.headcount, o.annual_revenue_minor) for o in enterprises]
    assert smes.count(False) == LARGE_ENTERPRISES
    assert smes.count(True) == ENTERPRISE_COUNT - LARGE_ENTERPRISES


async def test_running_twice_changes_nothing(db_sessionmaker: async_sessionmaker) -> None:
    await seed(db_sessionmaker, patents=N, today=TODAY)
    counts, updated = await _counts(db_sessionmaker), await _max_updated(db_sessionmaker)

    again = await seed(db_sessionmaker, patents=N, today=TODAY)

    assert again == SeedReport()
    assert await _counts(db_sessionmaker) == counts
    assert await _max_updated(db_sessionmaker) == updated


async def test_a_larger_run_adds_only_the_new_patents(db_sessionmaker: async_sessionmaker) -> None:
    await seed(db_sessionmaker, patents=120, today=TODAY)
    async with db_sessionmaker() as session:
        before = dict((await session.execute(select(Patent.id, Patent.updated_at))).tuples().all())

    report = await seed(db_sessionmaker, patents=150, today=TODAY)

    assert (report.organisations, report.users, report.patents) == (0, 0, 30)
    async with db_sessionmaker() as session:
        after = dict((await session.execute(select(Patent.id, Patent.updated_at))).tuples().all())
    assert len(after) == 150
    assert {k: after[k] for k in before} == before


async def _patent_rows(sessionmaker: async_sessionmaker) -> dict[str, list[Any]]:
    async with sessionmaker() as session:
        return {
            name: list(await session.execute(select(model.__table__).order_by(model.id)))
            for name, model in TABLES.items()
            if name not in ("organisations", "users")
        }


async def test_worker_processes_build_the_same_rows(
    db_sessionmaker: async_sessionmaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(generate, "CHUNK", 64)
    await seed(db_sessionmaker, patents=150, today=TODAY)
    inline = await _patent_rows(db_sessionmaker)
    async with db_sessionmaker.begin() as session:
        for model in (DeclarationWithdrawal, Declaration, PatentOwner, Patent):
            await session.execute(delete(model))
    monkeypatch.setattr(workers, "PARALLEL_FROM", 0)
    monkeypatch.setattr(workers, "_cpus", lambda: 2)

    report = await seed(db_sessionmaker, patents=150, today=TODAY)

    assert report.patents == 150
    assert await _patent_rows(db_sessionmaker) == inline


async def test_an_existing_organisation_of_the_same_name_is_reused(
    db_sessionmaker: async_sessionmaker,
) -> None:
    async with db_sessionmaker.begin() as session:
        zju = Organisation(name="浙江大学", kind=OrganisationKind.UNIVERSITY, province="浙江")
        session.add(zju)
        await session.flush()
        zju_id = zju.id

    report = await seed(db_sessionmaker, patents=N, today=TODAY)

    assert report.organisations == ORGANISATIONS - 1
    async with db_sessionmaker() as session:
        owned = await session.scalar(
            select(func.count()).where(Patent.owner_organisation_id == zju_id)
        )
        tto = await session.scalar(select(User).where(User.email == "tto@zju.test"))
    assert owned and owned > 0
    assert tto is not None and tto.organisation_id == zju_id


async def test_patents_are_valid_register_entries(db_sessionmaker: async_sessionmaker) -> None:
    await seed(db_sessionmaker, patents=N, today=TODAY)
    async with db_sessionmaker() as session:
        patents = list(
            await session.scalars(select(Patent).options(selectinload(Patent.co_owners)))
        )
    assert len({p.application_number for p in patents}) == N
    for p in patents:
        number = p.application_number
        assert identifiers.normalise_application_number(number) == number
        assert identifiers.type_matches(number, p.patent_type.value)
        assert identifiers.filing_year(number) == p.filing_date.year
        assert p.expiry_date == identifiers.expiry_date(p.patent_type.value, p.filing_date)
        assert p.co_owners and p.co_owners[0].organisation_id == p.owner_organisation_id
        if p.legal_status is LegalStatus.PENDING:
            assert p.patent_number is None and p.announcement_date is None
        else:
            assert p.patent_number == identifiers.patent_number_for(number)
            assert p.filing_date < p.grant_date <= p.announcement_date < TODAY
        if p.legal_status is LegalStatus.VALID:
            assert p.annual_fee_paid_through >= TODAY
            assert p.expiry_date > TODAY
        if p.evaluation_report is not None:
            assert p.patent_type.value in ("utility_model", "design")
        # The API's own input schema accepts every seeded patent as it is.
        PatentCreate.model_validate(_as_input(p))


def _as_input(p: Patent) -> dict[str, Any]:
    fields = (
        "application_number", "filing_date", "title_zh", "title_en", "abstract_zh",
        "abstract_en", "claims", "ipc_codes", "inventors", "grant_date", "announcement_date",
        "annual_fee_paid_through", "pledged", "pledgee_consent_ref", "suspended",
        "evaluation_report", "technology_field", "trl", "application_scenarios", "keywords",
    )  # fmt: skip
    data = {f: getattr(p, f) for f in fields}
    data["patent_type"] = p.patent_type.value
    data["legal_status"] = p.legal_status.value
    data["co_owners"] = [
        {
            "name": o.name,
            "organisation_id": o.organisation_id,
            "consents_to_open_licence": o.consents_to_open_licence,
            "consent_document_ref": o.consent_document_ref,
        }
        for o in p.co_owners
    ]
    return data


async def test_declarations_are_valid_and_cover_every_fee_type(
    db_sessionmaker: async_sessionmaker,
) -> None:
    await seed(db_sessionmaker, patents=N, today=TODAY)
    async with db_sessionmaker() as session:
        declarations = list(
            await session.scalars(
                select(Declaration).options(
                    selectinload(Declaration.withdrawal),
                    selectinload(Declaration.patent).selectinload(Patent.co_owners),
                    selectinload(Declaration.patent).selectinload(Patent.licences),
                )
            )
        )
        tto_of = dict(
            (await session.execute(
                select(User.id, User.organisation_id).where(User.role == Role.TTO_OFFICER)
            )).tuples().all()
        )  # fmt: skip

    published = [d for d in declarations if d.status is DeclarationStatus.PUBLISHED]
    assert {d.fee_type for d in published} == {t.value for t in FeeType}
    staged = [DeclarationTerms.model_validate(d.terms).fee_standard for d in published]
    staged = [s for s in staged if isinstance(s, Staged)]
    assert any(s.has_trial and s.stages[0].duration_months == 6 for s in staged)
    assert any(_rising(s) for s in staged)

    config = RuleConfig()
    for d in declarations:
        terms = DeclarationTerms.model_validate(d.terms)
        assert terms.sha256() == d.terms_hash
        assert terms.model_dump(mode="json") == d.terms
        assert d.fee_type == terms.fee_standard.type.value and d.currency == "CNY"
        assert (d.licence_start, d.licence_end) == (terms.licence_start, terms.licence_end)
        assert d.licence_start == d.announcement_date < TODAY
        assert add_months(d.licence_start, 12) <= d.licence_end <= d.patent.expiry_date
        assert d.version == 1 and d.published_at is not None
        assert d.published_at.date() == d.announcement_date
        assert d.announcement_ref and d.announcement_ref.startswith("OL")
        assert d.created_by_id == d.attested_by_id
        assert tto_of[d.created_by_id] == d.patent.owner_organisation_id
        if d.status is DeclarationStatus.PUBLISHED:
            # Rules 1–12 as the publish endpoint applies them, on the seed's `today`.
            assert check_declaration(patent_facts(d.patent), terms, TODAY, config) == []
            assert d.withdrawal is None
        else:
            assert d.status is DeclarationStatus.WITHDRAWN
            w = d.withdrawal
            assert w is not None and len(w.reason) >= 10
            assert not find_terms(w.reason, CONDITION_TERMS)
            assert d.announcement_date < w.effective_date < TODAY
            assert {c["owner_id"] for c in w.owner_consents} == {
                str(o.id) for o in d.patent.co_owners
            }


def _rising(staged: Staged) -> bool:
    rates = [s.standard.rate for s in staged.stages if isinstance(s.standard, Royalty)]
    return len(rates) == len(staged.stages) >= 3 and all(b > a for a, b in pairwise(rates))


async def test_fees_are_in_realistic_ranges(db_sessionmaker: async_sessionmaker) -> None:
    await seed(db_sessionmaker, patents=N, today=TODAY)
    async with db_sessionmaker() as session:
        rows = list(await session.scalars(select(Declaration.terms)))
    for row in rows:
        standard = DeclarationTerms.model_validate(row).fee_standard
        parts = (
            [s.standard for s in standard.stages] if isinstance(standard, Staged) else [standard]
        )
        for fee in parts:
            if isinstance(fee, LumpSum):  # RMB 5,000–500,000 (fen)
                assert 500_000 <= fee.amount_minor <= 50_000_000
            elif isinstance(fee, Instalments):
                assert 500_000 <= fee.total_minor <= 50_000_000
            elif isinstance(fee, RoyaltyTerms) and fee.base is RoyaltyBase.NET_SALES:
                assert all(Decimal("0.01") <= r <= Decimal("0.08") for r in fee.rates)
            elif isinstance(fee, RoyaltyTerms):
                assert fee.base is RoyaltyBase.PROFIT
                assert all(r <= Decimal("0.40") for r in fee.rates)


async def test_demo_users_can_sign_in(db_sessionmaker: async_sessionmaker) -> None:
    await seed(db_sessionmaker, patents=10, today=TODAY)
    emails = [u.email for u in DEMO_USERS] + ["tto1@uni.test", f"member{ENTERPRISE_COUNT}@ent.test"]
    async with db_sessionmaker() as session:
        users = {
            u.email: u
            for u in await session.scalars(
                select(User).where(User.email.in_(emails)).options(selectinload(User.organisation))
            )
        }
    assert set(users) == set(emails)
    for demo in DEMO_USERS:
        user = users[demo.email]
        assert user.role is demo.role
        assert user.organisation.name == demo.organisation
    for user in users.values():
        assert user.is_active
        assert verify_password(user.password_hash, DEMO_PASSWORD)
    assert len({u.password_hash for u in users.values()}) == 1  # hashed once per run
