"""one-off links for password resets as well as invitations; the organisation's time zone

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Every link made so far was an invitation.
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "purpose", sa.String(length=20), nullable=False, server_default="invitation"
            )
        )
        batch_op.create_check_constraint(
            "purpose_known", "purpose IN ('invitation', 'reset')"
        )
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "time_zone", sa.String(length=64), nullable=False, server_default="Europe/London"
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("time_zone")
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.drop_constraint("ck_invitation_purpose_known", type_="check")
        batch_op.drop_column("purpose")
