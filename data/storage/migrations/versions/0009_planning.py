"""planning: associations, walk sign-ups, planned walks, parent meetings; walk reports
link to the planned walk they were filed for

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "association",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kommun_code", sa.String(length=4), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_association")),
        sa.UniqueConstraint("kommun_code", "name", name=op.f("uq_association_kommun_code")),
    )
    op.create_index(
        op.f("ix_association_kommun_code"), "association", ["kommun_code"], unique=False
    )
    op.create_table(
        "walk_signup",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kommun_code", sa.String(length=4), nullable=False),
        sa.Column("association_id", sa.Integer(), nullable=False),
        sa.Column("night", sa.Date(), nullable=False),
        sa.Column("walkers", sa.Integer(), nullable=False),
        sa.Column("start_time", sa.String(length=5), nullable=False),
        sa.Column("end_time", sa.String(length=5), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("walkers >= 1", name=op.f("ck_walk_signup_walkers_positive")),
        sa.CheckConstraint(
            "length(start_time) = 5 AND length(end_time) = 5", name=op.f("ck_walk_signup_times")
        ),
        sa.ForeignKeyConstraint(
            ["association_id"],
            ["association.id"],
            name=op.f("fk_walk_signup_association_id_association"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_walk_signup")),
    )
    for column in ("association_id", "kommun_code", "night"):
        op.create_index(op.f(f"ix_walk_signup_{column}"), "walk_signup", [column], unique=False)
    op.create_table(
        "planned_walk",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kommun_code", sa.String(length=4), nullable=False),
        sa.Column("night", sa.Date(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("association_id", sa.Integer(), nullable=True),
        sa.Column("walkers", sa.Integer(), nullable=False),
        sa.Column("start_time", sa.String(length=5), nullable=False),
        sa.Column("end_time", sa.String(length=5), nullable=False),
        sa.Column("meeting_point", sa.String(length=120), nullable=False),
        sa.Column("expected", sa.Float(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("walkers >= 1", name=op.f("ck_planned_walk_walkers_positive")),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["area.id"],
            name=op.f("fk_planned_walk_area_id_area"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["association_id"],
            ["association.id"],
            name=op.f("fk_planned_walk_association_id_association"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planned_walk")),
    )
    for column in ("kommun_code", "night"):
        op.create_index(op.f(f"ix_planned_walk_{column}"), "planned_walk", [column], unique=False)
    op.create_table(
        "parent_meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kommun_code", sa.String(length=4), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=16), nullable=False),
        sa.Column("theme", sa.String(length=120), nullable=False),
        sa.Column("attending", sa.Integer(), nullable=True),
        sa.Column("follow_up_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "attending IS NULL OR attending >= 0", name=op.f("ck_parent_meeting_attending")
        ),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["area.id"],
            name=op.f("fk_parent_meeting_area_id_area"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parent_meeting")),
    )
    op.create_index(
        op.f("ix_parent_meeting_kommun_code"), "parent_meeting", ["kommun_code"], unique=False
    )
    with op.batch_alter_table("walk_report") as batch:
        batch.add_column(sa.Column("planned_walk_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_walk_report_planned_walk_id_planned_walk"),
            "planned_walk",
            ["planned_walk_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_index(
            op.f("ix_walk_report_planned_walk_id"), ["planned_walk_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("walk_report") as batch:
        batch.drop_index(op.f("ix_walk_report_planned_walk_id"))
        batch.drop_constraint(
            op.f("fk_walk_report_planned_walk_id_planned_walk"), type_="foreignkey"
        )
        batch.drop_column("planned_walk_id")
    op.drop_index(op.f("ix_parent_meeting_kommun_code"), table_name="parent_meeting")
    op.drop_table("parent_meeting")
    for column in ("kommun_code", "night"):
        op.drop_index(op.f(f"ix_planned_walk_{column}"), table_name="planned_walk")
    op.drop_table("planned_walk")
    for column in ("association_id", "kommun_code", "night"):
        op.drop_index(op.f(f"ix_walk_signup_{column}"), table_name="walk_signup")
    op.drop_table("walk_signup")
    op.drop_index(op.f("ix_association_kommun_code"), table_name="association")
    op.drop_table("association")
