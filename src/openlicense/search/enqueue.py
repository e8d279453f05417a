"""`enqueue`: what catalogue services call, in their own transaction, when a listing changes."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING

from openlicense.search.models import SearchOutbox

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession


def enqueue(
    session: AsyncSession, patent_ids: uuid.UUID | Iterable[uuid.UUID], reason: str
) -> None:
    ids = [patent_ids] if isinstance(patent_ids, uuid.UUID) else list(patent_ids)
    session.add_all(SearchOutbox(patent_id=pid, reason=reason) for pid in ids)
