"""backfill payment settlements and open checkouts

Data only. For each schedule item: the earliest paid payment becomes the one that settled it
(`settled_entry_id`), any later paid payment is flagged `overpayment` (the admin sees them in the
payment listing; nothing is refunded automatically for history), and the latest pending or failed
Checkout Session takes the item's open-checkout slot, so `payments reconcile` checks it and
expires it if the item is already settled.

Revision ID: 5c1f0e6a9b27
Revises: 918d3444e725
Create Date: 2026-12-03 12:20:00+00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from advanced_alchemy.types import GUID
from alembic import op

revision = "5c1f0e6a9b27"
down_revision = "918d3444e725"
branch_labels = None
depends_on = None

payments = sa.table(
    "payments",
    sa.column("id", GUID()),
    sa.column("entry_id", GUID()),
    sa.column("method", sa.String()),
    sa.column("status", sa.String()),
    sa.column("stripe_checkout_session_id", sa.String()),
    sa.column("created_at", sa.DateTime()),
    sa.column("settled_entry_id", GUID()),
    sa.column("open_checkout_entry_id", GUID()),
    sa.column("overpayment", sa.Boolean()),
)
entries = sa.table("schedule_entries", sa.column("id", GUID()), sa.column("status", sa.String()))


def upgrade() -> None:
    connection = op.get_bind()
    paid_entries = {
        row.id
        for row in connection.execute(sa.select(entries.c.id).where(entries.c.status == "paid"))
    }
    rows = connection.execute(
        sa.select(
            payments.c.id,
            payments.c.entry_id,
            payments.c.method,
            payments.c.status,
            payments.c.stripe_checkout_session_id,
        ).order_by(payments.c.created_at, payments.c.id)
    ).all()
    settled: set[object] = set()
    open_slot: dict[object, object] = {}
    for row in rows:
        if row.status in ("succeeded", "refunded"):
            if row.entry_id in paid_entries and row.entry_id not in settled:
                settled.add(row.entry_id)
                _update(connection, row.id, settled_entry_id=row.entry_id)
            else:
                _update(connection, row.id, overpayment=True)
        elif (
            row.method == "stripe"
            and row.status in ("pending", "failed")
            and row.stripe_checkout_session_id
        ):
            open_slot[row.entry_id] = row.id  # the latest one wins
    for entry_id, payment_id in open_slot.items():
        _update(connection, payment_id, open_checkout_entry_id=entry_id)


def _update(connection: sa.Connection, payment_id: object, **values: object) -> None:
    connection.execute(sa.update(payments).where(payments.c.id == payment_id).values(**values))


def downgrade() -> None:
    # Nothing to undo: the previous revision's downgrade drops the columns this one filled.
    pass
