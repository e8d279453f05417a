"""The payments domain's own transaction boundaries, and why it has them.

Elsewhere one request is one transaction, committed by the plugin. A payment use case that calls
Stripe cannot work that way: a transaction held open while Stripe answers (up to the gateway
timeout) holds row locks on PostgreSQL and the whole database's write lock on SQLite, so one slow
Stripe call would stall every other request. These use cases therefore run as a sequence of short
transactions — read and lock, decide, record an intent (a payment or refund row with its
idempotency key), commit; call Stripe with no transaction open; record the answer in a new
transaction. Each step is safe to repeat: the intent row holds the key Stripe deduplicates on.

`Transactions.begin()` is the one place these commit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker


class Transactions:
    def __init__(self, session_maker: async_sessionmaker[AsyncSession]) -> None:
        self._session_maker = session_maker

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncSession]:
        """One short transaction: committed when the block ends, rolled back if it raises."""
        async with self._session_maker() as session, session.begin():
            yield session
