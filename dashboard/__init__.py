"""Flask + Dash web layer of SSP Lägesbild.

``create_app`` builds everything; nothing happens at import time.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask

from dashboard.api import bp as api_bp
from dashboard.association_routes import bp as association_bp
from dashboard.association_routes import redact_link_tokens
from dashboard.auth import init_auth
from dashboard.cli import ssp_cli
from dashboard.compression import init_compression
from dashboard.config import load_config
from dashboard.dash_app import init_dash
from dashboard.i18n import init_i18n
from dashboard.lagesbild_routes import bp as lagesbild_bp
from dashboard.ratelimit import init_rate_limits
from dashboard.routes import bp as routes_bp
from dashboard.security_headers import init_security_headers
from dashboard.sspf_routes import bp as sspf_bp
from dashboard.state import EXTENSION, AppState, close_db_session
from dashboard.upload_routes import bp as uploads_bp
from data.consent.crypto import load_cipher
from data.counts.cube import CubeCache
from data.counts.snapshot import database_tag
from data.storage.db import make_engine, make_session_factory
from data.storage.private_files import private_folder, tighten_folder


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Create the Flask app with the Dash UI mounted.

    ``config`` overrides the environment (``DATABASE_URL``, ``SSP_INSTANCE_PATH``,
    ``SECRET_KEY``, ``SSP_DEMO``, ``SSP_MIN_CELL``, ``SSP_MIN_CELL_LEADERSHIP``).
    """
    settings = load_config(config)
    instance = private_folder(Path(settings["SSP_INSTANCE_PATH"]))
    # Files left readable by an older version (database, secret key, uploads) are closed.
    tighten_folder(instance)
    tighten_folder(instance / "uploads")
    app = Flask(__name__, instance_path=str(instance))
    app.config.update(settings)
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings["SSP_COOKIE_SECURE"],
        REMEMBER_COOKIE_SECURE=settings["SSP_COOKIE_SECURE"],
        REMEMBER_COOKIE_HTTPONLY=True,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings["SSP_SESSION_HOURS"]),
        # Every request body but an upload's (``POST /upload/<kind>``, which sets its own).
        MAX_CONTENT_LENGTH=8 * 1024 * 1024,
    )
    engine = make_engine(settings["DATABASE_URL"])
    cipher = load_cipher(settings["SSP_CASE_KEYS"], instance)
    snapshots = settings.get("SSP_CUBE_SNAPSHOTS", not settings.get("TESTING"))
    cubes = CubeCache(
        snapshots=instance / "cube" if str(snapshots).lower() not in {"0", "false", ""} else None,
        database=database_tag(settings["DATABASE_URL"]),
    )
    app.extensions[EXTENSION] = AppState(
        engine=engine, sessions=make_session_factory(engine), cipher=cipher, cubes=cubes
    )
    app.teardown_appcontext(close_db_session)
    init_auth(app)
    init_i18n(app)
    app.register_blueprint(routes_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(uploads_bp)
    app.register_blueprint(lagesbild_bp)
    app.register_blueprint(association_bp)
    app.register_blueprint(sspf_bp)
    redact_link_tokens(app)
    init_rate_limits(app)  # after init_auth: limits see the bearer token's user
    app.cli.add_command(ssp_cli)
    init_dash(app)
    init_compression(app)
    init_security_headers(app)
    return app
