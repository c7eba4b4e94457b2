"""The password policy: length, the bundled common-password list, the username."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from data.access.accounts import generate_password
from data.access.users import (
    COMMON_PASSWORDS_PATH,
    MIN_PASSWORD_LENGTH,
    UserError,
    check_password_policy,
    common_passwords,
    hash_password,
    password_problem,
)

ROOT = Path(__file__).resolve().parents[2]


def _generator() -> object:
    spec = importlib.util.spec_from_file_location(
        "common_passwords", ROOT / "scripts" / "common_passwords.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_bundled_list_is_what_the_generator_writes() -> None:
    """The list is made by our script (not downloaded): regenerating changes nothing."""
    generator = _generator()
    assert COMMON_PASSWORDS_PATH.read_text(encoding="utf-8") == generator.render()  # type: ignore[attr-defined]


def test_the_list_is_about_a_thousand_common_passwords_with_swedish_ones() -> None:
    words = common_passwords()
    assert 1000 <= len(words) <= 2000
    assert {"lösenord1234", "sommar2026!", "qwertyuiopå", "123456789012"} <= words
    assert all(w == w.casefold() for w in words)


@pytest.mark.parametrize(
    "password",
    ["kort", "elva-tecken", "x" * (MIN_PASSWORD_LENGTH - 1)],
)
def test_a_short_password_is_refused(password: str) -> None:
    assert password_problem(password) == f"Lösenordet måste ha minst {MIN_PASSWORD_LENGTH} tecken."
    with pytest.raises(UserError, match="minst 12 tecken"):
        hash_password(password)


@pytest.mark.parametrize(
    "password",
    [
        "lösenord1234",
        "Lösenord1234",
        "LOSENORD2026",
        "Välkommen123!",
        "123456789012",
        "qwertyuiop123",
    ],
)
def test_a_common_password_is_refused_whatever_its_case(password: str) -> None:
    assert len(password) >= MIN_PASSWORD_LENGTH
    with pytest.raises(UserError, match="för vanligt"):
        check_password_policy(password)


def test_a_password_with_the_username_is_refused() -> None:
    with pytest.raises(UserError, match="användarnamnet"):
        check_password_policy("Samordnare-i-Uppsala", username="samordnare")
    check_password_policy("Samordnare-i-Uppsala", username="kim")  # too short a name to matter


def test_long_passphrases_are_accepted_and_absurd_lengths_refused() -> None:
    assert password_problem("tre gröna ekorrar dansar på taket") is None
    assert password_problem("x" * 257) == "Lösenordet får ha högst 256 tecken."


def test_generated_passwords_pass_the_policy_and_differ() -> None:
    made = {generate_password() for _ in range(20)}
    assert len(made) == 20
    assert all(password_problem(p) is None and len(p) >= 20 for p in made)
