"""rules 27, 28, 31, 32: register snapshot columns, price publicity, disputes, reward rules

- patents: where the register facts come from (rule 27) and the patentee's refresh request;
- declarations.price_publicity: the internal price-publicity record of a state university
  (rule 31);
- agreement_disputes: negotiation → CNIPA mediation request → court (rule 28);
- inventor_reward_rules: a university's own reward rule (rule 32).

Revision ID: 13a7c0de2701
Revises: 14a0d1e2c3b4
Create Date: 2026-12-03 14:10:00+00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from advanced_alchemy.types import GUID, DateTimeUTC, JsonB
from alembic import op

revision = "13a7c0de2701"
down_revision = "14a0d1e2c3b4"
branch_labels = None
depends_on = None


def _audit_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", DateTimeUTC(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    with op.batch_alter_table("patents", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "register_source", sa.String(length=40), server_default="patentee", nullable=False
            )
        )
        batch_op.add_column(sa.Column("register_reference", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column("register_verified_at", DateTimeUTC(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("register_refresh_requested_at", DateTimeUTC(timezone=True), nullable=True)
        )
    with op.batch_alter_table("declarations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("price_publicity", JsonB, nullable=True))

    op.create_table(
        "agreement_disputes",
        sa.Column("id", GUID(length=16), nullable=False),
        sa.Column("agreement_id", GUID(length=16), nullable=False),
        sa.Column("stage", sa.String(length=24), nullable=False),
        sa.Column("subject", sa.String(length=40), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("opened_by_id", GUID(length=16), nullable=False),
        sa.Column("history", JsonB, nullable=False),
        *_audit_columns(),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_agreement_disputes_agreement_id_agreements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["opened_by_id"], ["users.id"], name=op.f("fk_agreement_disputes_opened_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_disputes")),
    )
    with op.batch_alter_table("agreement_disputes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agreement_disputes_agreement_id"), ["agreement_id"], unique=False
        )

    op.create_table(
        "inventor_reward_rules",
        sa.Column("id", GUID(length=16), nullable=False),
        sa.Column("organisation_id", GUID(length=16), nullable=False),
        sa.Column("share", sa.Numeric(precision=5, scale=4), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("recorded_by_id", GUID(length=16), nullable=False),
        *_audit_columns(),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_inventor_reward_rules_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_inventor_reward_rules_recorded_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventor_reward_rules")),
        sa.UniqueConstraint(
            "organisation_id", name=op.f("uq_inventor_reward_rules_organisation_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("inventor_reward_rules")
    with op.batch_alter_table("agreement_disputes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreement_disputes_agreement_id"))
    op.drop_table("agreement_disputes")
    with op.batch_alter_table("declarations", schema=None) as batch_op:
        batch_op.drop_column("price_publicity")
    with op.batch_alter_table("patents", schema=None) as batch_op:
        batch_op.drop_column("register_refresh_requested_at")
        batch_op.drop_column("register_verified_at")
        batch_op.drop_column("register_reference")
        batch_op.drop_column("register_source")
