"""Acceptance: idempotency, concurrency, equal treatment, sealed content, recording, privacy."""

from __future__ import annotations

import asyncio

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import async_sessionmaker

from licensing import Market, make_market
from openlicense.agreements.models import Agreement
from openlicense.core.clock import FixedClock

PERIOD = {"licence_start": "2026-11-23", "licence_end": "2028-11-22"}
LUMP = {"type": "LUMP_SUM", "amount_minor": 5_000_000}


@pytest.fixture
async def market(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> Market:
    return await make_market(client, db_sessionmaker, clock)


async def _count(db_sessionmaker: async_sessionmaker) -> int:
    async with db_sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(Agreement))


async def test_retry_with_same_key_returns_the_same_agreement(
    market: Market, db_sessionmaker
) -> None:
    declaration = await market.declare(LUMP, **PERIOD)
    first = await market.accept(declaration["id"], key="retry-key-0001")
    again = await market.accept(declaration["id"], key="retry-key-0001")
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert await _count(db_sessionmaker) == 1


async def test_key_reused_for_another_declaration_is_refused(market: Market) -> None:
    first = await market.declare(LUMP, **PERIOD)
    second = await market.declare({"type": "FREE"}, **PERIOD)
    assert (await market.accept(first["id"], key="reused-key-01")).status_code == 201
    reused = await market.accept(second["id"], key="reused-key-01")
    assert reused.status_code == 422
    assert reused.json()["code"] == "idempotency_key_reused"


async def test_missing_idempotency_key_is_refused_and_creates_nothing(
    market: Market, db_sessionmaker
) -> None:
    declaration = await market.declare(LUMP, **PERIOD)
    response = await market.client.post(
        f"/api/offers/{declaration['id']}/accept", json={}, headers=market.sme.headers
    )
    assert response.status_code == 422
    assert "idempotency-key" in response.json()["detail"].lower()
    assert await _count(db_sessionmaker) == 0


async def test_twenty_concurrent_accepts_with_one_key_create_one_agreement(
    market: Market, db_sessionmaker
) -> None:
    declaration = await market.declare(LUMP, **PERIOD)
    responses = await asyncio.gather(
        *(market.accept(declaration["id"], key="same-key-000001") for _ in range(20))
    )
    assert {r.status_code for r in responses} <= {200, 201}, [
        r.text for r in responses if r.status_code >= 300
    ]
    assert [r.status_code for r in responses].count(201) == 1
    assert len({r.json()["id"] for r in responses}) == 1
    assert await _count(db_sessionmaker) == 1


async def test_twenty_concurrent_accepts_with_different_keys_create_one_licence(
    market: Market, db_sessionmaker
) -> None:
    declaration = await market.declare(LUMP, **PERIOD)
    responses = await asyncio.gather(
        *(market.accept(declaration["id"], key=f"different-key-{i:04d}") for i in range(20))
    )
    codes = sorted(r.status_code for r in responses)
    assert codes.count(201) == 1, [r.text for r in responses]
    assert codes.count(409) == 19
    assert {r.json()["code"] for r in responses if r.status_code == 409} <= {
        "already_licensed",
        "acceptance_conflict",
    }
    assert await _count(db_sessionmaker) == 1


async def test_rule_14_every_licensee_gets_byte_identical_terms(market: Market) -> None:
    declaration = await market.declare(LUMP, **PERIOD)
    a = (await market.accept(declaration["id"])).json()
    b = (await market.accept(declaration["id"], who=await market.another_enterprise())).json()
    assert a["snapshot"]["declaration"]["terms"] == b["snapshot"]["declaration"]["terms"]
    assert a["snapshot"]["declaration"]["terms_hash"] == b["snapshot"]["declaration"]["terms_hash"]
    assert a["snapshot"]["clauses"] == b["snapshot"]["clauses"]
    stale = await market.client.post(
        f"/api/offers/{declaration['id']}/accept",
        json={"terms_hash": "0" * 64},
        headers={**(await market.another_enterprise()).headers, "Idempotency-Key": "stale-terms-1"},
    )
    assert stale.status_code == 409
    assert stale.json()["code"] == "unequal_terms"


async def test_agreement_records_the_written_notice_and_renders_both_languages(
    market: Market,
) -> None:
    declaration = await market.declare(LUMP, **PERIOD)
    agreement = (await market.accept(declaration["id"])).json()
    notice = agreement["snapshot"]["notice"]
    assert notice["notified_at"].startswith("2026-11-23T09:00:00")
    assert notice["user_email"] == market.sme.email
    assert agreement["snapshot"]["declaration"]["version"] == 1
    assert {c["key"] for c in agreement["snapshot"]["clauses"]} >= {
        "improvements",
        "dispute_resolution",
    }
    url = f"/api/agreements/{agreement['id']}"
    zh = await market.client.get(
        f"{url}/contract", params={"lang": "zh"}, headers=market.sme.headers
    )
    en = await market.client.get(
        f"{url}/contract", params={"lang": "en"}, headers=market.sme.headers
    )
    assert "专利" in zh.text and agreement["number"] in zh.text
    assert "Licence" in en.text or "License" in en.text
    pdf = await market.client.get(f"{url}/contract.pdf", headers=market.tto.headers)
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")


async def test_changing_sealed_content_in_the_database_is_detected(
    market: Market, db_sessionmaker
) -> None:
    declaration = await market.declare(LUMP, **PERIOD)
    agreement = (await market.accept(declaration["id"])).json()
    url = f"/api/agreements/{agreement['id']}/seal"
    intact = (await market.client.get(url, headers=market.sme.headers)).json()
    assert intact["intact"] is True
    assert intact["recomputed"] == agreement["seal"]

    async with db_sessionmaker.begin() as session:
        stored = await session.get(Agreement, agreement["id"])
        tampered = dict(stored.snapshot)
        tampered["declaration"] = {
            **tampered["declaration"],
            "terms": {**tampered["declaration"]["terms"]},
        }
        tampered["declaration"]["terms"]["fee_standard"] = {"type": "LUMP_SUM", "amount_minor": 1}
        await session.execute(
            update(Agreement).where(Agreement.id == stored.id).values(snapshot=tampered)
        )
    broken = (await market.client.get(url, headers=market.sme.headers)).json()
    assert broken["intact"] is False
    assert broken["recomputed"] != broken["seal"]


async def test_changing_contract_text_in_the_database_is_detected(
    market: Market, db_sessionmaker
) -> None:
    agreement = (await market.accept((await market.declare(LUMP, **PERIOD))["id"])).json()
    async with db_sessionmaker.begin() as session:
        await session.execute(
            update(Agreement)
            .where(Agreement.number == agreement["number"])
            .values(text_en=Agreement.text_en + " The licensee may sublicense.")
        )
    check = (
        await market.client.get(
            f"/api/agreements/{agreement['id']}/seal", headers=market.tto.headers
        )
    ).json()
    assert check["intact"] is False
    assert check["text_matches_snapshot"] is False


async def test_recording_task_is_filed_by_either_party(market: Market) -> None:
    agreement = (
        await market.accept((await market.declare({"type": "FREE"}, **PERIOD))["id"])
    ).json()
    url = f"/api/agreements/{agreement['id']}/recording"
    filed = await market.client.post(
        url,
        json={"cnipa_reference": "2026990000123", "filed_on": "2026-11-23"},
        headers=market.sme.headers,
    )
    assert filed.status_code == 200, filed.text
    assert filed.json()["recording"]["status"] == "filed"
    assert filed.json()["recording"]["filed_by_party"] == "licensee"
    again = await market.client.post(
        url, json={"cnipa_reference": "X", "filed_on": "2026-11-23"}, headers=market.tto.headers
    )
    assert again.status_code == 409


async def test_agreements_are_private_to_their_parties(market: Market) -> None:
    agreement = (await market.accept((await market.declare(LUMP, **PERIOD))["id"])).json()
    url = f"/api/agreements/{agreement['id']}"
    stranger = await market.another_enterprise()
    assert (await market.client.get(url, headers=stranger.headers)).status_code == 404
    assert (await market.client.get(url, headers=market.tto.headers)).status_code == 200
    assert (await market.client.get("/api/agreements", headers=stranger.headers)).json()[
        "items"
    ] == []
    listed = (await market.client.get("/api/agreements", headers=market.tto.headers)).json()
    assert [a["id"] for a in listed["items"]] == [agreement["id"]]
    assert listed["next_cursor"] is None
    for status, expected in (("bogus", 422), ("null", 200), ("notified", 200)):
        response = await market.client.get(
            "/api/agreements", params={"status": status}, headers=market.tto.headers
        )
        assert response.status_code == expected, status  # never a 500
    # only the licensor confirms payments, only the licensee reports
    wrong = await market.client.post(
        f"{url}/payments",
        json={
            "entry_key": "acceptance",
            "amount_minor": 5_000_000,
            "reference": "X",
            "received_on": "2026-11-23",
        },
        headers=market.sme.headers,
    )
    assert wrong.status_code == 403


async def test_payment_must_match_the_amount_due(market: Market) -> None:
    agreement = (await market.accept((await market.declare(LUMP, **PERIOD))["id"])).json()
    response = await market.client.post(
        f"/api/agreements/{agreement['id']}/payments",
        json={
            "entry_key": "acceptance",
            "amount_minor": 4_000_000,
            "reference": "X",
            "received_on": "2026-11-23",
        },
        headers=market.tto.headers,
    )
    assert response.status_code == 422
    assert response.json()["code"] == "amount_mismatch"
    assert (await market.agreement(agreement["id"]))["status"] == "notified"


async def test_quote_shows_what_is_due_and_projects_royalties(market: Market) -> None:
    staged = {
        "type": "STAGED",
        "stages": [
            {"label": "试用期", "duration_months": 6, "standard": {"type": "FREE"}},
            {
                "label": "提成期",
                "standard": {
                    "type": "ROYALTY",
                    "base": "net_sales",
                    "rate": "0.04",
                    "reporting_period": "annual",
                    "payable_on_acceptance_minor": 0,
                },
            },
        ],
    }
    declaration = await market.declare(staged, **PERIOD)
    response = await market.client.get(f"/api/offers/{declaration['id']}/quote")
    assert response.status_code == 200, response.text
    quote = response.json()
    assert quote["due_on_acceptance_minor"] == 0
    assert [s["is_trial"] for s in quote["stages"]] == [True, False]
    assert all(i["amount_minor"] is None for i in quote["items"])
    projected = (
        await market.client.get(
            f"/api/offers/{declaration['id']}/quote", params={"estimated_annual_base": "100000000"}
        )
    ).json()
    assert all(i["projected"] and i["amount_minor"] > 0 for i in projected["items"])
    assert projected["fixed_total_minor"] == 0
    assert projected["projected_total_minor"] == sum(i["amount_minor"] for i in projected["items"])


async def test_the_acceptance_body_is_optional(market: Market) -> None:
    declaration = await market.declare(LUMP, **PERIOD)
    response = await market.client.post(
        f"/api/offers/{declaration['id']}/accept",
        headers={**market.sme.headers, "Idempotency-Key": "no-body-0001"},
    )
    assert response.status_code == 201, response.text
    assert response.json()["declaration_id"] == declaration["id"]
    wrong = await market.client.post(
        f"/api/offers/{declaration['id']}/accept",
        json={"declaration_version": 99},
        headers={**market.sme.headers, "Idempotency-Key": "no-body-0002"},
    )
    assert wrong.status_code == 409  # a body, when given, is still checked
