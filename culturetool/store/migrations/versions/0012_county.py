"""The county view: assessment periods, teams' staff numbers, rounds' running figures, remembered
import columns, and ledger groups for the county, its areas in a period and selections

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STAFF_RANGE = "staff_count IS NULL OR staff_count BETWEEN 1 AND 500"


def upgrade() -> None:
    op.create_table(
        "assessment_period",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "closes_on >= opens_on", name=op.f("ck_assessment_period_closes_after_opening")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_assessment_period_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_period")),
        sa.UniqueConstraint(
            "organisation_id", "name", name="uq_assessment_period_organisation_name"
        ),
    )
    op.create_index(
        "ix_assessment_period_organisation_id", "assessment_period", ["organisation_id"]
    )
    op.create_table(
        "assessment_period_area",
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["assessment_period.id"],
            name=op.f("fk_assessment_period_area_period_id_assessment_period"),
        ),
        sa.ForeignKeyConstraint(
            ["area_id"], ["area.id"], name=op.f("fk_assessment_period_area_area_id_area")
        ),
        sa.PrimaryKeyConstraint("period_id", "area_id", name=op.f("pk_assessment_period_area")),
    )
    op.create_table(
        "round_figure",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("figure", sa.String(length=240), nullable=False),
        sa.Column("respondents", sa.Integer(), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.Column("dont_know", sa.Integer(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("total_sq", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["assessment_round.id"],
            name=op.f("fk_round_figure_round_id_assessment_round"),
        ),
        sa.PrimaryKeyConstraint("round_id", "figure", name=op.f("pk_round_figure")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "import_column",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("header", sa.String(length=200), nullable=False),
        sa.Column("target", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_import_column_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("organisation_id", "header", name=op.f("pk_import_column")),
    )
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.add_column(sa.Column("staff_count", sa.Integer(), nullable=True))
        batch_op.create_check_constraint("staff_count_range", STAFF_RANGE)
    with op.batch_alter_table("assessment_round", schema=None) as batch_op:
        batch_op.add_column(sa.Column("period_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("figures_responses", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_assessment_round_period_id_assessment_period",
            "assessment_period",
            ["period_id"],
            ["id"],
        )
        batch_op.create_index("ix_assessment_round_period_id", ["period_id"])
    with op.batch_alter_table("disclosure_record", schema=None) as batch_op:
        batch_op.alter_column("area_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(
            sa.Column("period_id", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.drop_constraint("uq_disclosure_record", type_="unique")
        batch_op.create_unique_constraint(
            "uq_disclosure_record",
            ["audience", "group_kind", "group_id", "period_id", "figure", "basis"],
        )
        batch_op.drop_constraint(op.f("ck_disclosure_record_group_kind_known"), type_="check")
        batch_op.create_check_constraint(
            "group_kind_known", "group_kind IN ('round', 'area', 'county', 'selection')"
        )


def downgrade() -> None:
    with op.batch_alter_table("disclosure_record", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_disclosure_record_group_kind_known"), type_="check")
        batch_op.create_check_constraint("group_kind_known", "group_kind IN ('round', 'area')")
        batch_op.drop_constraint("uq_disclosure_record", type_="unique")
        batch_op.create_unique_constraint(
            "uq_disclosure_record", ["audience", "group_kind", "group_id", "figure", "basis"]
        )
        batch_op.drop_column("period_id")
        batch_op.alter_column("area_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("assessment_round", schema=None) as batch_op:
        batch_op.drop_index("ix_assessment_round_period_id")
        batch_op.drop_constraint(
            "fk_assessment_round_period_id_assessment_period", type_="foreignkey"
        )
        batch_op.drop_column("figures_responses")
        batch_op.drop_column("period_id")
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_team_staff_count_range"), type_="check")
        batch_op.drop_column("staff_count")
    op.drop_table("import_column")
    op.drop_table("round_figure")
    op.drop_table("assessment_period_area")
    op.drop_index("ix_assessment_period_organisation_id", table_name="assessment_period")
    op.drop_table("assessment_period")
