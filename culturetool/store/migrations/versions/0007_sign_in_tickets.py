"""one-off sign-in tickets

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sign_in_ticket",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_sign_in_ticket_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_sign_in_ticket")),
    )
    with op.batch_alter_table("sign_in_ticket", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sign_in_ticket_user_id"), ["user_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("sign_in_ticket", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_in_ticket_user_id"))
    op.drop_table("sign_in_ticket")
