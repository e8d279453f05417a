"""Patent catalogue through the API: create, validate, read, edit, list, retire."""

from __future__ import annotations

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import async_sessionmaker

from builders import application_number, make_actor, patent_payload
from openlicense.accounts.models import OrganisationKind


async def test_tto_creates_draft_patent_with_computed_expiry_and_number(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    tto = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    payload = patent_payload(application_number="ZL 2021 1 0123456.7")
    response = await client.post("/api/patents", json=payload, headers=tto.headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["application_number"] == "202110123456.7"
    assert body["patent_number"] == "ZL202110123456.7"
    assert body["expiry_date"] == "2041-02-28"  # 20 years from 2021-03-01, the day before
    assert body["ipc_codes"] == ["H01M 4/36", "H01M 10/0525"]
    assert body["listing_status"] == "draft"
    assert body["owner_organisation_id"] == str(tto.organisation_id)
    assert body["co_owners"][0]["consent_recorded_at"] is not None


async def test_create_patent_rejects_wrong_check_digit_with_field_error(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    tto = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    response = await client.post(
        "/api/patents",
        json=patent_payload(application_number="202110123456.8"),
        headers=tto.headers,
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "validation_failed"
    assert response.headers["content-type"].startswith("application/problem+json")
    fields = {e["field"] for e in problem["errors"]}
    assert any("application_number" in f for f in fields), problem
    listing = await client.get("/api/patents", params={"mine": "true"}, headers=tto.headers)
    assert listing.json()["total_estimate"] == 0


async def test_create_patent_rejects_bad_ipc_and_type_digit_mismatch(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    tto = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    bad_ipc = await client.post(
        "/api/patents", json=patent_payload(ipc_codes=["Z01M 4/36"]), headers=tto.headers
    )
    assert bad_ipc.status_code == 422
    mismatch = await client.post(
        "/api/patents",
        json=patent_payload(application_number=application_number(type_digit=2)),
        headers=tto.headers,
    )
    assert mismatch.status_code == 422


async def test_duplicate_application_number_is_409(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    tto = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    payload = patent_payload()
    assert (await client.post("/api/patents", json=payload, headers=tto.headers)).status_code == 201
    again = await client.post("/api/patents", json=payload, headers=tto.headers)
    assert again.status_code == 409
    assert again.json()["code"] == "patent_already_exists"


async def test_draft_is_private_to_its_university_until_published(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    tto = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    other = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    created = (await client.post("/api/patents", json=patent_payload(), headers=tto.headers)).json()
    url = f"/api/patents/{created['id']}"
    assert (await client.get(url)).status_code == 404
    assert (await client.get(url, headers=other.headers)).status_code == 404
    assert (await client.get(url, headers=tto.headers)).status_code == 200
    assert (await client.get("/api/patents")).json()["total_estimate"] == 0

    published = await client.post(f"{url}/publish", headers=tto.headers)
    assert published.json()["listing_status"] == "published"
    assert (await client.get(url)).status_code == 200
    assert (await client.get("/api/patents")).json()["total_estimate"] == 1


async def test_only_owning_tto_can_edit_and_edits_are_validated(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    tto = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    other = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    created = (await client.post("/api/patents", json=patent_payload(), headers=tto.headers)).json()
    url = f"/api/patents/{created['id']}"
    await client.post(f"{url}/publish", headers=tto.headers)

    foreign = await client.patch(url, json={"trl": 8}, headers=other.headers)
    assert foreign.status_code == 403
    assert foreign.json()["code"] == "not_your_patent"

    bad = await client.patch(url, json={"trl": 12}, headers=tto.headers)
    assert bad.status_code == 422
    ok = await client.patch(url, json={"trl": 8, "keywords": ["储能"]}, headers=tto.headers)
    assert ok.status_code == 200
    assert ok.json()["trl"] == 8
    assert ok.json()["keywords"] == ["储能"]
    assert (await client.get(url)).json()["trl"] == 8


async def test_retired_patent_leaves_public_listing(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    tto = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    created = (await client.post("/api/patents", json=patent_payload(), headers=tto.headers)).json()
    url = f"/api/patents/{created['id']}"
    await client.post(f"{url}/publish", headers=tto.headers)
    retired = await client.post(f"{url}/retire", headers=tto.headers)
    assert retired.status_code == 200
    assert retired.json()["listing_status"] == "retired"
    assert (await client.get(url)).status_code == 404
    assert (await client.patch(url, json={"trl": 3}, headers=tto.headers)).status_code == 409


async def test_listing_filters_and_paginates(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    tto = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    for i in range(5):
        field = "new_energy" if i % 2 == 0 else "biomedicine"
        created = await client.post(
            "/api/patents",
            json=patent_payload(technology_field=field, title_zh=f"专利{i}"),
            headers=tto.headers,
        )
        await client.post(f"/api/patents/{created.json()['id']}/publish", headers=tto.headers)
    page = (await client.get("/api/patents", params={"limit": 2})).json()
    assert page["total_estimate"] == 5
    assert [p["title_zh"] for p in page["items"]] == ["专利4", "专利3"]  # newest first
    seen = [p["title_zh"] for p in page["items"]]
    while page["next_cursor"]:
        params = {"limit": 2, "cursor": page["next_cursor"]}
        page = (await client.get("/api/patents", params=params)).json()
        seen += [p["title_zh"] for p in page["items"]]
    assert seen == ["专利4", "专利3", "专利2", "专利1", "专利0"]  # every one once, in order
    energy = (await client.get("/api/patents", params={"technology_field": "new_energy"})).json()
    assert energy["total_estimate"] == 3
    assert {p["technology_field"] for p in energy["items"]} == {"new_energy"}
    too_many = await client.get("/api/patents", params={"limit": 500})
    assert too_many.status_code in {400, 422}
    garbage = await client.get("/api/patents", params={"cursor": "not-a-cursor"})
    assert garbage.status_code == 422
    assert garbage.json()["code"] == "invalid_cursor"


async def test_tto_sees_published_listings_and_its_own_drafts_merged_in_order(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    mine = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    other = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    titles = []
    for i, (actor, publish) in enumerate(
        [(other, True), (mine, False), (other, False), (mine, True)]
    ):
        created = await client.post(
            "/api/patents", json=patent_payload(title_zh=f"清单{i}"), headers=actor.headers
        )
        if publish:
            await client.post(f"/api/patents/{created.json()['id']}/publish", headers=actor.headers)
        titles.append(f"清单{i}")
    page = (await client.get("/api/patents", params={"limit": 2}, headers=mine.headers)).json()
    rest = (
        await client.get(
            "/api/patents", params={"limit": 2, "cursor": page["next_cursor"]}, headers=mine.headers
        )
    ).json()
    seen = [p["title_zh"] for p in page["items"] + rest["items"]]
    assert seen == ["清单3", "清单1", "清单0"]  # not the other university's draft
    assert rest["next_cursor"] is None
    assert page["total_estimate"] == 3
    anonymous = (await client.get("/api/patents")).json()
    assert [p["title_zh"] for p in anonymous["items"]] == ["清单3", "清单0"]


@pytest.mark.parametrize(
    "field",
    ["title_zh", "ipc_codes", "inventors", "technology_field", "application_scenarios", "keywords",
     "co_owners", "pledged", "suspended", "legal_status"],
)  # fmt: skip
async def test_patch_refuses_null_for_what_a_patent_always_has(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, field: str
) -> None:
    # leaving a field out keeps it; `null` clears only optional fields (core.patch), never a
    # NOT NULL column (which would be a 500)
    tto = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    patent = (await client.post("/api/patents", json=patent_payload(), headers=tto.headers)).json()
    refused = await client.patch(
        f"/api/patents/{patent['id']}", json={field: None}, headers=tto.headers
    )
    assert refused.status_code == 422, refused.text
    assert "cannot be null" in refused.text
    after = (await client.get(f"/api/patents/{patent['id']}", headers=tto.headers)).json()
    assert after[field] == patent[field]
    cleared = await client.patch(
        f"/api/patents/{patent['id']}", json={"title_en": None}, headers=tto.headers
    )
    assert cleared.status_code == 200 and cleared.json()["title_en"] is None
    schema = (await client.get("/schema/openapi.json")).json()["components"]["schemas"]
    spec = schema["PatentUpdate"]["properties"][field]
    assert "null" not in str(spec), spec  # the spec says so too
