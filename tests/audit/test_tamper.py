"""Every agreement fact the audit API serves is in the chain: an UPDATE of any of its columns in
the database is reported by `GET /api/audit/ledger/verify` and by `openlicense audit verify`,
naming the agreement and the field (docs/audit-ledger.md §4). Both databases."""

from __future__ import annotations

import asyncio
import datetime
import json
from collections.abc import Callable
from typing import Any

import pytest
from click.testing import CliRunner
from litestar.testing import AsyncTestClient
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import async_sessionmaker

from builders import make_actor
from licensing import Market, make_market
from openlicense.accounts.models import Organisation, OrganisationKind
from openlicense.agreements.models import Agreement, AgreementEvent, RecordingTask, ScheduleEntry
from openlicense.catalogue.models import Declaration, DeclarationWithdrawal, Patent
from openlicense.cli import main
from openlicense.core.clock import FixedClock
from openlicense.payments.models import Payment
from openlicense.settings import Settings

PERIOD = {"licence_start": "2026-11-23", "licence_end": "2028-11-22"}
LUMP = {"type": "LUMP_SUM", "amount_minor": 5_000_000}

Full = dict[str, Any]


@pytest.fixture
async def full(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> Full:
    """Two agreements; the first paid, effective and recorded, so no served column is empty."""
    market = await make_market(client, db_sessionmaker, clock)
    made = []
    for _ in range(2):
        declaration = await market.declare(LUMP, **PERIOD)
        accepted = await market.accept(declaration["id"], who=await market.another_enterprise())
        made.append(accepted.json())
    first, second = made
    assert (await market.pay(first["id"], "acceptance")).status_code in (200, 201)
    filed = await client.post(
        f"/api/agreements/{first['id']}/recording",
        json={"cnipa_reference": "2026990000123", "filed_on": "2026-11-23"},
        headers=market.tto.headers,
    )
    assert filed.status_code == 200, filed.text
    auditor = await make_actor(db_sessionmaker, OrganisationKind.IP_OFFICE)
    return {"market": market, "auditor": auditor, "first": first, "second": second}


async def _verify(full: Full) -> dict[str, Any]:
    market, auditor = full["market"], full["auditor"]
    response = await market.client.get("/api/audit/ledger/verify", headers=auditor.headers)
    assert response.status_code == 200
    return dict(response.json())


def _cli_verify(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> tuple[int, dict[str, Any]]:
    monkeypatch.setenv("OPENLICENSE_DATABASE__URL", settings.database.url)
    result = CliRunner().invoke(main, ["audit", "verify", "--json"])
    return result.exit_code, json.loads(result.output)


async def test_an_untouched_database_verifies(
    full: Full, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = await _verify(full)
    assert report["ok"], report
    assert report["agreements_checked"] == 2
    assert report["declarations_checked"] == 2
    assert report["payments_checked"] == 1
    code, cli = await asyncio.to_thread(_cli_verify, settings, monkeypatch)
    assert (code, cli["ok"]) == (0, True)


Change = Callable[[Full], Any]
DAY = datetime.date(2026, 12, 1)


def _agreement(column: str, value: Callable[[Full], Any]) -> tuple[str, Change]:
    def change(full: Full) -> Any:
        return (
            update(Agreement)
            .where(Agreement.number == full["first"]["number"])
            .values({column: value(full)})
        )

    return column, change


def _of_first(model: Any, column: str, value: Any, field: str, **where: Any) -> tuple[str, Change]:
    def change(full: Full) -> Any:
        query = update(model).where(model.agreement_id == full["first"]["id"])
        for name, wanted in where.items():
            query = query.where(getattr(model, name) == wanted)
        return query.values({column: value})

    return field, change


def _second(key: str) -> Callable[[Full], Any]:
    return lambda full: full["second_row"][key]


AGREEMENT_COLUMNS = [
    _agreement("number", lambda f: "OL-2026-FORGED"),
    _agreement("status", lambda f: "terminated"),
    _agreement("status_reason", lambda f: "forged"),
    _agreement("notified_at", lambda f: datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)),
    _agreement("paid_at", lambda f: datetime.datetime(2026, 1, 2, tzinfo=datetime.UTC)),
    _agreement("effective_on", lambda f: DAY),
    _agreement("ended_on", lambda f: DAY),
    _agreement("licence_start", lambda f: DAY),
    _agreement("licence_end", lambda f: datetime.date(2030, 1, 1)),
    _agreement("currency", lambda f: "USD"),
    _agreement("fee_type", lambda f: "FREE"),
    _agreement("has_trial", lambda f: True),
    _agreement("notice_ip", lambda f: "10.9.9.9"),
    _agreement("notice_user_agent", lambda f: "forged"),
    _agreement("seal", lambda f: "0" * 64),
    _agreement("fairness_review_required", lambda f: True),
    _agreement("declaration_id", _second("declaration_id")),
    _agreement("patent_id", _second("patent_id")),
    _agreement("licensor_organisation_id", _second("licensee_organisation_id")),
    _agreement("licensee_organisation_id", _second("licensee_organisation_id")),
    _agreement("accepted_by_id", _second("accepted_by_id")),
]
SEALED = [
    _agreement("text_zh", lambda f: "伪造的合同"),
    _agreement("text_en", lambda f: "forged contract"),
    _agreement("snapshot", lambda f: {"forged": True}),
]
RELATED = [
    _of_first(ScheduleEntry, "amount_minor", 1, "schedule.acceptance.amount_minor"),
    _of_first(ScheduleEntry, "due_date", DAY, "schedule.acceptance.due_date"),
    _of_first(ScheduleEntry, "status", "scheduled", "schedule.acceptance.status"),
    _of_first(ScheduleEntry, "paid_minor", 1, "schedule.acceptance.paid_minor"),
    _of_first(ScheduleEntry, "paid_on", DAY, "schedule.acceptance.paid_on"),
    _of_first(ScheduleEntry, "payment_reference", "X", "schedule.acceptance.payment_reference"),
    _of_first(ScheduleEntry, "description", "X", "schedule.acceptance.description"),
    _of_first(ScheduleEntry, "refunded_minor", 5, "schedule.acceptance.refunded_minor"),
    _of_first(RecordingTask, "due_date", DAY, "recording.due_date"),
    _of_first(RecordingTask, "status", "open", "recording.status"),
    _of_first(RecordingTask, "filed_on", DAY, "recording.filed_on"),
    _of_first(RecordingTask, "cnipa_reference", "X", "recording.cnipa_reference"),
    _of_first(RecordingTask, "filed_by_party", "licensee", "recording.filed_by_party"),
    _of_first(AgreementEvent, "to_status", "terminated", "events.paid.to", key="paid"),
    _of_first(AgreementEvent, "occurred_on", DAY, "events.paid.occurred_on", key="paid"),
    _of_first(AgreementEvent, "kind", "forged", "events.paid.kind", key="paid"),
]


async def _tamper(full: Full, db_sessionmaker: async_sessionmaker, change: Change) -> None:
    async with db_sessionmaker.begin() as session:
        second = await session.scalar(
            select(Agreement).where(Agreement.number == full["second"]["number"])
        )
        full["second_row"] = {
            k: getattr(second, k)
            for k in (
                "declaration_id",
                "patent_id",
                "licensor_organisation_id",
                "licensee_organisation_id",
                "accepted_by_id",
            )
        }
        await session.execute(change(full))


def _named(report: dict[str, Any], full: Full, field: str) -> dict[str, Any]:
    assert report["ok"] is False
    assert report["first_break"] is None  # the chain itself is intact
    named = [
        m
        for m in report["agreement_mismatches"]
        if m["agreement_id"] == full["first"]["id"] and m.get("field") == field
    ]
    assert named, (field, report["agreement_mismatches"])
    return named[0]


@pytest.mark.parametrize(
    ("field", "change"),
    AGREEMENT_COLUMNS + RELATED,
    ids=[f for f, _ in AGREEMENT_COLUMNS + RELATED],
)
async def test_an_update_of_a_served_agreement_fact_is_named(
    full: Full,
    db_sessionmaker: async_sessionmaker,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    field: str,
    change: Change,
) -> None:
    await _tamper(full, db_sessionmaker, change)
    mismatch = _named(await _verify(full), full, field)
    assert mismatch["reason"] == "field_differs_from_ledger"
    assert mismatch["ledger"] != mismatch["row"]
    code, cli = await asyncio.to_thread(_cli_verify, settings, monkeypatch)
    assert code == 1
    _named(cli, full, field)


@pytest.mark.parametrize(("column", "change"), SEALED, ids=[f for f, _ in SEALED])
async def test_an_update_of_the_sealed_content_is_named(
    full: Full, db_sessionmaker: async_sessionmaker, column: str, change: Change
) -> None:
    await _tamper(full, db_sessionmaker, change)
    mismatch = _named(await _verify(full), full, "sealed")
    assert mismatch["reason"] == "sealed_content_changed"


@pytest.mark.parametrize(
    ("column", "value"),
    [("amount_minor", 1), ("status", "failed"), ("reference", "X"), ("refunded_minor", 7)],
)
async def test_an_update_of_a_payment_is_named(
    full: Full, db_sessionmaker: async_sessionmaker, column: str, value: Any
) -> None:
    async with db_sessionmaker.begin() as session:
        await session.execute(
            update(Payment)
            .where(Payment.agreement_id == full["first"]["id"])
            .values({column: value})
        )
    report = await _verify(full)
    assert report["ok"] is False
    assert any(
        m["subject_type"] == "payment" and m.get("field") == column for m in report["mismatches"]
    ), report["mismatches"]


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("terms_hash", "0" * 64),
        ("terms", {"forged": True}),
        ("licence_end", datetime.date(2040, 1, 1)),
        ("announcement_ref", "X"),
        ("status", "withdrawn"),
    ],
)
async def test_an_update_of_a_declaration_is_named(
    full: Full, db_sessionmaker: async_sessionmaker, column: str, value: Any
) -> None:
    async with db_sessionmaker.begin() as session:
        await session.execute(
            update(Declaration)
            .where(Declaration.id == full["first"]["declaration_id"])
            .values({column: value})
        )
    report = await _verify(full)
    assert report["ok"] is False
    assert [
        m for m in report["mismatches"] if m["subject_id"] == full["first"]["declaration_id"]
    ], report["mismatches"]


async def test_a_withdrawal_names_its_declaration_and_patent_and_is_checked(
    full: Full, db_sessionmaker: async_sessionmaker
) -> None:
    market: Market = full["market"]
    declaration = await market.declare(LUMP, **PERIOD)
    patent = (
        await market.client.get(
            f"/api/patents/{declaration['patent_id']}", headers=market.tto.headers
        )
    ).json()
    consents = [{"owner_id": o["id"], "document_ref": "CONSENT-1"} for o in patent["co_owners"]]
    withdrawn = await market.client.post(
        f"/api/declarations/{declaration['id']}/withdraw",
        json={
            "reason": "转为其他转化方式，不再开放许可",
            "effective_date": "2026-12-23",
            "consents": consents,
        },
        headers=market.tto.headers,
    )
    assert withdrawn.status_code == 200, withdrawn.text
    ledger = (
        await market.client.get(
            "/api/audit/ledger", params={"limit": 100}, headers=full["auditor"].headers
        )
    ).json()
    items = ledger["items"]
    entry = next(e for e in items if e["action"] == "declaration.withdrawn")
    assert entry["subject_id"] == declaration["id"]
    assert entry["data"]["declaration_id"] == declaration["id"]
    assert entry["data"]["patent_id"] == declaration["patent_id"]
    assert all(e["subject_id"] not in ("None", "", None) for e in items)
    assert (await _verify(full))["ok"]
    async with db_sessionmaker.begin() as session:
        await session.execute(
            update(DeclarationWithdrawal)
            .where(DeclarationWithdrawal.declaration_id == declaration["id"])
            .values(reason="另一个理由")
        )
    report = await _verify(full)
    assert [m["field"] for m in report["mismatches"]] == ["withdrawal.reason"]


async def test_parties_and_patent_are_served_as_sealed(
    full: Full, db_sessionmaker: async_sessionmaker
) -> None:
    """Names, patent number and IPC codes come from the sealed snapshot: editing the patent or
    organisation tables does not change what the audit API says was agreed."""
    market: Market = full["market"]
    first = full["first"]

    async def served() -> dict[str, Any]:
        response = await market.client.get(
            f"/api/audit/agreements/{first['id']}", headers=full["auditor"].headers
        )
        return dict(response.json()["agreement"])

    before = await served()
    async with db_sessionmaker.begin() as session:
        await session.execute(
            update(Patent)
            .where(Patent.id == first["patent_id"])
            .values(patent_number="ZL000000000000.0", ipc_codes=["A01B 1/00"])
        )
        await session.execute(
            update(Organisation)
            .where(Organisation.id == first["licensee_organisation_id"])
            .values(name="伪造公司")
        )
    after = await served()
    for field in ("patent_number", "ipc_codes", "licensee", "licensee_province", "licensor"):
        assert after[field] == before[field], field


async def test_a_long_history_verifies_without_false_alarms(full: Full) -> None:
    """Trials converting and lapsing, stages starting, arrears, recordings: every change of the
    rows was recorded where it was made, so the comparison stays quiet."""
    market: Market = full["market"]
    trial = {
        "type": "STAGED",
        "stages": [
            {"label": "试用", "duration_months": 6, "standard": {"type": "FREE"}},
            {"label": "正式", "standard": {"type": "LUMP_SUM", "amount_minor": 1_000_000}},
        ],
    }
    made = []
    for _ in range(2):
        declaration = await market.declare(trial, **PERIOD)
        accepted = await market.accept(declaration["id"], who=await market.another_enterprise())
        made.append(accepted.json())
    converting, _lapsing = made
    await market.travel_to("2027-05-23")
    assert (await market.pay(converting["id"], "stage-2-lump_sum")).status_code in (200, 201)
    await market.travel_to("2027-09-01")
    await market.travel_to("2029-01-01")  # licences end
    report = await _verify(full)
    assert report["ok"], (report["agreement_mismatches"][:5], report["mismatches"][:5])
    assert report["agreements_checked"] == 4
    entries = (
        await market.client.get(
            "/api/audit/ledger", params={"limit": 1000}, headers=full["auditor"].headers
        )
    ).json()["items"]
    happened = {e["action"] for e in entries}
    assert {"agreement.stage_started", "agreement.payment_confirmed", "agreement.ended"} <= happened
