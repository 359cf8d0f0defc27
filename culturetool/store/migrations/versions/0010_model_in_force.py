"""the model version in force, kept in the database for every process

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Left empty: the first use after the upgrade stores the model folder's version as the one
    # in force (services/model_provider.py), so an existing install needs no extra step.
    op.create_table(
        "model_in_force",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("model_version_id", sa.String(length=64), nullable=False),
        sa.Column("since", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["model_version_id"],
            ["model_version.id"],
            name=op.f("fk_model_in_force_model_version_id_model_version"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_in_force")),
    )


def downgrade() -> None:
    op.drop_table("model_in_force")
