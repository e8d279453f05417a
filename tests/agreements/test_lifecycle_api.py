"""Each fee-standard type from acceptance to its end state, through the API (rules 17, 20,
21, 23, 24 of domain.md §4). The clock is moved and the lifecycle worker run between steps."""

from __future__ import annotations

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import async_sessionmaker

from licensing import Market, make_market
from openlicense.core.clock import FixedClock

PERIOD = {"licence_start": "2026-11-23", "licence_end": "2028-11-22"}
ROYALTY = {
    "type": "ROYALTY",
    "base": "net_sales",
    "rate": "0.05",
    "reporting_period": "quarterly",
    "payable_on_acceptance_minor": 100_000,
}


@pytest.fixture
async def market(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> Market:
    return await make_market(client, db_sessionmaker, clock)


def _statuses(agreement: dict) -> dict[str, str]:
    return {e["key"]: e["status"] for e in agreement["entries"]}


async def test_free_licence_is_effective_on_notice_and_ends_with_the_period(market: Market) -> None:
    declaration = await market.declare({"type": "FREE"}, **PERIOD)
    accepted = await market.accept(declaration["id"])
    assert accepted.status_code == 201, accepted.text
    agreement = accepted.json()
    assert agreement["status"] == "effective"
    assert agreement["entries"] == []
    assert agreement["recording"]["due_date"] == "2027-02-23"  # rule 21: 3 months after effect
    await market.travel_to("2028-11-22")
    assert (await market.agreement(agreement["id"]))["status"] == "effective"
    await market.travel_to("2028-11-23")
    assert (await market.agreement(agreement["id"]))["status"] == "ended"


async def test_lump_sum_notified_then_paid_then_effective(market: Market) -> None:
    declaration = await market.declare({"type": "LUMP_SUM", "amount_minor": 5_000_000}, **PERIOD)
    accepted = await market.accept(declaration["id"])
    assert accepted.status_code == 201, accepted.text
    agreement = accepted.json()
    assert agreement["status"] == "notified"  # rule 17: no use before payment
    assert agreement["recording"] is None
    assert [(e["key"], e["amount_minor"]) for e in agreement["entries"]] == [
        ("acceptance", 5_000_000)
    ]

    paid = await market.pay(agreement["id"], "acceptance")
    assert paid.status_code == 200, paid.text
    assert paid.json()["status"] == "effective"
    events = (
        await market.client.get(
            f"/api/agreements/{agreement['id']}/events", headers=market.sme.headers
        )
    ).json()
    assert [e["to_status"] for e in events if e["to_status"]] == ["notified", "paid", "effective"]
    await market.travel_to("2028-12-01")
    assert (await market.agreement(agreement["id"]))["status"] == "ended"


async def test_accepting_before_the_declared_start_waits_for_it(market: Market) -> None:
    declaration = await market.declare(
        {"type": "LUMP_SUM", "amount_minor": 5_000_000}
    )  # starts 2026-12-01
    agreement = (await market.accept(declaration["id"])).json()
    assert agreement["licence_start"] == "2026-12-01"
    assert (await market.pay(agreement["id"], agreement["entries"][0]["key"])).json()[
        "status"
    ] == "paid"
    await market.travel_to("2026-12-01")
    assert (await market.agreement(agreement["id"]))["status"] == "effective"


async def test_instalments_are_paid_over_time(market: Market) -> None:
    standard = {
        "type": "INSTALMENTS",
        "instalments": [
            {"amount_minor": 1_000_000, "due_months_after_acceptance": 0},
            {"amount_minor": 1_000_000, "due_months_after_acceptance": 6},
            {"amount_minor": 1_000_000, "due_months_after_acceptance": 12},
        ],
    }
    agreement = (await market.accept((await market.declare(standard, **PERIOD))["id"])).json()
    assert [e["due_date"] for e in agreement["entries"]] == [
        "2026-11-23",
        "2027-05-23",
        "2027-11-23",
    ]
    assert (await market.pay(agreement["id"], "acceptance")).json()["status"] == "effective"
    for day, key in (("2027-05-23", "instalment-2"), ("2027-11-23", "instalment-3")):
        await market.travel_to(day)
        assert (await market.pay(agreement["id"], key)).status_code == 200
    await market.travel_to("2028-11-23")
    final = await market.agreement(agreement["id"])
    assert final["status"] == "ended"
    assert set(_statuses(final).values()) == {"paid"}


async def test_royalty_reports_compute_what_is_due(market: Market) -> None:
    agreement = (await market.accept((await market.declare(ROYALTY, **PERIOD))["id"])).json()
    assert (await market.pay(agreement["id"], "acceptance")).json()["status"] == "effective"
    royalty_keys = [e["key"] for e in agreement["entries"] if e["kind"] == "royalty"]
    assert len(royalty_keys) == 8  # quarterly over two years
    early = await market.report(agreement["id"], royalty_keys[0], "10000000")
    assert early.status_code == 409 and early.json()["code"] == "period_not_ended"

    await market.travel_to("2027-02-23")
    report = await market.report(agreement["id"], royalty_keys[0], "10000000")
    assert report.status_code == 201, report.text
    assert report.json()["amount_minor"] == 500_000  # 5 % of ¥100,000.00
    assert (await market.report(agreement["id"], royalty_keys[0], "1")).status_code == 409
    assert (await market.pay(agreement["id"], royalty_keys[0])).status_code == 200
    for key in royalty_keys[1:]:
        entry = next(
            e for e in (await market.agreement(agreement["id"]))["entries"] if e["key"] == key
        )
        await market.travel_to(entry["period_end"])
        await market.travel_to(entry["due_date"])
        assert (await market.report(agreement["id"], key, "2000000")).status_code == 201
        assert (await market.pay(agreement["id"], key)).status_code == 200
    await market.travel_to("2029-01-01")
    final = await market.agreement(agreement["id"])
    assert final["status"] == "ended"
    assert set(_statuses(final).values()) == {"paid"}


async def test_missing_royalty_report_suspends_then_terminates(market: Market) -> None:
    agreement = (await market.accept((await market.declare(ROYALTY, **PERIOD))["id"])).json()
    await market.pay(agreement["id"], "acceptance")
    first = next(e for e in agreement["entries"] if e["kind"] == "royalty")
    await market.travel_to(first["due_date"])
    assert (await market.agreement(agreement["id"]))["status"] == "effective"
    await market.travel_to("2027-04-25")  # more than 30 days after the report was due
    assert (await market.agreement(agreement["id"]))["status"] == "suspended"


async def test_entry_fee_plus_royalty_runs_to_its_end(market: Market) -> None:
    standard = {
        **ROYALTY,
        "type": "ENTRY_FEE_PLUS_ROYALTY",
        "entry_fee_minor": 300_000,
        "reporting_period": "annual",
    }
    standard.pop("payable_on_acceptance_minor")
    agreement = (await market.accept((await market.declare(standard, **PERIOD))["id"])).json()
    assert agreement["status"] == "notified"
    entry_fee = next(e for e in agreement["entries"] if e["kind"] == "entry_fee")
    assert entry_fee["amount_minor"] == 300_000
    assert (await market.pay(agreement["id"], entry_fee["key"])).json()["status"] == "effective"
    first, *rest = [e for e in agreement["entries"] if e["kind"] == "royalty"]
    await market.travel_to(first["due_date"])
    assert (await market.report(agreement["id"], first["key"], "0")).status_code == 201
    assert _statuses(await market.agreement(agreement["id"]))[first["key"]] == "paid"  # nothing due
    for entry in rest:
        await market.travel_to(entry["due_date"])
        assert (await market.report(agreement["id"], entry["key"], "4000000")).status_code == 201
        assert (await market.pay(agreement["id"], entry["key"])).status_code == 200
    await market.travel_to("2029-02-01")
    assert (await market.agreement(agreement["id"]))["status"] == "ended"


STAGED_TRIAL = {
    "type": "STAGED",
    "stages": [
        {"label": "试用期", "duration_months": 6, "standard": {"type": "FREE"}},
        {"label": "正式期", "standard": {"type": "LUMP_SUM", "amount_minor": 2_000_000}},
    ],
}


async def test_staged_trial_converts_when_stage_two_is_paid(market: Market) -> None:
    agreement = (await market.accept((await market.declare(STAGED_TRIAL, **PERIOD))["id"])).json()
    assert agreement["status"] == "effective"  # trial first: effective on notice, never charged
    assert [(e["key"], e["due_date"]) for e in agreement["entries"]] == [
        ("stage-2-lump_sum", "2027-05-23")
    ]

    await market.travel_to("2027-05-23")
    events = (
        await market.client.get(
            f"/api/agreements/{agreement['id']}/events", headers=market.sme.headers
        )
    ).json()
    assert "stage-2-started" in {e["key"] for e in events}
    assert (await market.pay(agreement["id"], "stage-2-lump_sum")).json()["status"] == "effective"
    await market.travel_to("2027-07-01")
    assert (await market.agreement(agreement["id"]))["status"] == "effective"


async def test_staged_trial_lapses_for_non_payment(market: Market) -> None:
    agreement = (await market.accept((await market.declare(STAGED_TRIAL, **PERIOD))["id"])).json()
    await market.travel_to("2027-05-24")
    after_due = await market.agreement(agreement["id"])
    assert after_due["status"] == "effective"  # overdue notice only, inside the grace period
    await market.travel_to("2027-06-23")  # 31 days late
    assert (await market.agreement(agreement["id"]))["status"] == "suspended"
    again = await market.travel_to("2027-06-24")
    assert again["transitions"] == {}  # idempotent: nothing new to apply
    await market.travel_to("2027-08-23")  # past grace (30) + suspension (60)
    final = await market.agreement(agreement["id"])
    assert final["status"] == "terminated"
    assert final["status_reason"] == "payment_overdue"
    assert _statuses(final)["stage-2-lump_sum"] == "scheduled"  # the arrears stay recorded


async def test_invalidated_patent_ends_future_royalties_and_queues_fairness_review(
    market: Market,
) -> None:
    declaration = await market.declare(ROYALTY, **PERIOD)
    agreement = (await market.accept(declaration["id"])).json()
    await market.pay(agreement["id"], "acceptance")
    await market.travel_to("2027-03-01")
    invalidated = await market.client.put(  # rule 27: the verified register snapshot
        f"/api/patents/{declaration['patent_id']}/register",
        json={"legal_status": "invalidated", "reference": "无效宣告请求审查决定书"},
        headers=market.admin.headers,
    )
    assert invalidated.status_code == 200
    await market.travel_to("2027-03-02")
    final = await market.agreement(agreement["id"])
    assert final["status"] == "ended"
    assert final["status_reason"] == "patent_invalidated"
    assert final["fairness_review_required"] is True
    statuses = _statuses(final)
    assert statuses["acceptance"] == "paid"  # not refunded automatically (PL 47)
    royalty = [e for e in final["entries"] if e["kind"] == "royalty"]
    assert [e["status"] for e in royalty[:2]] == [
        "awaiting_report",
        "awaiting_report",
    ]  # periods used
    assert {e["status"] for e in royalty[2:]} == {"cancelled"}  # future obligations end (rule 24)


async def test_withdrawal_stops_new_acceptances_but_not_existing_licences(market: Market) -> None:
    declaration = await market.declare({"type": "FREE"}, **PERIOD)
    agreement = (await market.accept(declaration["id"])).json()
    patent = (await market.client.get(f"/api/patents/{declaration['patent_id']}")).json()
    withdrawn = await market.client.post(
        f"/api/declarations/{declaration['id']}/withdraw",
        json={
            "reason": "The university is assigning the patent to a spin-off.",
            "effective_date": "2026-11-23",
            "consents": [{"owner_id": o["id"], "document_ref": "W-1"} for o in patent["co_owners"]],
        },
        headers=market.tto.headers,
    )
    assert withdrawn.status_code == 200, withdrawn.text
    refused = await market.accept(declaration["id"], who=await market.another_enterprise())
    assert refused.status_code == 409
    assert refused.json()["code"] == "declaration_withdrawn"
    await market.travel_to("2027-06-01")
    assert (await market.agreement(agreement["id"]))["status"] == "effective"  # rule 23
