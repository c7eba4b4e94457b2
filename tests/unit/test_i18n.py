"""The catalogues, the formatting in one place and Dash's own texts (issue 15)."""

from __future__ import annotations

import importlib
import io
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from babel.dates import get_day_names, get_month_names
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from dash import dcc, html
from flask import Flask
from flask_babel import force_locale

from dashboard import pages
from dashboard.dash_locale import dropdown_labels, localise_tree, localised_index
from dashboard.formatting import (
    format_date,
    format_decimal,
    format_month,
    format_number,
    week_label,
)
from dashboard.i18n import PAGE_NAMES, TRANSLATIONS, _, init_i18n, page_lang

ROOT = Path(__file__).resolve().parents[2]
PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
MO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.mo"
ASSETS = ROOT / "dashboard" / "assets"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def extracted() -> set[str]:
    """Every msgid the code marks today, extracted as ``make translations`` does."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def catalogue() -> dict[str, str]:
    with PO.open("rb") as file:
        po = read_po(file, locale="en")
    found: dict[str, str] = {}
    for message in po:
        if message.id:
            key = message.id if isinstance(message.id, str) else message.id[0]
            text = message.string
            found[key] = text if isinstance(text, str) else (text or [""])[0]
    return found


@pytest.fixture
def english() -> Iterator[None]:
    app = Flask(__name__)
    init_i18n(app)
    with app.test_request_context("/"), force_locale("en"):
        yield


@pytest.fixture
def swedish() -> Iterator[None]:
    app = Flask(__name__)
    init_i18n(app)
    with app.test_request_context("/"), force_locale("sv"):
        yield


def test_every_marked_text_has_an_english_translation_in_the_catalogue() -> None:
    marked = extracted()
    translated = catalogue()
    assert len(marked) > 60
    missing = sorted(m for m in marked if not translated.get(m))
    assert not missing, f"no English for {missing} (run make translations, then translate)"
    stale = sorted(set(translated) - marked)
    assert not stale, f"the catalogue holds texts the code no longer marks: {stale}"


def test_translations_keep_the_placeholders_of_their_swedish_text() -> None:
    for msgid, msgstr in catalogue().items():
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(msgstr)), msgid


def test_the_committed_mo_is_compiled_from_the_po() -> None:
    with PO.open("rb") as file:
        po = read_po(file, locale="en")
    compiled = io.BytesIO()
    write_mo(compiled, po)
    assert MO.read_bytes() == compiled.getvalue(), "messages.mo is stale: make translations"


def test_every_page_name_is_marked_for_the_catalogue() -> None:
    folder = Path(pages.__file__).parent
    names = {
        importlib.import_module(f"dashboard.pages.{path.stem}").NAME
        for path in folder.glob("*.py")
        if path.stem != "__init__"
    }
    assert names == set(PAGE_NAMES)


def test_translating_outside_a_request_returns_the_swedish_text() -> None:
    assert _("Översikt") == "Översikt"
    assert page_lang() == "sv"


def test_an_english_request_gets_english_texts_and_lang(english: None) -> None:
    assert _("Översikt") == "Overview"
    assert _("%(count)s valda", count=3) == "3 selected"
    assert page_lang() == "en"


def test_numbers_have_a_decimal_comma_and_spaced_thousands_in_swedish(swedish: None) -> None:
    assert format_number(1234567) == "1\u00a0234\u00a0567"
    assert format_decimal(7.24) == "7,2"
    assert format_decimal(1234.5, 2) == "1\u00a0234,50"
    assert format_decimal(3, 0) == "3"
    assert format_date(date(2026, 12, 2)) == "2 dec. 2026"
    assert format_date(date(2026, 12, 2), "iso") == "2026-12-02"
    assert format_month(date(2025, 1, 6)) == "jan. 2025"
    assert week_label(date(2026, 11, 30)) == "v. 49 2026"


def test_numbers_and_dates_follow_an_english_user(english: None) -> None:
    assert format_number(1234567) == "1,234,567"
    assert format_decimal(7.24) == "7.2"
    assert format_date(date(2026, 12, 2)) == "2 Dec 2026"
    assert format_month(date(2025, 1, 6)) == "Jan 2025"
    assert week_label(date(2026, 11, 30)) == "wk 49 2026"


def test_every_dropdown_and_date_picker_of_a_layout_gets_swedish_texts(swedish: None) -> None:
    tree = html.Div(
        [
            dcc.Dropdown(id="a", options=[]),
            html.Div(dcc.Dropdown(id="b", options=[], placeholder="Alla kategorier")),
            dcc.DatePickerRange(id="c"),
            dcc.DatePickerSingle(id="d", first_day_of_week=0),
        ]
    )
    localise_tree(tree)
    first, wrapped, picker, single = tree.children
    second = wrapped.children
    assert first.labels == dropdown_labels()
    assert first.labels["selected_count"] == "{num_selected} valda"
    assert first.labels["no_options_found"] == "Inga alternativ"
    assert first.placeholder == "Välj…"
    assert second.placeholder == "Alla kategorier"  # a page's own text is kept
    assert (picker.first_day_of_week, picker.display_format) == (1, "YYYY-MM-DD")
    assert picker.start_date_placeholder_text == "Från"
    assert single.first_day_of_week == 0  # set by the page: kept


def test_dash_texts_follow_an_english_user(english: None) -> None:
    labels = dropdown_labels()
    assert labels["select_all"] == "Select all"
    assert labels["selected_count"] == "{num_selected} selected"


def test_the_page_html_carries_the_users_lang_and_start_up_text(english: None) -> None:
    page = '<!DOCTYPE html>\n<html lang="sv">\n<div class="_dash-loading">\n  Loading...\n</div>'
    localised = localised_index(page)
    assert '<html lang="en">' in localised
    assert "Loading…" in localised
    assert "Loading..." not in localised


def test_the_swedish_start_up_page_says_laddar(swedish: None) -> None:
    localised = localised_index('<html>\n<div class="_dash-loading">\n  Loading...\n</div>')
    assert '<html lang="sv">' in localised
    assert "Laddar…" in localised


def _js_list(source: str, name: str) -> list[str]:
    found = re.search(name + r"\s*:\s*\[([^\]]*)\]", source)
    assert found, name
    return re.findall(r'"([^"]*)"', found.group(1))


def test_the_chart_and_date_picker_locales_use_babels_swedish_names() -> None:
    months = list(get_month_names("wide", locale="sv_SE").values())
    short_months = list(get_month_names("abbreviated", locale="sv_SE").values())
    days = [get_day_names("wide", locale="sv_SE")[(i + 6) % 7] for i in range(7)]
    short_days = [get_day_names("short", locale="sv_SE")[(i + 6) % 7] for i in range(7)]
    plotly = (ASSETS / "plotly-locale-sv.js").read_text(encoding="utf-8")
    assert _js_list(plotly, "months") == months
    assert _js_list(plotly, "shortMonths") == short_months
    assert _js_list(plotly, "days") == days
    assert 'decimal: ","' in plotly
    picker = (ASSETS / "datepicker-locale-sv.js").read_text(encoding="utf-8")
    assert _js_list(picker, "wide") == months
    assert _js_list(picker, "short") == short_days
