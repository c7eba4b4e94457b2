"""each user chooses the language of their pages: Swedish (default) or English

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02

``user_account.language`` is ``sv`` or ``en`` (a check constraint); every existing
account starts in Swedish.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(
            sa.Column("language", sa.String(length=2), server_default="sv", nullable=False)
        )
        batch.create_check_constraint(op.f("ck_user_account_language"), "language IN ('sv', 'en')")


def downgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.drop_constraint(op.f("ck_user_account_language"), type_="check")
        batch.drop_column("language")
