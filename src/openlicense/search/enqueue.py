"""`enqueue`: what catalogue services call, in their own transaction, when a listing changes."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING

from sqlalchemy import Table

from openlicense.core.bulk import insert_rows
from openlicense.search.models import SearchOutbox

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession


def enqueue(
    session: AsyncSession, patent_ids: uuid.UUID | Iterable[uuid.UUID], reason: str
) -> None:
    ids = [patent_ids] if isinstance(patent_ids, uuid.UUID) else list(patent_ids)
    session.add_all(SearchOutbox(patent_id=pid, reason=reason) for pid in ids)


async def enqueue_many(session: AsyncSession, patent_ids: Iterable[uuid.UUID], reason: str) -> None:
    """`enqueue` for many patents at once (bulk imports): one bulk insert of the outbox rows
    instead of an ORM object each."""
    table = SearchOutbox.__table__
    if not isinstance(table, Table):  # pragma: no cover - a mapped class always has one
        raise TypeError("SearchOutbox is not mapped to a table")
    await insert_rows(session, table, [{"patent_id": pid, "reason": reason} for pid in patent_ids])
