"""Online zones and matchmaking events: items on show, registrations, outcomes counted."""

from __future__ import annotations

import datetime

from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import async_sessionmaker

from builders import make_actor
from demand.steps import challenge_payload, post_need
from licensing import make_market
from openlicense.accounts.models import OrganisationKind
from openlicense.core.clock import FixedClock


async def test_zone_and_event_with_registrations_and_outcome_counts(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> None:
    market = await make_market(client, db_sessionmaker, clock)
    authority = await make_actor(db_sessionmaker, OrganisationKind.AUTHORITY)
    declaration = await market.declare({"type": "LUMP_SUM", "amount_minor": 5_000_000})
    need = await post_need(market)
    challenge = (
        await client.post(
            "/api/challenges", json=challenge_payload(need["id"]), headers=market.sme.headers
        )
    ).json()

    zone = await client.post(
        "/api/zones",
        json={"title": "黑龙江 农机装备 专区", "province": "黑龙江"},
        headers=authority.headers,
    )
    assert zone.status_code == 201, zone.text
    zid = zone.json()["id"]
    assert zone.json()["province"] == "黑龙江"
    for kind, target in (("patent", declaration["patent_id"]), ("challenge", challenge["id"])):
        added = await client.post(
            f"/api/zones/{zid}/items",
            json={"kind": kind, "target_id": target},
            headers=authority.headers,
        )
        assert added.status_code == 201, added.text
    shown = (await client.get(f"/api/zones/{zid}")).json()
    assert {i["kind"] for i in shown["items"]} == {"patent", "challenge"}
    foreign = await client.post(
        f"/api/zones/{zid}/items",
        json={"kind": "patent", "target_id": declaration["patent_id"]},
        headers=market.tto.headers,
    )
    assert foreign.status_code == 403

    starts = (clock.now() + datetime.timedelta(days=10)).isoformat()
    event = await client.post(
        "/api/events",
        json={
            "title": "冰雪经济专场对接会",
            "starts_at": starts,
            "place": "哈尔滨",
            "zone_id": zid,
        },
        headers=authority.headers,
    )
    assert event.status_code == 201, event.text
    eid = event.json()["id"]
    await client.post(
        f"/api/events/{eid}/items",
        json={"kind": "patent", "target_id": declaration["patent_id"]},
        headers=authority.headers,
    )
    registered = await client.post(f"/api/events/{eid}/register", headers=market.sme.headers)
    assert registered.status_code == 201 and registered.json()["registered"] is True
    again = await client.post(f"/api/events/{eid}/register", headers=market.sme.headers)
    assert again.status_code == 409

    licence = (await market.accept(declaration["id"])).json()
    for body in (
        {"kind": "introduction", "enterprise_id": str(market.sme.organisation_id)},
        {"kind": "licence", "reference_id": licence["id"]},
    ):
        recorded = await client.post(
            f"/api/events/{eid}/outcomes", json=body, headers=authority.headers
        )
        assert recorded.status_code == 201, recorded.text
    bad = await client.post(
        f"/api/events/{eid}/outcomes",
        json={"kind": "agreement", "reference_id": licence["id"]},
        headers=authority.headers,
    )
    assert bad.status_code == 422
    final = (await client.get(f"/api/events/{eid}")).json()
    assert final["registrations"] == 1
    assert final["outcomes"] == {"introduction": 1, "licence": 1, "agreement": 0}
    assert [i["kind"] for i in final["items"]] == ["patent"]

    clock.set(clock.now() + datetime.timedelta(days=11))
    late = await client.post(
        f"/api/events/{eid}/register", headers=(await market.another_enterprise()).headers
    )
    assert late.status_code == 409 and late.json()["code"] == "registration_closed"
