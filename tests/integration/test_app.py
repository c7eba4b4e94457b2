"""The app factory: no import-time work, Dash mounted with its extra endpoints off."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parents[2]


def test_importing_the_packages_does_no_work(tmp_path: Path) -> None:
    """Importing every module creates no app, no instance folder and no database."""
    modules = sorted(
        ".".join(p.relative_to(ROOT).with_suffix("").parts)
        for package in ("dashboard", "data", "geo")
        for p in (ROOT / package).rglob("*.py")
        if "migrations" not in p.parts and p.name != "__init__.py"
    )
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "import dash\n"
        "assert dash.page_registry == {}, 'a page was registered at import time'\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SSP_INSTANCE_PATH": str(tmp_path / "inst")}
    subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, check=True, timeout=120)
    assert list(tmp_path.iterdir()) == []


def test_dash_optional_endpoints_are_off(app: Flask) -> None:
    dash_app = app.extensions["dash"]
    assert dash_app._enable_mcp is False
    rules = {rule.rule for rule in app.url_map.iter_rules()}
    assert not [r for r in rules if "mcp" in r or "health" in r.replace("/healthz", "")]
    assert dash_app.config.health_endpoint is None


def test_anonymous_mcp_path_gets_no_dash_content(app: Flask) -> None:
    response = app.test_client().post("/_mcp", json={"method": "tools/list"})
    assert response.status_code == 401
