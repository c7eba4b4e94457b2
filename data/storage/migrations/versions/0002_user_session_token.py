"""user session token, so logout ends every session of the user

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("session_token", sa.String(length=64), nullable=True))
    users = sa.table(
        "user_account", sa.column("id", sa.Integer), sa.column("session_token", sa.String)
    )
    connection = op.get_bind()
    for (user_id,) in connection.execute(sa.select(users.c.id)).all():
        connection.execute(
            users.update()
            .where(users.c.id == user_id)
            .values(session_token=secrets.token_urlsafe(32))
        )
    with op.batch_alter_table("user_account") as batch:
        batch.alter_column("session_token", existing_type=sa.String(length=64), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("session_token")
