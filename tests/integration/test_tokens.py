"""API bearer tokens: storage on SQLite and PostgreSQL, and the command line."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import Engine, delete, func, select

from dashboard import create_app
from dashboard.state import app_state
from data.access.tokens import (
    DEFAULT_LIFETIME,
    TOUCH_INTERVAL,
    TokenError,
    check_token,
    create_token,
    hash_token,
    list_tokens,
    revoke_token,
    verify_token,
)
from data.access.users import create_user
from data.clock import SWEDISH_TIME
from data.storage.db import make_session_factory, unit_of_work
from data.storage.models import ApiToken, User
from data.storage.setup import initialise_database

PASSWORD = "ett-långt-lösenord"


def _user(engine: Engine, username: str = "kim", *, active: bool = True) -> None:
    with unit_of_work(make_session_factory(engine)) as session:
        user = create_user(session, username, PASSWORD, role="coordinator", kommun_code="0380")
        user.active = active


def _token(engine: Engine, username: str = "kim", label: str = "") -> tuple[int, str]:
    with unit_of_work(make_session_factory(engine)) as session:
        token, secret = create_token(session, username, label=label)
        return token.id, secret


def _verify(engine: Engine, secret: str) -> str | None:
    with unit_of_work(make_session_factory(engine)) as session:
        user = verify_token(session, secret)
        return None if user is None else user.username


def test_a_token_verifies_as_its_user_until_revoked(engine: Engine) -> None:
    _user(engine)
    token_id, secret = _token(engine)
    assert _verify(engine, secret) == "kim"
    with unit_of_work(make_session_factory(engine)) as session:
        revoke_token(session, token_id)
    assert _verify(engine, secret) is None


def test_only_the_hash_is_stored(engine: Engine) -> None:
    _user(engine)
    _, secret = _token(engine)
    with make_session_factory(engine)() as session:
        stored = session.scalars(select(ApiToken.token_hash)).all()
    assert stored == [hash_token(secret)]
    assert secret not in stored[0]


def test_wrong_or_malformed_tokens_verify_as_nobody(engine: Engine) -> None:
    _user(engine)
    _, secret = _token(engine)
    for wrong in (secret[:-1], secret + "x", secret.upper(), "", " " + secret, "ssp_ä", "x" * 500):
        assert _verify(engine, wrong) is None, wrong


def test_a_deactivated_users_token_stops_working(engine: Engine) -> None:
    _user(engine)
    _, secret = _token(engine)
    with unit_of_work(make_session_factory(engine)) as session:
        session.scalars(select(User).filter_by(username="kim")).one().active = False
    assert _verify(engine, secret) is None


def test_tokens_are_deleted_with_their_user(engine: Engine) -> None:
    _user(engine)
    _token(engine)
    with unit_of_work(make_session_factory(engine)) as session:
        session.execute(delete(User).where(User.username == "kim"))
    with make_session_factory(engine)() as session:
        assert session.scalar(select(func.count()).select_from(ApiToken)) == 0


def test_last_use_is_written_at_most_every_few_minutes(engine: Engine) -> None:
    _user(engine)
    token_id, secret = _token(engine)
    start = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)
    factory = make_session_factory(engine)
    zero = timedelta(0)
    # (when used, last use recorded): within the interval the first use stays.
    for offset, recorded in (
        (zero, zero),
        (TOUCH_INTERVAL / 2, zero),
        (TOUCH_INTERVAL, TOUCH_INTERVAL),
    ):
        with unit_of_work(factory) as session:
            assert verify_token(session, secret, now=start + offset) is not None
        with factory() as session:
            used = session.get(ApiToken, token_id)
            assert used is not None and used.last_used_at is not None
            seen = used.last_used_at
            assert seen.replace(tzinfo=seen.tzinfo or UTC) == start + recorded


def test_tokens_are_refused_for_unknown_and_deactivated_users(engine: Engine) -> None:
    _user(engine, "inaktiv", active=False)
    for username, message in (("ingen", "no user"), ("inaktiv", "deactivated")):
        with (
            pytest.raises(TokenError, match=message),
            unit_of_work(make_session_factory(engine)) as s,
        ):
            create_token(s, username)


@pytest.mark.parametrize("label", ["x" * 101, "rad\nbrytning"])
def test_bad_labels_are_refused(engine: Engine, label: str) -> None:
    _user(engine)
    with pytest.raises(TokenError, match="label"), unit_of_work(make_session_factory(engine)) as s:
        create_token(s, "kim", label=label)


def test_the_list_shows_no_secret(engine: Engine) -> None:
    _user(engine)
    _user(engine, "alex")
    _, secret = _token(engine, "kim", "veckorapport")
    _token(engine, "alex")
    with make_session_factory(engine)() as session:
        everyone = list_tokens(session)
        kims = list_tokens(session, "kim")
        with pytest.raises(TokenError):
            list_tokens(session, "ingen")
    assert [t.username for t in everyone] == ["kim", "alex"]
    assert [(t.username, t.label) for t in kims] == [("kim", "veckorapport")]
    assert secret not in repr(everyone) and hash_token(secret) not in repr(everyone)


# --- command line -------------------------------------------------------------------------


@pytest.fixture
def cli_app(tmp_path: Path) -> Flask:
    app = create_app(
        {
            "SSP_INSTANCE_PATH": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}",
            "SECRET_KEY": "k" * 32,
        }
    )
    initialise_database(app_state(app).engine)
    with unit_of_work(app_state(app).sessions) as session:
        create_user(session, "kim", PASSWORD, role="coordinator", kommun_code="0380")
    return app


def _rows(output: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(output)))


def test_create_list_and_revoke_tokens_on_the_command_line(cli_app: Flask) -> None:
    runner = cli_app.test_cli_runner()
    created = runner.invoke(args=["ssp", "create-token", "Kim", "--label", "veckorapport"])
    assert created.exit_code == 0, created.output
    token = created.stdout.strip()
    assert token.startswith("ssp_") and "\n" not in token
    assert "visas bara" in created.stderr

    client = cli_app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    # Authenticated: the empty database has no kommun 0380 to count in (400, not 401).
    assert client.get("/api/v1/aggregates", headers=headers).status_code == 400

    listed = runner.invoke(args=["ssp", "list-tokens"])
    assert listed.exit_code == 0, listed.output
    rows = _rows(listed.stdout)
    assert [(r["username"], r["label"], r["revoked_at"]) for r in rows] == [
        ("kim", "veckorapport", "")
    ]
    assert rows[0]["last_used_at"]  # the request above
    assert token not in listed.output and hash_token(token) not in listed.output

    revoked = runner.invoke(args=["ssp", "revoke-token", rows[0]["id"]])
    assert revoked.exit_code == 0, revoked.output
    assert client.get("/api/v1/aggregates", headers=headers).status_code == 401
    assert _rows(runner.invoke(args=["ssp", "list-tokens", "kim"]).stdout)[0]["revoked_at"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["create-token", "ingen"], "no user named 'ingen'"),
        (["revoke-token", "4711"], "no token with id 4711"),
        (["revoke-token", "fyra"], "is not a valid integer"),
        (["list-tokens", "ingen"], "no user named 'ingen'"),
    ],
)
def test_token_commands_refuse_bad_input_clearly(
    cli_app: Flask, args: list[str], message: str
) -> None:
    result = cli_app.test_cli_runner().invoke(args=["ssp", *args])
    assert result.exit_code != 0
    assert message in result.output


def test_a_token_can_be_created_only_once_shown(cli_app: Flask) -> None:
    runner = cli_app.test_cli_runner()
    first = runner.invoke(args=["ssp", "create-token", "kim"]).stdout.strip()
    second = runner.invoke(args=["ssp", "create-token", "kim"]).stdout.strip()
    assert first != second
    listed = runner.invoke(args=["ssp", "list-tokens"]).output
    assert first not in listed and second not in listed
    assert len(_rows(listed)) == 2
    assert datetime.fromisoformat(_rows(listed)[0]["created_at"]) > datetime.now(UTC) - timedelta(
        minutes=5
    )


# --- expiry -----------------------------------------------------------------------------


def test_a_token_expires_after_its_lifetime(engine: Engine) -> None:
    _user(engine)
    start = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    with unit_of_work(make_session_factory(engine)) as session:
        token, secret = create_token(session, "kim", now=start)
        assert token.expires_at == start + DEFAULT_LIFETIME == start + timedelta(days=90)
    with unit_of_work(make_session_factory(engine)) as session:
        assert check_token(session, secret, now=start + timedelta(days=89)).user is not None
        late = check_token(session, secret, now=start + timedelta(days=90))
    assert late.user is None and late.problem == "expired"


@pytest.mark.parametrize("days", [0, 367])
def test_a_token_lives_one_day_to_a_year(engine: Engine, days: int) -> None:
    _user(engine)
    with (
        pytest.raises(TokenError, match="1 to 366 days"),
        unit_of_work(make_session_factory(engine)) as session,
    ):
        create_token(session, "kim", lifetime=timedelta(days=days))


def test_an_expired_token_gets_a_clear_401(cli_app: Flask) -> None:
    with unit_of_work(app_state(cli_app).sessions) as session:
        _old, expired = create_token(session, "kim", now=datetime.now(UTC) - timedelta(days=91))
        revoked_token, revoked = create_token(session, "kim")
        revoke_token(session, revoked_token.id)
    client = cli_app.test_client()
    response = client.get("/api/v1/aggregates", headers={"Authorization": f"Bearer {expired}"})
    assert response.status_code == 401
    assert response.get_json()["code"] == "token_expired"
    assert "gått ut" in response.get_json()["error"]
    assert "Set-Cookie" not in response.headers
    response = client.get("/api/v1/aggregates", headers={"Authorization": f"Bearer {revoked}"})
    assert response.status_code == 401 and response.get_json()["code"] == "token_revoked"


def test_the_command_line_shows_and_sets_the_expiry(cli_app: Flask) -> None:
    runner = cli_app.test_cli_runner()
    made = runner.invoke(args=["ssp", "create-token", "kim", "--days", "30"])
    assert made.exit_code == 0, made.output
    expected = (datetime.now(UTC) + timedelta(days=30)).astimezone(SWEDISH_TIME).date()
    assert f"giltig till {expected.isoformat()}" in made.stderr
    default = runner.invoke(args=["ssp", "create-token", "kim"])
    in_90 = (datetime.now(UTC) + timedelta(days=90)).astimezone(SWEDISH_TIME).date()
    assert f"giltig till {in_90.isoformat()}" in default.stderr
    rows = _rows(runner.invoke(args=["ssp", "list-tokens"]).stdout)
    assert [datetime.fromisoformat(r["expires_at"]).date() for r in rows] == [
        (datetime.now(UTC) + timedelta(days=30)).date(),
        (datetime.now(UTC) + timedelta(days=90)).date(),
    ]
    refused = runner.invoke(args=["ssp", "create-token", "kim", "--days", "400"])
    assert refused.exit_code != 0
