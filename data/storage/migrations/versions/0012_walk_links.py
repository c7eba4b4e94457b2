"""users walk for an association; one report per planned walk; a coordinator confirms it

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02

Any user could link a walk report to any planned walk of the kommun, and a linked
report was paid at once. Now a user may belong to a walking association
(``user_account.association_id``), a planned walk takes at most one report (a unique
index: earlier duplicates keep only the first report's link) and a report is paid only
once a coordinator has confirmed it (``walk_report.confirmed_at``/``confirmed_by_id``).
Reports linked before this revision start unconfirmed: a coordinator confirms the ones
that really were walked.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("association_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_user_account_association_id_association"),
            "association",
            ["association_id"],
            ["id"],
            ondelete="SET NULL",
        )
    # A planned walk keeps the link of its first report only (the unique index below).
    op.execute(
        "UPDATE walk_report SET planned_walk_id = NULL WHERE planned_walk_id IS NOT NULL"
        " AND id NOT IN (SELECT MIN(id) FROM walk_report WHERE planned_walk_id IS NOT NULL"
        " GROUP BY planned_walk_id)"
    )
    with op.batch_alter_table("walk_report") as batch:
        batch.add_column(sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("confirmed_by_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_walk_report_confirmed_by_id_user_account"),
            "user_account",
            ["confirmed_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.drop_index(op.f("ix_walk_report_planned_walk_id"))
        batch.create_index(op.f("ix_walk_report_planned_walk_id"), ["planned_walk_id"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("walk_report") as batch:
        batch.drop_index(op.f("ix_walk_report_planned_walk_id"))
        batch.create_index(
            op.f("ix_walk_report_planned_walk_id"), ["planned_walk_id"], unique=False
        )
        batch.drop_constraint(
            op.f("fk_walk_report_confirmed_by_id_user_account"), type_="foreignkey"
        )
        batch.drop_column("confirmed_by_id")
        batch.drop_column("confirmed_at")
    with op.batch_alter_table("user_account") as batch:
        batch.drop_constraint(
            op.f("fk_user_account_association_id_association"), type_="foreignkey"
        )
        batch.drop_column("association_id")
