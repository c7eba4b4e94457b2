"""Files only the service account may read: the instance folder and what it holds.

The SQLite database (and its ``-wal``/``-shm`` files), the secret key, the demo
password, uploads waiting for their import and the jobs' side files hold data
about neighbourhoods and the keys that protect it. They are created ``0600`` in
folders that are ``0700``, whatever the process umask, and files left more open
by an older version are tightened when the app starts.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

PRIVATE_FOLDER_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")

log = logging.getLogger(__name__)


def _tighten(path: Path, mode: int) -> None:
    """``chmod`` to ``mode``; a file owned by someone else is reported, not fatal."""
    try:
        os.chmod(path, mode)
    except FileNotFoundError:
        return
    except OSError as error:
        log.warning("Kunde inte begränsa behörigheten för %s: %s", path, error)


def private_folder(path: Path) -> Path:
    """Create ``path`` (and missing parents) and make it ``0700``; return it."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER_MODE)
    _tighten(path, PRIVATE_FOLDER_MODE)
    return path


def write_private(path: Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` (text as UTF-8), created or truncated, mode ``0600``.

    The mode is given to ``open`` (no moment where the file is readable by others)
    and set again on an existing file, which ``open`` leaves as it was."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)
    with os.fdopen(fd, "wb") as handle:
        os.fchmod(handle.fileno(), PRIVATE_FILE_MODE)
        handle.write(payload)


def private_sqlite_file(database: str | None) -> None:
    """Make a SQLite database file ``0600`` before SQLite opens it.

    A new file is created empty with that mode (SQLite gives its ``-wal`` and
    ``-shm`` files the database file's mode); an existing one and its side files are
    tightened. In-memory databases, URI file names and files in a folder that does
    not exist are left to SQLite."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if not path.parent.is_dir():
        return
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CREAT, PRIVATE_FILE_MODE)
    except OSError as error:
        log.warning("Kunde inte skapa databasfilen %s: %s", path, error)
        return
    os.close(fd)
    for suffix in ("", *SQLITE_SIDE_FILES):
        _tighten(path.with_name(path.name + suffix), PRIVATE_FILE_MODE)


def tighten_folder(path: Path) -> None:
    """Make an existing folder ``0700`` and the files directly in it ``0600``
    (sub-folders are handled by their owners, e.g. the uploads folder)."""
    if not path.is_dir():
        return
    _tighten(path, PRIVATE_FOLDER_MODE)
    for child in path.iterdir():
        if child.is_file() and not child.is_symlink():
            _tighten(child, PRIVATE_FILE_MODE)
