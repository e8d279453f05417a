"""Correcting co-owners and their consents (issue 16, rule 7): allowed before publication with the
history kept in the ledger; refused once a declaration has been published."""

from __future__ import annotations

from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from builders import make_actor, patent_payload, terms_payload
from openlicense.accounts.models import OrganisationKind
from openlicense.audit.models import LedgerEntry

OWNERS = [
    {"name": "浙江大学", "consents_to_open_licence": True, "consent_document_ref": "DOC-1"},
    {"name": "杭州某某科技有限公司", "consents_to_open_licence": False},
]


async def test_co_owners_are_corrected_before_publication_with_history_kept(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    tto = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    patent = (
        await client.post(
            "/api/patents", json=patent_payload(co_owners=OWNERS), headers=tto.headers
        )
    ).json()
    corrected = [
        OWNERS[0],
        {
            "name": "杭州某某科技有限公司",
            "consents_to_open_licence": True,
            "consent_document_ref": "DOC-2",
        },
    ]
    response = await client.patch(
        f"/api/patents/{patent['id']}", json={"co_owners": corrected}, headers=tto.headers
    )
    assert response.status_code == 200, response.text
    owners = response.json()["co_owners"]
    assert [o["consents_to_open_licence"] for o in owners] == [True, True]
    assert owners[0]["consent_recorded_at"] == patent["co_owners"][0]["consent_recorded_at"]
    async with db_sessionmaker() as session:
        entry = await session.scalar(
            select(LedgerEntry).where(LedgerEntry.action == "patent.co_owners_corrected")
        )
    assert entry is not None
    assert [o["consents_to_open_licence"] for o in entry.data["before"]] == [True, False]
    assert [o["consents_to_open_licence"] for o in entry.data["after"]] == [True, True]


async def test_rule_7_co_owner_correction_after_publication_is_refused(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    tto = await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY)
    patent = (await client.post("/api/patents", json=patent_payload(), headers=tto.headers)).json()
    draft = (
        await client.post(
            f"/api/patents/{patent['id']}/declarations",
            json={"terms": terms_payload()},
            headers=tto.headers,
        )
    ).json()
    published = await client.post(
        f"/api/declarations/{draft['id']}/publish",
        json={"attest_truthful": True},
        headers=tto.headers,
    )
    assert published.status_code == 200, published.text
    refused = await client.patch(
        f"/api/patents/{patent['id']}", json={"co_owners": OWNERS}, headers=tto.headers
    )
    assert refused.status_code == 409 and refused.json()["code"] == "co_owners_locked"
    assert "rule 7" in refused.json()["detail"]
    again = await client.get(f"/api/patents/{patent['id']}", headers=tto.headers)
    assert len(again.json()["co_owners"]) == 1
