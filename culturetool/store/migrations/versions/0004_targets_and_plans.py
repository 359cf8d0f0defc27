"""targets per condition and action plans

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "condition_target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("scope_id", sa.Integer(), nullable=False),
        sa.Column("condition_id", sa.String(length=120), nullable=False),
        sa.Column("level", sa.SmallInteger(), nullable=False),
        sa.CheckConstraint(
            "scope IN ('organisation', 'area', 'team')", name=op.f("ck_condition_target_scope_known")
        ),
        sa.CheckConstraint("level BETWEEN 1 AND 9", name=op.f("ck_condition_target_level_range")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_condition_target_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_condition_target")),
        sa.UniqueConstraint(
            "organisation_id", "scope", "scope_id", "condition_id", name="uq_condition_target_scope"
        ),
    )
    with op.batch_alter_table("condition_target") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_condition_target_organisation_id"), ["organisation_id"], unique=False
        )
    op.create_table(
        "plan_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("owner", sa.String(length=120), nullable=False),
        sa.Column("intervention_id", sa.String(length=120), nullable=True),
        sa.Column("bundle_id", sa.String(length=120), nullable=True),
        sa.Column("condition_ids", sa.Text(), nullable=False),
        sa.Column("timescale", sa.String(length=20), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "status IN ('planned', 'in_progress', 'done', 'dropped')",
            name=op.f("ck_plan_action_status_known"),
        ),
        sa.CheckConstraint(
            "timescale IN ('first_week', 'three_months', 'six_months', 'date')",
            name=op.f("ck_plan_action_timescale_known"),
        ),
        sa.ForeignKeyConstraint(
            ["area_id"], ["area.id"], name=op.f("fk_plan_action_area_id_area")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_plan_action_created_by_user_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_plan_action_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_plan_action_team_id_team")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_action")),
    )
    with op.batch_alter_table("plan_action") as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_action_area_id"), ["area_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_plan_action_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_plan_action_team_id"), ["team_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("plan_action") as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_action_team_id"))
        batch_op.drop_index(batch_op.f("ix_plan_action_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_plan_action_area_id"))
    op.drop_table("plan_action")
    with op.batch_alter_table("condition_target") as batch_op:
        batch_op.drop_index(batch_op.f("ix_condition_target_organisation_id"))
    op.drop_table("condition_target")
