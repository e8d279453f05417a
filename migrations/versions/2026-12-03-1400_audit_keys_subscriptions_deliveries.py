"""audit: signing-key history, IP-office subscriptions, checkpoint delivery outbox

Revision ID: 14a0d1e2c3b4
Revises: 3b9e4f2c8d10
Create Date: 2026-12-03 14:00:00+00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from advanced_alchemy.types import GUID, DateTimeUTC
from alembic import op

revision = "14a0d1e2c3b4"
down_revision = "3b9e4f2c8d10"
branch_labels = None
depends_on = None


def _audit_columns() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", DateTimeUTC(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "audit_signing_keys",
        sa.Column("id", GUID(length=16), nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("public_key_pem", sa.Text(), nullable=False),
        sa.Column("valid_from", DateTimeUTC(timezone=True), nullable=False),
        sa.Column("valid_until", DateTimeUTC(timezone=True), nullable=True),
        sa.Column("previous_key_id", sa.String(length=32), nullable=True),
        sa.Column("endorsement", sa.String(length=128), nullable=True),
        *_audit_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_signing_keys")),
        sa.UniqueConstraint("key_id", name=op.f("uq_audit_signing_keys_key_id")),
    )
    op.create_table(
        "audit_subscriptions",
        sa.Column("id", GUID(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("secret", sa.String(length=128), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("from_seq", sa.BigInteger(), nullable=False),
        *_audit_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_subscriptions")),
    )
    op.create_table(
        "audit_checkpoint_deliveries",
        sa.Column("id", GUID(length=16), nullable=False),
        sa.Column("subscription_id", GUID(length=16), nullable=False),
        sa.Column("checkpoint_seq", sa.BigInteger(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", DateTimeUTC(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("delivered_at", DateTimeUTC(timezone=True), nullable=True),
        *_audit_columns(),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["audit_subscriptions.id"],
            name=op.f("fk_audit_checkpoint_deliveries_subscription_id_audit_subscriptions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_checkpoint_deliveries")),
        sa.UniqueConstraint(
            "subscription_id",
            "checkpoint_seq",
            name=op.f("uq_audit_checkpoint_deliveries_subscription_id"),
        ),
    )
    op.create_index(
        "ix_audit_deliveries_pending",
        "audit_checkpoint_deliveries",
        ["delivered_at", "subscription_id", "checkpoint_seq"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_audit_deliveries_pending", table_name="audit_checkpoint_deliveries")
    op.drop_table("audit_checkpoint_deliveries")
    op.drop_table("audit_subscriptions")
    op.drop_table("audit_signing_keys")
