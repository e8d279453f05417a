"""The signing keys' history (public) and IP offices' checkpoint subscriptions (platform admins):
`GET /api/audit/keys`, `GET|POST /api/audit/subscriptions`, `DELETE /api/audit/subscriptions/{id}`.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from pydantic import AnyHttpUrl, BaseModel, Field, StringConstraints
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from openlicense.accounts.guards import allow, public
from openlicense.accounts.models import Role
from openlicense.audit.checkpoints import key_history
from openlicense.audit.delivery import subscribe
from openlicense.audit.keyring import history_problem, record_to_dict
from openlicense.audit.models import AuditSubscription, CheckpointDelivery
from openlicense.core.errors import NotFound


class KeyHistory(BaseModel):
    items: list[dict[str, str | None]]
    valid: bool
    """False when the stored history is not a chain of endorsed keys (`problem` says why)."""
    problem: str | None


class SubscriptionIn(BaseModel):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    url: AnyHttpUrl
    secret: Annotated[str, StringConstraints(min_length=16, max_length=128)] | None = None
    """HMAC key of the webhook signature; generated when omitted (returned once, here)."""
    from_seq: Annotated[int, Field(ge=0)] = 0


class SubscriptionRead(BaseModel):
    id: uuid.UUID
    name: str
    url: str
    active: bool
    from_seq: int
    delivered: int
    pending: int
    secret: str | None = None


class SubscriptionList(BaseModel):
    items: list[SubscriptionRead]
    next_cursor: str | None = None


@get("/api/audit/keys", guards=[public], tags=["audit"])
async def list_keys(db_session: NamedDependency[AsyncSession]) -> KeyHistory:
    """Every checkpoint-signing key, oldest first, with its validity period and the previous
    key's endorsement (docs/audit-ledger.md §5)."""
    history = await key_history(db_session)
    problem = history_problem(history)
    return KeyHistory(
        items=[record_to_dict(r) for r in history], valid=problem is None, problem=problem
    )


class SubscriptionController(Controller):
    path = "/api/audit/subscriptions"
    tags = ["audit"]
    guards = [allow(Role.ADMIN)]

    @get("/")
    async def list_subscriptions(
        self, db_session: NamedDependency[AsyncSession]
    ) -> SubscriptionList:
        """IP offices that receive every checkpoint, with their delivery counts."""
        rows = list(
            await db_session.scalars(select(AuditSubscription).order_by(AuditSubscription.id))
        )
        return SubscriptionList(items=[await _read(db_session, r) for r in rows])

    @post("/", status_code=201)
    async def create_subscription(
        self, db_session: NamedDependency[AsyncSession], data: JSONBody[SubscriptionIn]
    ) -> SubscriptionRead:
        """Push every checkpoint with a seq above `from_seq` to `url` (signed webhook)."""
        row = await subscribe(
            db_session,
            name=data.name,
            url=str(data.url),
            secret=data.secret,
            from_seq=data.from_seq,
        )
        out = await _read(db_session, row)
        out.secret = row.secret
        return out

    @delete("/{subscription_id:uuid}", status_code=200)
    async def cancel_subscription(
        self, db_session: NamedDependency[AsyncSession], subscription_id: FromPath[uuid.UUID]
    ) -> SubscriptionRead:
        """Stop pushing to this office (its delivery history is kept)."""
        row = await db_session.get(AuditSubscription, subscription_id)
        if row is None:
            raise NotFound("No such subscription.")
        row.active = False
        await db_session.flush()
        return await _read(db_session, row)


async def _read(session: AsyncSession, row: AuditSubscription) -> SubscriptionRead:
    rows = await session.execute(
        select(CheckpointDelivery.delivered_at, func.count())
        .where(CheckpointDelivery.subscription_id == row.id)
        .group_by(CheckpointDelivery.delivered_at)
    )
    counts: dict[bool, int] = {True: 0, False: 0}
    for delivered_at, n in rows.all():
        counts[delivered_at is None] += n
    return SubscriptionRead(
        id=row.id,
        name=row.name,
        url=row.url,
        active=row.active,
        from_seq=row.from_seq,
        delivered=counts.get(False, 0),
        pending=counts.get(True, 0),
    )
