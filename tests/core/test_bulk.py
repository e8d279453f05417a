"""`core.bulk` stores exactly what SQLAlchemy's own `insert(table)` stores: every column type of
the tables written in bulk, compared as the database holds them (raw driver values on SQLite,
each column's text form on PostgreSQL)."""

from __future__ import annotations

import datetime
import pickle
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Table, delete, insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from builders import application_number, make_actor
from openlicense.accounts.models import OrganisationKind
from openlicense.catalogue.models import (
    Declaration,
    DeclarationStatus,
    DeclarationWithdrawal,
    LegalStatus,
    ListingStatus,
    Patent,
    PatentOwner,
    PatentType,
)
from openlicense.core.bulk import BulkTarget, insert_rows, prepare_rows, write_rows
from openlicense.search.models import SearchOutbox

UTC = datetime.UTC
BEIJING = datetime.timezone(datetime.timedelta(hours=8))
AT = datetime.datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=BEIJING)


def _table(model: Any) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


async def _raw(session: AsyncSession, table: Table, row_id: uuid.UUID) -> tuple[Any, ...]:
    """The stored row as the database has it, not as SQLAlchemy's types read it back."""
    names = [c.name for c in table.columns]
    if session.get_bind().dialect.name == "postgresql":
        columns = ", ".join(f"{n}::text" for n in names)
        found = await session.execute(
            text(f"SELECT {columns} FROM {table.name} WHERE id = :id"),  # noqa: S608
            {"id": row_id},
        )
        return tuple(found.one())
    raw = await session.connection()
    result = await raw.exec_driver_sql(
        f"SELECT {', '.join(names)} FROM {table.name} WHERE id = ?",  # noqa: S608
        (row_id.bytes,),
    )
    return tuple(result.one())


async def _both_ways(
    maker: async_sessionmaker, model: Any, rows: list[dict[str, Any]]
) -> list[tuple[tuple[Any, ...], tuple[Any, ...]]]:
    """Each row written by `insert_rows` and, after deleting it, by SQLAlchemy (which it is left
    as): the raw pairs."""
    table = _table(model)
    pairs = []
    for row in rows:
        async with maker.begin() as session:
            await insert_rows(session, table, [row])
        async with maker() as session:
            ours = await _raw(session, table, row["id"])
        async with maker.begin() as session:
            await session.execute(delete(table).where(table.c.id == row["id"]))
            await session.execute(insert(table), [row])
        async with maker() as session:
            pairs.append((ours, await _raw(session, table, row["id"])))
    return pairs


def _patent(owner: uuid.UUID, **overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": uuid.uuid4(),
        "application_number": application_number(),
        "patent_number": None,
        "patent_type": PatentType.INVENTION,
        "title_zh": "一种锂离子电池正极材料及其制备方法",
        "title_en": "Cathode material",
        "abstract_zh": "本发明公开了……",
        "abstract_en": None,
        "claims": "1. 一种正极材料，其特征在于……\n2. 根据权利要求1所述的……",
        "ipc_codes": ["H01M 4/36", "H01M 10/0525"],
        "inventors": ["张三", "李四"],
        "filing_date": datetime.date(2021, 3, 1),
        "grant_date": datetime.date(2023, 5, 1),
        "announcement_date": None,
        "expiry_date": datetime.date(2041, 3, 1),
        "legal_status": LegalStatus.VALID,
        "annual_fee_paid_through": datetime.date(2027, 3, 1),
        "pledged": True,
        "pledgee_consent_ref": None,
        "suspended": False,
        "evaluation_report": None,
        "technology_field": "new_energy",
        "trl": None,
        "application_scenarios": [],
        "keywords": ["锂电池"],
        "owner_organisation_id": owner,
        "listing_status": ListingStatus.PUBLISHED,
        "retired_at": None,
        "created_at": AT,
        "updated_at": AT.astimezone(UTC),
    }
    row.update(overrides)
    return row


async def test_patents_and_owners_are_stored_as_sqlalchemy_stores_them(
    db_sessionmaker: async_sessionmaker,
) -> None:
    tto = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    patents = [
        _patent(tto.organisation_id),
        _patent(
            tto.organisation_id,
            patent_type="utility_model",  # a plain string where the model has an enum
            evaluation_report={"reference": "PJ1", "issued_on": "2024-01-10", "conclusion": "ok"},
            trl=7,
            retired_at=AT,
            title_en="",
        ),
    ]
    for ours, theirs in await _both_ways(db_sessionmaker, Patent, patents):
        assert ours == theirs
    owners = [
        {
            "id": uuid.uuid4(),
            "patent_id": patents[1]["id"],
            "position": 0,
            "name": "浙江大学",
            "organisation_id": None,
            "consents_to_open_licence": True,
            "consent_document_ref": "OLC-1",
            "consent_recorded_at": AT,
            "created_at": AT,
            "updated_at": AT,
        }
    ]
    for ours, theirs in await _both_ways(db_sessionmaker, PatentOwner, owners):
        assert ours == theirs


async def test_declarations_and_withdrawals_are_stored_as_sqlalchemy_stores_them(
    db_sessionmaker: async_sessionmaker,
) -> None:
    tto = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    patent = _patent(tto.organisation_id)
    async with db_sessionmaker.begin() as session:
        await insert_rows(session, _table(Patent), [patent])
    declaration = {
        "id": uuid.uuid4(),
        "patent_id": patent["id"],
        "version": 1,
        "status": DeclarationStatus.WITHDRAWN,
        "terms": {"fee_standard": {"type": "FREE"}, "currency": "CNY", "rate": "0.035"},
        "clause_set": [{"key": "improvements", "option": "licensee", "version": 1}],
        "terms_hash": "ab" * 32,
        "fee_type": "FREE",
        "currency": "CNY",
        "licence_start": datetime.date(2026, 1, 1),
        "licence_end": datetime.date(2031, 1, 1),
        "attested_by_id": tto.user_id,
        "published_at": AT,
        "announcement_date": datetime.date(2026, 1, 1),
        "announcement_ref": "OL20260101-AB",
        "created_by_id": tto.user_id,
        "created_at": AT,
        "updated_at": AT,
    }
    for ours, theirs in await _both_ways(db_sessionmaker, Declaration, [declaration]):
        assert ours == theirs
    withdrawal = {
        "id": uuid.uuid4(),
        "declaration_id": declaration["id"],
        "reason": "转让",
        "effective_date": datetime.date(2026, 6, 1),
        "owner_consents": [{"owner_id": str(uuid.uuid4()), "name": "浙江大学"}],
        "withdrawn_by_id": tto.user_id,
        "created_at": AT,
        "updated_at": AT,
    }
    for ours, theirs in await _both_ways(db_sessionmaker, DeclarationWithdrawal, [withdrawal]):
        assert ours == theirs


async def test_columns_left_out_get_their_python_defaults(
    db_sessionmaker: async_sessionmaker,
) -> None:
    tto = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    patent = _patent(tto.organisation_id)
    async with db_sessionmaker.begin() as session:
        await insert_rows(session, _table(Patent), [patent])
        await insert_rows(
            session,
            _table(SearchOutbox),
            [{"patent_id": patent["id"], "reason": "import"} for _ in range(3)],
        )
    async with db_sessionmaker() as session:
        rows = list(await session.scalars(select(SearchOutbox)))
    assert len({r.id for r in rows}) == 3
    assert all(r.attempts == 0 and r.failed_at is None and r.created_at for r in rows)


async def test_rows_prepared_elsewhere_write_the_same(
    db_sessionmaker: async_sessionmaker,
) -> None:
    """What a worker process prepares (from a pickled `BulkTarget`) is what the writer expects."""
    tto = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    row = _patent(tto.organisation_id)
    table = _table(Patent)
    async with db_sessionmaker.begin() as session:
        target = pickle.loads(pickle.dumps(BulkTarget.of(session.get_bind().dialect)))  # noqa: S301
        prepared = pickle.loads(pickle.dumps(prepare_rows(table, target, [row])))  # noqa: S301
        here = prepare_rows(table, session.get_bind().dialect, [row])
        assert prepared == here
        await write_rows(session, table, prepared)
    async with db_sessionmaker() as session:
        assert (await session.get(Patent, row["id"])) is not None


@pytest.mark.parametrize(
    "bad",
    [lambda row: row | {"nonsense": 1}, lambda row: row | {"created_at": AT.replace(tzinfo=None)}],
)
async def test_refuses_unknown_columns_and_naive_datetimes(
    db_sessionmaker: async_sessionmaker, bad: Callable[[dict[str, Any]], dict[str, Any]]
) -> None:
    tto = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    with pytest.raises((KeyError, TypeError)):
        async with db_sessionmaker.begin() as session:
            await insert_rows(session, _table(Patent), [bad(_patent(tto.organisation_id))])


async def test_a_constraint_violation_is_sqlalchemys_integrity_error(
    db_sessionmaker: async_sessionmaker,
) -> None:
    tto = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    row = _patent(tto.organisation_id)
    async with db_sessionmaker.begin() as session:
        await insert_rows(session, _table(Patent), [row])
    with pytest.raises(IntegrityError):
        async with db_sessionmaker.begin() as session:
            await insert_rows(session, _table(Patent), [row | {"id": uuid.uuid4()}])
