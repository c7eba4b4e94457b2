"""Uploaded files: where they wait, how they are decoded, when they are removed.

Files arrive through ``dcc.Upload`` as base64 data URLs in a callback, are written
to ``instance/uploads`` under a random token, and are removed by the job that uses
them, or after an hour when abandoned. Job progress side files live beside them.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
import tempfile
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from dash import html
from flask import Flask, current_app

from data.storage.private_files import private_folder, write_private

UPLOAD_MAX_AGE_SECONDS = 3600
T = TypeVar("T")


class UploadError(ValueError):
    """An upload that cannot be used; the message is Swedish."""


def jobs_folder(app: Flask) -> Path:
    """Where uploads and job progress side files live (shared by this machine's workers;
    the folder and the instance folder around it are ``0700``)."""
    return private_folder(private_folder(Path(app.instance_path)) / "uploads")


def upload_dir() -> Path:
    """Where uploaded files wait for their import (inside the instance folder)."""
    return jobs_folder(current_app._get_current_object())  # type: ignore[attr-defined]


def filesystem_now(folder: Path) -> float:
    """The current time as the file system stamps it (a new file's mtime, removed again).

    Upload ages are measured against the clock that wrote the files' mtimes, not the
    app's clock: an app clock pinned to another day (``SSP_TODAY``, frozen tests) must
    not make a file written a second ago look a year old."""
    with tempfile.NamedTemporaryFile(dir=folder, prefix=".now-") as probe:
        return os.fstat(probe.fileno()).st_mtime


def remove_stale_uploads(folder: Path, *, now: float | None = None) -> int:
    """Delete uploads older than an hour (abandoned before import); return how many.

    ``now`` is in the files' own clock (default :func:`filesystem_now`)."""
    limit = (now if now is not None else filesystem_now(folder)) - UPLOAD_MAX_AGE_SECONDS
    removed = 0
    for path in folder.iterdir():
        if path.is_file() and not path.name.startswith(".now-") and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def decode_upload(contents: Any, limit: int) -> bytes:
    """The bytes of a ``dcc.Upload`` data URL; refuses other input and oversize files."""
    if not isinstance(contents, str) or "," not in contents:
        msg = "Ingen fil mottogs."
        raise UploadError(msg)
    encoded = contents.split(",", 1)[1]
    if len(encoded) * 3 // 4 > limit:
        msg = f"Filen är för stor (högst {limit // (1024 * 1024)} MB)."
        raise UploadError(msg)
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        msg = "Filen kunde inte avkodas."
        raise UploadError(msg) from None


@dataclass(frozen=True, slots=True)
class KeptUpload(Generic[T]):
    """An upload written to the uploads folder, with what its reader found in it."""

    name: str
    """The file name the browser sent (for messages only; never a path)."""
    token: str
    """The name it waits under in :func:`upload_dir`."""
    size: int
    content: T


def keep_upload(
    contents: Any,
    filename: Any,
    *,
    suffixes: Collection[str],
    accepted: str,
    limit: int,
    read: Callable[[Path, bytes], T],
    prefix: str = "",
) -> KeptUpload[T]:
    """Decode an upload, write it under a fresh token and ``read`` it.

    Refuses a file type outside ``suffixes`` (``accepted`` names them in the
    message) and oversize files with :class:`UploadError`; a file ``read`` raises
    on is removed again and the error passes on. Abandoned uploads are removed first.
    """
    name = filename if isinstance(filename, str) else ""
    suffix = Path(name).suffix.lower()
    if suffix not in suffixes:
        msg = f"Filtypen {suffix or '(ingen)'} stöds inte: använd {accepted}."
        raise UploadError(msg)
    folder = upload_dir()
    remove_stale_uploads(folder)
    data = decode_upload(contents, limit)
    token = f"{prefix}{secrets.token_hex(16)}{suffix}"
    path = folder / token
    write_private(path, data)
    try:
        content = read(path, data)
    except BaseException:  # whatever the reader says, the file is not kept
        path.unlink(missing_ok=True)
        raise
    return KeptUpload(name=name, token=token, size=len(data), content=content)


def report_items(lines: list[str] | tuple[str, ...], *, ok: bool) -> list[html.Li]:
    """Swedish report lines as list items, styled as success or error."""
    css = "report-ok" if ok else "report-error"
    return [html.Li(line, className=css) for line in lines]
