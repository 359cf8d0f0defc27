"""Working Together for Change workshops: their boards, votes, success statements and parking
board, and the plan's actions linked to a workshop, a theme and a viewpoint

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "workshop",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("place", sa.String(length=120), nullable=False),
        sa.Column("tables", sa.SmallInteger(), nullable=False),
        sa.Column("vote_budget", sa.SmallInteger(), nullable=False),
        sa.Column("votes_per_theme", sa.SmallInteger(), nullable=False),
        sa.Column("voting", sa.String(length=20), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("already_happening", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "stage IN ('prepare', 'collect', 'theme', 'understand', 'identify_success', 'plan', "
            "'implement', 'review')",
            name=op.f("ck_workshop_stage_known"),
        ),
        sa.CheckConstraint(
            "voting IN ('not_open', 'open', 'closed')", name=op.f("ck_workshop_voting_known")
        ),
        sa.CheckConstraint("tables BETWEEN 1 AND 20", name=op.f("ck_workshop_tables_range")),
        sa.CheckConstraint(
            "vote_budget BETWEEN 1 AND 10", name=op.f("ck_workshop_vote_budget_range")
        ),
        sa.CheckConstraint(
            "votes_per_theme BETWEEN 1 AND vote_budget",
            name=op.f("ck_workshop_votes_per_theme_range"),
        ),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"], name=op.f("fk_workshop_area_id_area")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_workshop_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workshop")),
    )
    with op.batch_alter_table("workshop", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_workshop_area_id"), ["area_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_workshop_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "workshop_ballot",
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workshop_id"], ["workshop.id"], name=op.f("fk_workshop_ballot_workshop_id_workshop")
        ),
        sa.PrimaryKeyConstraint("key_hash", name=op.f("pk_workshop_ballot")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("workshop_ballot", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_workshop_ballot_workshop_id"), ["workshop_id"], unique=False
        )

    op.create_table(
        "workshop_day",
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workshop_id"], ["workshop.id"], name=op.f("fk_workshop_day_workshop_id_workshop")
        ),
        sa.PrimaryKeyConstraint("workshop_id", "day", name=op.f("pk_workshop_day")),
    )
    op.create_table(
        "workshop_facilitator",
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_workshop_facilitator_user_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshop.id"],
            name=op.f("fk_workshop_facilitator_workshop_id_workshop"),
        ),
        sa.PrimaryKeyConstraint("workshop_id", "user_id", name=op.f("pk_workshop_facilitator")),
    )
    with op.batch_alter_table("workshop_facilitator", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_workshop_facilitator_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "workshop_parked_issue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("issue", sa.String(length=500), nullable=False),
        sa.Column("owner", sa.String(length=120), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.CheckConstraint(
            "status IN ('planned', 'in_progress', 'done', 'dropped')",
            name=op.f("ck_workshop_parked_issue_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshop.id"],
            name=op.f("fk_workshop_parked_issue_workshop_id_workshop"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workshop_parked_issue")),
    )
    with op.batch_alter_table("workshop_parked_issue", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_workshop_parked_issue_workshop_id"), ["workshop_id"], unique=False
        )

    op.create_table(
        "workshop_perspective",
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshop.id"],
            name=op.f("fk_workshop_perspective_workshop_id_workshop"),
        ),
        sa.PrimaryKeyConstraint("workshop_id", "key", name=op.f("pk_workshop_perspective")),
    )
    op.create_table(
        "workshop_team",
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_workshop_team_team_id_team")
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id"], ["workshop.id"], name=op.f("fk_workshop_team_workshop_id_workshop")
        ),
        sa.PrimaryKeyConstraint("workshop_id", "team_id", name=op.f("pk_workshop_team")),
    )
    op.create_table(
        "workshop_theme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("statement", sa.String(length=200), nullable=False),
        sa.Column("condition_ids", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("on_ballot", sa.Boolean(), nullable=False),
        sa.Column("chosen", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('working_well', 'not_working_well', 'future')",
            name=op.f("ck_workshop_theme_kind_known"),
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_workshop_theme_version_positive")),
        sa.ForeignKeyConstraint(
            ["workshop_id"], ["workshop.id"], name=op.f("fk_workshop_theme_workshop_id_workshop")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workshop_theme")),
    )
    with op.batch_alter_table("workshop_theme", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_workshop_theme_workshop_id"), ["workshop_id"], unique=False
        )

    op.create_table(
        "workshop_ballot_vote",
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("votes", sa.SmallInteger(), nullable=False),
        sa.CheckConstraint(
            "votes BETWEEN 1 AND 10", name=op.f("ck_workshop_ballot_vote_votes_range")
        ),
        sa.ForeignKeyConstraint(
            ["key_hash"],
            ["workshop_ballot.key_hash"],
            name=op.f("fk_workshop_ballot_vote_key_hash_workshop_ballot"),
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["workshop_theme.id"],
            name=op.f("fk_workshop_ballot_vote_theme_id_workshop_theme"),
        ),
        sa.PrimaryKeyConstraint("key_hash", "theme_id", name=op.f("pk_workshop_ballot_vote")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "workshop_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("perspective", sa.String(length=120), nullable=True),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=True),
        sa.Column("follow_up", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "channel IN ('online', 'easy_read', 'telephone', 'video_call', 'sign_language_video', "
            "'visit', 'paper')",
            name=op.f("ck_workshop_entry_channel_known"),
        ),
        sa.CheckConstraint(
            "kind IN ('working_well', 'not_working_well', 'future')",
            name=op.f("ck_workshop_entry_kind_known"),
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["workshop_theme.id"],
            name=op.f("fk_workshop_entry_theme_id_workshop_theme"),
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id"], ["workshop.id"], name=op.f("fk_workshop_entry_workshop_id_workshop")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workshop_entry")),
    )
    with op.batch_alter_table("workshop_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_workshop_entry_theme_id"), ["theme_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_workshop_entry_workshop_id"), ["workshop_id"], unique=False
        )

    op.create_table(
        "workshop_root_cause",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["workshop_theme.id"],
            name=op.f("fk_workshop_root_cause_theme_id_workshop_theme"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workshop_root_cause")),
    )
    with op.batch_alter_table("workshop_root_cause", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_workshop_root_cause_theme_id"), ["theme_id"], unique=False
        )

    op.create_table(
        "workshop_success",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("perspective", sa.String(length=120), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["workshop_theme.id"],
            name=op.f("fk_workshop_success_theme_id_workshop_theme"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workshop_success")),
    )
    with op.batch_alter_table("workshop_success", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_workshop_success_theme_id"), ["theme_id"], unique=False
        )

    op.create_table(
        "workshop_table_vote",
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("table_name", sa.String(length=120), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("people", sa.SmallInteger(), nullable=False),
        sa.Column("votes", sa.SmallInteger(), nullable=False),
        sa.CheckConstraint(
            "votes >= 0 AND people >= 1", name=op.f("ck_workshop_table_vote_counts_range")
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["workshop_theme.id"],
            name=op.f("fk_workshop_table_vote_theme_id_workshop_theme"),
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshop.id"],
            name=op.f("fk_workshop_table_vote_workshop_id_workshop"),
        ),
        sa.PrimaryKeyConstraint(
            "workshop_id", "table_name", "theme_id", name=op.f("pk_workshop_table_vote")
        ),
    )
    op.create_table(
        "workshop_link",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("most_entries", sa.Integer(), nullable=False),
        sa.Column("entries_taken", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "entries_taken >= 0 AND most_entries >= 0",
            name=op.f("ck_workshop_link_counts_range"),
        ),
        sa.CheckConstraint(
            "purpose IN ('collect', 'vote')", name=op.f("ck_workshop_link_purpose_known")
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id"], ["workshop.id"], name=op.f("fk_workshop_link_workshop_id_workshop")
        ),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_workshop_link")),
        sa.UniqueConstraint(
            "workshop_id", "purpose", name=op.f("uq_workshop_link_workshop_purpose")
        ),
    )
    with op.batch_alter_table("workshop_link", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_workshop_link_workshop_id"), ["workshop_id"], unique=False
        )
    with op.batch_alter_table("plan_action", schema=None) as batch_op:
        batch_op.add_column(sa.Column("workshop_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("workshop_theme_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("viewpoint", sa.String(length=20), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_plan_action_workshop_id"), ["workshop_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_plan_action_workshop_theme_id_workshop_theme"),
            "workshop_theme",
            ["workshop_theme_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_plan_action_workshop_id_workshop"), "workshop", ["workshop_id"], ["id"]
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_plan_action_viewpoint_known"),
            "viewpoint IS NULL OR viewpoint IN ('traditional', 'community', 'radical')",
        )


def downgrade() -> None:
    with op.batch_alter_table("plan_action", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_plan_action_viewpoint_known"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_plan_action_workshop_id_workshop"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_plan_action_workshop_theme_id_workshop_theme"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_plan_action_workshop_id"))
        batch_op.drop_column("viewpoint")
        batch_op.drop_column("workshop_theme_id")
        batch_op.drop_column("workshop_id")

    with op.batch_alter_table("workshop_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workshop_link_workshop_id"))

    op.drop_table("workshop_link")
    op.drop_table("workshop_table_vote")
    with op.batch_alter_table("workshop_success", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workshop_success_theme_id"))

    op.drop_table("workshop_success")
    with op.batch_alter_table("workshop_root_cause", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workshop_root_cause_theme_id"))

    op.drop_table("workshop_root_cause")
    with op.batch_alter_table("workshop_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workshop_entry_workshop_id"))
        batch_op.drop_index(batch_op.f("ix_workshop_entry_theme_id"))

    op.drop_table("workshop_entry")
    op.drop_table("workshop_ballot_vote")
    with op.batch_alter_table("workshop_theme", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workshop_theme_workshop_id"))

    op.drop_table("workshop_theme")
    op.drop_table("workshop_team")
    op.drop_table("workshop_perspective")
    with op.batch_alter_table("workshop_parked_issue", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workshop_parked_issue_workshop_id"))

    op.drop_table("workshop_parked_issue")
    with op.batch_alter_table("workshop_facilitator", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workshop_facilitator_user_id"))

    op.drop_table("workshop_facilitator")
    op.drop_table("workshop_day")
    with op.batch_alter_table("workshop_ballot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workshop_ballot_workshop_id"))

    op.drop_table("workshop_ballot")
    with op.batch_alter_table("workshop", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workshop_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_workshop_area_id"))

    op.drop_table("workshop")
