"""Push each signed checkpoint to the IP offices that subscribed: a signed webhook, retried with
back-off, delivered in seq order and once per (office, checkpoint), across restarts.

The outbox is `audit_checkpoint_deliveries`: `checkpoints.checkpoint` adds one row per active
subscription in the transaction that signs the checkpoint. `deliver_due` then works each
subscription's *oldest* undelivered row only — a later checkpoint never overtakes an earlier one
— claiming it first with a conditional UPDATE (so concurrent workers never send the same row),
marks it delivered on a 2xx answer, or records the failure and the time of the next attempt.
A worker stopped between the office's 2xx and its commit sends that checkpoint again once the
claim's lease ends: the body carries `delivery_id` and `seq`, so the office drops the repeat
(docs/audit-api.md, "Checkpoint subscriptions")."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import secrets
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx
from sqlalchemy import select, update

from openlicense.audit.checkpoints import key_history, to_checkpoint
from openlicense.audit.keyring import record_to_dict
from openlicense.audit.models import (
    AuditSubscription,
    CheckpointDelivery,
    LedgerCheckpoint,
)
from openlicense.audit.signing import checkpoint_to_dict

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from openlicense.settings import Settings

SIGNATURE_HEADER = "X-OpenLicense-Signature"
DELIVERY_HEADER = "X-OpenLicense-Delivery"
FIRST_RETRY_SECONDS = 30


@dataclass
class DeliveryReport:
    delivered: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def body_signature(secret: str, body: bytes) -> str:
    """`sha256=<hex HMAC-SHA256 of the raw body under the subscription's secret>`."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


async def subscribe(
    session: AsyncSession, *, name: str, url: str, secret: str | None, from_seq: int
) -> AuditSubscription:
    """A new subscription: checkpoints signed with a seq above `from_seq` are pushed to `url`
    (those already signed are queued now, in order)."""
    row = AuditSubscription(
        name=name,
        url=url,
        secret=secret or secrets.token_urlsafe(32),
        active=True,
        from_seq=from_seq,
    )
    session.add(row)
    await session.flush()
    signed = await session.scalars(
        select(LedgerCheckpoint.seq)
        .where(LedgerCheckpoint.seq > from_seq)
        .order_by(LedgerCheckpoint.seq)
    )
    session.add_all(
        CheckpointDelivery(subscription_id=row.id, checkpoint_seq=seq, attempts=0) for seq in signed
    )
    await session.flush()
    return row


async def deliver_due(
    session_maker: async_sessionmaker[AsyncSession],
    settings: Settings,
    *,
    now: datetime.datetime | None = None,
    client: httpx.AsyncClient | None = None,
    limit: int = 100,
) -> DeliveryReport:
    """Deliver what is due, subscription by subscription, oldest checkpoint first."""
    now = now or datetime.datetime.now(datetime.UTC)
    report = DeliveryReport()
    async with session_maker() as session:
        ids = list(
            await session.scalars(
                select(AuditSubscription.id).where(AuditSubscription.active.is_(True))
            )
        )
    own = client is None
    http = client or httpx.AsyncClient(timeout=settings.audit.delivery_timeout_seconds)
    try:
        for subscription_id in ids:
            for _ in range(limit):
                sent = await _deliver_next(
                    session_maker, settings, subscription_id, now, http, report
                )
                if not sent:
                    break
    finally:
        if own:
            await http.aclose()
    return report


async def _deliver_next(
    session_maker: async_sessionmaker[AsyncSession],
    settings: Settings,
    subscription_id: uuid.UUID,
    now: datetime.datetime,
    http: httpx.AsyncClient,
    report: DeliveryReport,
) -> bool:
    """Send this subscription's oldest undelivered checkpoint if it is due; True if it went.

    The row is first *claimed* (a conditional UPDATE on its attempt count, committed before the
    request, with a lease of twice the timeout): of several workers only one wins, on SQLite and
    PostgreSQL alike, and no lock is held while the office answers."""
    claimed = await _claim(session_maker, settings, subscription_id, now)
    if claimed is None:
        return False
    delivery_id, url, secret, body, attempts, seq, name = claimed
    try:
        response = await http.post(
            url,
            content=body,
            headers={
                "Content-Type": "application/json",
                SIGNATURE_HEADER: body_signature(secret, body),
                DELIVERY_HEADER: str(delivery_id),
            },
        )
        error = None if 200 <= response.status_code < 300 else f"HTTP {response.status_code}"
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
    async with session_maker() as session, session.begin():
        delivery = await session.get(CheckpointDelivery, delivery_id)
        if delivery is None:  # the subscription was deleted meanwhile
            return False
        if error is None:
            delivery.delivered_at, delivery.last_error = now, None
            report.delivered += 1
            return True
        backoff = min(
            FIRST_RETRY_SECONDS * 2 ** (attempts - 1), settings.audit.delivery_max_backoff_seconds
        )
        delivery.next_attempt_at = now + datetime.timedelta(seconds=backoff)
        delivery.last_error = error
    report.failed += 1
    report.errors.append(f"{name} seq {seq}: {error}")
    return False


Claim = tuple[uuid.UUID, str, str, bytes, int, int, str]


async def _claim(
    session_maker: async_sessionmaker[AsyncSession],
    settings: Settings,
    subscription_id: uuid.UUID,
    now: datetime.datetime,
) -> Claim | None:
    async with session_maker() as session, session.begin():
        subscription = await session.get(AuditSubscription, subscription_id)
        if subscription is None or not subscription.active:
            return None
        delivery = await session.scalar(
            select(CheckpointDelivery)
            .where(
                CheckpointDelivery.subscription_id == subscription_id,
                CheckpointDelivery.delivered_at.is_(None),
            )
            .order_by(CheckpointDelivery.checkpoint_seq)
            .limit(1)
        )
        if delivery is None:
            return None
        due = delivery.next_attempt_at
        if due is not None and _aware(due) > now:  # backing off, or leased by another worker
            return None
        lease = now + datetime.timedelta(seconds=2 * settings.audit.delivery_timeout_seconds)
        won = await session.execute(
            update(CheckpointDelivery)
            .where(
                CheckpointDelivery.id == delivery.id,
                CheckpointDelivery.attempts == delivery.attempts,
                CheckpointDelivery.delivered_at.is_(None),
            )
            .values(attempts=delivery.attempts + 1, next_attempt_at=lease)
            .execution_options(synchronize_session=False)
        )
        if getattr(won, "rowcount", 0) != 1:
            return None
        body = await _body(session, subscription, delivery)
        return (
            delivery.id,
            subscription.url,
            subscription.secret,
            body,
            delivery.attempts + 1,
            delivery.checkpoint_seq,
            subscription.name,
        )


async def _body(
    session: AsyncSession, subscription: AuditSubscription, delivery: CheckpointDelivery
) -> bytes:
    row = await session.scalar(
        select(LedgerCheckpoint).where(LedgerCheckpoint.seq == delivery.checkpoint_seq)
    )
    if row is None:
        raise LookupError(f"checkpoint {delivery.checkpoint_seq} is gone")
    key = next((k for k in await key_history(session) if k.key_id == row.key_id), None)
    payload: dict[str, Any] = {
        "type": "ledger.checkpoint",
        "delivery_id": str(delivery.id),
        "subscription_id": str(subscription.id),
        "seq": row.seq,
        "checkpoint": checkpoint_to_dict(to_checkpoint(row)),
        "key": record_to_dict(key) if key else None,
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def _aware(value: datetime.datetime) -> datetime.datetime:
    return value if value.tzinfo else value.replace(tzinfo=datetime.UTC)


__all__ = ["DeliveryReport", "body_signature", "deliver_due", "subscribe"]
