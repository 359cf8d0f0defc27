"""The ledger read by organisation and audience from a row id on: an index for it

Every look starts by catching up with the disclosure ledger: it counts the rows it already
holds and reads those written since, both by organisation, audience and row id. Without an
index each was a scan of the whole ledger (tens of thousands of rows for a county): about 30 ms
a look, three times for a team's results as a leader.

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_disclosure_record_organisation_audience",
        "disclosure_record",
        ["organisation_id", "audience", "id"],
    )


def downgrade() -> None:
    op.drop_index("ix_disclosure_record_organisation_audience", table_name="disclosure_record")
