"""The scripted journey of issue 17 ("Done when"), at the API:

SME posts a need → matches appear with reasons → a TTO sees the need among its matches → the SME
turns it into a challenge → two university teams apply → one is selected → a sealed cooperation
agreement with guideline clauses is made (and its milestones run to completion). A team never
sees a rival team's proposal."""

from __future__ import annotations

from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import async_sessionmaker

from builders import make_actor, patent_payload, terms_payload
from demand.steps import (
    application_payload,
    challenge_payload,
    cooperation_payload,
    post_need,
    sync_search,
)
from licensing import make_market
from openlicense.accounts.models import OrganisationKind
from openlicense.core.clock import FixedClock


async def test_need_to_challenge_to_sealed_cooperation_agreement(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> None:
    market = await make_market(client, db_sessionmaker, clock)
    sme, tto = market.sme, market.tto
    rival = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    await market.declare({"type": "LUMP_SUM", "amount_minor": 5_000_000})
    await sync_search(market)

    # 1. the SME posts a need; matches appear with reasons
    need = await post_need(market)
    matches = (await client.get(f"/api/needs/{need['id']}/matches", headers=sme.headers)).json()
    assert matches["matches"] and all(m["reasons"] for m in matches["matches"])

    # 2. the TTO sees the need among its matches, and both were told (inbox, zh and en)
    seen = (await client.get("/api/needs/matched", headers=tto.headers)).json()
    assert need["id"] in {e["need"]["id"] for e in seen}
    for party in (sme, tto):
        inbox = (await client.get("/api/notifications", headers=party.headers)).json()
        told = [n for n in inbox["items"] if n["kind"] == "match.new"]
        assert inbox["unread"] >= 1 and told, inbox
        assert told[0]["subject_id"] == need["id"] and need["title"] in told[0]["title"]

    # 3. the SME turns it into a challenge
    published = await client.post(
        "/api/challenges", json=challenge_payload(need["id"]), headers=sme.headers
    )
    assert published.status_code == 201, published.text
    challenge = published.json()
    assert challenge["title"] == need["title"] and challenge["status"] == "open"
    cid = challenge["id"]

    # 4. two university teams apply (揭榜)
    first = await client.post(
        f"/api/challenges/{cid}/applications", json=application_payload("张三"), headers=tto.headers
    )
    second = await client.post(
        f"/api/challenges/{cid}/applications",
        json=application_payload("赵六"),
        headers=rival.headers,
    )
    assert first.status_code == second.status_code == 201, (first.text, second.text)
    twice = await client.post(
        f"/api/challenges/{cid}/applications", json=application_payload("张三"), headers=tto.headers
    )
    assert twice.status_code == 409 and twice.json()["code"] == "already_applied"

    # a team never sees a rival's proposal
    own = (await client.get(f"/api/challenges/{cid}/applications", headers=rival.headers)).json()
    assert [a["id"] for a in own] == [second.json()["id"]]
    peek = await client.get(
        f"/api/challenges/{cid}/applications/{first.json()['id']}", headers=rival.headers
    )
    assert peek.status_code == 404
    # the publisher sees both
    all_apps = (await client.get(f"/api/challenges/{cid}/applications", headers=sme.headers)).json()
    assert len(all_apps) == 2

    # 5. shortlist and select one
    aid = first.json()["id"]
    listed = await client.post(
        f"/api/challenges/{cid}/applications/{aid}/shortlist", headers=sme.headers
    )
    assert listed.status_code == 200 and listed.json()["status"] == "shortlisted"
    chosen = await client.post(
        f"/api/challenges/{cid}/applications/{aid}/select", headers=sme.headers
    )
    assert chosen.status_code == 200, chosen.text
    assert chosen.json()["status"] == "selected"
    loser = (await client.get(f"/api/challenges/{cid}/applications", headers=rival.headers)).json()
    assert loser[0]["status"] == "not_selected"

    # 6. a sealed cooperation agreement with guideline clauses
    made = await client.post(
        f"/api/challenges/{cid}/agreement", json=cooperation_payload(), headers=sme.headers
    )
    assert made.status_code == 201, made.text
    agreement = made.json()
    assert agreement["seal_valid"] is True and len(agreement["seal"]) == 64
    keys = {c["key"]: c["option"] for c in agreement["clause_set"]}
    assert keys["ownership.scenario"] == "JOINT"  # Civil Code 860 default for joint development
    assert keys["background_ip"] == "free_licence_to_exploit"
    assert "ownership.joint_shares" in keys and not any(k.startswith("ol.") for k in keys)
    text = await client.get(f"/api/challenges/{cid}/agreement/text", headers=tto.headers)
    assert "产学研合作协议" in text.text and "甲方（企业）" in text.text
    assert (
        await client.get(f"/api/challenges/{cid}/agreement", headers=rival.headers)
    ).status_code == 404

    # the university signs; the need is met by the agreement
    signed = await client.post(f"/api/challenges/{cid}/agreement/sign", headers=tto.headers)
    assert signed.status_code == 200 and signed.json()["university_signed_at"]
    met = (await client.get(f"/api/needs/{need['id']}", headers=sme.headers)).json()
    assert met["status"] == "met" and met["met_by_cooperation_id"] == agreement["id"]

    # 7. milestones tracked to completion
    for position in (1, 2):
        done = await client.post(
            f"/api/challenges/{cid}/milestones/{position}/done",
            json={"evidence": f"验收报告 {position}"},
            headers=sme.headers,
        )
        assert done.status_code == 200, done.text
    assert done.json()["completed_at"] is not None
    final = (await client.get(f"/api/challenges/{cid}")).json()
    assert final["status"] == "completed"

    # 8. the statistics show each step (the provincial authority of 浙江, where all are)
    authority = await make_actor(db_sessionmaker, OrganisationKind.AUTHORITY)
    period = f"{clock.today().year}-H{1 if clock.today().month <= 6 else 2}"
    stats = await client.get(
        f"/api/authority/indicators?period={period}", headers=authority.headers
    )
    assert stats.status_code == 200, stats.text
    s = stats.json()
    assert s["province"] == "浙江"
    readable = await client.get(f"/api/challenges/{cid}/agreement", headers=authority.headers)
    assert readable.status_code == 200  # an authority reads its province's agreements
    assert s["needs_posted"] == 1 and s["needs_met"] == 1 and s["matches_found"] >= 1
    assert s["challenges_published"] == 1 and s["challenges_answered"] == 1
    assert s["applications"] == 2 and s["cooperation_agreements"] == 1
    assert s["universities_taking_part"] == 2 and s["enterprises_served"] == 1
    assert s["money_paid_minor"] == 60_000_000  # both milestones accepted
    row = next(r for r in s["per_university"] if r["university_id"] == str(tto.organisation_id))
    assert row["enterprises_served"] == 1 and row["meets_threshold"] is False
    other = await client.get(
        f"/api/authority/indicators?period={period}&province=黑龙江", headers=authority.headers
    )
    assert other.status_code == 403 and other.json()["code"] == "other_province"
    xlsx = await client.get(
        f"/api/authority/indicators.xlsx?period={period}", headers=authority.headers
    )
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


async def test_restrictive_clauses_are_refused_rule_29(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> None:
    market = await make_market(client, db_sessionmaker, clock)
    need = await post_need(market)
    cid = (
        await client.post(
            "/api/challenges", json=challenge_payload(need["id"]), headers=market.sme.headers
        )
    ).json()["id"]
    aid = (
        await client.post(
            f"/api/challenges/{cid}/applications",
            json=application_payload("张三"),
            headers=market.tto.headers,
        )
    ).json()["id"]
    early = await client.post(
        f"/api/challenges/{cid}/agreement", json=cooperation_payload(), headers=market.sme.headers
    )
    assert early.status_code == 409 and early.json()["code"] == "wrong_state"
    await client.post(
        f"/api/challenges/{cid}/applications/{aid}/select", headers=market.sme.headers
    )
    restrictive = await client.post(
        f"/api/challenges/{cid}/agreement",
        json=cooperation_payload(clauses={"improvements": "exclusive_grant_back"}),
        headers=market.sme.headers,
    )
    assert restrictive.status_code in (409, 422), restrictive.text
    assert any(v["rule"] == 29 for v in restrictive.json()["violations"])
    fixed = await client.post(
        f"/api/challenges/{cid}/agreement",
        json=cooperation_payload(clauses={"ol.scope": "non_exclusive_mainland_own_use"}),
        headers=market.sme.headers,
    )
    assert fixed.status_code == 422 and fixed.json()["code"] == "invalid_clauses"


async def test_challenge_answered_by_an_open_licence_accepted_in_one_step(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> None:
    market = await make_market(client, db_sessionmaker, clock)
    declaration = await market.declare({"type": "LUMP_SUM", "amount_minor": 5_000_000})
    need = await post_need(market)
    cid = (
        await client.post(
            "/api/challenges", json=challenge_payload(need["id"]), headers=market.sme.headers
        )
    ).json()["id"]
    answer = await client.post(
        f"/api/challenges/{cid}/applications",
        json={
            "kind": "open_licence",
            "proposal": "本校已开放许可的专利满足该需求。",
            "declaration_id": declaration["id"],
        },
        headers=market.tto.headers,
    )
    assert answer.status_code == 201, answer.text
    accepted = await client.post(
        f"/api/challenges/{cid}/applications/{answer.json()['id']}/licence",
        headers={**market.sme.headers, "Idempotency-Key": "challenge-licence-1"},
    )
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["declaration_id"] == declaration["id"]
    assert (await client.get(f"/api/challenges/{cid}")).json()["status"] == "licensed"
    met = (await client.get(f"/api/needs/{need['id']}", headers=market.sme.headers)).json()
    assert met["met_by_agreement_id"] == accepted.json()["id"]


async def test_someone_elses_declaration_cannot_be_offered(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> None:
    market = await make_market(client, db_sessionmaker, clock)
    declaration = await market.declare({"type": "LUMP_SUM", "amount_minor": 5_000_000})
    other = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    need = await post_need(market)
    cid = (
        await client.post(
            "/api/challenges", json=challenge_payload(need["id"]), headers=market.sme.headers
        )
    ).json()["id"]
    answer = await client.post(
        f"/api/challenges/{cid}/applications",
        json={
            "kind": "open_licence",
            "proposal": "别人的专利也拿来用。",
            "declaration_id": declaration["id"],
        },
        headers=other.headers,
    )
    assert answer.status_code == 422 and answer.json()["code"] == "invalid_challenge"
    # and an enterprise cannot publish from a need it does not own
    rival = await market.another_enterprise()
    stolen = await client.post(
        "/api/challenges", json=challenge_payload(need["id"]), headers=rival.headers
    )
    assert stolen.status_code == 403
    _ = (patent_payload, terms_payload)
