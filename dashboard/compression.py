"""Gzip for the Dash app's JSON: callback answers, the layout and the callback graph.

A filter change on Översikt answers with the map's values, the trend and the tables
as JSON; on a phone over a slow line its size is what the user waits for (JSON of
numbers shrinks to a fifth or less). Only these responses are compressed: they carry
no secret (no CSRF token, no session value), so a compression side channel (BREACH)
has nothing to read; HTML pages and the login form are sent as they are. Dash's
JavaScript bundles are fingerprinted and cached by the browser, so they are not
compressed again on every request either.
"""

from __future__ import annotations

import gzip
from typing import Final

from flask import Flask, Response, request

COMPRESSED_PATHS: Final = ("_dash-update-component", "_dash-layout", "_dash-dependencies")
"""Path endings of the responses that are gzipped."""
MIN_BYTES: Final = 1_024
"""Smaller responses are sent as they are: gzip would not pay for its header."""
LEVEL: Final = 5
"""Compression level: most of level 9's gain at a fraction of its time."""


def wants_gzip() -> bool:
    """True when the request's ``Accept-Encoding`` accepts gzip (and not with q=0)."""
    for part in request.headers.get("Accept-Encoding", "").split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() in {"gzip", "*"}:
            return params.replace(" ", "") not in {"q=0", "q=0.0", "q=0.00", "q=0.000"}
    return False


def compress_response(response: Response) -> Response:
    """``after_request``: gzip a Dash JSON response the client accepts gzip for."""
    if not request.path.endswith(COMPRESSED_PATHS):
        return response
    response.vary.add("Accept-Encoding")
    if (
        response.status_code != 200
        or response.direct_passthrough
        or response.is_streamed
        or "Content-Encoding" in response.headers
        or not wants_gzip()
    ):
        return response
    body = response.get_data()
    if len(body) < MIN_BYTES:
        return response
    response.set_data(gzip.compress(body, compresslevel=LEVEL, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    return response


def init_compression(app: Flask) -> None:
    """Install :func:`compress_response` on ``app``."""
    app.after_request(compress_response)
