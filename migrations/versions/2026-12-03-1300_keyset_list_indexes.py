"""keyset list indexes for patents and agreements

Every list the API offers is served by an index in its sort order (created_at/notified_at, id),
so a page costs the same at any depth and at any catalogue size (issue 10). The single-column
indexes these replace are dropped.

Revision ID: 7c1d0e5a9b21
Revises: 5c1f0e6a9b27
Create Date: 2026-12-03 13:00:00+00:00
"""

from __future__ import annotations

from alembic import op

revision = "7c1d0e5a9b21"
down_revision = "5c1f0e6a9b27"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("patents", schema=None) as batch_op:
        batch_op.drop_index("ix_patents_owner_listing")
        batch_op.create_index(
            "ix_patents_listing_created", ["listing_status", "created_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_patents_listing_field_created",
            ["listing_status", "technology_field", "created_at", "id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_patents_owner_created", ["owner_organisation_id", "created_at", "id"], unique=False
        )
        batch_op.create_index("ix_patents_created", ["created_at", "id"], unique=False)
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.drop_index("ix_agreements_licensor_organisation_id")
        batch_op.drop_index("ix_agreements_status")
        batch_op.create_index(
            "ix_agreements_licensor_notified",
            ["licensor_organisation_id", "notified_at", "id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_agreements_licensee_notified",
            ["licensee_organisation_id", "notified_at", "id"],
            unique=False,
        )
        batch_op.create_index("ix_agreements_notified", ["notified_at", "id"], unique=False)
        batch_op.create_index(
            "ix_agreements_status_notified", ["status", "notified_at", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.drop_index("ix_agreements_status_notified")
        batch_op.drop_index("ix_agreements_notified")
        batch_op.drop_index("ix_agreements_licensee_notified")
        batch_op.drop_index("ix_agreements_licensor_notified")
        batch_op.create_index("ix_agreements_status", ["status"], unique=False)
        batch_op.create_index(
            "ix_agreements_licensor_organisation_id", ["licensor_organisation_id"], unique=False
        )
    with op.batch_alter_table("patents", schema=None) as batch_op:
        batch_op.drop_index("ix_patents_created")
        batch_op.drop_index("ix_patents_owner_created")
        batch_op.drop_index("ix_patents_listing_field_created")
        batch_op.drop_index("ix_patents_listing_created")
        batch_op.create_index(
            "ix_patents_owner_listing", ["owner_organisation_id", "listing_status"], unique=False
        )
