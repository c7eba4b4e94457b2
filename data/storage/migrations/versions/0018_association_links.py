"""association links: revocable, expiring sign-up links for associations without accounts

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03

``association_link`` keeps, per link, the keyed hash of its token (never the token),
the association and kommun it opens, who created it, when it expires, when it was last
used and when it was revoked (:mod:`data.planning.association_links`).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "association_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("association_id", sa.Integer(), nullable=False),
        sa.Column("kommun_code", sa.String(length=4), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["association_id"],
            ["association.id"],
            name=op.f("fk_association_link_association_id_association"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_association_link")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_association_link_token_hash")),
    )
    op.create_index(
        op.f("ix_association_link_association_id"),
        "association_link",
        ["association_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_association_link_kommun_code"), "association_link", ["kommun_code"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_association_link_kommun_code"), table_name="association_link")
    op.drop_index(op.f("ix_association_link_association_id"), table_name="association_link")
    op.drop_table("association_link")
