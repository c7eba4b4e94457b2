"""lägesbild: the coordinator's draft assessment and the immutable published archive

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03

``lagesbild_assessment`` holds one draft (bedömning, actions) per kommun and period;
``lagesbild_published`` the published lägesbild (the briefing as JSON, its PDF, the
PDF's SHA-256). A published row is a dated record: triggers refuse UPDATE on
PostgreSQL and SQLite, so a published lägesbild cannot be changed afterwards — a
correction is a new publication.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IMMUTABLE = "lagesbild_published is immutable: a published lägesbild is never updated"

POSTGRES_UP = (
    f"""
    CREATE FUNCTION lagesbild_published_immutable() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{IMMUTABLE}';
    END;
    $$
    """,
    """
    CREATE TRIGGER lagesbild_published_no_update
    BEFORE UPDATE ON lagesbild_published
    FOR EACH ROW EXECUTE FUNCTION lagesbild_published_immutable()
    """,
)
POSTGRES_DOWN = (
    "DROP TRIGGER IF EXISTS lagesbild_published_no_update ON lagesbild_published",
    "DROP FUNCTION IF EXISTS lagesbild_published_immutable()",
)
SQLITE_UP = (
    f"""
    CREATE TRIGGER lagesbild_published_no_update
    BEFORE UPDATE ON lagesbild_published
    BEGIN
        SELECT RAISE(ABORT, '{IMMUTABLE}');
    END
    """,
)
SQLITE_DOWN = ("DROP TRIGGER IF EXISTS lagesbild_published_no_update",)


def upgrade() -> None:
    op.create_table(
        "lagesbild_assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kommun_code", sa.String(length=4), nullable=False),
        sa.Column("period_code", sa.String(length=8), nullable=False),
        sa.Column("assessment", sa.Text(), nullable=False),
        sa.Column("actions", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lagesbild_assessment")),
        sa.UniqueConstraint(
            "kommun_code", "period_code", name=op.f("uq_lagesbild_assessment_kommun_code")
        ),
    )
    op.create_table(
        "lagesbild_published",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kommun_code", sa.String(length=4), nullable=False),
        sa.Column("period_code", sa.String(length=8), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.Integer(), nullable=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "audience IN ('leadership', 'coordinator')",
            name=op.f("ck_lagesbild_published_audience"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lagesbild_published")),
    )
    op.create_index(
        "ix_lagesbild_published_kommun_at",
        "lagesbild_published",
        ["kommun_code", "published_at"],
        unique=False,
    )
    statements = POSTGRES_UP if op.get_bind().dialect.name == "postgresql" else SQLITE_UP
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    statements = POSTGRES_DOWN if op.get_bind().dialect.name == "postgresql" else SQLITE_DOWN
    for statement in statements:
        op.execute(statement)
    op.drop_index("ix_lagesbild_published_kommun_at", table_name="lagesbild_published")
    op.drop_table("lagesbild_published")
    op.drop_table("lagesbild_assessment")
