"""count structure counter: what the count cube cannot add incrementally

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04

Issue 19: the count cube adds new observations to what it holds (rows with a larger
id) instead of rebuilding on every report. Anything else that changes a count —
an observation updated or deleted, an area or an own area's membership changed —
bumps the ``count_structure`` counter in ``data_version`` here, in the database
itself, so no code path (nor a hand-written SQL statement) can change counts
without every worker of every node learning that it must rebuild.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTER = "count_structure"
BUMP = f"UPDATE data_version SET version = version + 1 WHERE name = '{COUNTER}'"
WATCHED = (
    ("observation", ("UPDATE", "DELETE")),
    ("area", ("INSERT", "UPDATE", "DELETE")),
    ("area_member", ("INSERT", "UPDATE", "DELETE")),
)


def _triggers() -> list[tuple[str, str, str]]:
    return [
        (f"{table}_{verb.lower()}_bumps_count_structure", table, verb)
        for table, verbs in WATCHED
        for verb in verbs
    ]


def upgrade() -> None:
    op.execute(
        f"INSERT INTO data_version (name, version) SELECT '{COUNTER}', 0 "
        f"WHERE NOT EXISTS (SELECT 1 FROM data_version WHERE name = '{COUNTER}')"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION bump_count_structure() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {BUMP}; RETURN NULL; END; $$"
        )
        for name, table, verb in _triggers():
            # One bump per statement: a bulk delete is one change.
            op.execute(
                f"CREATE TRIGGER {name} AFTER {verb} ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION bump_count_structure()"
            )
        return
    for name, table, verb in _triggers():
        op.execute(f"CREATE TRIGGER {name} AFTER {verb} ON {table} BEGIN {BUMP}; END")


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for name, table, _verb in _triggers():
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if postgres else ""))
    if postgres:
        op.execute("DROP FUNCTION IF EXISTS bump_count_structure()")
    op.execute(f"DELETE FROM data_version WHERE name = '{COUNTER}'")
