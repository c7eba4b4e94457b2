"""The case layer's files on disk: the scanned consent forms and the disposal log.

Forms are Fernet-encrypted (:mod:`data.consent.crypto`) and kept in
``instance/sspf-files`` (``0700``; files ``0600``) under a random name. At tear-up a
form is overwritten with zeros, synced and unlinked (:func:`destroy_file`): on a
journaling or copy-on-write file system the old blocks may survive until reused, which
is why the file only ever held ciphertext. The disposal log
``instance/sspf-disposals.jsonl`` holds one JSON line per tear-up, no personal data, so
that a restored database backup can be purged again.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from data.storage.private_files import PRIVATE_FILE_MODE, private_folder

FILES_FOLDER: Final = "sspf-files"
"""The case-files folder, inside the instance folder."""
DISPOSAL_LOG: Final = "sspf-disposals.jsonl"
"""The disposal log's mirror, inside the instance folder."""
_FILE_NAME: Final = re.compile(r"[A-Za-z0-9_-]{8,60}\.bin")
_CHUNK: Final = 64 * 1024

log = logging.getLogger(__name__)


def files_folder(instance_folder: Path) -> Path:
    """The case-files folder, created ``0700`` if absent."""
    return private_folder(instance_folder / FILES_FOLDER)


def form_path(instance_folder: Path, name: str) -> Path:
    """Where the form file ``name`` lives; refuses anything but a plain random name
    (``<letters digits _ ->.bin``), so a stored name can never point outside the folder."""
    if not _FILE_NAME.fullmatch(name):
        msg = "Ogiltigt filnamn för en samtyckesblankett."
        raise ValueError(msg)
    return instance_folder / FILES_FOLDER / name


def destroy_file(path: Path) -> bool:
    """Overwrite ``path`` with zeros, sync it and unlink it; False if it was not there.

    A failure to overwrite is logged (the path only, never content) and the file is
    still unlinked."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return False
    try:
        fd = os.open(path, os.O_WRONLY)
        try:
            remaining = size
            while remaining > 0:
                remaining -= os.write(fd, bytes(min(_CHUNK, remaining)))
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as error:
        log.warning("Kunde inte skriva över %s före borttagning: %s", path.name, error.strerror)
    path.unlink(missing_ok=True)
    _sync_folder(path.parent)
    return True


def _sync_folder(folder: Path) -> None:
    """Make the unlink durable (the folder's entry)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def append_disposal_line(instance_folder: Path, record: Mapping[str, Any]) -> None:
    """Append ``record`` as one JSON line to the disposal log (``0600``), synced."""
    private_folder(instance_folder)
    path = instance_folder / DISPOSAL_LOG
    line = json.dumps(dict(record), ensure_ascii=False, sort_keys=True) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE_MODE)
    try:
        os.fchmod(fd, PRIVATE_FILE_MODE)
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def read_disposal_lines(instance_folder: Path) -> list[dict[str, Any]]:
    """Every readable record of the disposal log, oldest first (none if absent).

    A line that is not a JSON object with a ``ref`` (e.g. cut by a crash) is skipped
    and counted in the log."""
    path = instance_folder / DISPOSAL_LOG
    if not path.exists():
        return []
    records: list[dict[str, Any]] = []
    skipped = 0
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip():
            continue
        try:
            value = json.loads(raw)
        except ValueError:
            skipped += 1
            continue
        if isinstance(value, dict) and isinstance(value.get("ref"), str):
            records.append(value)
        else:
            skipped += 1
    if skipped:
        log.warning("Gallringsloggen: %d rader kunde inte läsas", skipped)
    return records
