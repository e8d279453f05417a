"""Shared steps for payments tests: pay online, deliver webhooks, refund, reconcile, and read
what the database and the ledger say."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from licensing import Market
from openlicense.audit.models import LedgerEntry
from openlicense.core.clock import FixedClock
from openlicense.jobs.tasks import reconcile_payments_once
from openlicense.payments.models import Payment
from openlicense.payments.stripe_gateway import StripeGateway
from openlicense.settings import Settings
from payments.fake_stripe import FakeStripe

PERIOD = {"licence_start": "2026-11-23", "licence_end": "2028-11-22"}
LUMP = {"type": "LUMP_SUM", "amount_minor": 5_000_000}
RMB_13000 = {"type": "LUMP_SUM", "amount_minor": 1_300_000}
INSTALMENTS = {
    "type": "INSTALMENTS",
    "instalments": [
        {"amount_minor": 1_300_000, "due_months_after_acceptance": 0},
        {"amount_minor": 700_000, "due_months_after_acceptance": 6},
        {"amount_minor": 500_000, "due_months_after_acceptance": 12},
    ],
}
_keys = itertools.count(1)


def new_key(prefix: str = "refund-key") -> str:
    return f"{prefix}-{next(_keys):08d}"


async def agreement_for(market: Market, fee_standard: dict[str, Any] = LUMP) -> dict[str, Any]:
    declaration = await market.declare(fee_standard, **PERIOD)
    response = await market.accept(declaration["id"])
    assert response.status_code == 201, response.text
    return response.json()


async def checkout(market: Market, agreement_id: str, entry_key: str = "acceptance") -> Any:
    return await market.client.post(
        f"/api/agreements/{agreement_id}/checkout",
        json={"entry_key": entry_key},
        headers=market.sme.headers,
    )


async def open_session(market: Market, agreement_id: str, entry_key: str = "acceptance") -> str:
    response = await checkout(market, agreement_id, entry_key)
    assert response.status_code == 201, response.text
    return str(response.json()["stripe_checkout_session_id"])


async def deliver(client: AsyncTestClient, payload: bytes, headers: dict[str, str]) -> Any:
    return await client.post("/webhooks/stripe", content=payload, headers=headers)


async def deliver_event(market: Market, fake: FakeStripe, type_: str, obj: Any) -> Any:
    response = await deliver(market.client, *fake.event(type_, obj))
    assert response.status_code == 200, response.text
    return response.json()["outcome"]


async def refund(
    market: Market, payment_id: str, amount_minor: int, *, key: str, reason: str = "Fairness review"
) -> Any:
    return await market.client.post(
        f"/api/payments/{payment_id}/refunds",
        json={"amount_minor": amount_minor, "reason": reason},
        headers={**market.tto.headers, "Idempotency-Key": key},
    )


async def payments_of(market: Market, agreement_id: str) -> dict[str, Any]:
    response = await market.client.get(
        f"/api/agreements/{agreement_id}/payments", headers=market.tto.headers
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


async def entry(market: Market, agreement_id: str, key: str = "acceptance") -> dict[str, Any]:
    agreement = await market.agreement(agreement_id)
    return next(e for e in agreement["entries"] if e["key"] == key)


async def anomalies(market: Market) -> list[dict[str, Any]]:
    response = await market.client.get("/api/payments/anomalies", headers=market.admin.headers)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def reconcile_now(
    db_sessionmaker: async_sessionmaker,
    gateway: StripeGateway,
    settings: Settings,
    clock: FixedClock,
) -> Any:
    return await reconcile_payments_once(db_sessionmaker, gateway, settings, clock)


async def count(db_sessionmaker: async_sessionmaker, model: Any) -> int:
    async with db_sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def rows(db_sessionmaker: async_sessionmaker, model: Any, agreement_id: str) -> list[Any]:
    async with db_sessionmaker() as session:
        found = await session.scalars(
            select(model)
            .where(model.agreement_id == uuid.UUID(agreement_id))
            .order_by(model.created_at, model.id)
        )
        return list(found)


async def succeeded_payments(db_sessionmaker: async_sessionmaker, agreement_id: str) -> list[Any]:
    return [
        p
        for p in await rows(db_sessionmaker, Payment, agreement_id)
        if p.status.value in ("succeeded", "refunded")
    ]


async def ledger_of(db_sessionmaker: async_sessionmaker, agreement_id: str) -> list[LedgerEntry]:
    async with db_sessionmaker() as session:
        found = await session.scalars(
            select(LedgerEntry)
            .where(LedgerEntry.subject_id == agreement_id)
            .order_by(LedgerEntry.seq)
        )
        return list(found)
