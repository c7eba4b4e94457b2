"""Configuration from the environment; the secret key is generated, never a constant."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from dashboard.config import load_config


def test_secret_key_is_generated_once_and_kept_private(tmp_path: Path) -> None:
    env = {"SSP_INSTANCE_PATH": str(tmp_path)}
    first = load_config(environ=env)["SECRET_KEY"]
    second = load_config(environ=env)["SECRET_KEY"]
    assert first == second and len(first) >= 64
    mode = stat.S_IMODE((tmp_path / "secret_key").stat().st_mode)
    assert mode == 0o600


def test_two_instances_get_different_keys(tmp_path: Path) -> None:
    a = load_config(environ={"SSP_INSTANCE_PATH": str(tmp_path / "a")})["SECRET_KEY"]
    b = load_config(environ={"SSP_INSTANCE_PATH": str(tmp_path / "b")})["SECRET_KEY"]
    assert a != b


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path: Path) -> None:
    config = load_config(environ={"SSP_INSTANCE_PATH": str(tmp_path)})
    assert config["DATABASE_URL"] == f"sqlite:///{tmp_path.resolve() / 'ssp.sqlite'}"
    assert config["SSP_DEMO"] is False
    assert config["SSP_MIN_CELL"] == 5


def test_environment_and_overrides(tmp_path: Path) -> None:
    env = {
        "SSP_INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": "postgresql+psycopg://u@h/db",
        "SSP_DEMO": "ja",
        "SSP_MIN_CELL": "7",
        "SECRET_KEY": "from-env",
    }
    config = load_config({"SSP_MIN_CELL": 9}, environ=env)
    assert config["DATABASE_URL"] == "postgresql+psycopg://u@h/db"
    assert config["SSP_DEMO"] is True
    assert config["SSP_MIN_CELL"] == 9
    assert config["SECRET_KEY"] == "from-env"
    assert not (tmp_path / "secret_key").exists()


def test_malformed_threshold_is_refused_with_its_name(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="SSP_MIN_CELL must be a whole number"):
        load_config(environ={"SSP_INSTANCE_PATH": str(tmp_path), "SSP_MIN_CELL": "fem"})


def test_event_window_hours_come_from_the_environment(tmp_path: Path) -> None:
    config = load_config(
        {"SSP_INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "k" * 32},
        {"SSP_EVENT_WINDOWS": "valborg=20-04"},
    )
    (valborg,) = [r for r in config["SSP_EVENT_WINDOW_RULES"] if r.key == "valborg"]
    assert (valborg.start_hour, valborg.end_days, valborg.end_hour) == (20, 1, 4)
    with pytest.raises(ValueError, match="SSP_EVENT_WINDOWS"):
        load_config({"SSP_INSTANCE_PATH": str(tmp_path)}, {"SSP_EVENT_WINDOWS": "x=1-2"})


def test_walk_pay_settings(tmp_path: Path) -> None:
    base = {"SSP_INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "k" * 32}
    config = load_config(base, {"SSP_PAY_PER_NIGHT": "450,50", "SSP_PAY_MIN_WALKERS": "4"})
    assert (config["SSP_PAY_PER_NIGHT"], config["SSP_PAY_MIN_WALKERS"]) == (450.5, 4)
    assert load_config(base, {})["SSP_PAY_PER_NIGHT"] == 0
    for bad in ("-1", "mycket", "nan"):
        with pytest.raises(ValueError, match="SSP_PAY_PER_NIGHT"):
            load_config(base, {"SSP_PAY_PER_NIGHT": bad})


def test_upload_limits_and_the_job_runner(tmp_path: Path) -> None:
    base = {"SSP_INSTANCE_PATH": str(tmp_path)}
    defaults = load_config(base, {})
    assert defaults["SSP_MAX_UPLOAD_MB"] == 60
    assert defaults["SSP_MAX_LAYER_UPLOAD_MB"] == 100
    assert defaults["SSP_JOB_RUNNER"] == "process"  # parsing never in a web worker
    chosen = load_config(base, {"SSP_MAX_UPLOAD_MB": "120", "SSP_JOB_RUNNER": "thread"})
    assert chosen["SSP_MAX_UPLOAD_MB"] == 120 and chosen["SSP_JOB_RUNNER"] == "thread"
    with pytest.raises(ValueError, match="SSP_JOB_RUNNER"):
        load_config(base, {"SSP_JOB_RUNNER": "celery"})
    with pytest.raises(ValueError, match="SSP_MAX_UPLOAD_MB"):
        load_config(base, {"SSP_MAX_UPLOAD_MB": "sextio"})


def test_throttling_settings_default_to_one_process_and_no_trusted_proxy(
    tmp_path: Path,
) -> None:
    config = load_config(environ={"SSP_INSTANCE_PATH": str(tmp_path)})
    assert config["REDIS_URL"] == ""
    assert config["SSP_REDIS_PREFIX"] == "ssp"
    assert config["SSP_TRUSTED_PROXIES"] == 0
    assert config["SSP_LOGIN_ADDRESS_RATE"] == "30/minute"
    assert config["SSP_API_TOKEN_RATE"] == "60/minute"
    given = load_config(
        environ={
            "SSP_INSTANCE_PATH": str(tmp_path),
            "REDIS_URL": "redis://redis.internal:6379/2",
            "SSP_TRUSTED_PROXIES": "1",
            "SSP_API_TOKEN_RATE": "1000 per hour",
        }
    )
    assert given["REDIS_URL"] == "redis://redis.internal:6379/2"
    assert given["SSP_TRUSTED_PROXIES"] == 1
    assert given["SSP_API_TOKEN_RATE"] == "1000 per hour"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("SSP_TRUSTED_PROXIES", "-1", "must not be negative"),
        ("SSP_TRUSTED_PROXIES", "en", "must be a whole number"),
        ("SSP_API_TOKEN_RATE", "många", "must be one rate"),
        ("SSP_API_TOKEN_RATE", "0/minute", "must be one rate"),
        ("SSP_LOGIN_ADDRESS_RATE", "30/minute;5/second", "must be one rate"),
    ],
)
def test_malformed_throttling_settings_are_refused_with_their_name(
    tmp_path: Path, name: str, value: str, message: str
) -> None:
    with pytest.raises(ValueError, match=f"{name} {message}"):
        load_config(environ={"SSP_INSTANCE_PATH": str(tmp_path), name: value})


@pytest.mark.parametrize(
    ("env", "secure"),
    [
        ({}, True),  # a real deployment: HTTPS, Secure cookie
        ({"SSP_DEMO": "1"}, False),  # make run: plain HTTP on loopback
        ({"SSP_COOKIE_SECURE": "0"}, False),  # explicitly served over HTTP
        ({"SSP_DEMO": "1", "SSP_COOKIE_SECURE": "1"}, True),  # the demo behind HTTPS
    ],
)
def test_the_session_cookie_is_secure_by_default_outside_the_demo(
    tmp_path: Path, env: dict[str, str], secure: bool
) -> None:
    base = {"SSP_INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "k" * 32}
    assert load_config(environ={**base, **env})["SSP_COOKIE_SECURE"] is secure


def test_the_demo_flag_given_to_create_app_decides_the_cookie_default(tmp_path: Path) -> None:
    config = load_config({"SSP_INSTANCE_PATH": str(tmp_path), "SSP_DEMO": True}, environ={})
    assert config["SSP_COOKIE_SECURE"] is False
    assert load_config({"SSP_INSTANCE_PATH": str(tmp_path)}, environ={})["SSP_HSTS_SECONDS"] > 0
