"""free-text comments and their own threshold

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "comment",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"], ["assessment_round.id"], name=op.f("fk_comment_round_id_assessment_round")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comment")),
    )
    with op.batch_alter_table("comment") as batch_op:
        batch_op.create_index(batch_op.f("ix_comment_round_id"), ["round_id"], unique=False)
    # Existing organisations and rounds get the default of 10 responses.
    with op.batch_alter_table("organisation") as batch_op:
        batch_op.add_column(
            sa.Column("comment_threshold", sa.Integer(), server_default="10", nullable=False)
        )
        batch_op.create_check_constraint(
            "comment_threshold_minimum", "comment_threshold >= anonymity_threshold"
        )
    with op.batch_alter_table("assessment_round") as batch_op:
        batch_op.add_column(
            sa.Column("comment_threshold", sa.Integer(), server_default="10", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("assessment_round") as batch_op:
        batch_op.drop_column("comment_threshold")
    with op.batch_alter_table("organisation") as batch_op:
        batch_op.drop_constraint("ck_organisation_comment_threshold_minimum", type_="check")
        batch_op.drop_column("comment_threshold")
    with op.batch_alter_table("comment") as batch_op:
        batch_op.drop_index(batch_op.f("ix_comment_round_id"))
    op.drop_table("comment")
