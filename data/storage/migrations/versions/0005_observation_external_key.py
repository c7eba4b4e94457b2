"""idempotency key of imported observations

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("observation") as batch:
        batch.add_column(sa.Column("external_key", sa.String(length=80), nullable=True))
        batch.create_unique_constraint(op.f("uq_observation_external_key"), ["external_key"])


def downgrade() -> None:
    with op.batch_alter_table("observation") as batch:
        batch.drop_constraint(op.f("uq_observation_external_key"), type_="unique")
        batch.drop_column("external_key")
