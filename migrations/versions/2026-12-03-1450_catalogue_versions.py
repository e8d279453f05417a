"""catalogue_versions and catalogue_changes: what tells every process that a published patent's
cached document or a cached list page is stale (catalogue/service/published.py).

Revision ID: 7d3f0c2a9e61
Revises: 5c1e9a7b2d44
Create Date: 2026-12-03 20:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from advanced_alchemy.types import GUID, DateTimeUTC
from alembic import op

revision = "7d3f0c2a9e61"
down_revision = "5c1e9a7b2d44"
branch_labels = None
depends_on = None


def _audit_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("id", GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", DateTimeUTC(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "catalogue_versions",
        *_audit_columns(),
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalogue_versions")),
        sa.UniqueConstraint("name", name=op.f("uq_catalogue_versions_name")),
    )
    op.create_table(
        "catalogue_changes",
        *_audit_columns(),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("patent_id", GUID(length=16), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalogue_changes")),
    )
    op.create_index(
        op.f("ix_catalogue_changes_version"), "catalogue_changes", ["version"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_catalogue_changes_version"), table_name="catalogue_changes")
    op.drop_table("catalogue_changes")
    op.drop_table("catalogue_versions")
