"""backfill: organisations created before verification existed count as verified

They were created by platform admins or the demo seed, or signed up before the check existed;
only organisations that sign up from now on wait for an admin.

Revision ID: 5c0e2f7a9b1d
Revises: 93ddae7131e7
Create Date: 2026-12-03 12:18:00+00:00
"""

from __future__ import annotations

from alembic import op

revision = "5c0e2f7a9b1d"
down_revision = "93ddae7131e7"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE organisations SET verified_at = created_at WHERE verified_at IS NULL")


def downgrade() -> None:
    """Nothing to undo: the column itself goes in the previous revision's downgrade."""
