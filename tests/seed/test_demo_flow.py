"""The demo data set works end to end: a demo SME signs in and licenses a seeded patent."""

from __future__ import annotations

import datetime

from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from openlicense.catalogue.models import Declaration, DeclarationStatus
from openlicense.seed.generate import DEMO_PASSWORD, seed


async def test_demo_sme_can_quote_and_accept_a_seeded_free_licence(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker
) -> None:
    await seed(db_sessionmaker, patents=120, today=datetime.date(2026, 11, 23))
    async with db_sessionmaker() as session:
        declaration_id = await session.scalar(
            select(Declaration.id)
            .where(
                Declaration.status == DeclarationStatus.PUBLISHED, Declaration.fee_type == "FREE"
            )
            .order_by(Declaration.id)
            .limit(1)
        )
    assert declaration_id is not None
    login = await client.post(
        "/api/auth/login", json={"email": "sme@demo.test", "password": DEMO_PASSWORD}
    )
    assert login.status_code == 200
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    quote = await client.get(f"/api/offers/{declaration_id}/quote")
    assert quote.status_code == 200
    assert quote.json()["due_on_acceptance_minor"] == 0
    accepted = await client.post(
        f"/api/offers/{declaration_id}/accept",
        json={},
        headers={**headers, "Idempotency-Key": "demo-accept-1"},
    )
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["status"] == "effective"
    assert len(accepted.json()["snapshot"]["clauses"]) > 20
