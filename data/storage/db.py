"""Engine, sessions and schema migrations, from a database URL.

SQLite (a file in the instance folder) is the embedded default; PostgreSQL is
used in production and in the test suite. Repositories and queries never commit:
the unit of work that owns a session does (see :func:`unit_of_work`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from data.storage.models import DataVersion
from data.storage.private_files import private_sqlite_file

T = TypeVar("T")

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_MS = 10_000
"""How long a SQLite connection waits for another writer before giving up."""
OBSERVATIONS_VERSION = "observations"
CALENDAR_VERSION = "calendar"
"""Bumped when a kommun's school calendar or local events change (event windows and
the forecast's calendar factors depend on them)."""
AREAS_VERSION = "areas"
"""Bumped when areas or their geometry change (also bump OBSERVATIONS_VERSION then,
since aggregates depend on the area hierarchy); browser geometry is keyed by it."""
COUNT_STRUCTURE_VERSION = "count_structure"
"""Bumped by database triggers (migration 0020) when an observation is updated or
deleted, or an area or own-area membership changes: what the count cube cannot add
to what it holds, so it rebuilds (:class:`data.counts.cube.CubeCache`)."""


def sqlite_url(instance_path: Path) -> str:
    """Return the default SQLite URL for ``instance_path`` (the file ``ssp.sqlite``)."""
    return f"sqlite:///{(instance_path / 'ssp.sqlite').resolve()}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # Foreign keys are off by default in SQLite; WAL lets readers work during an import.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    # Deleted rows are overwritten with zeros, so a torn-up SSPF case (issue 18) does
    # not linger in free pages of the file.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for ``url`` with the settings this project relies on.

    Refuses URLs of other backends than SQLite and PostgreSQL, which are the two
    the test suite proves. A SQLite file is created (or tightened) ``0600`` first.
    """
    if not (url.startswith("sqlite") or url.startswith("postgresql")):
        scheme = url.split(":", 1)[0]
        msg = f"DATABASE_URL must be a sqlite:// or postgresql+psycopg:// URL, got {scheme!r}"
        raise ValueError(msg)
    engine = create_engine(url, pool_pre_ping=True, **kwargs)
    if engine.dialect.name == "sqlite":
        private_sqlite_file(engine.url.database)
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return a session factory bound to ``engine`` (objects stay usable after commit)."""
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """Run one unit of work: commit once on success, roll back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def in_unit_of_work(factory: sessionmaker[Session], work: Callable[[Session], T]) -> T:
    """``work(session)`` in one :func:`unit_of_work`; its result once committed.

    Callers outside data/ name the session type as ``data.storage.db.Session`` and
    never import SQLAlchemy themselves."""
    with unit_of_work(factory) as session:
        return work(session)


WRITE_REFUSED: tuple[type[SQLAlchemyError], ...] = (IntegrityError, OperationalError)
"""What a write the database cannot take just now raises: a unique key another request
took a moment earlier, SQLite's write lock held past its wait. The web layer answers
"try again" to these and nothing is stored (it builds no SQL, so it names them here)."""


def commit_or_roll_back(session: Session) -> bool:
    """Commit ``session``'s pending changes, best effort: on a database error roll back
    and answer False instead of raising."""
    try:
        session.commit()
    except SQLAlchemyError:
        session.rollback()
        return False
    return True


def alembic_config() -> Config:
    """Return the Alembic configuration of this project (no ini file needed)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def upgrade_to_head(engine: Engine) -> None:
    """Apply every migration up to head on ``engine`` (idempotent)."""
    migrate(engine, "head")


def migrate(engine: Engine, revision: str, *, downgrade: bool = False) -> None:
    """Upgrade (or downgrade) ``engine``'s schema to ``revision`` in one transaction.

    On SQLite, foreign keys are switched off for the run and checked before the
    commit: a batch migration copies a table, drops the old one and renames the copy,
    and with foreign keys on, that drop deletes every row that references the table
    with ``ON DELETE CASCADE`` (API tokens of users, sightings of walks). The pragma
    only takes effect outside a transaction, hence the order here.
    """
    cfg = alembic_config()
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                cfg.attributes["connection"] = connection
                step = command.downgrade if downgrade else command.upgrade
                step(cfg, revision)
                if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                    msg = f"migration to {revision} left rows whose references do not exist"
                    raise RuntimeError(msg)
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def database_answers(engine: Engine) -> bool:
    """Return True when the database accepts a trivial query."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:  # any driver error means "not healthy"; the caller reports it
        return False
    return True


def bump_version(session: Session, name: str = OBSERVATIONS_VERSION) -> None:
    """Increment a data version counter inside the caller's transaction."""
    result = session.execute(
        update(DataVersion).where(DataVersion.name == name).values(version=DataVersion.version + 1)
    )
    if getattr(result, "rowcount", 0) == 0:
        session.add(DataVersion(name=name, version=1))
        session.flush()


def read_version(session: Session, name: str = OBSERVATIONS_VERSION) -> int:
    """Return the current value of a data version counter (0 when never bumped)."""
    value = session.scalar(select(DataVersion.version).where(DataVersion.name == name))
    return int(value or 0)
