"""PII guard: identity numbers, phones, e-mail, street addresses."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from data.privacy.pii import (
    PiiFinding,
    check_text_fields,
    find_pii,
    pii_message,
)
from tests.corpus import break_luhn, identity_number, pii_corpus

IDENTITY_KINDS = {"personnummer", "samordningsnummer"}
SEPARATORS = ("-", "+", "", " - ", " ", "\t-\t", "\u2013")
SWEDISH_TEXT = st.text(
    alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzåäöÅÄÖ ,.!?():"), max_size=30
)


@st.composite
def identity_numbers(draw: st.DrawFn, *, samordning: bool) -> str:
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31)))
    return identity_number(
        born,
        draw(st.integers(0, 999)),
        samordning=samordning,
        century=draw(st.booleans()),
        sep=draw(st.sampled_from(SEPARATORS)),
    )


def kinds(text: str) -> list[str]:
    return [finding.kind for finding in find_pii(text)]


@given(identity_numbers(samordning=False), SWEDISH_TEXT, SWEDISH_TEXT)
def test_every_valid_personnummer_is_found_in_any_text(number: str, before: str, after: str):
    assert "personnummer" in kinds(f"{before}{number}{after}")


@given(identity_numbers(samordning=True), SWEDISH_TEXT, SWEDISH_TEXT)
def test_every_valid_samordningsnummer_is_found_in_any_text(number: str, before: str, after: str):
    assert "samordningsnummer" in kinds(f"{before}{number}{after}")


@given(
    identity_numbers(samordning=False) | identity_numbers(samordning=True),
    st.integers(1, 9),
    SWEDISH_TEXT,
)
def test_luhn_invalid_identity_numbers_are_not_flagged(number: str, offset: int, before: str):
    assert not IDENTITY_KINDS & set(kinds(f"{before} {break_luhn(number, offset=offset)}"))


@given(identity_numbers(samordning=False) | identity_numbers(samordning=True))
def test_message_never_contains_the_value_or_any_digit(number: str):
    messages = check_text_fields({"anteckning": f"Pojken {number} sågs"})
    assert number not in messages["anteckning"]
    assert not any(char.isdigit() for char in messages["anteckning"])


def test_invalid_month_or_day_is_not_an_identity_number():
    assert kinds("Kod 901301-0000") == []  # month 13
    assert kinds("Kod 900230-0000") == []  # 30 February


def test_twelve_digits_need_a_plausible_century():
    valid = identity_number(date(1990, 1, 1), 123, century=True, sep="")
    assert "personnummer" in kinds(valid)
    assert kinds("21" + valid[2:]) == []


def test_identity_number_inside_a_longer_digit_run_is_not_flagged():
    number = identity_number(date(1990, 1, 1), 123, sep="")
    assert kinds(f"Serie 77{number}77") == []


@pytest.mark.parametrize(
    "text",
    [
        "Ring 070-123 45 67",
        "Ring +46 70 123 45 67",
        "Ring 08-123 456 78",
        "Ring 0701234567",
        "Ring 0046 70 123 4567",
        "Ring +46 (0)70-1234567",
        "Ring 0470-123 45",
    ],
)
def test_swedish_phone_numbers_are_found(text: str):
    assert kinds(text) == ["telefonnummer"]


@pytest.mark.parametrize(
    "text",
    [
        "Möte 2026-05-01 kl 18",
        "Datum 01-05-2026",
        "Vecka 05 06 07 08",
        "kl 22:30",
        "12 personer, 0 incidenter",
        "Åren 2019 2020 2021",
        "Nummer 123 45 67",
        "Period 2026-05-01 2026-05-02",
    ],
)
def test_dates_times_years_and_counts_are_not_phone_numbers(text: str):
    assert kinds(text) == []


def test_email_addresses_are_found_also_with_swedish_letters():
    assert kinds("Skriv till förälder.ssp@domän.se ikväll") == ["e-post"]


def test_at_sign_without_a_domain_is_not_an_email():
    assert kinds("Träff @ skolan kl 21") == []


@pytest.mark.parametrize(
    "text",
    [
        "Bor på Storgatan 12",
        "Kungsvägen 5B",
        "Svartbäcksgatan 44 lgh 1201",
        "hemma på Stora torget 3",
        "Åleden 7",
    ],
)
def test_street_addresses_with_house_numbers_are_found(text: str):
    assert kinds(text) == ["adress"]


@pytest.mark.parametrize(
    "text",
    [
        "Samling vid Stora torget",
        "Oro på Storgatan ikväll",
        "Vid Stortorget 15 personer",
        "Torget 22:30 mycket folk",
        "Olycka på riksväg 73",
        "Storgatan 2026-05-01",
    ],
)
def test_street_names_without_house_numbers_are_allowed(text: str):
    assert kinds(text) == []


def test_findings_are_deduplicated_in_fixed_kind_order():
    number = identity_number(date(1985, 6, 15), 42)
    text = f"a@b.se {number} Storgatan 1 070-123 45 67 {number} c@d.se"
    assert kinds(text) == ["personnummer", "telefonnummer", "e-post", "adress"]


def test_message_names_the_field_and_the_kind_in_swedish():
    message = pii_message("anteckning", [PiiFinding("personnummer")])
    assert message == (
        'Fältet "anteckning" verkar innehålla ett personnummer. '
        "Ta bort uppgifter som kan identifiera en person."
    )


def test_message_lists_several_kinds():
    findings = [PiiFinding("telefonnummer"), PiiFinding("e-post"), PiiFinding("adress")]
    assert "ett telefonnummer, en e-postadress och en gatuadress med husnummer" in pii_message(
        "kommentar", findings
    )


def test_message_without_findings_is_refused():
    with pytest.raises(ValueError, match="at least one finding"):
        pii_message("anteckning", [])


def test_check_text_fields_reports_only_fields_with_pii():
    result = check_text_fields(
        {"anteckning": "Ring 070-123 45 67", "plats": "vid skolan", "tom": None}
    )
    assert set(result) == {"anteckning"}
    assert "070" not in result["anteckning"]


def test_whole_corpus_has_no_misses_and_no_false_positives():
    corpus = pii_corpus()
    assert len(corpus) >= 300
    misses = [text for text, kind in corpus if kind is not None and kind not in kinds(text)]
    false_positives = [text for text, kind in corpus if kind is None and kinds(text)]
    assert misses == []
    assert false_positives == []


def test_corpus_covers_every_kind_and_clean_text():
    expected = {kind for _, kind in pii_corpus()}
    assert expected == {
        None,
        "personnummer",
        "samordningsnummer",
        "telefonnummer",
        "e-post",
        "adress",
    }
