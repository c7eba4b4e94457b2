"""instance secrets in the database (the cell key method's noise key)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02

The noise key was derived from SECRET_KEY; hosts or deployments with different
secret keys then published differently noised values for the same cell, which
can be averaged away. The key is now one random value in this table, created by
``ssp init-db`` (or on first use), shared by every worker and node.
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
        "instance_secret",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("value", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_instance_secret")),
    )


def downgrade() -> None:
    op.drop_table("instance_secret")
