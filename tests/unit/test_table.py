"""Reading uploaded tables (CSV and XLSX) and mapping their columns to the template."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from data.ingest.observations import (
    COLUMNS,
    ImportContext,
    _Occurrences,
    default_mapping,
    mapping_errors,
    validate_table,
)
from data.ingest.table import MAX_COLUMNS, TableError, read_table, read_table_file

TODAY = date(2026, 11, 23)
CONTEXT = ImportContext(
    categories={
        "samling": "samling",
        "skadegörelse": "skadegorelse",
        "skadegorelse": "skadegorelse",
    },
    sources={"fritid": "fritid", "skola": "skola"},
    areas={"0380-D01": 1, "0380-D02": 2},
    today=TODAY,
)


def xlsx(rows: list[list[object]], *, title: str = "Blad1") -> bytes:
    """A synthetic workbook with ``rows`` on its first sheet."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def valid_rows(raw: bytes, name: str = "") -> list[tuple[int, tuple[object, ...]]]:
    table = read_table(raw, name)
    found = []
    for line, row, errors in validate_table(table, default_mapping(table.header), CONTEXT):
        assert not errors, [e.text() for e in errors]
        assert row is not None
        found.append((line, row))
    return found


def test_xlsx_with_typed_cells_gives_the_same_rows_as_the_csv() -> None:
    csv_bytes = (
        "datum;tid;omrade;kategori;kalla;antal\n"
        "2026-11-20;kväll;0380-D01;samling;fritid;2\n"
        "2026-11-21;natt;0380-D02;Skadegörelse;skola;1\n"
    ).encode()
    workbook = xlsx(
        [
            ["datum", "tid", "omrade", "kategori", "kalla", "antal"],
            [datetime(2026, 11, 20), "kväll", "0380-D01", "samling", "fritid", 2.0],
            [date(2026, 11, 21), "natt", "0380-D02", "Skadegörelse", "skola", 1],
        ]
    )
    assert valid_rows(workbook, "rader.xlsx") == valid_rows(csv_bytes, "rader.csv")
    assert len(valid_rows(workbook)) == 2


def test_xlsx_header_below_a_title_row_and_blank_rows_is_found() -> None:
    workbook = xlsx(
        [
            [],
            ["datum", "omrade", "kategori", "kalla"],
            [],
            ["2026-11-20", "0380-D01", "samling", "fritid"],
        ]
    )
    table = read_table(workbook, "x.xlsx")
    assert table.kind == "xlsx"
    assert table.header == ("datum", "omrade", "kategori", "kalla")
    assert [line for line, _ in valid_rows(workbook)] == [4]


def test_xlsx_formula_cells_are_never_evaluated_or_kept() -> None:
    workbook = xlsx(
        [
            ["datum", "omrade", "kategori", "kalla", "anteckning"],
            ["2026-11-20", "0380-D01", "samling", "fritid", '=HYPERLINK("http://x")'],
        ]
    )
    table = read_table(workbook)
    rows = list(validate_table(table, default_mapping(table.header), CONTEXT))
    # openpyxl without a cached value gives no value for a formula: the note is empty.
    assert rows[0][1] is not None
    assert rows[0][1][8] is None


@pytest.mark.parametrize(
    ("raw", "name", "message"),
    [
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "gammal.xls", ".xls"),
        (b"datum;omrade\n", "gammal.xls", ".xls"),
        (b"just text", "fel.xlsx", "ingen Excel-fil"),
        (b"PK\x03\x04 not really a zip", "trasig.xlsx", "skadad"),
        (b"", "tom.csv", "tom"),
        (b"\n\n;;\n", "tom.csv", "tom"),
        (b"datum;omrade\x00\n", "noll.csv", "nolltecken"),
        (("a;" * (MAX_COLUMNS + 5) + "\n").encode(), "bred.csv", "kolumner"),
    ],
)
def test_unreadable_files_are_refused_in_swedish(raw: bytes, name: str, message: str) -> None:
    with pytest.raises(TableError, match=message):
        read_table(raw, name)


def test_a_zip_that_is_not_a_workbook_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hej")
    with pytest.raises(TableError, match="ingen Excel-arbetsbok"):
        read_table(out.getvalue(), "x.xlsx")


def test_an_xlsx_zip_bomb_is_refused_before_it_is_unpacked() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (60 * 1024 * 1024))
    raw = out.getvalue()
    assert len(raw) < 1024 * 1024  # tiny on disk, 60 MB unpacked
    with pytest.raises(TableError, match="orimligt"):
        read_table(raw, "bomb.xlsx")


def test_xml_entity_bomb_inside_an_xlsx_is_refused() -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    source = io.BytesIO(xlsx([["datum"]]))
    out = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(out, "w") as archive:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = bomb.encode()
            archive.writestr(item, data)
    with pytest.raises(TableError):
        read_table(out.getvalue(), "entity.xlsx")


def test_time_cells_and_whole_floats_become_plain_text() -> None:
    workbook = xlsx([["a", "b", "c", "d"], [time(20, 30), 3.0, 2.5, True]])
    table = read_table(workbook)
    assert [cells for _, cells in table.rows()] == [["20:30", "3", "2.5", "1"]]


def test_default_mapping_reads_template_english_and_swedish_names() -> None:
    header = ("Date", "Område", "KATEGORI", "källa", "antal", "extra")
    assert default_mapping(header) == {
        "datum": 0,
        "omrade": 1,
        "kategori": 2,
        "kalla": 3,
        "antal": 4,
    }
    assert default_mapping(COLUMNS) == {c: i for i, c in enumerate(COLUMNS)}


def test_mapping_errors_name_what_is_wrong() -> None:
    header = ("När", "Var", "Vad", "Vem")
    assert default_mapping(header) == {}
    errors = mapping_errors(header, {})
    assert "kolumner saknas: datum, omrade, kategori, kalla" in errors[0].text()
    good = {"datum": 0, "omrade": 1, "kategori": 2, "kalla": 3}
    assert mapping_errors(header, good) == []
    assert "två fält" in mapping_errors(header, {**good, "kalla": 2})[0].message
    assert "finns inte" in mapping_errors(header, {**good, "antal": 9})[0].message
    assert "okända" in mapping_errors(header, {**good, "namn": 0})[0].message


def test_a_mapped_layout_imports_like_the_template() -> None:
    raw = "Var;Vad;När;Vem\n0380-D01;samling;20/11/2026;fritid\n".encode("cp1252")
    table = read_table(raw, "egen.csv")
    mapping = {"datum": 2, "omrade": 0, "kategori": 1, "kalla": 3}
    rows = list(validate_table(table, mapping, CONTEXT))
    assert len(rows) == 1
    _line, row, errors = rows[0]
    assert errors == []
    assert row is not None
    assert row[:6] == (1, date(2026, 11, 20), None, "samling", "fritid", 1)


def test_identical_rows_get_distinct_keys_that_are_stable_across_files() -> None:
    line = "2026-11-20;kväll;0380-D01;samling;fritid;2\n"
    raw = ("datum;tid;omrade;kategori;kalla;antal\n" + line * 3).encode()
    first = [row[-1] for _, row in valid_rows(raw)]
    assert len(set(first)) == 3
    again = [row[-1] for _, row in valid_rows(raw)]
    assert again == first
    header: list[object] = ["datum", "tid", "omrade", "kategori", "kalla", "antal"]
    as_xlsx = xlsx([header] + [["2026-11-20", "kväll", "0380-D01", "samling", "fritid", 2]] * 3)
    assert [row[-1] for _, row in valid_rows(as_xlsx)] == first


@given(st.lists(st.lists(st.integers(-3, 3), max_size=12), max_size=6))
def test_occurrences_count_each_digest_across_calls(calls: list[list[int]]) -> None:
    occurrences = _Occurrences()
    seen: dict[int, int] = {}
    try:
        for digests in calls:
            expected = []
            for digest in digests:
                seen[digest] = seen.get(digest, 0) + 1
                expected.append(seen[digest])
            assert occurrences.number(digests) == expected
    finally:
        occurrences.close()


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("obs.csv", "datum,omrade\n2026-11-20,Väst\n\n2026-11-21,Öst\n".encode("cp1252")),
        ("obs.xlsx", xlsx([["datum", "omrade"], [date(2026, 11, 20), "Väst"]])),
    ],
)
def test_a_file_read_from_disk_gives_what_its_bytes_give(
    tmp_path: Path, name: str, raw: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(raw)
    from_disk, in_memory = read_table_file(path), read_table(raw, name)
    assert (from_disk.kind, from_disk.header, from_disk.header_line) == (
        in_memory.kind,
        in_memory.header,
        in_memory.header_line,
    )
    assert from_disk.line_estimate == in_memory.line_estimate
    assert list(from_disk.rows()) == list(in_memory.rows())
