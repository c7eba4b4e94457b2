"""members of own areas composed from DeSO/RegSO

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "area_member",
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["area.id"], name=op.f("fk_area_member_area_id_area"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["area.id"],
            name=op.f("fk_area_member_member_id_area"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("area_id", "member_id", name=op.f("pk_area_member")),
        sa.UniqueConstraint("member_id", name=op.f("uq_area_member_member_id")),
    )


def downgrade() -> None:
    op.drop_table("area_member")
