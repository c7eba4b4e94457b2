"""CSV import of observations through the CLI: all or nothing, PII-free, idempotent."""

from __future__ import annotations

import logging
import re
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import event, func, select
from sqlalchemy import text as sql

from dashboard import create_app
from dashboard.state import app_state
from data.demo.build import build_demo
from data.ingest import observations
from data.ingest import table as table_module
from data.ingest.observations import (
    check_observations,
    default_mapping,
    import_context,
    import_observations,
)
from data.ingest.table import read_table_file
from data.storage.db import read_version, unit_of_work
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


def synthetic_csv(path: Path, rows: int, *, bad_line: int | None = None, salt: int = 0) -> Path:
    """``rows`` distinct valid rows (every content different); ``bad_line`` (a line
    number as the errors give it, the header being line 1) gets a count of -1."""
    with path.open("w", encoding="utf-8") as handle:
        handle.write("datum;tid;omrade;kategori;kalla;antal\n")
        for i in range(rows):
            day = (TEST_TODAY - timedelta(days=1 + (i + salt) % 700)).isoformat()
            count = -1 if i + 2 == bad_line else 1 + (i + salt) // 700
            handle.write(f"{day};kväll;0380-D{1 + i % 24:02d};samling;fritid;{count}\n")
    return path


@contextmanager
def counted_inserts(app: Flask) -> Iterator[list[int]]:
    """The number of rows of each executemany INSERT into the observation table."""
    sizes: list[int] = []

    def count(_conn: object, _cursor: object, statement: str, params: object, *_: object) -> None:
        if statement.startswith("INSERT INTO observation ") and isinstance(params, list | tuple):
            sizes.append(len(params))

    engine = app_state(app).engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield sizes
    finally:
        event.remove(engine, "before_cursor_execute", count)


def observations_version(app: Flask) -> int:
    with app_state(app).sessions() as session:
        return read_version(session)


@pytest.fixture
def small_chunks_and_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of 100 rows and a row cap of 1,000 where the cap applies (the web
    upload's default), so a 1,050-row file stands for one above the old 1M cap."""
    monkeypatch.setattr(observations, "CHUNK_ROWS", 100)
    for function in (observations.import_observations, observations.check_observations):
        assert function.__kwdefaults__ is not None
        monkeypatch.setitem(function.__kwdefaults__, "max_rows", 1_000)


@pytest.mark.usefixtures("small_chunks_and_cap")
def test_a_file_above_the_row_cap_imports_through_the_cli_in_chunks(
    demo_app: Flask, tmp_path: Path
) -> None:
    path = synthetic_csv(tmp_path / "stor.csv", 1_050)
    before, version = count_rows(demo_app), observations_version(demo_app)
    with counted_inserts(demo_app) as inserts:
        code, out, err = run(demo_app, path)
    assert code == 0, err
    assert out.strip().splitlines()[-1] == "imported=1050 duplicates=0 rejected=0"
    assert inserts == [100] * 10 + [50]  # eleven chunks, none above the chunk size
    assert count_rows(demo_app) == before + 1_050
    assert observations_version(demo_app) == version + 1  # once per import, not per chunk


@pytest.mark.usefixtures("small_chunks_and_cap")
def test_the_web_imports_default_row_cap_still_refuses_the_same_file(
    demo_app: Flask, tmp_path: Path
) -> None:
    table = read_table_file(synthetic_csv(tmp_path / "stor.csv", 1_050))
    with unit_of_work(app_state(demo_app).sessions) as session:
        context = import_context(session, today=TEST_TODAY)
        check = check_observations(session, table, default_mapping(table.header), context)
    assert not check.ok
    assert [e.text() for e in check.errors] == [
        "Rad 1002, fil: högst 1 000 rader per fil här; större filer importeras med "
        "ssp import-observations"
    ]


@pytest.mark.usefixtures("small_chunks_and_cap")
def test_a_bad_row_in_a_late_chunk_stores_nothing_and_names_its_line(
    demo_app: Flask, tmp_path: Path
) -> None:
    path = synthetic_csv(tmp_path / "sen.csv", 1_050, bad_line=1_003)
    before, version = count_rows(demo_app), observations_version(demo_app)
    with counted_inserts(demo_app) as inserts:
        code, out, err = run(demo_app, path)
    assert code == 1
    assert "Rad 1003, antal" in err
    assert out.strip().splitlines()[-1] == "imported=0 duplicates=0 rejected=1"
    assert sum(inserts) == 1_000  # ten chunks were written before the bad row …
    assert count_rows(demo_app) == before  # … and rolled back with it
    assert observations_version(demo_app) == version


def traced_peak(app: Flask, path: Path) -> int:
    """Peak bytes Python allocated while importing ``path`` the command line's way."""
    tracemalloc.start()
    try:
        table = read_table_file(path)
        with unit_of_work(app_state(app).sessions) as session:
            context = import_context(session, today=TEST_TODAY)
            summary = import_observations(
                session, table, default_mapping(table.header), context, max_rows=None
            )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert summary.duplicates == 0 and summary.imported > 0
    return peak


def test_memory_stays_flat_whatever_the_number_of_rows(
    demo_app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both bounds on what an import holds at once made small, so that the files
    # exceed them: 500 rows a chunk and 64 KiB a read (1 MB by default).
    monkeypatch.setattr(observations, "CHUNK_ROWS", 500)
    monkeypatch.setattr(table_module, "_STEP", 64 * 1024)
    # A first import warms the caches (compiled statements, vocabularies) that any
    # import fills once; salts keep the three files' rows apart (no duplicates).
    traced_peak(demo_app, synthetic_csv(tmp_path / "varm.csv", 1_000, salt=100_000))
    small = traced_peak(demo_app, synthetic_csv(tmp_path / "liten.csv", 2_000, salt=200_000))
    large = traced_peak(demo_app, synthetic_csv(tmp_path / "stor.csv", 20_000, salt=300_000))
    # Ten times the rows: anything held per row (~90 bytes for a dict entry, the
    # file's own bytes, parameters left in reference cycles until the garbage
    # collector runs) would add well over a megabyte here.
    assert large < small * 1.25 + 256 * 1024, (small, large)


def stored_shape(text_value: object) -> str:
    """A stored value's layout with every digit as 9 (``2026-12-01`` → ``9999-99-99``)."""
    return re.sub(r"\d", "9", str(text_value))


def test_imported_rows_are_stored_exactly_as_sqlalchemy_stores_them(
    demo_app: Flask, tmp_path: Path
) -> None:
    # The import binds values on the driver's cursor itself; the demo's rows went
    # through SQLAlchemy. Dates, times and flags must be stored the same way.
    code, _, err = run(demo_app, synthetic_csv(tmp_path / "format.csv", 3))
    assert code == 0, err
    columns = "occurred_on, created_at, is_synthetic, location_precision, typeof(count)"
    with app_state(demo_app).sessions() as session:
        imported, demo = (
            session.execute(
                sql(f"SELECT {columns} FROM observation WHERE {where} ORDER BY id DESC LIMIT 1")
            ).one()
            for where in ("external_key LIKE 'csv:%'", "external_key IS NULL")
        )
        loaded = session.scalars(
            select(Observation).where(Observation.external_key.like("csv:%"))
        ).first()
    assert [stored_shape(v) for v in imported[:2]] == [stored_shape(v) for v in demo[:2]]
    assert imported[2:] == (0, "area", "integer")
    assert loaded is not None and isinstance(loaded.created_at, datetime)
    assert loaded.occurred_on < TEST_TODAY and loaded.is_synthetic is False


@pytest.mark.usefixtures("small_chunks_and_cap")
def test_identical_rows_in_different_chunks_get_their_own_keys(
    demo_app: Flask, tmp_path: Path
) -> None:
    # 90 contents, each on three rows 90 lines apart: the 2nd and 3rd of each fall in
    # other chunks of 100 than the 1st, so the count of earlier ones must carry over.
    path = tmp_path / "lika.csv"
    lines = [f"{YESTERDAY};natt;0380-D{1 + i % 24:02d};samling;fritid;{1 + i}" for i in range(90)]
    path.write_text("datum;tid;omrade;kategori;kalla;antal\n" + "\n".join(lines * 3) + "\n")
    before = count_rows(demo_app)
    code, out, err = run(demo_app, path)
    assert code == 0, err
    assert out.strip().splitlines()[-1] == "imported=270 duplicates=0 rejected=0"
    assert count_rows(demo_app) == before + 270
    # Again, and with one copy of each more: only the 4th copies are new.
    path.write_text("datum;tid;omrade;kategori;kalla;antal\n" + "\n".join(lines * 4) + "\n")
    code, out, _ = run(demo_app, path)
    assert out.strip().splitlines()[-1] == "imported=90 duplicates=270 rejected=0"
