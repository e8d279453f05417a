"""Every list the API offers is served by an index: with 100,000 patents and 100,000 agreements
on PostgreSQL, the SQL that the list endpoints actually send (captured from the app) is
EXPLAINed, and no plan may read `patents` or `agreements` by a sequential scan."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from builders import make_actor
from licensing import make_market
from openlicense.accounts.models import OrganisationKind
from openlicense.core.clock import FixedClock

ROWS = 100_000
WATCHED = {"patents", "agreements"}
LUMP = {"type": "LUMP_SUM", "amount_minor": 1_000_000}
PERIOD = {"licence_start": "2026-11-23", "licence_end": "2028-11-22"}


async def _bulk(engine: AsyncEngine, agreement_id: str, patent_id: str, other_uni: str) -> None:
    """100k patents and agreements copied from real rows, spread over two universities, four
    fields, three listing states and two years of notices. The source row is read once
    (`OFFSET 0` keeps the subquery apart): after thousands of tests' DELETEs, with stale
    statistics, the planner once joined by re-scanning the table for each of the 100k rows."""
    async with engine.begin() as conn:
        await conn.execute(
            text(
                """
                INSERT INTO patents (id, application_number, patent_number, patent_type,
                    title_zh, title_en, abstract_zh, abstract_en, claims, ipc_codes, inventors,
                    filing_date, grant_date, announcement_date, expiry_date, legal_status,
                    annual_fee_paid_through, pledged, pledgee_consent_ref, suspended,
                    evaluation_report, technology_field, trl, application_scenarios, keywords,
                    owner_organisation_id, listing_status, retired_at, created_at, updated_at)
                SELECT gen_random_uuid(), 'B' || i, NULL, p.patent_type, p.title_zh || i,
                    p.title_en, p.abstract_zh, p.abstract_en, NULL, p.ipc_codes, p.inventors,
                    p.filing_date, p.grant_date, p.announcement_date, p.expiry_date,
                    p.legal_status, p.annual_fee_paid_through, p.pledged, NULL, p.suspended,
                    NULL, (ARRAY['new_materials', 'biomedicine', 'new_energy',
                           'agricultural_machinery'])[1 + i % 4],
                    p.trl, p.application_scenarios, p.keywords,
                    CASE WHEN i % 2 = 0 THEN p.owner_organisation_id ELSE CAST(:other AS uuid) END,
                    (ARRAY['published','draft','retired'])[1 + i % 3], NULL,
                    p.created_at - make_interval(mins => i), p.updated_at
                FROM (SELECT * FROM patents WHERE id = CAST(:patent AS uuid) OFFSET 0) AS p,
                    generate_series(1, :n) AS i
                """
            ),
            {"n": ROWS, "patent": patent_id, "other": other_uni},
        )
        await conn.execute(
            text(
                """
                INSERT INTO agreements (id, number, declaration_id, patent_id,
                    licensor_organisation_id, licensee_organisation_id, accepted_by_id,
                    idempotency_key, status, notified_at, paid_at, effective_on, ended_on,
                    status_reason, licence_start, licence_end, currency, fee_type, has_trial,
                    notice_ip, notice_user_agent, snapshot, text_zh, text_en, seal, seal_version,
                    fairness_review_required, created_at, updated_at)
                SELECT gen_random_uuid(), 'B-' || i, a.declaration_id, a.patent_id,
                    a.licensor_organisation_id, a.licensee_organisation_id, a.accepted_by_id,
                    'bulk-' || i, (ARRAY['ended','terminated'])[1 + i % 2],
                    a.notified_at - make_interval(mins => i), a.paid_at, a.effective_on,
                    a.ended_on, a.status_reason, a.licence_start, a.licence_end, a.currency,
                    a.fee_type, a.has_trial, NULL, NULL, '{}', '', '', a.seal, a.seal_version,
                    false, a.created_at, a.updated_at
                FROM (SELECT * FROM agreements WHERE id = CAST(:agreement AS uuid) OFFSET 0) AS a,
                    generate_series(1, :n) AS i
                """
            ),
            {"n": ROWS, "agreement": agreement_id},
        )
        await conn.execute(text("ANALYZE patents"))
        await conn.execute(text("ANALYZE agreements"))


class Captured:
    def __init__(self) -> None:
        self.statements: list[tuple[str, Any]] = []

    def __call__(self, _c: Any, _cur: Any, statement: str, params: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and any(
            f" {t}" in statement for t in WATCHED
        ):
            self.statements.append((statement, params))


@pytest.fixture
def captured() -> Iterator[Captured]:
    listener = Captured()
    event.listen(Engine, "before_cursor_execute", listener)
    try:
        yield listener
    finally:
        event.remove(Engine, "before_cursor_execute", listener)


def _seq_scans(plan: dict[str, Any]) -> list[str]:
    found = []
    if plan.get("Node Type") == "Seq Scan" and plan.get("Relation Name") in WATCHED:
        found.append(plan["Relation Name"])
    for child in plan.get("Plans", []):
        found += _seq_scans(child)
    return found


@pytest.mark.postgres
async def test_every_list_query_is_served_by_an_index_at_100k_rows(
    client: AsyncTestClient,
    db_sessionmaker: async_sessionmaker,
    clock: FixedClock,
    engine: AsyncEngine,
    captured: Captured,
) -> None:
    market = await make_market(client, db_sessionmaker, clock)
    declaration = await market.declare(LUMP, **PERIOD)
    agreement = (await market.accept(declaration["id"])).json()
    other = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    auditor = await make_actor(db_sessionmaker, OrganisationKind.IP_OFFICE)
    await _bulk(engine, agreement["id"], agreement["patent_id"], str(other.organisation_id))
    captured.statements.clear()

    calls: list[tuple[str, dict[str, Any], dict[str, str]]] = [
        ("/api/patents", {}, {}),
        ("/api/patents", {"technology_field": "biomedicine"}, {}),
        ("/api/patents", {"university_id": str(other.organisation_id)}, {}),
        ("/api/patents", {}, market.tto.headers),
        ("/api/patents", {"mine": "true"}, market.tto.headers),
        ("/api/patents", {}, market.admin.headers),
        ("/api/patents", {}, auditor.headers),
        ("/api/agreements", {}, market.tto.headers),
        ("/api/agreements", {}, market.sme.headers),
        ("/api/agreements", {"status": "ended"}, market.admin.headers),
        ("/api/audit/agreements", {"limit": "50"}, auditor.headers),
        (
            "/api/audit/agreements",
            {"university_id": str(market.tto.organisation_id)},
            auditor.headers,
        ),
        ("/api/audit/agreements", {"status": "ended"}, auditor.headers),
    ]
    for url, params, headers in calls:
        first = await client.get(url, params=params, headers=headers)
        assert first.status_code == 200, (url, first.text)
        cursor = first.json().get("next_cursor")
        assert cursor, (url, params)  # 100k rows: there is always a next page
        more = await client.get(url, params={**params, "cursor": cursor}, headers=headers)
        assert more.status_code == 200, (url, more.text)

    assert len(captured.statements) >= len(calls) * 2
    scans = []
    async with engine.connect() as conn:
        for statement, params in captured.statements:
            result = await conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, params)
            plan = result.scalar_one()
            plan = json.loads(plan) if isinstance(plan, str) else plan
            if found := _seq_scans(plan[0]["Plan"]):
                scans.append((found, statement[:300]))
    assert scans == [], "\n".join(f"{f}: {s}" for f, s in scans)
