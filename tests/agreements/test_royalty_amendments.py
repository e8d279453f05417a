"""Amending a royalty report (issue 16, rule 20): within the following reporting period, recorded
as an event with the old and new figures, the difference settled on the next payment."""

from __future__ import annotations

from typing import Any

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


async def _reported(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> tuple[Market, dict[str, Any], list[str]]:
    market = await make_market(client, db_sessionmaker, clock)
    agreement = (await market.accept((await market.declare(ROYALTY, **PERIOD))["id"])).json()
    assert (await market.pay(agreement["id"], "acceptance")).status_code == 200
    keys = [e["key"] for e in agreement["entries"] if e["kind"] == "royalty"]
    await market.travel_to("2027-02-23")
    assert (await market.report(agreement["id"], keys[0], "10000000")).status_code == 201
    return market, agreement, keys


async def _amend(market: Market, agreement_id: str, key: str, base: str) -> Any:
    return await market.client.post(
        f"/api/agreements/{agreement_id}/royalty-reports/{key}/amend",
        json={"base_amount": base, "reason": "审计后更正销售额"},
        headers=market.sme.headers,
    )


async def test_rule_20_amendment_of_an_unpaid_period_changes_what_is_owed(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> None:
    market, agreement, keys = await _reported(client, db_sessionmaker, clock)
    amended = await _amend(market, agreement["id"], keys[0], "12000000")
    assert amended.status_code == 200, amended.text
    assert amended.json()["amount_minor"] == 600_000
    after = await market.agreement(agreement["id"])
    entry = next(e for e in after["entries"] if e["key"] == keys[0])
    assert entry["amount_minor"] == 600_000
    events = (
        await client.get(f"/api/agreements/{agreement['id']}/events", headers=market.sme.headers)
    ).json()
    amendment = next(e for e in events if e["kind"] == "royalty_amended")
    assert amendment["detail"]["old_amount_minor"] == 500_000
    assert amendment["detail"]["difference_minor"] == 100_000


async def test_rule_20_amendment_after_payment_is_settled_on_the_next_payment(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> None:
    market, agreement, keys = await _reported(client, db_sessionmaker, clock)
    assert (await market.pay(agreement["id"], keys[0])).status_code == 200
    more = await _amend(market, agreement["id"], keys[0], "14000000")
    assert more.status_code == 200, more.text
    after = await market.agreement(agreement["id"])
    adjustment = next(e for e in after["entries"] if e["kind"] == "royalty_adjustment")
    assert adjustment["amount_minor"] == 200_000 and adjustment["status"] == "scheduled"


async def test_rule_20_amendment_after_the_following_period_is_refused(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> None:
    market, agreement, keys = await _reported(client, db_sessionmaker, clock)
    assert (await market.pay(agreement["id"], keys[0])).status_code == 200
    await market.travel_to("2027-08-01")
    late = await _amend(market, agreement["id"], keys[0], "9000000")
    assert late.status_code == 409 and late.json()["code"] == "amendment_window_closed"
    assert "rule 20" in late.json()["detail"]
    unreported = await _amend(market, agreement["id"], keys[3], "1")
    assert unreported.status_code == 409 and unreported.json()["code"] == "not_reported"
