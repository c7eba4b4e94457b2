"""CSV import of observations through the CLI: all or nothing, PII-free, idempotent."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from dashboard import create_app
from dashboard.state import app_state
from data.demo.build import build_demo
from data.storage.db import unit_of_work
from data.storage.models import Observation
from tests.clock import TEST_TODAY
from tests.conftest import DemoTemplate, private_database, sqlite_template
from tests.corpus import pii_corpus

YESTERDAY = (TEST_TODAY - timedelta(days=1)).isoformat()


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Flask, DemoTemplate]:
    """An app of its own (these tests write observations) and its template database."""
    folder = tmp_path_factory.mktemp("obs")
    app = create_app(
        {
            "SSP_INSTANCE_PATH": str(folder / "instance"),
            "DATABASE_URL": f"sqlite:///{folder / 'obs.sqlite'}",
            "SECRET_KEY": "k" * 32,
        }
    )
    assert app.test_cli_runner().invoke(args=["ssp", "init-db"]).exit_code == 0
    with unit_of_work(app_state(app).sessions) as session:
        build_demo(session, end=TEST_TODAY, password="testlösenord-123", days=20)
    return app, sqlite_template(app, folder)


@pytest.fixture
def demo_app(demo_template: tuple[Flask, DemoTemplate], tmp_path: Path) -> Iterator[Flask]:
    """The app on a private copy of its database (one test's writes stay its own)."""
    app, template = demo_template
    with private_database(app, template, tmp_path):
        yield app


def count_rows(app: Flask) -> int:
    with app_state(app).sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Observation)) or 0)


def run(app: Flask, path: Path) -> tuple[int, str, str]:
    result = app.test_cli_runner().invoke(args=["ssp", "import-observations", str(path)])
    return result.exit_code, result.stdout, result.stderr


def test_template_is_a_header_and_one_row_that_imports(demo_app: Flask, tmp_path: Path) -> None:
    template = demo_app.test_cli_runner().invoke(args=["ssp", "observation-template"]).output
    lines = template.strip().splitlines()
    assert lines[0] == "datum;tid;omrade;kategori;kalla;antal;gruppstorlek;alder;anteckning"
    assert len(lines) == 2
    path = tmp_path / "mall.csv"
    path.write_text(template, encoding="utf-8")
    before = count_rows(demo_app)
    code, out, _ = run(demo_app, path)
    assert code == 0 and out.strip().splitlines()[-1] == "imported=1 duplicates=0 rejected=0"
    assert count_rows(demo_app) == before + 1
    code, out, _ = run(demo_app, path)
    assert out.strip().splitlines()[-1] == "imported=0 duplicates=1 rejected=0"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("separator", [";", ","])
def test_encodings_separators_and_swedish_formats(
    demo_app: Flask, tmp_path: Path, encoding: str, separator: str
) -> None:
    rows = [
        ["datum", "tid", "område", "kategori", "källa", "antal"],
        [YESTERDAY, "natt", "0380-D02", "Våld/bråk", "Polis", "2,0"],
        [TEST_TODAY.strftime("%d/%m/%Y"), "Kväll", "0380-D03", "samling", "fält", "3"],
    ]
    text = "\n".join(separator.join(f'"{c}"' if "," in c else c for c in r) for r in rows)
    path = tmp_path / f"fil-{encoding}-{ord(separator)}.csv"
    path.write_bytes(text.encode(encoding))
    code, out, err = run(demo_app, path)
    assert code == 0, err
    imported = int(out.strip().splitlines()[-1].split()[0].split("=")[1])
    duplicates = int(out.strip().splitlines()[-1].split()[1].split("=")[1])
    assert imported + duplicates == 2


def hostile_rows() -> list[list[str]]:
    """At least 300 bad rows: PII of every kind, bad dates, counts, codes, injections."""
    rows: list[list[str]] = []
    for text, kind in pii_corpus():
        if kind is not None:
            rows.append([YESTERDAY, "kväll", "0380-D01", "samling", "fritid", "1", "", "", text])
            # Every imported cell is checked, not only the note.
            rows.append([YESTERDAY, "kväll", text, "samling", "fritid", "1", "", "", ""])
    future = (TEST_TODAY + timedelta(days=3)).isoformat()
    rows.extend(
        [bad, "", "0380-D01", "samling", "fritid", "1", "", "", ""]
        for bad in (future, "1999-12-31", "2026-02-30", "igår", "31-12-2025")
    )
    rows.extend(
        [YESTERDAY, "", "0380-D01", "samling", "fritid", bad, "", "", ""]
        for bad in ("-1", "0", "2,5", "många", "1e3")
    )
    for column, bad in ((3, "okänd-kategori"), (4, "grannen"), (2, "9999-XX"), (1, "morgon")):
        row = [YESTERDAY, "", "0380-D01", "samling", "fritid", "1", "", "", ""]
        row[column] = bad
        rows.append(row)
    rows.extend(
        [YESTERDAY, "", "0380-D01", "samling", "fritid", formula, "", "", ""]
        for formula in ('=HYPERLINK("x")', "+1+1", "@SUM(A1)", "-2+3")
    )
    rows.append([YESTERDAY, "", "0380-D01", "samling", "fritid", "1", "11+", "", ""])
    rows.append([YESTERDAY, "", "0380-D01", "samling", "fritid", "1", "", "9-99", ""])
    rows.append([YESTERDAY, "", "0380-D01", "samling", "fritid", "1", "", "", "x" * 281])
    return rows


def test_hostile_corpus_is_rejected_row_by_row_and_nothing_is_written(
    demo_app: Flask, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bad = hostile_rows()
    assert len(bad) >= 300
    good = [YESTERDAY, "dag", "0380-D04", "skadegorelse", "skola", "1", "", "", "Klotter"]
    rows = [good, *bad]
    path = tmp_path / "fientlig.csv"
    path.write_text(
        "datum;tid;omrade;kategori;kalla;antal;gruppstorlek;alder;anteckning\n"
        + "\n".join(";".join(r) for r in rows),
        encoding="utf-8",
    )
    before = count_rows(demo_app)
    caplog.set_level(logging.DEBUG)
    code, out, err = run(demo_app, path)
    assert code == 1
    assert out.strip().splitlines()[-1] == f"imported=0 duplicates=0 rejected={len(bad)}"
    assert count_rows(demo_app) == before  # not even the good row: all or nothing
    # No PII anywhere: not in the output, the logs, or the database.
    pii_texts = [text for text, kind in pii_corpus() if kind is not None]
    with app_state(demo_app).sessions() as session:
        notes = set(session.scalars(select(Observation.note).where(Observation.note.is_not(None))))
    for text in pii_texts:
        assert text not in out and text not in err and text not in caplog.text
        assert text not in notes
    assert "Rad 3, anteckning" in err


def test_wrong_columns_are_refused_clearly(demo_app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "fel.csv"
    path.write_text("namn;ålder;skola\nx;14;y\n", encoding="utf-8")
    code, out, err = run(demo_app, path)
    assert code == 1 and "kolumner saknas" in err
    assert out.strip().splitlines()[-1] == "imported=0 duplicates=0 rejected=1"


def test_a_100k_row_file_with_one_bad_row_at_the_end_writes_nothing(
    demo_app: Flask, tmp_path: Path
) -> None:
    path = tmp_path / "stor.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("datum;tid;omrade;kategori;kalla;antal\n")
        for i in range(100_000):
            handle.write(f"{YESTERDAY};kväll;0380-D{1 + i % 24:02d};samling;fritid;1\n")
        handle.write(f"{YESTERDAY};kväll;0380-D01;samling;fritid;-1\n")
    before = count_rows(demo_app)
    code, out, err = run(demo_app, path)
    assert code == 1
    assert out.strip().splitlines()[-1] == "imported=0 duplicates=0 rejected=1"
    assert "Rad 100002, antal" in err
    assert count_rows(demo_app) == before  # 100,000 good rows were written and rolled back
