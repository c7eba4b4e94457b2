"""The command line: init-db, demo, demo-accounts, create-user."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from dashboard import create_app
from dashboard.state import app_state
from data.access.users import authenticate
from tests.clock import TEST_TODAY


@pytest.fixture
def fresh_app(tmp_path: Path) -> Flask:
    return create_app(
        {
            "SSP_INSTANCE_PATH": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}",
            "SECRET_KEY": "k" * 32,
        }
    )


def test_init_db_is_idempotent(fresh_app: Flask) -> None:
    runner = fresh_app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=["ssp", "init-db"])
        assert result.exit_code == 0, result.output
        assert "senaste schemaversionen" in result.output


def test_create_user_reads_the_password_from_stdin(fresh_app: Flask) -> None:
    runner = fresh_app.test_cli_runner()
    runner.invoke(args=["ssp", "init-db"])
    result = runner.invoke(
        args=["ssp", "create-user", "Kim.L", "--role", "coordinator", "--kommun", "0380"],
        input="ett-hemligt-lösenord\n",
    )
    assert result.exit_code == 0, result.output
    assert "kim.l" in result.output
    assert "ett-hemligt-lösenord" not in result.output
    with app_state(fresh_app).sessions() as session:
        user = authenticate(session, "kim.l", "ett-hemligt-lösenord")
        assert user is not None and user.kommun_code == "0380"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "coordinator"], "måste höra till en kommun"),
        (["--role", "god"], "Invalid value for '--role'"),
        (["--role", "police_area", "--kommun", "0380", "--area", "9999-X"], "Okända områdeskoder"),
        (["--role", "reporter", "--kommun", "0380", "--area", "9999-X"], "bara områdespoliser"),
    ],
)
def test_create_user_refuses_bad_input_clearly(
    fresh_app: Flask, args: list[str], message: str
) -> None:
    runner = fresh_app.test_cli_runner()
    runner.invoke(args=["ssp", "init-db"])
    result = runner.invoke(
        args=["ssp", "create-user", "kim", *args], input="ett-hemligt-lösenord\n"
    )
    assert result.exit_code != 0
    assert message in result.output


def test_short_password_is_refused(fresh_app: Flask) -> None:
    runner = fresh_app.test_cli_runner()
    runner.invoke(args=["ssp", "init-db"])
    result = runner.invoke(args=["ssp", "create-user", "kim", "--role", "admin"], input="kort\n")
    assert result.exit_code != 0
    assert "minst 12 tecken" in result.output


def test_demo_builds_once_prints_accounts_and_refuses_to_overwrite(
    fresh_app: Flask, tmp_path: Path
) -> None:
    runner = fresh_app.test_cli_runner()
    end = TEST_TODAY.isoformat()
    result = runner.invoke(args=["ssp", "demo", "--days", "60", "--end-date", end])
    assert result.exit_code == 0, result.output
    assert "samordnare" in result.output and "Lösenord:" in result.output
    password = (tmp_path / "demo-password.txt").read_text(encoding="utf-8").strip()
    assert password in result.output
    assert (tmp_path / "demo-password.txt").stat().st_mode & 0o077 == 0
    with app_state(fresh_app).sessions() as session:
        assert authenticate(session, "samordnare", password) is not None
    again = runner.invoke(args=["ssp", "demo", "--days", "60"])
    assert again.exit_code != 0
    assert "--force" in again.output
    accounts = runner.invoke(args=["ssp", "demo-accounts"])
    assert password in accounts.output


def test_demo_accounts_says_so_for_a_real_database(fresh_app: Flask) -> None:
    runner = fresh_app.test_cli_runner()
    runner.invoke(args=["ssp", "init-db"])
    result = runner.invoke(args=["ssp", "demo-accounts"])
    assert result.exit_code == 0
    assert "inga demodata" in result.output
