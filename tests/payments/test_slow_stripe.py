"""No database transaction is open while Stripe answers (issue 11, defect 6): with Stripe holding
a checkout request, an unrelated read and a webhook are answered at once, SQLite's write lock is
free and PostgreSQL has no connection idle in a transaction."""

from __future__ import annotations

import asyncio

import aiosqlite
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from licensing import Market
from openlicense.settings import Settings
from payments.fake_stripe import FakeStripe
from payments.steps import RMB_13000, agreement_for, checkout, deliver, entry, open_session


async def transactions_left_open(engine: AsyncEngine, settings: Settings) -> int:
    """Transactions other connections hold open right now (SQLite: is the write lock taken?)."""
    if engine.dialect.name == "postgresql":
        async with engine.connect() as connection:
            found = await connection.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()"
                )
            )
            return int(found or 0)
    path = make_url(settings.database.url).database
    assert path
    async with aiosqlite.connect(path, timeout=0.2) as connection:
        try:
            await connection.execute("BEGIN IMMEDIATE")
        except aiosqlite.OperationalError:  # "database is locked"
            return 1
        await connection.rollback()
        return 0


async def test_slow_stripe_holds_no_transaction_so_the_site_keeps_answering(
    market: Market, fake_stripe: FakeStripe, engine: AsyncEngine, online_settings: Settings
) -> None:
    paid_elsewhere = await agreement_for(market, RMB_13000)
    session_id = await open_session(market, paid_elsewhere["id"])
    fake_stripe.complete(session_id)
    webhook = fake_stripe.event("checkout.session.completed", session_id)
    slow = await agreement_for(market, RMB_13000)
    fake_stripe.hold()  # Stripe takes its time with everything asked from now on

    started = asyncio.create_task(checkout(market, slow["id"]))
    try:
        for _ in range(500):
            if fake_stripe.in_flight:
                break
            await asyncio.sleep(0.01)
        assert fake_stripe.in_flight == 1  # the checkout is waiting on Stripe

        page = await market.client.get(f"/api/agreements/{slow['id']}", headers=market.sme.headers)
        delivered = await deliver(market.client, *webhook)
        left_open = await transactions_left_open(engine, online_settings)

        assert not started.done(), (
            started.result().text
        )  # ... and still is: all above ran meanwhile
    finally:
        fake_stripe.release()
    assert page.status_code == 200, page.text
    assert delivered.status_code == 200 and delivered.json()["outcome"] == "applied"
    assert left_open == 0
    assert (await entry(market, paid_elsewhere["id"]))["status"] == "paid"
    response = await started
    assert response.status_code == 201, response.text
