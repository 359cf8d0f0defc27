"""responses, answers, comments and receipts in no arrival order; survey codes

Respondents' tables become SQLite WITHOUT ROWID tables (their rows are stored in the order of
their random keys, not in arrival order), `response.submitted_on` and `answer.id` go, answers
are keyed by (response_id, item_id), rounds get an access mode and a staff count, and personal
codes get their own table. Existing rows are copied in random order, and the receipts of
closed rounds are deleted, as closing a round now does.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NO_ROWID = {"sqlite_with_rowid": False}


def _round_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["round_id"], ["assessment_round.id"], name=f"fk_{table}_round_id_assessment_round"
    )


def _respondent_tables() -> list[tuple[str, list[str], list]]:
    """Each table's name, the columns copied from the old table, and its new definition."""
    return [
        (
            "response",
            ["id", "round_id"],
            [
                sa.Column("id", sa.String(length=32), nullable=False),
                sa.Column("round_id", sa.Integer(), nullable=False),
                _round_fk("response"),
                sa.PrimaryKeyConstraint("id", name="pk_response"),
            ],
        ),
        (
            "answer",
            ["response_id", "item_id", "value"],
            [
                sa.Column("response_id", sa.String(length=32), nullable=False),
                sa.Column("item_id", sa.String(length=120), nullable=False),
                sa.Column("value", sa.SmallInteger(), nullable=True),
                sa.CheckConstraint(
                    "value IS NULL OR (value BETWEEN 1 AND 5)", name=op.f("ck_answer_value_on_scale")
                ),
                sa.ForeignKeyConstraint(
                    ["response_id"], ["response.id"], name="fk_answer_response_id_response"
                ),
                sa.PrimaryKeyConstraint("response_id", "item_id", name="pk_answer"),
            ],
        ),
        (
            "comment",
            ["id", "round_id", "text"],
            [
                sa.Column("id", sa.String(length=32), nullable=False),
                sa.Column("round_id", sa.Integer(), nullable=False),
                sa.Column("text", sa.Text(), nullable=False),
                _round_fk("comment"),
                sa.PrimaryKeyConstraint("id", name="pk_comment"),
            ],
        ),
        (
            "submission_receipt",
            ["round_id", "key_hash"],
            [
                sa.Column("round_id", sa.Integer(), nullable=False),
                sa.Column("key_hash", sa.String(length=64), nullable=False),
                _round_fk("submission_receipt"),
                sa.PrimaryKeyConstraint("round_id", "key_hash", name="pk_submission_receipt"),
            ],
        ),
    ]


def _rebuild_on_sqlite() -> None:
    """Create each table anew without rowid, copy its rows in random order, drop the old one
    and take its name. Foreign keys are not enforced during migrations (Alembic's connection
    does not turn them on), so the order of the tables does not matter."""
    for name, columns, definition in _respondent_tables():
        rebuilt = f"{name}__rebuilt"
        op.create_table(rebuilt, *definition, **NO_ROWID)
        listed = ", ".join(columns)
        op.execute(
            f"INSERT INTO {rebuilt} ({listed}) SELECT {listed} FROM {name} ORDER BY random()"
        )
        op.drop_table(name)  # its indexes go with it
        op.rename_table(rebuilt, name)
    op.create_index("ix_response_round_id", "response", ["round_id"])
    op.create_index("ix_comment_round_id", "comment", ["round_id"])


def _change_on_postgresql() -> None:
    op.drop_column("response", "submitted_on")
    op.drop_index("ix_answer_response_id", table_name="answer")
    op.drop_constraint("uq_answer_response_item", "answer", type_="unique")
    op.drop_constraint("pk_answer", "answer", type_="primary")
    op.drop_column("answer", "id")
    op.create_primary_key("pk_answer", "answer", ["response_id", "item_id"])
    # Heap rows sit in insertion order: write every respondent row again in random order.
    for table in ("answer", "response", "comment"):
        op.execute(f"CREATE TEMPORARY TABLE shuffled_{table} AS SELECT * FROM {table}")
    for table in ("answer", "response", "comment"):
        op.execute(f"DELETE FROM {table}")
    for table in ("response", "answer", "comment"):
        op.execute(f"INSERT INTO {table} SELECT * FROM shuffled_{table} ORDER BY random()")
        op.execute(f"DROP TABLE shuffled_{table}")


def upgrade() -> None:
    # Receipts only stop a double click while a round is open; closing now deletes them.
    op.execute(
        "DELETE FROM submission_receipt WHERE round_id IN "
        "(SELECT id FROM assessment_round WHERE closed_at IS NOT NULL)"
    )
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_on_sqlite()
    else:
        _change_on_postgresql()
    with op.batch_alter_table("assessment_round") as batch_op:
        batch_op.add_column(
            sa.Column("access_mode", sa.String(length=10), server_default="link", nullable=False)
        )
        batch_op.add_column(sa.Column("staff_count", sa.Integer(), nullable=True))
        batch_op.create_check_constraint("access_mode_known", "access_mode IN ('codes', 'link')")
        batch_op.create_check_constraint(
            "staff_count_range", "staff_count IS NULL OR staff_count BETWEEN 1 AND 500"
        )
    op.create_table(
        "survey_code",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        _round_fk("survey_code"),
        sa.PrimaryKeyConstraint("round_id", "code_hash", name="pk_survey_code"),
        **NO_ROWID,
    )


def downgrade() -> None:
    raise RuntimeError(
        "Migration 0005 cannot be undone: responses no longer have dates and answers no longer "
        "have numbers, so there is nothing to put back. Restore the backup taken before upgrading."
    )
