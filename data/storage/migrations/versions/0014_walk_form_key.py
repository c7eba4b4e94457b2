"""walk reports carry the form's one-time key: a double submission saves one report

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02

The walk form sends a per-form nonce; ``walk_report.form_key`` (unique, empty for
reports saved before) makes a second request with the same nonce save nothing. Form
observations use the existing ``observation.external_key`` the same way.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("walk_report") as batch:
        batch.add_column(sa.Column("form_key", sa.String(length=80), nullable=True))
        batch.create_unique_constraint(op.f("uq_walk_report_form_key"), ["form_key"])


def downgrade() -> None:
    with op.batch_alter_table("walk_report") as batch:
        batch.drop_constraint(op.f("uq_walk_report_form_key"), type_="unique")
        batch.drop_column("form_key")
