"""police partnership: reviews of the week's walk plan and riktade insatser

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03

``plan_review`` holds the police area coordinator's answers to a week's walk plan
(agreed or a comment; an agreement keeps the walks agreed and their SHA-256, so a
later change of the plan shows). ``joint_operation`` and ``joint_operation_area`` hold
the riktade insatser they record. New tables only: nothing existing changes.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "joint_operation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kommun_code", sa.String(length=4), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("start_time", sa.String(length=5), nullable=True),
        sa.Column("end_time", sa.String(length=5), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("partners", sa.String(length=200), nullable=False),
        sa.Column("note", sa.String(length=280), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["user_account.id"],
            name=op.f("fk_joint_operation_owner_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_joint_operation")),
    )
    op.create_index(
        op.f("ix_joint_operation_kommun_code"), "joint_operation", ["kommun_code"], unique=False
    )
    op.create_index(
        op.f("ix_joint_operation_owner_id"), "joint_operation", ["owner_id"], unique=False
    )
    op.create_table(
        "plan_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kommun_code", sa.String(length=4), nullable=False),
        sa.Column("week_monday", sa.Date(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("comment", sa.String(length=500), nullable=False),
        sa.Column("areas", sa.Text(), nullable=False),
        sa.Column("walks", sa.Text(), nullable=False),
        sa.Column("plan_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('agreed', 'comment')", name=op.f("ck_plan_review_kind")),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_plan_review_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_review")),
    )
    op.create_index(
        "ix_plan_review_kommun_week", "plan_review", ["kommun_code", "week_monday"], unique=False
    )
    op.create_table(
        "joint_operation_area",
        sa.Column("operation_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["area.id"],
            name=op.f("fk_joint_operation_area_area_id_area"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["operation_id"],
            ["joint_operation.id"],
            name=op.f("fk_joint_operation_area_operation_id_joint_operation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("operation_id", "area_id", name=op.f("pk_joint_operation_area")),
    )


def downgrade() -> None:
    op.drop_table("joint_operation_area")
    op.drop_index("ix_plan_review_kommun_week", table_name="plan_review")
    op.drop_table("plan_review")
    op.drop_index(op.f("ix_joint_operation_owner_id"), table_name="joint_operation")
    op.drop_index(op.f("ix_joint_operation_kommun_code"), table_name="joint_operation")
    op.drop_table("joint_operation")
