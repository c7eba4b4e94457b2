"""walk reports (nattvandring) and their walked areas; observations seen on a walk

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "walk_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kommun_code", sa.String(length=4), nullable=False),
        sa.Column("walked_on", sa.Date(), nullable=False),
        sa.Column("start_time", sa.String(length=5), nullable=False),
        sa.Column("end_time", sa.String(length=5), nullable=False),
        sa.Column("walkers", sa.Integer(), nullable=False),
        sa.Column("rating", sa.String(length=8), nullable=False),
        sa.Column("note", sa.String(length=280), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("walkers >= 1", name=op.f("ck_walk_report_walkers_positive")),
        sa.CheckConstraint("rating IN ('calm', 'uneasy')", name=op.f("ck_walk_report_rating")),
        sa.CheckConstraint(
            "length(start_time) = 5 AND length(end_time) = 5", name=op.f("ck_walk_report_times")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_walk_report_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_walk_report")),
    )
    op.create_index(
        op.f("ix_walk_report_kommun_code"), "walk_report", ["kommun_code"], unique=False
    )
    op.create_index(op.f("ix_walk_report_walked_on"), "walk_report", ["walked_on"], unique=False)
    op.create_table(
        "walk_report_area",
        sa.Column("walk_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["area.id"],
            name=op.f("fk_walk_report_area_area_id_area"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["walk_id"],
            ["walk_report.id"],
            name=op.f("fk_walk_report_area_walk_id_walk_report"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("walk_id", "area_id", name=op.f("pk_walk_report_area")),
    )
    # SQLite cannot add a foreign key in place: batch mode copies the table.
    with op.batch_alter_table("observation") as batch:
        batch.add_column(sa.Column("walk_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_observation_walk_id_walk_report"),
            "walk_report",
            ["walk_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_index(op.f("ix_observation_walk_id"), ["walk_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("observation") as batch:
        batch.drop_index(op.f("ix_observation_walk_id"))
        batch.drop_constraint(op.f("fk_observation_walk_id_walk_report"), type_="foreignkey")
        batch.drop_column("walk_id")
    op.drop_table("walk_report_area")
    op.drop_index(op.f("ix_walk_report_walked_on"), table_name="walk_report")
    op.drop_index(op.f("ix_walk_report_kommun_code"), table_name="walk_report")
    op.drop_table("walk_report")
