"""a team's requests to its area's plan

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "plan_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("intervention_id", sa.String(length=120), nullable=False),
        sa.Column("asked_by_user_id", sa.Integer(), nullable=True),
        sa.Column("asked_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["area.id"], name=op.f("fk_plan_request_area_id_area")
        ),
        sa.ForeignKeyConstraint(
            ["asked_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_plan_request_asked_by_user_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_plan_request_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_plan_request_team_id_team")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_request")),
        sa.UniqueConstraint("team_id", "intervention_id", name="uq_plan_request_team_intervention"),
    )
    with op.batch_alter_table("plan_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_request_area_id"), ["area_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_plan_request_organisation_id"), ["organisation_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("plan_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_request_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_plan_request_area_id"))
    op.drop_table("plan_request")
