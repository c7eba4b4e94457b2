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
import tempfile
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any, Final

from data.storage.private_files import PRIVATE_FILE_MODE, private_folder

FILES_FOLDER: Final = "sspf-files"
"""The case-files folder, inside the instance folder."""
DISPOSAL_LOG: Final = "sspf-disposals.jsonl"
"""The disposal log's mirror, inside the instance folder."""
_FILE_NAME: Final = re.compile(r"[A-Za-z0-9_-]{8,60}\.bin")
_CHUNK: Final = 64 * 1024
STALE_SECONDS: Final = 3600
"""An unreferenced form file or a scanned-form upload older than this is destroyed."""
FORM_UPLOAD_SUFFIXES: Final = (".pdf", ".jpg", ".jpeg", ".png")
"""The types of a scanned consent form upload (``sspf_form``; the page's ``FORM_SUFFIXES``)."""
_UPLOAD_NAME: Final = re.compile(r"u\d{1,12}-[0-9a-f]{32}(?P<suffix>\.[a-z0-9]{1,10})")

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


def filesystem_now(folder: Path) -> float:
    """The current time as the file system stamps it (a probe file's mtime): file
    ages are measured against the clock that wrote them, never against a pinned app
    clock or the machine's date read here."""
    with tempfile.NamedTemporaryFile(dir=folder, prefix=".now-") as probe:
        return os.fstat(probe.fileno()).st_mtime


def _older_than(path: Path, limit: float) -> bool:
    try:
        return path.is_file() and path.stat().st_mtime < limit
    except OSError:
        return False


def destroy_orphan_forms(
    instance_folder: Path, referenced: Collection[str], *, max_age: float = STALE_SECONDS
) -> int:
    """Destroy (:func:`destroy_file`) every form file in the case-files folder that no
    consent references (``referenced``: the stored ``form_file`` names) and that is
    older than ``max_age`` seconds (a younger one may belong to a consent being
    recorded right now); the number destroyed. Left behind by a crash or a failed
    commit between writing the file and storing its name."""
    folder = instance_folder / FILES_FOLDER
    if not folder.is_dir():
        return 0
    limit = filesystem_now(folder) - max_age
    keep = set(referenced)
    destroyed = 0
    for path in folder.iterdir():
        if _FILE_NAME.fullmatch(path.name) and path.name not in keep and _older_than(path, limit):
            destroyed += destroy_file(path)
    return destroyed


def destroy_stale_form_uploads(
    uploads_folder: Path,
    *,
    suffixes: Collection[str] = FORM_UPLOAD_SUFFIXES,
    max_age: float = STALE_SECONDS,
) -> int:
    """Destroy every upload in ``uploads_folder`` of a scanned-form type (plaintext
    forms that were never recorded) older than ``max_age`` seconds; the number
    destroyed. Only the upload route's names (``u<id>-<32 hex><suffix>``) are touched."""
    if not uploads_folder.is_dir():
        return 0
    limit = filesystem_now(uploads_folder) - max_age
    destroyed = 0
    for path in uploads_folder.iterdir():
        match = _UPLOAD_NAME.fullmatch(path.name)
        if match and match["suffix"] in suffixes and _older_than(path, limit):
            destroyed += destroy_file(path)
    return destroyed
