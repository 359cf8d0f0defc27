"""the disclosure ledger

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "disclosure_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("audience", sa.String(length=10), nullable=False),
        sa.Column("group_kind", sa.String(length=10), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("figure", sa.String(length=240), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("shown", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "audience IN ('area', 'team')", name=op.f("ck_disclosure_record_audience_known")
        ),
        sa.CheckConstraint(
            "group_kind IN ('round', 'area')", name=op.f("ck_disclosure_record_group_kind_known")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_disclosure_record_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["area_id"], ["area.id"], name=op.f("fk_disclosure_record_area_id_area")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosure_record")),
        sa.UniqueConstraint(
            "audience", "group_kind", "group_id", "figure", "basis", name="uq_disclosure_record"
        ),
    )
    op.create_index(
        "ix_disclosure_record_area_audience", "disclosure_record", ["area_id", "audience"]
    )


def downgrade() -> None:
    op.drop_index("ix_disclosure_record_area_audience", table_name="disclosure_record")
    op.drop_table("disclosure_record")
