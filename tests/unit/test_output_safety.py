"""User text leaves the server as text: CSV cells, PDF paragraphs and chart strings.

Issue 14, findings 4, 6, 7 and 8. Each export and figure builder is run with the
hostile names of :mod:`tests.hostile_names`, and the code is read so that a new CSV
writer, PDF paragraph, chart builder or ``dcc.Graph`` that skips the one safe way
fails here (the same AST style as ``test_layering.py``).
"""

from __future__ import annotations

import ast
import csv
import inspect
import io
import json
import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from hypothesis import given
from hypothesis import strategies as st

import dashboard.figures as figures
from dashboard.exports import MAP_COLUMNS, map_table_csv
from dashboard.plan_exports import (
    CSV_COLUMNS,
    PAY_COLUMNS,
    ScheduledWalk,
    compensation_csv,
    schedule_csv,
    schedule_pdf,
)
from data.counts.windows import BANDS
from data.ingest.observation_rows import COLUMNS, template_csv
from data.planning.forecast import NightForecast
from data.planning.schedule import Compensation
from data.planning.signals import BASELINE_WEEKS, AreaSignal, Signal
from data.privacy.csv_safe import csv_text, neutralise_formula
from data.privacy.disclosure import AudienceLevel, protect
from tests.helpers import quiet_keys
from tests.hostile_names import HOSTILE_NAMES, MARKUP_NAMES, hostile_name, local_image

ROOT = Path(__file__).resolve().parents[2]
LEVEL = AudienceLevel(5)
TRIGGERS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?")
NIGHT = date(2026, 4, 30)


# --- CSV: one formula-safe writer --------------------------------------------------


def formula_like(cell: str) -> bool:
    """Would a spreadsheet run this cell (OWASP: = + - @, tab, CR, after whitespace)?"""
    if NUMBER.fullmatch(cell):
        return False
    return cell.startswith(("\t", "\r", "\n")) or cell.lstrip().startswith(TRIGGERS)


def parse_safe_csv(text: str, *, columns: int, rows: int, delimiter: str = ";") -> list[list[str]]:
    """Parse ``text`` back; every row has ``columns`` cells, none formula-like."""
    parsed = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    assert len(parsed) == rows + 1, parsed
    assert {len(row) for row in parsed} == {columns}, parsed
    assert [cell for row in parsed for cell in row if formula_like(cell)] == []
    return parsed


def shown(name: str) -> str:
    """What a hostile name reads as in a spreadsheet cell (after the apostrophe)."""
    return name[1:] if name.startswith("'") else name


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("  =1+1", "'  =1+1"),
        ("\u00a0=1+1", "'\u00a0=1+1"),
        ("\uff1d1+1", "'\uff1d1+1"),
        ("\t=1", "'\t=1"),
        ("\tvanlig text", "'\tvanlig text"),
        ("\rtext", "'\rtext"),
        ("\ntext", "'\ntext"),
    ],
)
def test_formula_like_cells_get_a_leading_apostrophe(cell: str, expected: str) -> None:
    assert neutralise_formula(cell) == expected


@pytest.mark.parametrize(
    "cell", ["-3", "+12", "-1,5", "0.25", "", "Storgatan", "a=b", "10 ungdomar"]
)
def test_plain_numbers_and_ordinary_text_are_left_as_is(cell: str) -> None:
    assert neutralise_formula(cell) == cell


@given(st.text(max_size=20))
def test_neutralised_cells_never_start_a_formula(cell: str) -> None:
    assert not formula_like(neutralise_formula(cell))


@given(st.lists(st.lists(st.text(max_size=12), min_size=3, max_size=3), max_size=5))
def test_any_text_stays_in_its_cell(rows: list[list[str]]) -> None:
    parsed = parse_safe_csv(csv_text(("a", "b", "c"), rows), columns=3, rows=len(rows))
    # Read back as written: only the apostrophe in front of formula-like cells differs.
    back = [
        [cell if cell == value else shown(cell) for cell, value in zip(r, row, strict=True)]
        for r, row in zip(parsed[1:], rows, strict=True)
    ]
    assert back == rows


def test_a_row_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(ValueError, match="2 cells, the header 3"):
        csv_text(("a", "b", "c"), [("1", "2")])


def test_csv_preamble_and_bom_keep_hostile_values_in_their_cells() -> None:
    """The overview CSV's first block (its filters) goes through the same writer."""
    preamble = [("Kommun", hostile_name(0)), ("Period", hostile_name(1))]
    text = csv_text(("a", "b"), [("1", "2")], preamble=preamble, bom=True)
    assert text.startswith("\ufeff") and text.count("\ufeff") == 1
    head, table = text[1:].split("\r\n\r\n", 1)
    block = parse_safe_csv(head, columns=2, rows=1)
    assert [shown(r[1]) for r in block] == [hostile_name(0), hostile_name(1)]
    parse_safe_csv(table, columns=2, rows=1)


def test_the_pay_csv_keeps_a_hostile_association_in_its_cell() -> None:
    """The issue's attack: ``;=HYPERLINK(…)`` became its own formula cell and shifted
    the amount one column to the right."""
    rows = [
        Compensation(name, 2, 1, 1, 1, 4, 500.0 * (i + 1)) for i, name in enumerate(HOSTILE_NAMES)
    ]
    parsed = parse_safe_csv(compensation_csv(rows), columns=len(PAY_COLUMNS), rows=len(rows))
    assert [shown(r[0]) for r in parsed[1:]] == list(HOSTILE_NAMES)
    assert [r[-1] for r in parsed[1:]] == [f"{500.0 * (i + 1):.2f}" for i in range(len(rows))]


def test_the_schedule_csv_keeps_hostile_names_in_their_cells() -> None:
    walks = [
        ScheduledWalk(
            NIGHT, f"A{i}", name, hostile_name(i + 1), 4, "22:30", "03:30", hostile_name(i + 2), 1.5
        )
        for i, name in enumerate(HOSTILE_NAMES)
    ]
    parsed = parse_safe_csv(schedule_csv(walks), columns=len(CSV_COLUMNS), rows=len(walks))
    for row, walk in zip(parsed[1:], walks, strict=True):
        assert [shown(c) for c in (row[3], row[4], row[8])] == [
            walk.area_name,
            walk.association,
            walk.meeting_point,
        ]
        assert row[5] == "4" and row[9] == "1,5"


def test_the_map_csv_keeps_hostile_area_and_event_names_in_their_cells() -> None:
    n = len(HOSTILE_NAMES)
    frame = pd.DataFrame(
        {
            "code": [f"A{i}" for i in range(n)],
            "name": list(HOSTILE_NAMES),
            "merged": [hostile_name(i + 3) for i in range(n)],
            "count": [7] * n,
            "key": quiet_keys(n),
        }
    )
    period = hostile_name(0) + " 2026"
    text = map_table_csv(protect(frame, level=LEVEL), period=period, level=hostile_name(1))
    parsed = parse_safe_csv(text, columns=len(MAP_COLUMNS), rows=n)
    assert [shown(r[1]) for r in parsed[1:]] == list(HOSTILE_NAMES)
    assert {r[3] for r in parsed[1:]} == {"7"}
    assert {shown(r[4]) for r in parsed[1:]} == {period}


def test_the_import_template_parses_into_its_columns() -> None:
    parse_safe_csv(template_csv(), columns=len(COLUMNS), rows=1)


CSV_WRITERS_COVERED = {
    "dashboard/exports.py": "test_the_map_csv_keeps_hostile_area_and_event_names_in_their_cells",
    "dashboard/plan_exports.py": "test_the_pay_csv_keeps_a_hostile_association_in_its_cell",
    "data/ingest/observation_rows.py": "test_the_import_template_parses_into_its_columns",
    "dashboard/audit.py": "tests/integration/test_audit.py (the audit CSV)",
    "dashboard/cli/accounts.py": "tests/integration/test_hostile_exports.py (list-tokens)",
    "dashboard/cli/areas.py": "tests/integration/test_hostile_exports.py (list-areas)",
    "dashboard/cli/planning.py": "tests/integration/test_hostile_exports.py (calendar)",
}
"""Every module that writes a CSV, and the test that runs hostile names through it."""


def python_files(*packages: str) -> Iterator[Path]:
    for package in packages:
        yield from sorted((ROOT / package).rglob("*.py"))


def relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def calls(path: Path) -> Iterator[tuple[ast.Call, str]]:
    """Every call in ``path`` with the called name (``csv.writer``, ``Paragraph``)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            yield node, ast.unparse(node.func)


def test_only_the_one_writer_writes_csv() -> None:
    """No ``csv.writer``/``DictWriter``, ``to_csv`` or ``";".join`` outside
    ``data/privacy/csv_safe.py``: a new CSV export has to use :func:`csv_text`."""
    offenders = []
    for path in python_files("dashboard", "data", "geo"):
        if relative(path) == "data/privacy/csv_safe.py":
            continue
        for node, name in calls(path):
            joined = (
                name.endswith(".join")
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Constant)
                and node.func.value.value in {";", "\t"}
            )
            if joined or name.split(".")[-1] in {"writer", "DictWriter", "to_csv", "writerow"}:
                offenders.append(f"{relative(path)}:{node.lineno} {name}")
    assert offenders == []


def test_every_csv_writer_has_a_hostile_names_test() -> None:
    writers = {
        relative(path)
        for path in python_files("dashboard", "data")
        if relative(path) != "data/privacy/csv_safe.py"
        and any(name.split(".")[-1] == "csv_text" for _, name in calls(path))
    }
    assert writers == set(CSV_WRITERS_COVERED)


# --- PDF: text is never markup -------------------------------------------------------


def pdf_facts(raw: bytes) -> tuple[int, str]:
    """(embedded images, the text of all pages) of a PDF."""
    pdf = pdfium.PdfDocument(raw)
    try:
        images = sum(
            len(list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]))) for page in pdf
        )
        text = " ".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()
    return images, " ".join(text.split())


def test_the_schedule_pdf_shows_markup_as_text_and_reads_no_file(tmp_path: Path) -> None:
    """The issue's attack: ``<img src="/some/path.png"/>`` in a local event name (it
    reaches the PDF in the forecast's reasons) embedded that file in the PDF, and an
    ``http://`` source made the export fail with a 500."""
    from PIL import Image

    picture = tmp_path / "secret.png"
    Image.new("RGB", (40, 40), "red").save(picture)
    names = (local_image(picture), *MARKUP_NAMES)
    walks = [
        ScheduledWalk(NIGHT, f"A{i}", name, name, 4, "22:30", "03:30", name, 1.0)
        for i, name in enumerate(names)
    ]
    reasons = {NIGHT: "; ".join(names)}
    raw = schedule_pdf(walks, kommun="0380", reasons=reasons)
    images, text = pdf_facts(raw)
    assert images == 0
    assert b"/URI" not in raw and b"/Link" not in raw  # no <a href> became a link
    # The reasons paragraph spans the page, so every name is in it unbroken.
    for needle in (f'<img src="{picture}"', "<script>alert(1)</script>", "Klicka här</a>"):
        assert needle in text


def test_the_lagesbild_pdf_shows_markup_as_text_and_reads_no_file(tmp_path: Path) -> None:
    """Area and event names, the kommun's name and the coordinator's bedömning reach the
    lägesbild PDF: the same attack as on the schedule must show them as text."""
    from dataclasses import replace

    from PIL import Image

    from dashboard.lagesbild_pdf import lagesbild_pdf
    from data.briefing.model import ActionCount, EventLine
    from tests.briefing_factory import leadership_briefing, square_outlines

    picture = tmp_path / "secret.png"
    Image.new("RGB", (40, 40), "red").save(picture)
    names = (local_image(picture), *MARKUP_NAMES)
    base = leadership_briefing()
    briefing = leadership_briefing(
        areas=tuple(replace(a, name=n) for a, n in zip(base.areas, names, strict=False)),
        events=tuple(EventLine(n, n, "40", "30", "+33 %", True) for n in names[:2]),
        assessment="; ".join(names),
        actions=names[1],
    )
    # The weekly meetings' actions (issue 17): their what-texts reach the PDF too.
    briefing = replace(briefing, decided=(ActionCount("oppen", "polis", 2, names[:2]),))
    raw = lagesbild_pdf(briefing, square_outlines(briefing))
    images, text = pdf_facts(raw)
    assert images == 0
    assert b"/URI" not in raw and b"/Link" not in raw
    for needle in (f'<img src="{picture}"', "<script>alert(1)</script>", "Klicka här</a>"):
        assert needle in text


def test_only_the_pdf_text_helper_builds_paragraphs() -> None:
    offenders = [
        f"{relative(path)}:{node.lineno}"
        for path in python_files("dashboard", "data")
        if relative(path) != "dashboard/pdf_text.py"
        for node, name in calls(path)
        if name.split(".")[-1] in {"Paragraph", "XPreformatted", "Preformatted"}
    ]
    assert offenders == []


# --- Charts: user text is escaped for Plotly ------------------------------------------

ALLOWED_MARKUP = ("<br>", "<b>", "</b>", "<extra>", "</extra>")
TAG = re.compile(r"<[A-Za-z/!]")


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings(item)


def chart_strings(figure: Any) -> list[str]:
    data = figure.to_plotly_json() if hasattr(figure, "to_plotly_json") else figure
    return list(strings(json.loads(json.dumps(data, default=str))))


def assert_escaped(texts: list[str]) -> None:
    """No hostile tag reaches Plotly; the escaped names are there (not dropped)."""
    for text in texts:
        for name in MARKUP_NAMES:
            assert "<" not in name or name not in text, text
        rest = text
        for markup in ALLOWED_MARKUP:
            rest = rest.replace(markup, "")
        assert not TAG.search(rest), text
    joined = "\n".join(texts)
    assert "&lt;a href=" in joined and "&lt;script&gt;" in joined


def hostile_areas() -> Any:
    n = len(HOSTILE_NAMES)
    frame = pd.DataFrame(
        {
            "code": [f"A{i}" for i in range(n)],
            "name": list(HOSTILE_NAMES),
            "merged": [hostile_name(i + 3) for i in range(n)],
            "population": [500] * n,
            "count": [7 if i % 3 else 2 for i in range(n)],
            "key": quiet_keys(n),
        }
    )
    return protect(frame, level=LEVEL)


def hostile_days() -> tuple[Any, dict[date, str]]:
    first = date(2026, 4, 20)
    days = [first + timedelta(days=i) for i in range(21)]
    frame = pd.DataFrame(
        {
            "week": [f"v. {d.isocalendar().week}" for d in days],
            "weekday": [d.weekday() for d in days],
            "day": days,
            "count": [6] * len(days),
            "key": quiet_keys(len(days)),
        }
    )
    marks = {d: hostile_name(i) for i, d in enumerate(days)}
    return protect(frame, level=LEVEL), marks


def hostile_forecasts() -> tuple[list[NightForecast], list[date]]:
    nights = [NIGHT, NIGHT + timedelta(days=1)]
    forecasts = [
        NightForecast(f"A{i}", name, night, 1.0 + i, 1.0, 0, 3, (name, hostile_name(i + 5)))
        for i, name in enumerate(HOSTILE_NAMES)
        for night in nights
    ]
    return forecasts, nights


def hostile_points() -> list[dict[str, Any]]:
    return [
        {
            "label": name,
            "ratio": None if i % 2 else 1.5,
            "low": None if i % 2 else 1.0,
            "high": None if i % 2 else 2.0,
            "significant": False,
            "hover": [name, hostile_name(i + 1)],
        }
        for i, name in enumerate(HOSTILE_NAMES)
    ]


def band_table() -> Any:
    frame = pd.DataFrame(
        {
            "weekday": [d for d in range(7) for _ in BANDS],
            "band": list(BANDS) * 7,
            "count": [6] * 21,
            "key": quiet_keys(21),
        }
    )
    return protect(frame, level=LEVEL)


def trend_table() -> Any:
    weeks = [date(2026, 3, 2) + timedelta(weeks=i) for i in range(6)]
    frame = pd.DataFrame(
        {
            "week": weeks,
            "week_label": [f"2026-W{w.isocalendar().week:02d}" for w in weeks],
            "count": [8, 2, 9, 7, 6, 5],
            "key": quiet_keys(6),
        }
    )
    return protect(frame, level=LEVEL, additive=True)


def signal_area() -> AreaSignal:
    mondays = [date(2025, 1, 6) + timedelta(weeks=i) for i in range(BASELINE_WEEKS + 4)]
    weeks = tuple(m.isoformat() for m in mondays)
    signal = Signal(baseline=2.0, path=(0.0,) * 4, level=3.0, alarm=2)
    return AreaSignal("A1", HOSTILE_NAMES[0], weeks, (None, *[2] * (len(weeks) - 1)), signal)


HOSTILE_FIGURES: dict[str, Callable[[], Any]] = {
    "map_figure": lambda: figures.map_figure(
        hostile_areas(),
        geojson_url="/geo/0380/custom.geojson?v=1",
        bounds=(17.5, 59.7, 17.8, 59.9),
        title=MARKUP_NAMES[0] + " " + MARKUP_NAMES[5],
    ),
    "map_traces_data": lambda: figures.map_traces_data(hostile_areas(), measure="rate"),
    "heatmap_figure": lambda: figures.heatmap_figure(hostile_days()[0], marks=hostile_days()[1]),
    "ratio_figure": lambda: figures.ratio_figure(hostile_points()),
    "forecast_figure": lambda: figures.forecast_figure(*hostile_forecasts(), top=40),
}
"""Builders that draw user text, with hostile names in every text they take."""

NO_USER_TEXT: dict[str, Callable[[], Any]] = {
    "band_figure": lambda: figures.band_figure(band_table()),
    "trend_figure": lambda: figures.trend_figure(trend_table()),
    "signal_figure": lambda: figures.signal_figure(signal_area(), [NIGHT]),
}
"""Builders whose texts are all the app's own (labels, weeks, counts)."""

HELPERS = {
    "map_view",
    "per_thousand",
    "unit_label",
    "night_label",
    "decimal_comma",
    "plain_text",
    "plain_lines",
}
"""Public functions of ``dashboard.figures`` that build no chart."""


@pytest.mark.parametrize("builder", sorted(HOSTILE_FIGURES))
def test_user_text_in_charts_is_escaped(builder: str) -> None:
    assert_escaped(chart_strings(HOSTILE_FIGURES[builder]()))


@pytest.mark.parametrize("builder", sorted(NO_USER_TEXT))
def test_charts_without_user_text_carry_no_markup_of_their_own(builder: str) -> None:
    for text in chart_strings(NO_USER_TEXT[builder]()):
        for markup in ALLOWED_MARKUP:
            text = text.replace(markup, "")
        assert not TAG.search(text), text
        assert HOSTILE_NAMES[0] not in text  # the signal chart's area name is not drawn


def test_the_forecast_axis_shows_area_names_as_text() -> None:
    """The issue's attack: area names on the Planering axis were links."""
    heat = HOSTILE_FIGURES["forecast_figure"]().data[0]
    assert '&lt;a href="https://evil.example"&gt;Klicka här&lt;/a&gt;' in list(heat.y)


def test_every_chart_builder_is_run_with_hostile_names() -> None:
    """A new public function of ``dashboard.figures`` must be classified above."""
    public = {name for name in figures.__all__ if inspect.isfunction(getattr(figures, name))}
    assert public == set(HOSTILE_FIGURES) | set(NO_USER_TEXT) | HELPERS


# --- Charts: no "Share chart" to Plotly's cloud ----------------------------------------


def test_only_the_graph_helper_places_charts() -> None:
    offenders = [
        f"{relative(path)}:{node.lineno}"
        for path in python_files("dashboard")
        if relative(path) != "dashboard/components.py"
        for node, name in calls(path)
        if name.split(".")[-1] == "Graph"
    ]
    assert offenders == []


def test_the_graph_helper_never_turns_the_cloud_buttons_back_on() -> None:
    from dashboard.components import graph

    chart = graph(id="x", config={"showSendToCloud": True, "scrollZoom": True})
    config = chart.to_plotly_json()["props"]["config"]
    assert config["showSendToCloud"] is False and config["scrollZoom"] is True
    assert config["plotlyServerURL"] == "" and config["displaylogo"] is False
    assert "sendChartToCloud" in config["modeBarButtonsToRemove"]
