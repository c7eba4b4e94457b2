"""weekly actions: what the SSP meeting decided, its areas, owner, due date and status

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03

``weekly_action`` holds one decided action (*åtgärd*) per row (what and the follow-up
note PII-guarded by :mod:`data.weekly.actions`); ``weekly_action_area`` the areas of
the kommun it concerns. Plain tables: created the same way on SQLite and PostgreSQL.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "weekly_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kommun_code", sa.String(length=4), nullable=False),
        sa.Column("what", sa.String(length=280), nullable=False),
        sa.Column("owner", sa.String(length=32), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("follow_up", sa.String(length=500), nullable=False),
        sa.Column("week_decided", sa.String(length=8), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('oppen', 'pagar', 'klar')", name=op.f("ck_weekly_action_status")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_weekly_action_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_weekly_action")),
    )
    op.create_index(
        "ix_weekly_action_kommun_week",
        "weekly_action",
        ["kommun_code", "week_decided"],
        unique=False,
    )
    op.create_table(
        "weekly_action_area",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["weekly_action.id"],
            name=op.f("fk_weekly_action_area_action_id_weekly_action"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["area.id"],
            name=op.f("fk_weekly_action_area_area_id_area"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("action_id", "area_id", name=op.f("pk_weekly_action_area")),
    )


def downgrade() -> None:
    op.drop_table("weekly_action_area")
    op.drop_index("ix_weekly_action_kommun_week", table_name="weekly_action")
    op.drop_table("weekly_action")
