"""organisations.verified_at: a platform admin's check of a new university or enterprise

Revision ID: 93ddae7131e7
Revises: 51eb12354ebf
Create Date: 2026-12-03 12:17:26.529003+00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from advanced_alchemy.types import DateTimeUTC
from alembic import op

revision = "93ddae7131e7"
down_revision = "51eb12354ebf"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("verified_at", DateTimeUTC(timezone=True), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_organisations_verified_at"), ["verified_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organisations_verified_at"))
        batch_op.drop_column("verified_at")
