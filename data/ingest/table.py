"""Reading an uploaded table — CSV or XLSX — as a header and rows of text cells.

Both formats give the same thing: a header (the first non-empty row) and the rows
after it as lists of strings, numbered as in a spreadsheet (the header is line 1
when it is the first row). Rows are produced lazily so a million-row file is never
held as Python objects; iterating twice re-reads the file. :func:`read_table` reads
bytes already in memory (uploads); :func:`read_table_file` streams a file from disk
in 1 MB steps, so the command line reads a file of any size in flat memory.

CSV: UTF-8 (with or without BOM) or Windows-1252, ``;`` or ``,`` separated.
XLSX: the first worksheet, cached values (formulas are never evaluated); dates
become ISO dates, whole numbers lose their ``.0``. The XLSX container is checked
before it is opened (size after unpacking, number of parts), and the XML is parsed
with defusedxml when openpyxl uses it, so a zip or XML bomb is refused, not unpacked.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Final

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook

XLSX_MAGIC: Final = b"PK\x03\x04"
OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0"
MAX_UNPACKED_BYTES: Final = 1024 * 1024 * 1024
"""An XLSX whose parts unpack to more than this is refused (a zip bomb)."""
MAX_RATIO: Final = 200
"""…and so is one that unpacks to more than this many times its size."""
MAX_PARTS: Final = 2000
MAX_COLUMNS: Final = 200


Source = bytes | Path
"""A table's content: bytes in memory, or a file on disk that is streamed."""


class TableError(ValueError):
    """The file cannot be read as a table at all; the message is Swedish."""


@dataclass(frozen=True, slots=True)
class Table:
    """A header and a way to iterate the rows below it (``(line, cells)``)."""

    kind: str
    """"csv" or "xlsx"."""
    header: tuple[str, ...]
    header_line: int
    line_estimate: int
    """About how many lines the file has (for progress; never used for limits)."""
    _source: Source | None = None
    """The file's bytes, or the path of the file on disk (read again per pass)."""
    _encoding: str = "utf-8-sig"
    _delimiter: str = ";"

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """Each row after the header as ``(line number, cells)``; blank rows skipped."""
        assert self._source is not None
        if self.kind == "csv":
            return _csv_rows(self._source, self._encoding, self._delimiter, self.header_line)
        return _xlsx_rows(self._source, self.header_line)


def read_table(raw: bytes, filename: str = "") -> Table:
    """Read ``raw`` as CSV or XLSX (by content, not by name); raise ``TableError``."""
    return _read(raw, raw[: len(XLSX_MAGIC)], filename)


def read_table_file(path: Path) -> Table:
    """Read the file at ``path`` as CSV or XLSX without loading it into memory.

    The same checks and result as :func:`read_table`; the rows are streamed from the
    file whenever they are iterated, so its size does not limit the memory used.
    """
    with path.open("rb") as handle:
        magic = handle.read(len(XLSX_MAGIC))
    return _read(path, magic, path.name)


def _read(source: Source, magic: bytes, filename: str) -> Table:
    name = filename.lower()
    if magic.startswith(OLE_MAGIC) or name.endswith(".xls"):
        msg = "Gamla Excel-filer (.xls) kan inte läsas: spara som .xlsx eller CSV."
        raise TableError(msg)
    if magic.startswith(XLSX_MAGIC):
        return _read_xlsx(source)
    if name.endswith((".xlsx", ".xlsm")):
        msg = "Filen heter .xlsx men är ingen Excel-fil."
        raise TableError(msg)
    return _read_csv(source)


def _binary(source: Source) -> BinaryIO:
    return io.BytesIO(source) if isinstance(source, bytes) else source.open("rb")


def _blocks(source: Source) -> Iterator[bytes]:
    """The content in 1 MB steps (a file on disk is never read whole)."""
    with _binary(source) as handle:
        while block := handle.read(_STEP):
            yield block


def _encoding(source: Source) -> str:
    """``utf-8-sig`` when the whole file is valid UTF-8, else ``cp1252`` when that reads it.

    Checked in 1 MB steps with an incremental decoder, so a large file is never held
    as one big string (a str with "ä" in it takes two bytes per character).
    """
    for encoding in ("utf-8-sig", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for block in _blocks(source):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    msg = "Filen är varken UTF-8 eller Windows-1252."
    raise TableError(msg)


_STEP: Final = 1024 * 1024


def _text_stream(source: Source, encoding: str) -> io.TextIOWrapper:
    return io.TextIOWrapper(_binary(source), encoding=encoding, newline="")


def _read_csv(source: Source) -> Table:
    newlines = 0
    for block in _blocks(source):
        if b"\x00" in block:
            msg = "Filen innehåller nolltecken: det är ingen CSV-fil."
            raise TableError(msg)
        newlines += block.count(b"\n")
    encoding = _encoding(source)
    with _binary(source) as handle:
        start = handle.read(65536)
    first = ""
    for first in start.decode(encoding, errors="replace").split("\n", 20)[:20]:
        if first.strip().strip(";,"):
            break
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    records = 0
    with _text_stream(source, encoding) as stream:
        reader = csv.reader(stream, delimiter=delimiter)
        try:
            for cells in reader:
                records += 1
                if any(c.strip() for c in cells):
                    header = tuple(c.strip() for c in cells)
                    break
            else:
                msg = "Filen är tom."
                raise TableError(msg)
        except csv.Error:
            msg = "Filen kunde inte läsas som CSV."
            raise TableError(msg) from None
    if len(header) > MAX_COLUMNS:
        msg = f"Filen har {len(header)} kolumner; högst {MAX_COLUMNS} går att läsa."
        raise TableError(msg)
    return Table(
        kind="csv",
        header=header,
        header_line=records,
        line_estimate=newlines + 1,
        _source=source,
        _encoding=encoding,
        _delimiter=delimiter,
    )


def _csv_rows(
    source: Source, encoding: str, delimiter: str, header_line: int
) -> Iterator[tuple[int, list[str]]]:
    line = 0
    with _text_stream(source, encoding) as stream:
        try:
            for cells in csv.reader(stream, delimiter=delimiter):
                line += 1
                if line <= header_line or not any(c.strip() for c in cells):
                    continue
                yield line, cells
        except csv.Error:
            msg = (
                f"Rad {line + 1}: filen kunde inte läsas som CSV "
                "(ett citattecken som inte slutar?)."
            )
            raise TableError(msg) from None


def _check_container(source: Source) -> None:
    size = len(source) if isinstance(source, bytes) else source.stat().st_size
    try:
        with _binary(source) as handle, zipfile.ZipFile(handle) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        msg = "Excel-filen är skadad (ingen giltig .xlsx)."
        raise TableError(msg) from None
    unpacked = sum(part.file_size for part in parts)
    if len(parts) > MAX_PARTS or unpacked > MAX_UNPACKED_BYTES or unpacked > MAX_RATIO * size:
        msg = "Excel-filen packas upp till orimligt mycket data och läses inte."
        raise TableError(msg)
    names = {part.filename for part in parts}
    if "xl/workbook.xml" not in names:
        msg = "Filen är en zip-fil men ingen Excel-arbetsbok (.xlsx)."
        raise TableError(msg)


def _open_sheet(source: Source) -> Workbook:
    from openpyxl import load_workbook  # only XLSX imports need it

    opened = io.BytesIO(source) if isinstance(source, bytes) else str(source)
    try:
        workbook = load_workbook(opened, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken workbook
        msg = "Excel-filen kunde inte läsas (skadad eller inte en arbetsbok)."
        raise TableError(msg) from error
    if not workbook.worksheets:
        msg = "Excel-filen har inget kalkylblad."
        raise TableError(msg)
    return workbook


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _sheet_rows(source: Source) -> Generator[tuple[int, list[str]], None, None]:
    workbook = _open_sheet(source)
    try:
        sheet = workbook.worksheets[0]
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield line, [_cell_text(v) for v in values[:MAX_COLUMNS]]
    except TableError:
        raise
    except Exception as error:  # a part that breaks half-way through
        msg = "Excel-filen kunde inte läsas till slut (skadad)."
        raise TableError(msg) from error
    finally:
        workbook.close()


def _read_xlsx(source: Source) -> Table:
    _check_container(source)
    workbook = _open_sheet(source)
    try:
        sheet = workbook.worksheets[0]
        estimate = int(sheet.max_row or 0)
    finally:
        workbook.close()
    rows = _sheet_rows(source)
    try:
        for line, cells in rows:
            if any(c.strip() for c in cells):
                header = tuple(c.strip() for c in cells)
                while header and not header[-1]:
                    header = header[:-1]
                return Table(
                    kind="xlsx",
                    header=header,
                    header_line=line,
                    line_estimate=max(estimate, line),
                    _source=source,
                )
    finally:
        rows.close()
    msg = "Kalkylbladet är tomt."
    raise TableError(msg)


def _xlsx_rows(source: Source, header_line: int) -> Iterator[tuple[int, list[str]]]:
    for line, cells in _sheet_rows(source):
        if line > header_line and any(c.strip() for c in cells):
            yield line, cells
