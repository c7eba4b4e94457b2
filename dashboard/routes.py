"""Plain Flask routes: health check and the static area geometry per layer."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, jsonify, request

from dashboard.auth import current_viewer
from dashboard.state import app_state, areas_version, current_cube, db_session
from data.access.scope import AccessDenied
from data.areas.browser import area_layer_geojson, layer_scope
from data.ingest.observations import template_csv
from data.storage.db import database_answers
from data.vocabulary import AREA_LEVELS, codes

bp = Blueprint("routes", __name__)


@bp.route("/healthz")
def healthz() -> Any:
    """200 ``{"status": "ok", "database": "ok"}`` when the database answers, else 503."""
    if database_answers(app_state().engine):
        return jsonify({"status": "ok", "database": "ok"})
    return jsonify({"status": "error", "database": "unavailable"}), 503


@bp.route("/importera/mall.csv")
def observation_template() -> Response:
    """The import template (header + one example row), UTF-8 with BOM for Excel."""
    try:
        current_viewer()  # signed-in users only
    except AccessDenied:
        abort(403)
    response = Response("\ufeff" + template_csv(), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = 'attachment; filename="ssp-observationer-mall.csv"'
    return response


@bp.route("/geo/<kommun>/<level>.geojson")
def area_geometry(kommun: str, level: str) -> Response:
    """Simplified area polygons of one layer, served once and cached by the browser.

    The URL carries the areas version (``?v=``), so the response is immutable; an
    ETag lets a browser revalidate cheaply. Only areas in the viewer's scope.
    """
    if not (kommun.isdigit() and len(kommun) == 4) or level not in codes(AREA_LEVELS):
        abort(404)
    viewer = current_viewer()
    cube = current_cube()
    try:
        scope = layer_scope(cube, kommun, level, viewer)
    except AccessDenied:
        abort(403)
    key = (kommun, level, areas_version(), scope)
    body, zipped, etag = app_state().layer(
        key, lambda: area_layer_geojson(db_session(), cube, kommun, level, scope)
    )
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    elif "gzip" in request.headers.get("Accept-Encoding", ""):
        response = Response(zipped, mimetype="application/geo+json")
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = Response(body, mimetype="application/geo+json")
    response.set_etag(etag)
    response.headers["Vary"] = "Accept-Encoding, Cookie"
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response
