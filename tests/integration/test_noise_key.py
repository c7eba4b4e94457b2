"""The cell key method's noise key: one random secret in the database, not SECRET_KEY.

The attack (issue 14, finding 11): the noise key was derived from ``SECRET_KEY``, so
two hosts (or one host before and after a key change) published the same cell with
different noise, and asking each gave values to average (18, 21, 20 for one cell).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, select

from dashboard import create_app
from dashboard.auth import viewer_for
from dashboard.state import app_state
from data.privacy.noise_key import (
    NOISE_KEY_BYTES,
    NOISE_KEY_NAME,
    ensure_noise_key,
    rotate_noise_key,
)
from data.storage.db import make_engine, make_session_factory, unit_of_work
from data.storage.models import InstanceSecret
from data.storage.setup import initialise_database
from tests.clock import TEST_TODAY
from tests.conftest import DEMO_PASSWORD
from tests.helpers import login

API = "/api/v1/aggregates"
QUESTION = {
    "level": "custom",
    "group_by": "area,category",
    "from": "2026-01-05",
    "to": TEST_TODAY.isoformat(),
}


def stored_keys(engine: Engine) -> list[bytes]:
    with make_session_factory(engine)() as session:
        return [bytes(v) for v in session.scalars(select(InstanceSecret.value))]


def test_a_new_database_gets_one_random_32_byte_key_at_init(engine: Engine) -> None:
    (key,) = stored_keys(engine)  # initialise_database (ssp init-db) made it
    assert len(key) == NOISE_KEY_BYTES
    initialise_database(engine)  # idempotent: the key stays
    assert stored_keys(engine) == [key]
    with unit_of_work(make_session_factory(engine)) as session:
        assert ensure_noise_key(session) == key


def test_two_new_databases_get_different_keys(tmp_path: Path) -> None:
    keys = []
    for name in ("a", "b"):
        eng = make_engine(f"sqlite:///{tmp_path / name}.sqlite")
        initialise_database(eng)
        keys.extend(stored_keys(eng))
        eng.dispose()
    assert len(keys) == 2 and keys[0] != keys[1]


def test_processes_starting_together_on_a_new_database_agree_on_one_key(
    engine: Engine,
) -> None:
    with unit_of_work(make_session_factory(engine)) as session:
        session.query(InstanceSecret).delete()
    factory = make_session_factory(engine)
    start = threading.Barrier(6)
    found: list[bytes] = []

    def worker() -> None:
        start.wait()
        with unit_of_work(factory) as session:
            found.append(ensure_noise_key(session))

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(found) == 6 and len(set(found)) == 1
    assert stored_keys(engine) == found[:1]


@pytest.fixture
def two_hosts(app: Flask) -> tuple[Flask, Flask]:
    """Two apps on the test's copy of the demo database with different secret keys
    (two nodes, or one node before and after its SECRET_KEY changed)."""
    url = app_state(app).engine.url.render_as_string(hide_password=False)
    hosts = tuple(
        create_app(
            {
                "SSP_INSTANCE_PATH": app.config["SSP_INSTANCE_PATH"],
                "DATABASE_URL": url,
                "SECRET_KEY": secret,
                "TESTING": True,
            }
        )
        for secret in ("first-host-" + "a" * 32, "second-host-" + "b" * 32)
    )
    return hosts[0], hosts[1]


def published(host: Flask) -> list[dict[str, Any]]:
    client: FlaskClient = host.test_client()
    assert login(client, "samordnare", DEMO_PASSWORD).status_code == 302
    response = client.get(API, query_string=QUESTION)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    cells: list[dict[str, Any]] = response.get_json()["cells"]
    return cells


def noise_key_of(host: Flask) -> bytes:
    with host.test_request_context():
        return viewer_for("coordinator", "0380").level.noise_key


def test_hosts_with_different_secret_keys_publish_identical_noisy_values(
    two_hosts: tuple[Flask, Flask],
) -> None:
    first, second = two_hosts
    first_cells, second_cells = published(first), published(second)
    assert sum(1 for c in first_cells if not c["suppressed"]) > 50
    assert first_cells == second_cells  # nothing to average
    assert noise_key_of(first) == noise_key_of(second)


def test_keys_derived_from_secret_key_would_publish_different_values(
    two_hosts: tuple[Flask, Flask],
) -> None:
    """The attack as it worked before: the comparison above can fail."""
    for host in two_hosts:
        derived = hashlib.sha256(
            b"ssp-lagesbild/cell-key/" + str(host.config["SECRET_KEY"]).encode()
        ).digest()
        state = app_state(host)
        state.noise_keys[state.engine.url.render_as_string(hide_password=True)] = derived
    first, second = (published(host) for host in two_hosts)
    assert first != second


def test_the_key_is_not_derived_from_secret_key(app: Flask) -> None:
    key = noise_key_of(app)
    secret = str(app.config["SECRET_KEY"]).encode()
    assert len(key) == NOISE_KEY_BYTES
    assert key not in {
        hashlib.sha256(b"ssp-lagesbild/cell-key/" + secret).digest(),
        hashlib.sha256(secret).digest(),
        secret[:NOISE_KEY_BYTES],
    }
    with app_state(app).sessions() as session:
        row = session.get(InstanceSecret, NOISE_KEY_NAME)
    assert row is not None and bytes(row.value) == key


def test_rotation_needs_the_explicit_flag_and_then_changes_the_key(tmp_path: Path) -> None:
    app = create_app(
        {
            "SSP_INSTANCE_PATH": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'rotate.sqlite'}",
            "SECRET_KEY": "k" * 32,
        }
    )
    runner = app.test_cli_runner()
    assert runner.invoke(args=["ssp", "init-db"]).exit_code == 0
    engine = app_state(app).engine
    before = stored_keys(engine)
    refused = runner.invoke(args=["ssp", "rotate-noise-key"])
    assert refused.exit_code != 0 and "--yes-i-understand" in refused.output
    assert stored_keys(engine) == before
    rotated = runner.invoke(args=["ssp", "rotate-noise-key", "--yes-i-understand"])
    assert rotated.exit_code == 0, rotated.output
    assert "Starta om" in rotated.output
    after = stored_keys(engine)
    assert len(after) == 1 and after != before and len(after[0]) == NOISE_KEY_BYTES


def test_a_running_process_keeps_its_key_until_restart(app: Flask) -> None:
    """Rotation never changes the noise under a running worker (no silent change)."""
    key: Callable[[], bytes] = app_state(app).noise_key
    before = key()
    with unit_of_work(app_state(app).sessions) as session:
        rotate_noise_key(session)
    assert key() == before
    assert stored_keys(app_state(app).engine) != [before]
