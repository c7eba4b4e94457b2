"""Synthetic hostile-input corpus for the PII guard: (text, expected kind or ``None``).

Every identity number here is generated (random date, random serial, computed Luhn
digit); phone numbers, e-mail addresses and streets are made up. No real person's data.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

CLEAN_NOTES: tuple[str, ...] = (
    "Samling av ca 10 ungdomar vid skolan kl 22",
    "Lugnt vid Stora torget, 3 nattvandrare ute",
    "Oro vid Storgatan under kvällen",
    "Klotter på Kungsvägen, anmält till kommunen",
    "Möte 2026-05-01 kl 18:30 i fritidsgården",
    "Datum 01-05-2026, inga händelser",
    "Vecka 05 06 07 08 var lugna",
    "Åren 2019 2020 2021 2022 jämförda",
    "12 personer samlades, 0 incidenter",
    "kl 22:30–23:45 vid busshållplatsen",
    "Trafikolycka på riksväg 73 vid avfarten",
    "Kö på länsväg 288 efter evenemanget",
    "Vid Stortorget 15 personer samlades sent",
    "På Storgatan 3 gånger under helgen",
    "Torget 22:30 mycket folk",
    "Postnummer 753 20 Uppsala, området runt centrum",
    "Kostnad 1 500 kr för extra belysning",
    "0,5 promille uppmätt vid kontroll",
    "Ordernummer 1234567890 för materialet",
    "Organisationsnummer 556677-8899 för föreningen",
    "Ärende 2026/1234 hos socialtjänsten",
    "Nummer 123 45 67 nämndes inte vidare",
    "Gruppstorlek 5–9, ålder 13–15 år",
    "Ca 20 unga vid Fyrisvallen mellan 21 och 23",
    "Tre mopeder vid Gamla torget ikväll",
    "Lugnare än förra veckan (v. 17)",
    "Skadegörelse vid skolgården, 2 fönster",
    "Rapport 3 av 12 för perioden 2026-04-01 till 2026-04-30",
    "Besök av polis kl 21.45, inga gripanden",
    "Nattvandring 4 vuxna, 18–02",
)

_PREFIXES = (
    "",
    "Anteckning: ",
    "Ungdomen med nr ",
    "Kontakt ",
    "Se ",
    "Uppgift (",
    "Tel/id: ",
    "Namn och ",
)
_SUFFIXES = ("", " sågs vid skolan", ") lämnad", ", ring ikväll", ". Ring tillbaka", " – oro")

_STREETS = (
    "Storgatan",
    "Kungsvägen",
    "Svartbäcksgatan",
    "Drottninggatan",
    "Björkallén",
    "Skolgränd",
    "Ekbacken",
    "Hagastigen",
    "Stortorget",
    "Järnvägsplatsen",
    "Åleden",
    "Lilla gata",
    "Gamla vägen",
    "Stora torget",
)


def luhn_check_digit(first_nine: str) -> int:
    """Luhn check digit for a nine-digit personnummer stem (YYMMDDNNN)."""
    total = 0
    for position, char in enumerate(first_nine):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10


def identity_number(
    born: date, serial: int, *, samordning: bool = False, century: bool = False, sep: str = "-"
) -> str:
    """A synthetic, Luhn-valid personnummer (or samordningsnummer) in the given layout."""
    day = born.day + (60 if samordning else 0)
    stem = f"{born:%y%m}{day:02d}{serial:03d}"
    check = luhn_check_digit(stem)
    head = f"{born:%Y}"[:2] + stem[:6] if century else stem[:6]
    return f"{head}{sep}{stem[6:]}{check}"


def break_luhn(number: str, *, offset: int = 1) -> str:
    """The same number with its check digit changed, so Luhn fails."""
    return number[:-1] + str((int(number[-1]) + offset) % 10)


def _random_date(rng: random.Random) -> date:
    return date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 85))


def _embed(rng: random.Random, value: str) -> str:
    return f"{rng.choice(_PREFIXES)}{value}{rng.choice(_SUFFIXES)}"


def _digits(rng: random.Random, count: int) -> str:
    return "".join(str(rng.randrange(10)) for _ in range(count))


def _phone(rng: random.Random) -> str:
    layouts = (
        lambda: f"07{rng.choice('0236')}-{_digits(rng, 3)} {_digits(rng, 2)} {_digits(rng, 2)}",
        lambda: f"+46 7{rng.choice('0236')} {_digits(rng, 3)} {_digits(rng, 2)} {_digits(rng, 2)}",
        lambda: f"+46 (0)7{rng.choice('0236')}-{_digits(rng, 7)}",
        lambda: f"0046 7{rng.choice('0236')} {_digits(rng, 3)} {_digits(rng, 4)}",
        lambda: f"+467{rng.choice('0236')}{_digits(rng, 7)}",
        lambda: f"08-{_digits(rng, 3)} {_digits(rng, 3)} {_digits(rng, 2)}",
        lambda: f"08-{_digits(rng, 2)} {_digits(rng, 2)} {_digits(rng, 2)}",
        lambda: f"018-{_digits(rng, 2)} {_digits(rng, 2)} {_digits(rng, 2)}",
        lambda: f"0470-{_digits(rng, 3)} {_digits(rng, 2)}",
        lambda: f"07{rng.choice('0236')}{_digits(rng, 7)}",
        lambda: f"031 {_digits(rng, 3)} {_digits(rng, 3)}",
    )
    return rng.choice(layouts)()


def _email(rng: random.Random) -> str:
    local = rng.choice(("anna.svensson", "kalle_88", "förälder+ssp", "x.y-z", "Test.Person"))
    domain = rng.choice(("exempel.se", "skola.uppsala.se", "mejl.example.com", "domän.nu"))
    return f"{local}{rng.randrange(100)}@{domain}"


def _address(rng: random.Random) -> str:
    number = str(rng.randrange(1, 200))
    letter = rng.choice(("", "", "B", " C", "a"))
    flat = rng.choice(("", "", f" lgh {rng.randrange(1001, 1999)}"))
    return f"{rng.choice(_STREETS)} {number}{letter}{flat}"


def pii_corpus(seed: int = 20260501) -> list[tuple[str, str | None]]:
    """At least 300 synthetic cases: (text, expected kind), ``None`` for clean text."""
    rng = random.Random(seed)
    cases: list[tuple[str, str | None]] = []
    separators = ("-", "+", "", " - ", " ", "\u2013")
    for index in range(80):
        samordning = index % 3 == 2
        number = identity_number(
            _random_date(rng),
            rng.randrange(1000),
            samordning=samordning,
            century=index % 2 == 1,
            sep=separators[index % len(separators)],
        )
        kind = "samordningsnummer" if samordning else "personnummer"
        cases.append((_embed(rng, number), kind))
        # Luhn-invalid twin: must pass as clean (the issue asks for Luhn-checked numbers).
        # 0NNNNNNNNN without a separator is also a valid phone number, so it has no twin.
        if not (number.startswith("0") and number.isdigit()):
            broken = break_luhn(number, offset=rng.randrange(1, 10))
            cases.append((f"Referens {broken} i ärendet", None))
    cases.extend((_embed(rng, _phone(rng)), "telefonnummer") for _ in range(60))
    cases.extend((_embed(rng, _email(rng)), "e-post") for _ in range(30))
    cases.extend((_embed(rng, _address(rng)), "adress") for _ in range(40))
    cases.extend((note, None) for note in CLEAN_NOTES)
    return cases
