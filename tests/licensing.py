"""Shared steps for licensing API tests: declare, accept, pay, report, move time."""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import async_sessionmaker

from builders import Actor, make_actor, patent_payload, terms_payload
from openlicense.accounts.models import OrganisationKind
from openlicense.core.clock import FixedClock

_keys = itertools.count(1)


@dataclass
class Market:
    client: AsyncTestClient
    clock: FixedClock
    tto: Actor
    sme: Actor
    admin: Actor
    sessionmaker: async_sessionmaker

    async def another_enterprise(self) -> Actor:
        return await make_actor(self.sessionmaker, OrganisationKind.ENTERPRISE)

    async def declare(self, fee_standard: dict[str, Any], **terms: Any) -> dict[str, Any]:
        patent = await self.client.post(
            "/api/patents", json=patent_payload(), headers=self.tto.headers
        )
        assert patent.status_code == 201, patent.text
        draft = await self.client.post(
            f"/api/patents/{patent.json()['id']}/declarations",
            json={"terms": terms_payload(fee_standard, **terms)},
            headers=self.tto.headers,
        )
        assert draft.status_code == 201, draft.text
        published = await self.client.post(
            f"/api/declarations/{draft.json()['id']}/publish",
            json={"attest_truthful": True},
            headers=self.tto.headers,
        )
        assert published.status_code == 200, published.text
        return published.json()

    async def accept(
        self, declaration_id: str, *, key: str | None = None, who: Actor | None = None
    ) -> Any:
        actor = who or self.sme
        return await self.client.post(
            f"/api/offers/{declaration_id}/accept",
            json={},
            headers={**actor.headers, "Idempotency-Key": key or f"accept-key-{next(_keys):06d}"},
        )

    async def agreement(self, agreement_id: str, who: Actor | None = None) -> dict[str, Any]:
        response = await self.client.get(
            f"/api/agreements/{agreement_id}", headers=(who or self.sme).headers
        )
        assert response.status_code == 200, response.text
        return response.json()

    async def pay(self, agreement_id: str, entry_key: str) -> Any:
        agreement = await self.agreement(agreement_id, self.tto)
        entry = next(e for e in agreement["entries"] if e["key"] == entry_key)
        return await self.client.post(
            f"/api/agreements/{agreement_id}/payments",
            json={
                "entry_key": entry_key,
                "amount_minor": entry["amount_minor"],
                "reference": f"BANK-{entry_key}",
                "received_on": self.clock.today().isoformat(),
            },
            headers=self.tto.headers,
        )

    async def report(self, agreement_id: str, entry_key: str, base_amount: str) -> Any:
        return await self.client.post(
            f"/api/agreements/{agreement_id}/royalty-reports",
            json={"entry_key": entry_key, "base_amount": base_amount},
            headers=self.sme.headers,
        )

    async def travel_to(self, day: str | datetime.date) -> dict[str, Any]:
        """Move the clock and run the lifecycle worker, as the background loop would."""
        day = datetime.date.fromisoformat(day) if isinstance(day, str) else day
        self.clock.set(datetime.datetime.combine(day, datetime.time(9), tzinfo=datetime.UTC))
        response = await self.client.post("/api/jobs/lifecycle", headers=self.admin.headers)
        assert response.status_code == 200, response.text
        return response.json()


async def make_market(
    client: AsyncTestClient, db_sessionmaker: async_sessionmaker, clock: FixedClock
) -> Market:
    return Market(
        client=client,
        clock=clock,
        tto=await make_actor(db_sessionmaker, OrganisationKind.UNIVERSITY),
        sme=await make_actor(
            db_sessionmaker,
            OrganisationKind.ENTERPRISE,
            credit_code=None,
            industry="industrial",
            headcount=80,
        ),
        admin=await make_actor(db_sessionmaker, OrganisationKind.PLATFORM),
        sessionmaker=db_sessionmaker,
    )
