"""Gunicorn's access log never holds an association's link token (issue 17)."""

from __future__ import annotations

import importlib
import runpy
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

Config = importlib.import_module("gunicorn.config").Config
"""Gunicorn's settings (gunicorn ships no type stubs; imported by name)."""
TOKEN = "kPbQkE2XGgTHlQuDb6OH0eZ9BevekRPXGyzUN_FCrnA"


def test_the_access_log_cuts_the_token_from_path_request_line_and_referrer() -> None:
    conf = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
    logger = conf["logger_class"](Config())
    environ = {
        "REQUEST_METHOD": "POST",
        "RAW_URI": f"/forening/{TOKEN}/rapport?klart=x",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "PATH_INFO": f"/forening/{TOKEN}/rapport",
        "QUERY_STRING": "klart=x",
        "HTTP_REFERER": f"https://ssp.example/forening/{TOKEN}",
        "REMOTE_ADDR": "192.0.2.1",
    }
    response = SimpleNamespace(status="303 SEE OTHER", sent=0, headers=[])
    request = SimpleNamespace(headers=[("REFERER", f"https://ssp.example/forening/{TOKEN}")])
    atoms = logger.atoms(response, request, environ, timedelta(milliseconds=5))
    assert TOKEN not in repr(atoms)
    assert atoms["r"] == "POST /forening/…/rapport?klart=x HTTP/1.1"
    assert atoms["U"] == "/forening/…/rapport"
    assert atoms["f"] == "https://ssp.example/forening/…"
    assert atoms["U"] != environ["PATH_INFO"]


def test_other_paths_are_logged_as_they_are() -> None:
    conf = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
    logger = conf["logger_class"](Config())
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": "/planering", "SERVER_PROTOCOL": "HTTP/1.1",
               "PATH_INFO": "/planering"}  # fmt: skip
    atoms = logger.atoms(
        SimpleNamespace(status="200 OK", sent=1, headers=[]),
        SimpleNamespace(headers=[]),
        environ,
        timedelta(0),
    )
    assert atoms["r"] == "GET /planering HTTP/1.1"
