"""Open-licence declarations through the API: draft, publish (rules 1–12, 16), withdraw (7, 23),
acceptability (23–24), recorded licences (13, 15). Rule numbers are domain.md §4."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import async_sessionmaker

from builders import Actor, make_actor, patent_payload, terms_payload
from openlicense.accounts.models import OrganisationKind

PUBLISH = {"attest_truthful": True}


async def _tto(db_sessionmaker: async_sessionmaker) -> Actor:
    return await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)


async def _patent(client: AsyncTestClient, tto: Actor, **overrides: Any) -> dict[str, Any]:
    response = await client.post(
        "/api/patents", json=patent_payload(**overrides), headers=tto.headers
    )
    assert response.status_code == 201, response.text
    return response.json()


async def _draft(
    client: AsyncTestClient, tto: Actor, patent_id: str, **terms: Any
) -> dict[str, Any]:
    response = await client.post(
        f"/api/patents/{patent_id}/declarations",
        json={"terms": terms_payload(**terms)},
        headers=tto.headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


async def _declared(client: AsyncTestClient, tto: Actor, **patent: Any) -> tuple[dict, dict]:
    p = await _patent(client, tto, **patent)
    d = await _draft(client, tto, p["id"])
    published = await client.post(
        f"/api/declarations/{d['id']}/publish", json=PUBLISH, headers=tto.headers
    )
    assert published.status_code == 200, published.text
    return p, published.json()


async def test_publish_freezes_terms_hashes_them_and_lists_the_patent(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    tto = await _tto(db_sessionmaker)
    patent, declaration = await _declared(client, tto)
    assert declaration["status"] == "published"
    assert declaration["version"] == 1
    assert len(declaration["terms_hash"]) == 64
    assert declaration["announcement_date"] == "2026-11-23"
    assert declaration["announcement_ref"].startswith("OL20261123-")
    public = await client.get(f"/api/patents/{patent['id']}")
    assert public.status_code == 200
    assert public.json()["listing_status"] == "published"
    versions = await client.get(f"/api/patents/{patent['id']}/declarations")
    assert [v["version"] for v in versions.json()] == [1]


async def test_rule_16_published_declaration_is_immutable(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    tto = await _tto(db_sessionmaker)
    _, declaration = await _declared(client, tto)
    changed = await client.patch(
        f"/api/declarations/{declaration['id']}",
        json={"terms": terms_payload({"type": "FREE"})},
        headers=tto.headers,
    )
    assert changed.status_code == 409
    assert changed.json()["code"] == "declaration_immutable"
    again = await client.get(f"/api/declarations/{declaration['id']}")
    assert again.json()["terms"] == declaration["terms"]


async def test_rule_16_new_version_needs_withdrawal_of_the_active_one(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    tto = await _tto(db_sessionmaker)
    patent, first = await _declared(client, tto)
    second = await _draft(client, tto, patent["id"], fee_standard={"type": "FREE"})
    assert second["version"] == 2
    blocked = await client.post(
        f"/api/declarations/{second['id']}/publish", json=PUBLISH, headers=tto.headers
    )
    assert blocked.status_code == 409
    assert blocked.json()["code"] == "active_declaration_exists"

    owner_id = patent["co_owners"][0]["id"]
    withdrawal = {
        "reason": "The university will re-declare with a free standard.",
        "effective_date": "2026-11-23",
        "consents": [{"owner_id": owner_id, "document_ref": "CONSENT-9"}],
    }
    withdrawn = await client.post(
        f"/api/declarations/{first['id']}/withdraw", json=withdrawal, headers=tto.headers
    )
    assert withdrawn.status_code == 200, withdrawn.text
    published = await client.post(
        f"/api/declarations/{second['id']}/publish", json=PUBLISH, headers=tto.headers
    )
    assert published.status_code == 200, published.text
    history = (await client.get(f"/api/patents/{patent['id']}/declarations")).json()
    assert [(v["version"], v["status"]) for v in history] == [(1, "withdrawn"), (2, "published")]


async def test_draft_can_be_revised_before_publication(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    tto = await _tto(db_sessionmaker)
    patent = await _patent(client, tto)
    draft = await _draft(client, tto, patent["id"])
    revised = await client.patch(
        f"/api/declarations/{draft['id']}",
        json={"terms": terms_payload({"type": "FREE"})},
        headers=tto.headers,
    )
    assert revised.status_code == 200
    assert revised.json()["fee_type"] == "FREE"
    assert (
        await client.get(f"/api/declarations/{draft['id']}")
    ).status_code == 404  # drafts are private


async def test_rules_1_to_7_block_publication_with_machine_readable_codes(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    tto = await _tto(db_sessionmaker)
    patent = await _patent(
        client,
        tto,
        suspended=True,
        annual_fee_paid_through="2026-01-01",
        pledged=True,
        co_owners=[
            {"name": "浙江大学", "consents_to_open_licence": True, "consent_document_ref": "D1"},
            {"name": "某某公司", "consents_to_open_licence": False},
        ],
    )
    draft = await _draft(client, tto, patent["id"])
    response = await client.post(
        f"/api/declarations/{draft['id']}/publish", json=PUBLISH, headers=tto.headers
    )
    assert response.status_code == 409
    codes = {(v["rule"], v["code"]) for v in response.json()["violations"]}
    assert codes == {
        (4, "patent_suspended"),
        (5, "annual_fee_unpaid"),
        (6, "pledgee_consent_missing"),
        (7, "co_owner_consent_missing"),
    }
    still_draft = await client.get(f"/api/patents/{patent['id']}/declarations", headers=tto.headers)
    assert still_draft.json()[0]["status"] == "draft"


async def test_rule_2_utility_model_needs_positive_evaluation_report(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    tto = await _tto(db_sessionmaker)
    patent = await _patent(
        client,
        tto,
        patent_type="utility_model",
        evaluation_report={
            "reference": "ER-1",
            "issued_on": "2024-01-01",
            "conclusion": "negative",
        },
    )
    draft = await _draft(client, tto, patent["id"])
    response = await client.post(
        f"/api/declarations/{draft['id']}/publish", json=PUBLISH, headers=tto.headers
    )
    assert response.status_code == 409
    assert response.json()["code"] == "evaluation_report_negative"


async def test_rules_8_and_9_are_422_for_terms_that_can_never_be_published(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    tto = await _tto(db_sessionmaker)
    patent = await _patent(client, tto)
    draft = await _draft(
        client,
        tto,
        patent["id"],
        licence_end="2027-05-31",
        other_terms="国内最先进的技术，保证收益",
    )
    response = await client.post(
        f"/api/declarations/{draft['id']}/publish", json=PUBLISH, headers=tto.headers
    )
    assert response.status_code == 422
    codes = {v["code"] for v in response.json()["violations"]}
    assert codes == {"licence_period_too_short", "marketing_language"}


async def test_rule_10_fee_standard_must_be_typed_and_complete(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    tto = await _tto(db_sessionmaker)
    patent = await _patent(client, tto)
    for standard in (
        {"type": "NEGOTIABLE"},
        {
            "type": "ROYALTY",
            "base": "net_sales",
            "rate": "0.05",
        },  # rule 18: on-acceptance amount missing
        {"type": "LUMP_SUM", "amount_minor": 12.5},
    ):
        response = await client.post(
            f"/api/patents/{patent['id']}/declarations",
            json={"terms": terms_payload(standard)},
            headers=tto.headers,
        )
        assert response.status_code == 422, standard
        assert response.json()["errors"], standard


async def test_rule_11_fee_above_cap_is_blocked(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    tto = await _tto(db_sessionmaker)
    patent = await _patent(client, tto)
    draft = await _draft(
        client,
        tto,
        patent["id"],
        fee_standard={
            "type": "ROYALTY",
            "base": "net_sales",
            "rate": "0.25",
            "payable_on_acceptance_minor": 0,
        },
    )
    response = await client.post(
        f"/api/declarations/{draft['id']}/publish", json=PUBLISH, headers=tto.headers
    )
    assert response.status_code == 422
    assert response.json()["code"] == "fee_above_cap"


async def test_publish_requires_truthfulness_attestation(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    tto = await _tto(db_sessionmaker)
    patent = await _patent(client, tto)
    draft = await _draft(client, tto, patent["id"])
    response = await client.post(
        f"/api/declarations/{draft['id']}/publish",
        json={"attest_truthful": False},
        headers=tto.headers,
    )
    assert response.status_code == 422


async def test_rule_23_withdrawal_needs_every_co_owner_and_takes_effect_when_announced(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    tto = await _tto(db_sessionmaker)
    owners = [
        {"name": "浙江大学", "consents_to_open_licence": True, "consent_document_ref": "D1"},
        {"name": "宁波大学", "consents_to_open_licence": True, "consent_document_ref": "D2"},
    ]
    patent, declaration = await _declared(client, tto, co_owners=owners)
    url = f"/api/declarations/{declaration['id']}"
    first_owner = patent["co_owners"][0]["id"]
    partial = {
        "reason": "The patent will be assigned to a spin-off company.",
        "effective_date": "2026-12-01",
        "consents": [{"owner_id": first_owner, "document_ref": "W1"}],
    }
    refused = await client.post(f"{url}/withdraw", json=partial, headers=tto.headers)
    assert refused.status_code == 409
    assert refused.json()["code"] == "co_owner_consent_missing"

    conditional = {
        **partial,
        "reason": "Withdrawn unless a licensee pays double the fee.",
        "consents": [{"owner_id": o["id"], "document_ref": "W"} for o in patent["co_owners"]],
    }
    assert (
        await client.post(f"{url}/withdraw", json=conditional, headers=tto.headers)
    ).status_code == 422

    complete = {**conditional, "reason": "The patent will be assigned to a spin-off company."}
    withdrawn = await client.post(f"{url}/withdraw", json=complete, headers=tto.headers)
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["withdrawal"]["effective_date"] == "2026-12-01"

    before = (await client.get(f"{url}/acceptability", params={"on": "2026-11-30"})).json()
    assert before["acceptable"] is True
    after = (await client.get(f"{url}/acceptability", params={"on": "2026-12-01"})).json()
    assert after["acceptable"] is False
    assert [v["code"] for v in after["violations"]] == ["declaration_withdrawn"]


async def test_rule_24_invalidated_patent_closes_the_offer(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    tto = await _tto(db_sessionmaker)
    patent, declaration = await _declared(client, tto)
    url = f"/api/declarations/{declaration['id']}/acceptability"
    assert (await client.get(url)).json()["acceptable"] is True
    admin = await make_actor(db_sessionmaker, OrganisationKind.PLATFORM)
    register = {"legal_status": "invalidated", "reference": "CNIPA 无效宣告 第12345号"}
    verified = await client.put(
        f"/api/patents/{patent['id']}/register", json=register, headers=admin.headers
    )
    assert verified.status_code == 200, verified.text
    closed = (await client.get(url)).json()
    assert closed["acceptable"] is False
    assert "patent_not_valid" in {v["code"] for v in closed["violations"]}


async def test_rule_13_no_exclusive_licence_while_open_licence_active(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    tto = await _tto(db_sessionmaker)
    patent, _ = await _declared(client, tto)
    exclusive = {
        "kind": "exclusive",
        "licensee_name": "某公司",
        "start_date": "2027-01-01",
        "end_date": "2028-01-01",
    }
    response = await client.post(
        f"/api/patents/{patent['id']}/licences", json=exclusive, headers=tto.headers
    )
    assert response.status_code == 409
    assert response.json()["code"] == "open_licence_active"


async def test_rule_15_negotiated_ordinary_licence_is_recorded_apart(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    tto = await _tto(db_sessionmaker)
    patent, _ = await _declared(client, tto)
    ordinary = {
        "kind": "ordinary",
        "licensee_name": "某公司",
        "start_date": "2027-01-01",
        "end_date": "2028-01-01",
    }
    url = f"/api/patents/{patent['id']}/licences"
    unmarked = await client.post(url, json=ordinary, headers=tto.headers)
    assert unmarked.status_code == 422
    assert unmarked.json()["code"] == "negotiated_flag_required"
    marked = await client.post(url, json={**ordinary, "negotiated": True}, headers=tto.headers)
    assert marked.status_code == 201
    assert marked.json()["licences"][0]["negotiated"] is True


async def test_rule_3_active_exclusive_licence_blocks_declaration(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    tto = await _tto(db_sessionmaker)
    patent = await _patent(client, tto)
    exclusive = {
        "kind": "exclusive",
        "licensee_name": "某公司",
        "start_date": "2026-01-01",
        "end_date": "2027-12-31",
    }
    recorded = await client.post(
        f"/api/patents/{patent['id']}/licences", json=exclusive, headers=tto.headers
    )
    assert recorded.status_code == 201
    draft = await _draft(client, tto, patent["id"])
    response = await client.post(
        f"/api/declarations/{draft['id']}/publish", json=PUBLISH, headers=tto.headers
    )
    assert response.status_code == 409
    assert response.json()["code"] == "exclusive_licence_active"


async def test_other_university_cannot_declare_or_withdraw(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    tto = await _tto(db_sessionmaker)
    other = await _tto(db_sessionmaker)
    patent, declaration = await _declared(client, tto)
    drafted = await client.post(
        f"/api/patents/{patent['id']}/declarations",
        json={"terms": terms_payload()},
        headers=other.headers,
    )
    assert drafted.status_code == 403
    withdrawn = await client.post(
        f"/api/declarations/{declaration['id']}/withdraw",
        json={"reason": "x" * 20, "effective_date": "2026-12-01", "consents": []},
        headers=other.headers,
    )
    assert withdrawn.status_code == 403
