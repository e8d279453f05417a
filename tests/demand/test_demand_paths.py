"""Demand-side paths beyond the happy journey: refusals (wrong role or organisation, wrong
state, bad input) leave nothing changed, and the valid side paths (an authority's public
challenge, declining consulting, editing and closing needs) do what they say."""

from __future__ import annotations

import datetime
from typing import Any

from httpx import Response
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import async_sessionmaker

from builders import Actor, make_actor
from demand.steps import (
    application_payload,
    challenge_payload,
    cooperation_payload,
    need_payload,
    post_need,
)
from licensing import Market, make_market
from openlicense.accounts.models import OrganisationKind
from openlicense.core.clock import FixedClock

EXPERT = {"name": "张三", "title": "教授", "fields": ["new_energy"], "is_mentor": True}
CONSULTING = {"topic": "正极材料选型", "description": "希望教授指导正极材料的选型和测试方案。"}
FEE = {"type": "LUMP_SUM", "amount_minor": 5_000_000}


def refused(response: Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["code"] == code, response.text


async def send(market: Market, who: Actor, url: str, body: Any = None) -> Response:
    return await market.client.post(url, json=body, headers=who.headers)


async def publish(market: Market, who: Actor | None = None, **payload: Any) -> dict[str, Any]:
    response = await send(
        market, who or market.sme, "/api/challenges", challenge_payload(**payload)
    )
    assert response.status_code == 201, response.text
    return response.json()


async def apply(market: Market, cid: str, who: Actor | None = None, **payload: Any) -> Response:
    url, body = f"/api/challenges/{cid}/applications", payload or application_payload("张三")
    return await send(market, who or market.tto, url, body)


async def decide(market: Market, cid: str, aid: str, step: str, who: Actor | None = None) -> Any:
    url = f"/api/challenges/{cid}/applications/{aid}/{step}"
    return await send(market, who or market.sme, url)


async def consulting_request(market: Market) -> str:
    """A request of the SME to a mentor of the TTO's university."""
    eid = (await send(market, market.tto, "/api/experts", EXPERT)).json()["id"]
    asked = await send(market, market.sme, f"/api/experts/{eid}/consulting", CONSULTING)
    return asked.json()["id"]


async def misfiled(market: Market) -> tuple[Actor, Actor]:
    """An enterprise member filed in the TTO's university and a TTO officer filed in the SME:
    roles their organisation's kind does not carry."""
    sessionmaker, kind = market.sessionmaker, OrganisationKind
    return (
        await make_actor(sessionmaker, kind.ENTERPRISE, organisation_id=market.tto.organisation_id),
        await make_actor(sessionmaker, kind.UNIVERSITY, organisation_id=market.sme.organisation_id),
    )


def open_licence_answer(declaration_id: str | None) -> dict[str, Any]:
    return {
        "kind": "open_licence",
        "proposal": "本校已开放许可的专利满足该需求。",
        **({"declaration_id": declaration_id} if declaration_id else {}),
    }


async def selected_challenge(market: Market, publisher: Actor | None = None) -> str:
    """A challenge of `publisher` (the SME, from a need; an authority, without) with the TTO's
    proposal selected."""
    if publisher is None:
        cid = (await publish(market, need_id=(await post_need(market))["id"]))["id"]
    else:
        cid = (await publish(market, publisher, need_id=None, title="省级公开揭榜项目"))["id"]
    aid = (await apply(market, cid)).json()["id"]
    assert (await decide(market, cid, aid, "select", publisher)).status_code == 200
    return cid


# --- publishing -----------------------------------------------------------------------------


async def test_a_challenge_needs_an_open_need_of_its_enterprise_a_title_and_a_future_deadline(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> None:
    market = await make_market(client, db_sessionmaker, clock)
    authority = await make_actor(db_sessionmaker, OrganisationKind.AUTHORITY)
    need = await post_need(market)
    sme, url = market.sme, "/api/challenges"

    refused(await send(market, sme, url, challenge_payload(None)), 422, "invalid_challenge")
    untitled = await send(market, authority, url, challenge_payload(None))
    refused(untitled, 422, "invalid_challenge")
    past = await send(market, sme, url, challenge_payload(need["id"], deadline="2026-01-01"))
    refused(past, 422, "invalid_challenge")
    await send(market, sme, f"/api/needs/{need['id']}/close")
    closed = await send(market, sme, url, challenge_payload(need["id"]))
    refused(closed, 409, "challenge_closed")

    assert (await client.get("/api/challenges")).json() == []


async def test_an_authority_publishes_a_public_challenge_listed_by_status(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> None:
    market = await make_market(client, db_sessionmaker, clock)
    authority = await make_actor(db_sessionmaker, OrganisationKind.AUTHORITY)
    public = await publish(
        market, authority, need_id=None, title="省级储能揭榜项目", technology_field="new_energy"
    )
    assert public["need_id"] is None and public["publisher_id"] == str(authority.organisation_id)
    assert [public[k] for k in ("title", "province", "status")] == [
        "省级储能揭榜项目",
        "浙江",
        "open",
    ]
    decided = await selected_challenge(market)

    open_ids = [c["id"] for c in (await client.get("/api/challenges?status=open")).json()]
    selected = [c["id"] for c in (await client.get("/api/challenges?status=selected")).json()]
    assert (open_ids, selected) == ([public["id"]], [decided])
    everything = {c["id"] for c in (await client.get("/api/challenges")).json()}
    assert everything == {public["id"], decided}
    missing = await client.get("/api/challenges/0190a000-0000-7000-8000-000000000000")
    refused(missing, 404, "challenge_not_found")


# --- applying ---------------------------------------------------------------------------------


async def test_an_answer_names_a_declaration_exactly_when_it_is_an_open_licence(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> None:
    market = await make_market(client, db_sessionmaker, clock)
    declaration = await market.declare(FEE)
    cid = (await publish(market, need_id=(await post_need(market))["id"]))["id"]

    stray = application_payload("张三", declaration_id=declaration["id"])
    refused(await apply(market, cid, **stray), 422, "invalid_challenge")
    unnamed = await apply(market, cid, **open_licence_answer(None))
    refused(unnamed, 422, "invalid_challenge")
    unknown = await apply(market, cid, **open_licence_answer(cid))  # not a declaration's id
    refused(unknown, 422, "invalid_challenge")
    listed = await client.get(f"/api/challenges/{cid}/applications", headers=market.sme.headers)
    assert listed.json() == []

    answered = await apply(market, cid, **open_licence_answer(declaration["id"]))
    assert answered.status_code == 201, answered.text
    assert answered.json()["declaration_id"] == declaration["id"]


async def test_no_answers_are_taken_after_the_deadline(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> None:
    market = await make_market(client, db_sessionmaker, clock)
    need = await post_need(market)
    cid = (await publish(market, need_id=need["id"], deadline="2027-03-31"))["id"]
    clock.set(datetime.datetime(2027, 4, 1, 9, tzinfo=datetime.UTC))

    late = await apply(market, cid)
    refused(late, 409, "challenge_closed")
    listed = await client.get(f"/api/challenges/{cid}/applications", headers=market.sme.headers)
    assert listed.json() == []


# --- deciding ---------------------------------------------------------------------------------


async def test_only_the_publisher_shortlists_and_only_once(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> None:
    market = await make_market(client, db_sessionmaker, clock)
    cid = (await publish(market, need_id=(await post_need(market))["id"]))["id"]
    aid = (await apply(market, cid)).json()["id"]
    rival = await market.another_enterprise()

    refused(await decide(market, cid, aid, "shortlist", rival), 403, "not_challenge_publisher")
    refused(await decide(market, cid, aid, "select", rival), 403, "not_challenge_publisher")
    unknown = await decide(market, cid, cid, "shortlist")  # the challenge's id is no application
    refused(unknown, 404, "application_not_found")
    first = await decide(market, cid, aid, "shortlist")
    assert first.status_code == 200 and first.json()["status"] == "shortlisted"
    refused(await decide(market, cid, aid, "shortlist"), 409, "wrong_state")
    assert (await client.get(f"/api/challenges/{cid}")).json()["status"] == "open"


async def test_a_decided_challenge_takes_no_other_answer_or_licence(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> None:
    market = await make_market(client, db_sessionmaker, clock)
    declaration = await market.declare(FEE)
    rival = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    cid = (await publish(market, need_id=(await post_need(market))["id"]))["id"]
    licence = (await apply(market, cid, **open_licence_answer(declaration["id"]))).json()["id"]
    proposal = (await apply(market, cid, rival, **application_payload("赵六"))).json()["id"]
    key = {**market.sme.headers, "Idempotency-Key": "challenge-licence-x1"}
    url = f"/api/challenges/{cid}/applications"

    refused(await decide(market, cid, licence, "select"), 409, "wrong_state")  # use /licence
    refused(await client.post(f"{url}/{proposal}/licence", headers=key), 409, "wrong_state")
    assert (await decide(market, cid, proposal, "select")).json()["status"] == "selected"

    refused(await decide(market, cid, proposal, "select"), 409, "wrong_state")
    refused(await client.post(f"{url}/{licence}/licence", headers=key), 409, "challenge_closed")
    third = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    refused(await apply(market, cid, third), 409, "challenge_closed")
    apps = await client.get(url, headers=market.sme.headers)
    statuses = {a["id"]: (a["status"], a["licence_agreement_id"]) for a in apps.json()}
    assert statuses == {licence: ("not_selected", None), proposal: ("selected", None)}
    agreements = await client.get("/api/agreements", headers=market.sme.headers)
    assert agreements.status_code == 200 and agreements.json()["items"] == []


async def test_retrying_an_accepted_licence_answer_returns_the_same_licence(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> None:
    market = await make_market(client, db_sessionmaker, clock)
    declaration = await market.declare(FEE)
    need = await post_need(market)
    cid = (await publish(market, need_id=need["id"]))["id"]
    aid = (await apply(market, cid, **open_licence_answer(declaration["id"]))).json()["id"]
    url = f"/api/challenges/{cid}/applications/{aid}/licence"
    headers = {**market.sme.headers, "Idempotency-Key": "challenge-licence-r1"}

    first = await client.post(url, headers=headers)
    assert first.status_code == 201, first.text
    again = await client.post(url, headers=headers)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    application = await client.get(url.removesuffix("/licence"), headers=market.tto.headers)
    assert application.json()["licence_agreement_id"] == first.json()["id"]
    assert application.json()["status"] == "selected"
    assert (await client.get(f"/api/challenges/{cid}")).json()["status"] == "licensed"
    met = (await client.get(f"/api/needs/{need['id']}", headers=market.sme.headers)).json()
    assert met["met_by_agreement_id"] == first.json()["id"]


# --- the cooperation agreement ----------------------------------------------------------------


async def test_a_cooperation_agreement_is_not_made_by_a_stranger_or_on_bad_terms(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> None:
    # the day before the shipped clause library takes effect (every clause: 2026-11-23)
    clock.set(datetime.datetime(2026, 11, 22, 9, tzinfo=datetime.UTC))
    market = await make_market(client, db_sessionmaker, clock)
    cid = await selected_challenge(market)
    url, sme = f"/api/challenges/{cid}/agreement", market.sme.headers
    first, second = cooperation_payload()["milestones"]
    rival = await market.another_enterprise()

    stranger = await client.post(url, json=cooperation_payload(), headers=rival.headers)
    refused(stranger, 403, "not_challenge_publisher")
    for milestones in ([second, first], [{**first, "due_on": "2026-01-01"}]):
        body = cooperation_payload(milestones=milestones)
        refused(await client.post(url, json=body, headers=sme), 422, "invalid_clauses")
    dear = cooperation_payload(price_minor=59_999_999)  # the milestones add up to 60 000 000
    refused(await client.post(url, json=dear, headers=sme), 422, "invalid_clauses")
    unknown = cooperation_payload(clauses={"background_ip": "no_such_option"})
    refused(await client.post(url, json=unknown, headers=sme), 422, "unknown_clause")
    early = await client.post(url, json=cooperation_payload(), headers=sme)
    refused(early, 422, "invalid_clauses")  # its clauses are not in effect yet
    refused(await client.get(url, headers=sme), 404, "cooperation_agreement_not_found")
    assert (await client.get(f"/api/challenges/{cid}")).json()["status"] == "selected"

    clock.set(datetime.datetime(2026, 11, 23, 9, tzinfo=datetime.UTC))
    made = await client.post(url, json=cooperation_payload(), headers=sme)
    assert made.status_code == 201, made.text
    assert (await client.get(f"/api/challenges/{cid}")).json()["status"] == "agreed"


async def test_milestones_wait_for_the_university_and_are_accepted_once(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> None:
    market = await make_market(client, db_sessionmaker, clock)
    cid = await selected_challenge(market)
    tto = market.tto.headers
    made = await send(market, market.sme, f"/api/challenges/{cid}/agreement", cooperation_payload())
    assert made.status_code == 201, made.text

    def done(position: int, evidence: str = "验收报告") -> Any:
        url = f"/api/challenges/{cid}/milestones/{position}/done"
        return send(market, market.sme, url, {"evidence": evidence})

    refused(await done(1), 409, "wrong_state")
    signed = (await client.post(f"/api/challenges/{cid}/agreement/sign", headers=tto)).json()
    clock.set(clock.now() + datetime.timedelta(days=1))
    again = await client.post(f"/api/challenges/{cid}/agreement/sign", headers=tto)
    assert again.status_code == 200
    assert again.json()["university_signed_at"] == signed["university_signed_at"]

    refused(await done(3), 404, "cooperation_agreement_not_found")
    first = (await done(1, "小试报告")).json()["milestones"][0]
    repeat = (await done(1, "另一份报告")).json()["milestones"][0]
    assert repeat == first and first["status"] == "done" and first["evidence"] == "小试报告"
    assert (await client.get(f"/api/challenges/{cid}")).json()["status"] == "agreed"


async def test_an_authoritys_public_challenge_is_agreed_and_signed_without_a_need(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> None:
    market = await make_market(client, db_sessionmaker, clock)
    authority = await make_actor(db_sessionmaker, OrganisationKind.AUTHORITY)
    cid = await selected_challenge(market, authority)
    made = await send(market, authority, f"/api/challenges/{cid}/agreement", cooperation_payload())
    assert made.status_code == 201, made.text
    assert made.json()["enterprise_id"] == str(authority.organisation_id)

    signed = await client.post(f"/api/challenges/{cid}/agreement/sign", headers=market.tto.headers)
    assert signed.status_code == 200 and signed.json()["university_signed_at"] is not None
    assert signed.json()["seal_valid"] is True
    assert (await client.get(f"/api/challenges/{cid}")).json()["status"] == "agreed"
    # the authority, the agreement's other party, accepts the milestones and completes it
    positions = [m["position"] for m in signed.json()["milestones"]]
    for position in positions:
        done = await send(
            market, authority, f"/api/challenges/{cid}/milestones/{position}/done",
            {"evidence": "验收报告已提交"},
        )  # fmt: skip
        assert done.status_code == 200, done.text
    assert (await client.get(f"/api/challenges/{cid}")).json()["status"] == "completed"


# --- the talent library and consulting ------------------------------------------------------


async def test_experts_are_listed_by_mentorship_and_university(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> None:
    market = await make_market(client, db_sessionmaker, clock)
    other = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    mentor = (await client.post("/api/experts", json=EXPERT, headers=market.tto.headers)).json()
    plain = {**EXPERT, "name": "李四", "is_mentor": False}
    scholar = (await client.post("/api/experts", json=plain, headers=other.headers)).json()

    mentors = (await client.get("/api/experts?mentors=true")).json()
    assert [e["id"] for e in mentors] == [mentor["id"]]
    theirs = (await client.get(f"/api/experts?organisation_id={other.organisation_id}")).json()
    assert [e["id"] for e in theirs] == [scholar["id"]]
    assert len((await client.get("/api/experts")).json()) == 2

    missing = "0190a000-0000-7000-8000-000000000000"
    refused(await client.get(f"/api/experts/{missing}"), 404, "expert_not_found")
    nobody = await send(market, market.sme, f"/api/experts/{missing}/consulting", CONSULTING)
    refused(nobody, 404, "expert_not_found")
    asked = await send(market, market.sme, f"/api/experts/{scholar['id']}/consulting", CONSULTING)
    refused(asked, 409, "not_a_mentor")
    assert (await client.get("/api/consulting", headers=market.admin.headers)).json() == []


async def test_a_declined_consulting_request_is_final(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> None:
    market = await make_market(client, db_sessionmaker, clock)
    tto, sme = market.tto, market.sme
    base = f"/api/consulting/{await consulting_request(market)}"

    declined = await send(market, tto, f"{base}/decline", {"note": "教授本学期无暇"})
    assert declined.status_code == 200, declined.text
    body = declined.json()
    assert (body["status"], body["decision_note"]) == ("declined", "教授本学期无暇")
    assert body["decided_at"] is not None and body["unit_consent_ref"] is None

    consent = {"unit_consent_ref": "材料学院同意函 2027-1"}
    for response in (
        await send(market, tto, f"{base}/approve", consent),
        await send(market, tto, f"{base}/decline", {"note": "再次拒绝"}),
        await send(market, sme, f"{base}/complete"),
        await send(
            market, sme, f"{base}/sessions", {"held_on": "2027-06-01", "summary": "未获批准的咨询"}
        ),
    ):
        refused(response, 409, "consulting_wrong_state")

    seen = (await client.get(base, headers=sme.headers)).json()
    assert (seen["status"], seen["decision_note"]) == ("declined", "教授本学期无暇")
    assert seen["sessions"] == [] and seen["unit_consent_ref"] is None
    everything = (await client.get("/api/consulting", headers=market.admin.headers)).json()
    assert [r["id"] for r in everything] == [seen["id"]]


# --- editing, closing and listing needs -----------------------------------------------------


async def test_editing_a_need_changes_it_and_counts_as_confirming_it(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> None:
    market = await make_market(client, db_sessionmaker, clock)
    need = await post_need(market)
    url, sme = f"/api/needs/{need['id']}", market.sme.headers
    clock.set(clock.now() + datetime.timedelta(days=190))
    assert (await client.get(url, headers=sme)).json()["freshness"] == "due"

    inverted = await client.patch(url, json={"budget_min_minor": 60_000_000}, headers=sme)
    refused(inverted, 422, "invalid_budget")
    unchanged = (await client.get(url, headers=sme)).json()
    assert unchanged["budget_min_minor"] == 10_000_000 and unchanged["freshness"] == "due"

    edited = await client.patch(
        url, json={"title": "寻求固态电池电解质技术", "budget_max_minor": 70_000_000}, headers=sme
    )
    assert edited.status_code == 200, edited.text
    body = edited.json()
    assert (body["title"], body["budget_min_minor"], body["budget_max_minor"]) == (
        "寻求固态电池电解质技术",
        10_000_000,
        70_000_000,
    )
    assert body["description"] == need["description"]
    assert body["freshness"] == "fresh" and body["last_confirmed_at"] != need["last_confirmed_at"]


async def test_a_closed_need_stays_closed_and_leaves_the_public_list(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> None:
    market = await make_market(client, db_sessionmaker, clock)
    need = await post_need(market)
    other = await post_need(market, title="寻求储能热管理技术", technology_field="energy_storage")
    sme = market.sme.headers

    closed = await client.post(f"/api/needs/{need['id']}/close", headers=sme)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    twice = await client.post(f"/api/needs/{need['id']}/close", headers=sme)
    assert twice.status_code == 200 and twice.json()["status"] == "closed"
    rival = await market.another_enterprise()
    stranger = await client.post(f"/api/needs/{other['id']}/close", headers=rival.headers)
    refused(stranger, 403, "not_need_owner")

    assert [n["id"] for n in (await client.get("/api/needs")).json()] == [other["id"]]
    mine = (await client.get("/api/needs?mine=true", headers=sme)).json()
    assert {n["id"]: n["status"] for n in mine} == {need["id"]: "closed", other["id"]: "open"}
    assert (await client.get("/api/needs?mine=true")).json() == []  # anonymous: no "mine"
    storage = (await client.get("/api/needs?technology_field=energy_storage")).json()
    assert [n["id"] for n in storage] == [other["id"]]


# --- a user whose role does not match its organisation's kind -------------------------------


async def test_the_services_check_the_organisation_kind_not_only_the_role(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> None:
    """Defence in depth: a user filed with a role its organisation's kind does not carry passes
    the route guard but is refused by the use case, and nothing is made."""
    market = await make_market(client, db_sessionmaker, clock)
    in_university, in_enterprise = await misfiled(market)
    need = await send(market, in_university, "/api/needs", need_payload())
    refused(need, 403, "enterprises_only")
    body = challenge_payload(None, title="大学发布的榜单")
    challenge = await send(market, in_university, "/api/challenges", body)
    refused(challenge, 403, "publisher_kind_not_allowed")
    expert = await send(market, in_enterprise, "/api/experts", EXPERT)
    refused(expert, 403, "organisation_kind_not_allowed")
    eid = (await send(market, market.tto, "/api/experts", EXPERT)).json()["id"]
    asked = await send(market, in_university, f"/api/experts/{eid}/consulting", CONSULTING)
    refused(asked, 403, "organisation_kind_not_allowed")
    cid = (await publish(market, need_id=(await post_need(market))["id"]))["id"]
    refused(await apply(market, cid, in_enterprise), 403, "universities_only")

    mine = await client.get("/api/needs?mine=true", headers=in_university.headers)
    assert mine.json() == []
    assert [c["id"] for c in (await client.get("/api/challenges")).json()] == [cid]
    assert [e["id"] for e in (await client.get("/api/experts")).json()] == [eid]
    assert (await client.get("/api/consulting", headers=market.admin.headers)).json() == []


async def test_only_the_proper_party_signs_accepts_milestones_or_decides_consulting(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> None:
    """The party checks behind the guards: a TTO officer filed in the enterprise cannot sign
    for the university or decide consulting; an enterprise member filed in the university
    cannot accept milestones."""
    market = await make_market(client, db_sessionmaker, clock)
    in_university, in_enterprise = await misfiled(market)
    cid = await selected_challenge(market)
    base = f"/api/challenges/{cid}"
    await send(market, market.sme, f"{base}/agreement", cooperation_payload())
    refused(await send(market, in_enterprise, f"{base}/agreement/sign"), 403, "not_a_party")
    await send(market, market.tto, f"{base}/agreement/sign")
    done = await send(market, in_university, f"{base}/milestones/1/done", {"evidence": "自验"})
    refused(done, 403, "not_a_party")
    agreement = await client.get(f"{base}/agreement", headers=market.sme.headers)
    assert [m["status"] for m in agreement.json()["milestones"]] == ["open", "open"]

    rid = await consulting_request(market)
    consent = {"unit_consent_ref": "企业自批 2027-1"}
    approve = await send(market, in_enterprise, f"/api/consulting/{rid}/approve", consent)
    refused(approve, 403, "organisation_kind_not_allowed")
    seen = (await client.get(f"/api/consulting/{rid}", headers=market.sme.headers)).json()
    assert (seen["status"], seen["unit_consent_ref"]) == ("requested", None)
