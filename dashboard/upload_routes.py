"""``POST /upload/<kind>``: a file streamed to disk, never through a Dash callback.

The browser sends the file as the raw request body (``assets/upload.js``) with its
name in ``X-Upload-Name`` (percent-encoded) and the session's form token in
``X-CSRF-Token``. The route checks, before reading a byte of the body: a logged-in
user (``dashboard.auth.guard_request`` answers 401 otherwise), the role the kind
needs (403), the form token (400), the file type (400) and the declared size (413).
It then copies the body to ``instance/uploads`` in 1 MB pieces, counting, and stops
at the limit (413) whatever the request claimed. Nothing is parsed here: the page
hands the token to a background job (:mod:`dashboard.jobs`) or, for the two small
kinds, reads the file in its callback.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from flask import Blueprint, Response, current_app, jsonify, request
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge

from dashboard.auth import CSRF_EXPIRED, csrf_valid, current_session_user
from dashboard.pages import admin_areas, calendar_page, import_page, police_page, sspf
from dashboard.uploads import (
    MB,
    UploadTooLarge,
    destroy_own_uploads,
    new_token,
    remove_stale_uploads,
    safe_name,
    save_stream,
    too_large_message,
    upload_dir,
)
from data.consent.vocabulary import MAX_FORM_BYTES

bp = Blueprint("uploads", __name__)

NAME_HEADER: Final = "X-Upload-Name"
CSRF_HEADER: Final = "X-CSRF-Token"


@dataclass(frozen=True, slots=True)
class UploadKind:
    """Who may upload a kind of file, which types, and how much."""

    roles: tuple[str, ...]
    suffixes: tuple[str, ...]
    accepted: str
    """The accepted types in Swedish, for the refusal."""
    limit: Callable[[Mapping[str, Any]], int]
    """The size limit in bytes, from the app's config."""


KINDS: Final[dict[str, UploadKind]] = {
    "observations": UploadKind(
        import_page.ROLES,
        import_page.SUFFIXES,
        "CSV eller Excel (.xlsx)",
        lambda config: int(config["SSP_MAX_UPLOAD_MB"]) * MB,
    ),
    "areas": UploadKind(
        admin_areas.ROLES,
        admin_areas.LAYER_SUFFIXES,
        "GeoJSON, GeoPackage, zippad Shapefile eller GeoParquet",
        lambda config: int(config["SSP_MAX_LAYER_UPLOAD_MB"]) * MB,
    ),
    "population": UploadKind(
        admin_areas.ROLES,
        admin_areas.POPULATION_SUFFIXES,
        "CSV",
        lambda _config: admin_areas.MAX_POPULATION_BYTES,
    ),
    "school-calendar": UploadKind(
        calendar_page.ROLES,
        calendar_page.SCHOOL_SUFFIXES,
        "CSV, Excel (.xlsx) eller iCalendar (.ics)",
        lambda _config: calendar_page.MAX_SCHOOL_FILE_BYTES,
    ),
    "polisen": UploadKind(
        police_page.ROLES,
        police_page.POLISEN_SUFFIXES,
        "JSON från polisen.se",
        lambda _config: police_page.MAX_POLISEN_BYTES,
    ),
    "sspf_form": UploadKind(
        sspf.WRITERS,
        sspf.FORM_SUFFIXES,
        "PDF, JPEG eller PNG",
        lambda _config: MAX_FORM_BYTES,
    ),
}
"""Every kind of upload, by the name in its URL."""
REPLACED: Final = frozenset({"sspf_form"})
"""Kinds whose new upload destroys the user's waiting ones (of the kind's types): a
scanned consent form chosen twice must not leave the first plaintext copy on disk.
Their types are no other kind's (tests/integration/test_upload_route.py)."""


def upload_limit(kind: str) -> int:
    """The size limit of ``kind`` in bytes (for the page's drop zone)."""
    return KINDS[kind].limit(current_app.config)


def _refuse(status: int, message: str, *, close: bool = False) -> tuple[Response, int]:
    response = jsonify({"error": message})
    if close:  # the body was not read: do not let the server drain it
        response.headers["Connection"] = "close"
    return response, status


@bp.post("/upload/<kind>")
def upload(kind: str) -> tuple[Response, int]:
    """Stream one file to the uploads folder; answer its token, name and size (201)."""
    spec = KINDS.get(kind)
    if spec is None:
        return _refuse(404, "Okänd sorts uppladdning.", close=True)
    user = current_session_user()
    if user.role not in spec.roles:
        return _refuse(403, "Din roll får inte ladda upp den här sortens fil.", close=True)
    if not csrf_valid(request.headers.get(CSRF_HEADER)):
        return _refuse(400, CSRF_EXPIRED, close=True)
    name = safe_name(request.headers.get(NAME_HEADER, ""))
    _stem, dot, extension = name.rpartition(".")
    suffix = f".{extension.lower()}" if dot and extension else ""
    if suffix not in spec.suffixes:
        message = f"Filtypen {suffix or '(ingen)'} stöds inte: använd {spec.accepted}."
        return _refuse(400, message, close=True)
    limit = spec.limit(current_app.config)
    request.max_content_length = limit
    if request.content_length is not None and request.content_length > limit:
        return _refuse(413, too_large_message(limit), close=True)
    folder = upload_dir()
    remove_stale_uploads(folder)
    if kind in REPLACED:
        destroy_own_uploads(user.id, spec.suffixes)
    token = new_token(user.id, suffix)
    try:
        size = save_stream(request.stream, folder / token, limit)
    except (UploadTooLarge, RequestEntityTooLarge):
        return _refuse(413, too_large_message(limit), close=True)
    except (ClientDisconnected, OSError):
        return _refuse(400, "Uppladdningen avbröts. Försök igen.", close=True)
    if size == 0:
        (folder / token).unlink(missing_ok=True)
        return _refuse(400, "Filen är tom.")
    return jsonify({"token": token, "name": name, "size": size}), 201


@bp.app_errorhandler(RequestEntityTooLarge)
def _too_large(_error: RequestEntityTooLarge) -> tuple[Response, int]:
    """Any other request over its size limit: a Swedish answer, not Werkzeug's page."""
    return _refuse(413, "Förfrågan är för stor.", close=True)
