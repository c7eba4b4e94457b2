"""Uploaded files: how they arrive, where they wait, when they are removed.

A file is sent by the browser (``assets/upload.js``) as the raw body of ``POST
/upload/<kind>`` (:mod:`dashboard.upload_routes`), streamed to ``instance/uploads``
in 1 MB pieces under a random token that carries the uploader's user id, and never
held in memory whole. The page gets the token, name and size in a ``dcc.Store``; the
callbacks that use the file take it from there with :func:`uploaded_file`, which
accepts only the current user's own tokens. Jobs remove the files they consume;
anything abandoned goes after an hour. Job progress and pid side files live beside.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Final
from urllib.parse import unquote

from dash import html
from flask import Flask, current_app

from dashboard.auth import csrf_token
from data.consent.files import destroy_file
from data.storage.private_files import PRIVATE_FILE_MODE, private_folder

UPLOAD_MAX_AGE_SECONDS: Final = 3600
CHUNK_BYTES: Final = 1024 * 1024
MAX_NAME: Final = 120
TOKEN: Final = re.compile(r"u(?P<user>\d{1,12})-[0-9a-f]{32}(?P<suffix>\.[a-z0-9]{1,10})")
MB: Final = 1024 * 1024


class UploadError(ValueError):
    """An upload that cannot be used; the message is Swedish."""


class UploadTooLarge(UploadError):
    """The upload is over its size limit."""


def too_large_message(limit: int) -> str:
    """The Swedish refusal of a file over ``limit`` bytes."""
    return f"Filen är för stor (högst {limit // MB} MB)."


def jobs_folder(app: Flask) -> Path:
    """Where uploads and job side files live (shared by this machine's workers; the
    folder and the instance folder around it are ``0700``)."""
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
    """Destroy uploads older than an hour (abandoned before import); return how many.

    Each is overwritten before it is unlinked (a scanned SSPF consent form is
    plaintext personal data). ``now`` is in the files' own clock (default
    :func:`filesystem_now`)."""
    limit = (now if now is not None else filesystem_now(folder)) - UPLOAD_MAX_AGE_SECONDS
    removed = 0
    for path in folder.iterdir():
        if path.is_file() and not path.name.startswith(".now-") and path.stat().st_mtime < limit:
            destroy_file(path)
            removed += 1
    return removed


def safe_name(raw: str) -> str:
    """The file name the browser sent, for messages only: percent-decoded, without
    any folder part or control characters, at most :data:`MAX_NAME` characters."""
    name = unquote(raw or "", errors="replace").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    if len(name) <= MAX_NAME:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot or len(suffix) > 10:
        return name[:MAX_NAME]
    return f"{stem[: MAX_NAME - len(suffix) - 1]}.{suffix}"  # the type stays readable


def new_token(user_id: int, suffix: str) -> str:
    """A fresh upload name for ``user_id``: ``u<id>-<32 hex><suffix>``."""
    return f"u{user_id}-{secrets.token_hex(16)}{suffix}"


def save_stream(stream: IO[bytes], path: Path, limit: int) -> int:
    """Copy ``stream`` to a new file at ``path`` (mode 0600) in 1 MB pieces; return
    the size. Over ``limit`` bytes: :class:`UploadTooLarge`, and nothing is kept — the
    partial file is overwritten, not only unlinked (it may be a consent form)."""
    size = 0
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as out:
            while block := stream.read(min(CHUNK_BYTES, limit + 1 - size)):
                size += len(block)
                if size > limit:
                    raise UploadTooLarge(too_large_message(limit))
                out.write(block)
    except BaseException:
        destroy_file(path)
        raise
    return size


@dataclass(frozen=True, slots=True)
class Uploaded:
    """A file the current user uploaded, waiting in :func:`upload_dir`."""

    path: Path
    name: str
    """The name the browser gave (for messages only; never a path)."""
    size: int


def uploaded_file(value: Any, user_id: int, suffixes: Collection[str]) -> Uploaded:
    """The upload a page's store names (``{"token", "name", "size"}`` from the upload
    route, or ``{"error": …}``); refuses anything but the user's own waiting file of
    one of ``suffixes`` with :class:`UploadError`."""
    if isinstance(value, dict) and isinstance(value.get("error"), str):
        raise UploadError(value["error"][:300])
    token = value.get("token") if isinstance(value, dict) else None
    path = owned_upload(token, user_id, suffixes)
    if path is None:
        msg = "Ladda upp filen (igen) först."
        raise UploadError(msg)
    return Uploaded(path, safe_name(str(value.get("name", ""))), path.stat().st_size)


def destroy_own_uploads(user_id: int, suffixes: Collection[str]) -> int:
    """Destroy ``user_id``'s waiting uploads of ``suffixes`` (a newer file replaces
    them: a second scanned form must not leave the first on disk); return how many."""
    removed = 0
    for path in upload_dir().iterdir():
        match = TOKEN.fullmatch(path.name)
        if match and int(match["user"]) == user_id and match["suffix"] in suffixes:
            removed += destroy_file(path)
    return removed


def owned_upload(token: Any, user_id: int, suffixes: Collection[str]) -> Path | None:
    """The file behind ``token`` when it is ``user_id``'s own and still there."""
    if not isinstance(token, str):
        return None
    match = TOKEN.fullmatch(token)
    if match is None or int(match["user"]) != user_id or match["suffix"] not in suffixes:
        return None
    path = upload_dir() / token
    return path if path.is_file() else None


def upload_box(
    box_id: str,
    *,
    kind: str,
    store_id: str,
    progress_id: str,
    text: Any,
    accept: str,
    limit: int,
) -> html.Div:
    """A drop zone that sends the chosen file to ``/upload/<kind>`` (``upload.js``).

    The script adds the file input, shows the sending progress in ``progress_id`` and
    puts the route's answer into the store ``store_id``; the form token rides along
    as a header, as other POSTs carry it in a field."""
    data: dict[str, Any] = {
        "data-upload-kind": kind,
        "data-upload-store": store_id,
        "data-upload-progress": progress_id,
        "data-upload-accept": accept,
        "data-upload-limit": str(limit),
        "data-csrf": csrf_token(),
    }
    return html.Div(
        [
            html.Div(text, className="upload-text"),
            html.Progress(id=progress_id, value="0", max="100", className="upload-progress"),
        ],
        id=box_id,
        className="upload-drop",
        role="button",
        tabIndex="0",
        **data,
    )


def report_items(lines: list[str] | tuple[str, ...], *, ok: bool) -> list[html.Li]:
    """Swedish report lines as list items, styled as success or error."""
    css = "report-ok" if ok else "report-error"
    return [html.Li(line, className=css) for line in lines]
