"""school calendar entries and local events of a municipality

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "school_calendar_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kommun_code", sa.String(length=4), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "last_day >= first_day", name=op.f("ck_school_calendar_entry_days_ordered")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_calendar_entry")),
        sa.UniqueConstraint(
            "kommun_code",
            "kind",
            "first_day",
            name=op.f("uq_school_calendar_entry_kommun_code"),
        ),
    )
    op.create_index(
        op.f("ix_school_calendar_entry_kommun_code"),
        "school_calendar_entry",
        ["kommun_code"],
        unique=False,
    )
    op.create_table(
        "local_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kommun_code", sa.String(length=4), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_local_event_times_ordered")),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_local_event_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_local_event")),
    )
    op.create_index(
        op.f("ix_local_event_kommun_code"), "local_event", ["kommun_code"], unique=False
    )
    op.create_table(
        "local_event_area",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["area.id"],
            name=op.f("fk_local_event_area_area_id_area"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["local_event.id"],
            name=op.f("fk_local_event_area_event_id_local_event"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", "area_id", name=op.f("pk_local_event_area")),
    )


def downgrade() -> None:
    op.drop_table("local_event_area")
    op.drop_index(op.f("ix_local_event_kommun_code"), table_name="local_event")
    op.drop_table("local_event")
    op.drop_index(op.f("ix_school_calendar_entry_kommun_code"), table_name="school_calendar_entry")
    op.drop_table("school_calendar_entry")
