"""Reading and validating area layers (DeSO, RegSO, own areas) from files.

``load_layer`` = ``read_layer_file`` (bytes → GeoDataFrame in the file's CRS) +
``prepare_layer`` (fields, codes, geometry, CRS → areas in EPSG:4326). Both refuse
a bad layer with a ``LayerError`` whose message is Swedish, says what is wrong and
what to do, and quotes at most field names and area codes from the file.

Hostile files are refused before expensive work: the size is checked with
``stat`` before anything is read; zip members are checked by name (no paths out
of the archive, no symlinks) and by declared size and ratio before extracting,
and extracted with a byte-counting copy that stops at the limit; feature and
vertex counts are checked before geometry is repaired or overlaid.

CRS policy for GeoJSON: RFC 7946 says GeoJSON is WGS84 and GDAL reports
EPSG:4326 whether or not the file has a ``crs`` member. A GeoJSON *without* a
``crs`` member therefore counts as "no declared CRS": ``crs=`` (``--crs``) may
assign one (old exports in SWEREF 99 TM look like this), and without it WGS84 is
assumed. A SWEREF file mislabelled that way is caught by the coordinate check in
``prepare_layer``: coordinates of a geographic CRS must lie within ±180°/±90°, and
the coordinates of every layer, once in WGS84, must lie near the area of use of
its CRS (so degrees read as SWEREF metres, which land near the equator, fail too).
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pyogrio
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError

from geo.layers import WGS84, crs_label, metric_geometries

Progress = Callable[[float, str], None]
"""``progress(fraction, step)``: fraction in [0, 1], step a Swedish text for a progress bar."""

OVERLAP_REPORT_SHARE = 0.001
"""Overlaps above 0.1 % of the smaller area are reported (not refused)."""

OVERLAP_TOLERANCE = 0.25
"""Overlaps above this share of the smaller area refuse the layer.

Measured on the real, per-polygon simplified SCB layers (pairs, share of the
smaller area): Sigtuna DeSO 39 overlapping pairs, worst 1.3 %; Stockholm-county
DeSO 2,126 pairs, worst 17.7 % (small inner-city DeSO). Both must import, while a
layer holding an area twice or two levels at once (share ≈ 100 %) must not.
"""

COORDINATE_MARGIN_DEGREES = 10.0
"""How far (degrees) a layer may reach beyond the area of use of its CRS.

Generous on purpose: RT90 2.5 gon V (EPSG:3021) is formally for 13.7–17.7° E but
was the national grid, so Stockholm-county data in it reaches 19.5° E.
"""

SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
REQUIRED_SHAPEFILE_PARTS = (".shp", ".shx", ".dbf")
MAX_ZIP_MEMBERS = 1_000
RATIO_CHECK_MIN_BYTES = 1024**2
"""Members smaller than this are not ratio-checked: tiny files compress oddly, harmlessly."""
PAIR_QUERY_CHUNK = 256
PAIRS_PER_AREA_CAP = 50
MIN_PAIR_CAP = 100_000
SHOWN = 10
"""At most this many codes, rows or names are listed in a message."""

GEOJSON, GPKG, SHAPEFILE_ZIP, GEOPARQUET = "GeoJSON", "GeoPackage", "zippad shapefil", "GeoParquet"
GDAL_DRIVER = {GEOJSON: "GeoJSON", GPKG: "GPKG", SHAPEFILE_ZIP: "ESRI Shapefile"}
"""The only GDAL driver each format may be opened with. GDAL picks the driver from
the content, so a file named .geojson holding an OGR VRT definition would otherwise
read any file on the server (or a URL) and show it as areas."""
FORMAT_BY_SUFFIX = {
    ".geojson": GEOJSON,
    ".json": GEOJSON,
    ".gpkg": GPKG,
    ".zip": SHAPEFILE_ZIP,
    ".parquet": GEOPARQUET,
    ".geoparquet": GEOPARQUET,
}
POLYGONAL = frozenset({"Polygon", "MultiPolygon"})


class LayerError(ValueError):
    """A layer that cannot be imported.

    The message is Swedish, says what is wrong and what to do, and never echoes
    file contents beyond field names/codes.
    """


@dataclass(frozen=True, slots=True)
class LayerLimits:
    """Upper bounds that keep a hostile or mistaken file from exhausting the server."""

    max_file_bytes: int = 100 * 1024**2
    max_uncompressed_bytes: int = 400 * 1024**2  # total of a zip's members
    max_zip_ratio: float = 100.0  # uncompressed/compressed per member
    max_features: int = 20_000
    max_vertices_per_feature: int = 200_000
    max_vertices_total: int = 8_000_000


@dataclass(frozen=True, slots=True)
class LayerReport:
    """What the import found and did, for the user."""

    features: int
    source_crs: str  # e.g. "EPSG:3006"
    repaired: tuple[str, ...]  # codes whose geometry make_valid repaired
    overlaps: tuple[tuple[str, str, float], ...]  # (code_a, code_b, share of the smaller area)
    messages: tuple[str, ...]  # Swedish lines for the user


@dataclass(frozen=True, slots=True)
class LoadedLayer:
    """Areas ready to store: ``code``, ``name``, ``parent_code``, geometry (EPSG:4326)."""

    areas: gpd.GeoDataFrame
    report: LayerReport


# --- reading ----------------------------------------------------------------------------


def read_layer_file(
    path: Path,
    *,
    crs: str | None = None,
    limits: LayerLimits = LayerLimits(),
    progress: Progress | None = None,
) -> gpd.GeoDataFrame:
    """Read a layer file into a GeoDataFrame in the file's own CRS.

    Formats by suffix: ``.geojson``/``.json``, ``.gpkg``, ``.zip`` (one zipped ESRI
    Shapefile), ``.parquet``/``.geoparquet``; the first bytes must match. ``crs``
    (e.g. ``"EPSG:3006"``) is assigned to a file without a CRS; a file whose CRS
    differs from ``crs`` is refused as ambiguous, and so is a file without a CRS
    when ``crs`` is not given. Refuses files beyond ``limits`` before reading them.
    """
    step = _steps(progress)
    fmt = _format_of(path)
    given = _parse_crs(crs)
    step(0.0, f"Kontrollerar filen {path.name}")
    _check_file_size(path, limits)
    _check_magic(path, fmt)
    step(0.1, f"Läser {fmt}")
    declared = True
    if fmt == GEOJSON:
        raw, declared = _read_geojson(path, limits)
    elif fmt == GPKG:
        raw = _read_ogr(path, fmt, limits, layer=_only_layer(path))
    elif fmt == SHAPEFILE_ZIP:
        raw = _read_shapefile_zip(path, limits)
    else:
        raw = _read_geoparquet(path, limits)
    step(0.9, "Räknar objekt och hörnpunkter")
    _check_counts(raw.geometry.to_numpy(), limits)
    raw = _settle_crs(raw, given, declared=declared, fmt=fmt)
    step(1.0, f"Filen är läst: {_number(len(raw))} objekt")
    return raw


def _format_of(path: Path) -> str:
    fmt = FORMAT_BY_SUFFIX.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(FORMAT_BY_SUFFIX)
        msg = (
            f"Filtypen '{path.suffix or '(ingen)'}' kan inte läsas. Använd GeoJSON, GeoPackage, "
            f"en zippad shapefil eller GeoParquet (filändelse {known})."
        )
        raise LayerError(msg)
    return fmt


def _parse_crs(crs: str | None) -> CRS | None:
    if crs is None:
        return None
    try:
        return CRS.from_user_input(crs)
    except CRSError as error:
        msg = (
            f"Koordinatsystemet '{crs[:40]}' är okänt. Ange det som en EPSG-kod, t.ex. "
            "EPSG:3006 (SWEREF 99 TM), EPSG:4326 (WGS84) eller EPSG:3021 (RT90 2.5 gon V)."
        )
        raise LayerError(msg) from error


def _check_file_size(path: Path, limits: LayerLimits) -> None:
    try:
        size = path.stat().st_size
    except OSError as error:
        msg = f"Filen {path.name} finns inte eller kan inte läsas."
        raise LayerError(msg) from error
    if size == 0:
        msg = f"Filen {path.name} är tom."
        raise LayerError(msg)
    if size > limits.max_file_bytes:
        msg = (
            f"Filen är {_megabytes(size)}; högst {_megabytes(limits.max_file_bytes)} kan "
            "importeras. Dela upp lagret (t.ex. per kommun) eller förenkla geometrierna."
        )
        raise LayerError(msg)


def _check_magic(path: Path, fmt: str) -> None:
    with path.open("rb") as file:
        head = file.read(64)
        file.seek(max(file.seek(0, 2) - 4, 0))
        tail = file.read(4)
    if fmt == GEOJSON:
        looks_right = head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"{")
    elif fmt == GPKG:
        looks_right = head.startswith(b"SQLite format 3\x00")
    elif fmt == SHAPEFILE_ZIP:
        looks_right = head.startswith((b"PK\x03\x04", b"PK\x05\x06"))
    else:
        looks_right = head.startswith(b"PAR1") and tail == b"PAR1"
    if not looks_right:
        msg = (
            f"Filen {path.name} ser inte ut att vara {fmt}: innehållet stämmer inte med "
            f"filändelsen {path.suffix}. Kontrollera att rätt fil valts och att filändelsen "
            "stämmer."
        )
        raise LayerError(msg)


_WHITESPACE = np.zeros(256, dtype=bool)
_WHITESPACE[list(b" \t\r\n")] = True
_NUMBER_START = np.zeros(256, dtype=bool)
_NUMBER_START[list(b"-0123456789")] = True
_GEOMETRY_KEY = b'"geometry":'


def _read_geojson(path: Path, limits: LayerLimits) -> tuple[gpd.GeoDataFrame, bool]:
    """Read a GeoJSON file; also say whether it declares its CRS.

    It does when it has a ``crs`` member (even one saying WGS84) or when GDAL
    reports anything but WGS84; otherwise WGS84 is only RFC 7946's default.
    """
    with path.open("rb") as file:  # read no more than the limit, even if the file grew
        data = file.read(limits.max_file_bytes + 1)
    if len(data) > limits.max_file_bytes:
        _check_file_size(path, limits)
    has_crs_member = _scan_geojson(data, limits)
    del data
    frame = _read_ogr(path, GEOJSON, limits, count_first=False)
    declared = has_crs_member or not _is_wgs84(frame.crs)
    return frame, declared


def _scan_geojson(data: bytes, limits: LayerLimits) -> bool:
    """Count features and vertices in GeoJSON text without parsing it; return "has crs".

    GDAL needs about 1.3 s to parse one polygon of 1,000,000 vertices (22 MB); this
    scan refuses it in about 0.12 s. A vertex is a ``[`` followed by a number; a geometry's
    vertices lie between its ``"geometry":`` key and the next one. Strings that
    look alike could only make the counts differ slightly; the exact counts are
    checked again after reading.
    """
    raw = np.frombuffer(data, dtype=np.uint8)
    compact = raw[~_WHITESPACE[raw]]
    text = compact.tobytes()
    features = text.count(_GEOMETRY_KEY)
    _refuse_too_many_features(features, limits)
    brackets = np.flatnonzero(compact == ord("["))
    brackets = brackets[brackets + 1 < len(compact)]
    vertices = brackets[_NUMBER_START[compact[brackets + 1]]]
    if features:
        keys = np.fromiter(
            (match.start() for match in re.finditer(re.escape(_GEOMETRY_KEY), text)),
            dtype=np.int64,
            count=features,
        )
        per_geometry = np.bincount(np.searchsorted(keys, vertices), minlength=features + 1)[1:]
        _refuse_too_many_vertices(per_geometry, limits)
    return b'"crs":{' in text


def _is_wgs84(crs: CRS | None) -> bool:
    return crs is not None and crs.equals(CRS.from_user_input(WGS84), ignore_axis_order=True)


def _only_layer(path: Path) -> str:
    try:
        layers = [str(name) for name, geometry in pyogrio.list_layers(path) if geometry]
    except Exception as error:
        raise LayerError(_unreadable_message(GPKG)) from error
    if len(layers) != 1:
        found = f"flera lager ({_listed(layers)})" if layers else "inget lager med geometrier"
        msg = (
            f"GeoPackage-filen innehåller {found}. Spara det lager som ska importeras "
            "som ensamt lager i en egen fil."
        )
        raise LayerError(msg)
    return layers[0]


def _read_ogr(
    path: Path, fmt: str, limits: LayerLimits, *, layer: str | None = None, count_first: bool = True
) -> gpd.GeoDataFrame:
    """Read with GDAL; ``count_first`` checks the feature count (cheap except for GeoJSON)."""
    try:
        info = pyogrio.read_info(path, layer=layer)
        if info.get("driver") != GDAL_DRIVER[fmt]:
            raise LayerError(_unreadable_message(fmt))
        if count_first:
            _refuse_too_many_features(int(info["features"]), limits)
        frame = pyogrio.read_dataframe(path, layer=layer)
    except LayerError:
        raise
    except Exception as error:  # GDAL's messages may quote the file; say it in our words
        raise LayerError(_unreadable_message(fmt)) from error
    return gpd.GeoDataFrame(frame)


def _unreadable_message(fmt: str) -> str:
    return (
        f"Filen kunde inte läsas som {fmt}; den är skadad eller i ett annat format. "
        "Öppna den i t.ex. QGIS och spara den på nytt."
    )


def _read_geoparquet(path: Path, limits: LayerLimits) -> gpd.GeoDataFrame:
    unreadable = (
        "Filen kunde inte läsas som GeoParquet; den är skadad eller saknar geometrikolumn "
        "med GeoParquet-metadata. Spara den på nytt med t.ex. geopandas to_parquet."
    )
    try:
        metadata = pq.read_metadata(path)
    except Exception as error:
        raise LayerError(unreadable) from error
    _refuse_too_many_features(metadata.num_rows, limits)
    inflated = sum(metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups))
    if inflated > limits.max_uncompressed_bytes:
        msg = (
            f"GeoParquet-filen packas upp till {_megabytes(inflated)}; högst "
            f"{_megabytes(limits.max_uncompressed_bytes)} tillåts. Dela upp lagret."
        )
        raise LayerError(msg)
    try:
        return gpd.read_parquet(path)
    except Exception as error:
        raise LayerError(unreadable) from error


def _read_shapefile_zip(path: Path, limits: LayerLimits) -> gpd.GeoDataFrame:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        msg = "Zip-filen är skadad och kan inte öppnas. Packa shapefilen på nytt."
        raise LayerError(msg) from error
    with archive:
        members = _checked_members(archive.infolist(), limits)
        parts = _shapefile_parts(members)
        with tempfile.TemporaryDirectory(prefix="ssp-lager-") as folder:
            budget = limits.max_uncompressed_bytes
            for suffix, info in parts.items():
                target = Path(folder) / f"lager{suffix}"
                budget -= _extract_counted(archive, info, target, budget=budget)
            return _read_ogr(Path(folder) / "lager.shp", SHAPEFILE_ZIP, limits)


def _checked_members(infos: list[zipfile.ZipInfo], limits: LayerLimits) -> list[zipfile.ZipInfo]:
    if len(infos) > MAX_ZIP_MEMBERS:
        msg = (
            f"Zip-filen innehåller {_number(len(infos))} filer; högst {MAX_ZIP_MEMBERS} "
            "tillåts. Lägg bara shapefilens delar (.shp, .shx, .dbf, .prj) i zip-filen."
        )
        raise LayerError(msg)
    for info in infos:
        if _unsafe_member(info):
            msg = (
                f"Zip-filen innehåller en otillåten sökväg eller länk ({_quoted(info.filename)}): "
                "filer får inte peka ut ur zip-filen. Packa shapefilen på nytt med bara "
                "dess egna filer."
            )
            raise LayerError(msg)
        if info.flag_bits & 0x1:
            msg = "Zip-filen är lösenordsskyddad. Packa shapefilen på nytt utan lösenord."
            raise LayerError(msg)
    inflated = sum(info.file_size for info in infos)
    worst_ratio = max(
        (
            info.file_size / max(info.compress_size, 1)
            for info in infos
            if info.file_size >= RATIO_CHECK_MIN_BYTES
        ),
        default=0.0,
    )
    if inflated > limits.max_uncompressed_bytes:
        msg = (
            f"Zip-filen packas upp till {_megabytes(inflated)}; högst "
            f"{_megabytes(limits.max_uncompressed_bytes)} tillåts. Ett områdeslager brukar vara "
            "mycket mindre; kontrollera att rätt fil valts."
        )
        raise LayerError(msg)
    if worst_ratio > limits.max_zip_ratio:
        msg = (
            f"En fil i zip-filen är packad {_number(round(worst_ratio))} gånger (högst "
            f"{limits.max_zip_ratio:g} gånger tillåts), vilket tyder på en så kallad zip-bomb. "
            "Kontrollera filen."
        )
        raise LayerError(msg)
    return [info for info in infos if not info.is_dir()]


def _unsafe_member(info: zipfile.ZipInfo) -> bool:
    name = info.filename
    parts = re.split(r"[\\/]", name)
    is_symlink = (info.external_attr >> 16) & 0o170000 == 0o120000
    return (
        is_symlink
        or name.startswith(("/", "\\"))
        or re.match(r"^[A-Za-z]:", name) is not None
        or ".." in parts
        or "\x00" in name
    )


def _shapefile_parts(members: Iterable[zipfile.ZipInfo]) -> dict[str, zipfile.ZipInfo]:
    """Find the one shapefile in the archive and its sibling files, by suffix."""
    by_name = {
        info.filename.lower(): info
        for info in members
        if not info.filename.startswith("__MACOSX/")
        and not PurePosixPath(info.filename).name.startswith("._")
    }
    shapefiles = [name for name in by_name if name.endswith(".shp")]
    if len(shapefiles) != 1:
        found = f"{len(shapefiles)} shapefiler" if shapefiles else "ingen shapefil (.shp)"
        msg = (
            f"Zip-filen innehåller {found}; den ska innehålla exakt en. Lägg ett lager per zip-fil."
        )
        raise LayerError(msg)
    stem = shapefiles[0].removesuffix(".shp")
    missing = [s for s in REQUIRED_SHAPEFILE_PARTS if stem + s not in by_name]
    if missing:
        msg = (
            f"Shapefilen i zip-filen saknar {', '.join(missing)}. En shapefil består av flera "
            "filer med samma namn (.shp, .shx, .dbf och .prj); lägg alla i zip-filen."
        )
        raise LayerError(msg)
    return {s: by_name[stem + s] for s in SHAPEFILE_PARTS if stem + s in by_name}


def _extract_counted(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    target: Path,
    *,
    budget: int,
) -> int:
    """Copy one member out, counting bytes: stop at its declared size or the byte budget.

    The sizes in a zip's headers are claims; this copy is what enforces them.
    """
    allowed = min(info.file_size, budget)
    written = 0
    try:
        with archive.open(info) as source, target.open("wb") as sink:
            while chunk := source.read(1024**2):
                written += len(chunk)
                if written > allowed:
                    msg = (
                        "Zip-filen innehåller mer data än den uppger och packas därför inte upp "
                        "(den kan vara en så kallad zip-bomb). Kontrollera filen."
                    )
                    raise LayerError(msg)
                sink.write(chunk)
    except LayerError:
        raise
    except Exception as error:  # bad CRC, truncated data, unsupported compression
        msg = "Zip-filen är skadad och kan inte packas upp. Packa shapefilen på nytt."
        raise LayerError(msg) from error
    return written


def _settle_crs(
    raw: gpd.GeoDataFrame, given: CRS | None, *, declared: bool, fmt: str
) -> gpd.GeoDataFrame:
    """Combine the file's CRS (if ``declared``) with the one given by the user."""
    own = raw.crs if declared else None
    if given is None:
        if raw.crs is None:
            raise LayerError(_no_crs_message(fmt))
        return raw
    if own is not None and not given.equals(own, ignore_axis_order=True):
        msg = (
            f"Filen anger koordinatsystemet {crs_label(own)} men --crs anger "
            f"{crs_label(given)}; det går inte att veta vilket som stämmer. Utelämna --crs "
            "för att använda filens eget, eller rätta filen."
        )
        raise LayerError(msg)
    return raw.set_crs(given, allow_override=True)


def _no_crs_message(fmt: str) -> str:
    hint = " (för en shapefil: lägg med .prj-filen i zip-filen)" if fmt == SHAPEFILE_ZIP else ""
    return (
        f"Lagret saknar koordinatsystem (CRS){hint}, så det går inte att veta var områdena "
        "ligger. Ange det med --crs, t.ex. EPSG:3006 för SWEREF 99 TM (vanligast i kommunala "
        "lager) eller EPSG:4326 för WGS84."
    )


# --- validating -------------------------------------------------------------------------


def prepare_layer(
    raw: gpd.GeoDataFrame,
    *,
    code_field: str,
    name_field: str,
    parent_field: str | None = None,
    keep_fields: Sequence[str] = (),
    overlap_tolerance: float = OVERLAP_TOLERANCE,
    limits: LayerLimits = LayerLimits(),
    progress: Progress | None = None,
) -> LoadedLayer:
    """Validate a read layer and turn it into areas in EPSG:4326.

    Codes are text, stripped, unique and non-empty; names default to the code;
    parent codes are optional. Geometries must be polygons: invalid ones are
    repaired with ``make_valid`` (kept polygonal, reported), empty or other types
    refuse the layer. Pairs of areas overlapping by more than ``overlap_tolerance``
    of the smaller area (in SWEREF 99 TM) refuse the layer; pairs above
    ``OVERLAP_REPORT_SHARE`` are reported. ``overlap_tolerance=1`` allows any overlap
    (own areas may overlap by design).
    """
    step = _steps(progress)
    step(0.0, "Kontrollerar fält och koder")
    _require_fields(raw, code_field, name_field, parent_field, keep_fields)
    if raw.crs is None:
        raise LayerError(_no_crs_message(""))
    messages: list[str] = []
    codes = _codes(raw[code_field], code_field, messages)
    given_names = _texts(raw[name_field])
    names = [name or code for name, code in zip(given_names, codes, strict=True)]
    unnamed = [code for name, code in zip(given_names, codes, strict=True) if name is None]
    if unnamed:
        messages.append(
            f"{_number(len(unnamed))} områden saknar namn i fältet '{name_field}'; koden "
            f"används som namn: {_listed(unnamed)}."
        )
    parents = _texts(raw[parent_field]) if parent_field else [None] * len(raw)

    step(0.15, "Kontrollerar geometrierna")
    geoms = shapely.force_2d(raw.geometry.to_numpy())
    _check_counts(geoms, limits, codes)
    _refuse_non_polygons(geoms, codes)

    source = crs_label(raw.crs)
    if not _is_wgs84(raw.crs):
        step(0.3, f"Räknar om koordinaterna från {source} till WGS84")
        messages.append(f"Koordinaterna räknades om från {source} till WGS84 (EPSG:4326).")
    _check_coordinates_in_crs_range(geoms, raw.crs)
    geoms = gpd.GeoSeries(geoms, crs=raw.crs).to_crs(WGS84).to_numpy()
    _check_coordinates_near_crs_area(geoms, raw.crs)

    step(0.5, "Kontrollerar att geometrierna är giltiga")
    geoms, repaired = _repaired(geoms, codes)
    if repaired:
        messages.append(
            f"Ogiltig geometri (t.ex. en gräns som korsar sig själv) lagades för "
            f"{_number(len(repaired))} områden: {_listed(repaired)}. Kontrollera gränserna "
            "i källan."
        )

    step(0.65, "Söker överlappande områden")
    areas = gpd.GeoDataFrame(
        {
            "code": pd.Series(codes, dtype="str"),
            "name": pd.Series(names, dtype="str"),
            "parent_code": pd.Series(parents, dtype=object),
            **{field: raw[field].reset_index(drop=True) for field in keep_fields},
        },
        geometry=gpd.GeoSeries(geoms, crs=WGS84),
    )
    overlaps = _overlaps(areas, overlap_tolerance, messages)
    step(1.0, f"Klart: {_number(len(areas))} områden")
    report = LayerReport(
        features=len(areas),
        source_crs=source,
        repaired=tuple(repaired),
        overlaps=overlaps,
        messages=tuple(messages),
    )
    return LoadedLayer(areas=areas, report=report)


def load_layer(
    path: Path,
    *,
    code_field: str,
    name_field: str,
    parent_field: str | None = None,
    crs: str | None = None,
    keep_fields: Sequence[str] = (),
    overlap_tolerance: float = OVERLAP_TOLERANCE,
    limits: LayerLimits = LayerLimits(),
    progress: Progress | None = None,
) -> LoadedLayer:
    """Read and validate a layer file (``read_layer_file`` then ``prepare_layer``)."""
    raw = read_layer_file(path, crs=crs, limits=limits, progress=_part(progress, 0.0, 0.4))
    return prepare_layer(
        raw,
        code_field=code_field,
        name_field=name_field,
        parent_field=parent_field,
        keep_fields=keep_fields,
        overlap_tolerance=overlap_tolerance,
        limits=limits,
        progress=_part(progress, 0.4, 1.0),
    )


RESERVED_COLUMNS = frozenset({"code", "name", "parent_code", "geometry"})


def _require_fields(
    raw: gpd.GeoDataFrame,
    code_field: str,
    name_field: str,
    parent_field: str | None,
    keep_fields: Sequence[str],
) -> None:
    available = [str(c) for c in raw.columns if c != raw.geometry.name]
    roles = [("kodfält", code_field), ("namnfält", name_field)]
    if parent_field is not None:
        roles.append(("fält för överordnat område", parent_field))
    roles.extend(("fält att behålla", field) for field in keep_fields)
    missing = [f"{role} '{field}'" for role, field in roles if field not in available]
    if missing:
        msg = (
            f"Lagret saknar {', '.join(missing)}. Tillgängliga fält: {', '.join(available)}. "
            "Ange fälten med --code-field, --name-field och --parent-field."
        )
        raise LayerError(msg)
    clashing = sorted(RESERVED_COLUMNS.intersection(keep_fields))
    if clashing:
        msg = f"Fälten {', '.join(clashing)} kan inte behållas: namnen används redan av importen."
        raise LayerError(msg)


def _texts(values: pd.Series) -> list[str | None]:
    """Values as stripped text; missing or blank → None; 191.0 → '191'."""
    texts: list[str | None] = []
    for value in values.tolist():
        if value is None or value is pd.NA or (isinstance(value, float) and not np.isfinite(value)):
            texts.append(None)
        elif isinstance(value, float) and value.is_integer():
            texts.append(str(int(value)))
        else:
            texts.append(str(value).strip() or None)
    return texts


def _codes(values: pd.Series, field: str, messages: list[str]) -> list[str]:
    texts = _texts(values)
    empty_rows = [row for row, code in enumerate(texts, start=1) if code is None]
    if empty_rows:
        msg = (
            f"{_number(len(empty_rows))} objekt saknar kod i fältet '{field}' (rad "
            f"{_listed(map(str, empty_rows))}). Varje område måste ha en kod."
        )
        raise LayerError(msg)
    codes = [code for code in texts if code is not None]
    repeated = [(code, n) for code, n in Counter(codes).items() if n > 1]
    if repeated:
        shown = [f"{_quoted(code)} ({n} gånger)" for code, n in repeated]
        msg = (
            f"{_number(len(repeated))} koder i fältet '{field}' förekommer mer än en gång: "
            f"{_listed(shown, quote=False)}. Varje område måste ha en unik kod; slå ihop "
            "delarna till ett område eller ge dem egna koder."
        )
        raise LayerError(msg)
    if pd.api.types.is_numeric_dtype(values):
        messages.append(
            f"Kodfältet '{field}' är numeriskt i filen, så inledande nollor kan ha fallit bort "
            "(0191 blir 191). Spara fältet som text i källan om koderna ska ha inledande nollor."
        )
    return codes


def _check_counts(geoms: np.ndarray, limits: LayerLimits, codes: Sequence[str] = ()) -> None:
    _refuse_too_many_features(len(geoms), limits)
    _refuse_too_many_vertices(shapely.get_num_coordinates(geoms), limits, codes=codes)


def _refuse_too_many_features(features: int, limits: LayerLimits) -> None:
    if features > limits.max_features:
        msg = (
            f"Lagret har {_number(features)} objekt; högst {_number(limits.max_features)} kan "
            "importeras. Dela upp lagret (t.ex. per kommun)."
        )
        raise LayerError(msg)


def _refuse_too_many_vertices(
    per_feature: np.ndarray, limits: LayerLimits, *, codes: Sequence[str] = ()
) -> None:
    """Refuse too many vertices in one feature (named by code, else by number) or in all."""
    if not len(per_feature):
        return
    simplify = (
        "Förenkla lagret (t.ex. i QGIS: Vektor → Geometriverktyg → Förenkla) och försök igen."
    )
    worst = int(np.argmax(per_feature))
    if per_feature[worst] > limits.max_vertices_per_feature:
        which = f"Området {_quoted(codes[worst])}" if codes else f"Objekt nr {worst + 1}"
        msg = (
            f"{which} har {_number(int(per_feature[worst]))} hörnpunkter; högst "
            f"{_number(limits.max_vertices_per_feature)} per område tillåts. {simplify}"
        )
        raise LayerError(msg)
    total = int(per_feature.sum())
    if total > limits.max_vertices_total:
        msg = (
            f"Lagret har {_number(total)} hörnpunkter; högst "
            f"{_number(limits.max_vertices_total)} tillåts. {simplify}"
        )
        raise LayerError(msg)


def _refuse_non_polygons(geoms: np.ndarray, codes: Sequence[str]) -> None:
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if missing.any():
        msg = (
            f"{_number(int(missing.sum()))} områden saknar geometri eller har en tom geometri: "
            f"{_listed(np.asarray(codes)[missing])}. Varje område måste ha en yta."
        )
        raise LayerError(msg)
    types = Counter(geom.geom_type for geom in geoms)
    others = {kind: n for kind, n in types.items() if kind not in POLYGONAL}
    if others:
        found = ", ".join(f"{kind} ({_number(n)} st)" for kind, n in sorted(others.items()))
        msg = (
            f"Lagret måste bestå av ytor (Polygon eller MultiPolygon) men innehåller {found}. "
            "Välj ett lager med områdesgränser."
        )
        raise LayerError(msg)


def _check_coordinates_in_crs_range(geoms: np.ndarray, crs: CRS) -> None:
    coords = shapely.get_coordinates(geoms)
    if not np.isfinite(coords).all():
        msg = "Lagret har koordinater som inte är tal (NaN eller oändliga). Rätta filen i källan."
        raise LayerError(msg)
    lon, lat = coords[:, 0], coords[:, 1]
    if crs.is_geographic and not ((np.abs(lon) <= 180).all() and (np.abs(lat) <= 90).all()):
        msg = (
            f"Koordinaterna passar inte koordinatsystemet {crs_label(crs)}: de ligger utanför "
            "longitud ±180° och latitud ±90° och ser ut att vara i meter, t.ex. SWEREF 99 TM. "
            "(GeoJSON utan crs-uppgift tolkas som WGS84.) Ange rätt koordinatsystem med --crs, "
            "t.ex. EPSG:3006."
        )
        raise LayerError(msg)


def _check_coordinates_near_crs_area(wgs84_geoms: np.ndarray, crs: CRS) -> None:
    coords = shapely.get_coordinates(wgs84_geoms)
    area = crs.area_of_use
    if not np.isfinite(coords).all():  # a projection can fail far outside its area
        inside = False
    elif area is None:
        inside = True
    else:
        west, south, east, north = (
            area.west - COORDINATE_MARGIN_DEGREES,
            area.south - COORDINATE_MARGIN_DEGREES,
            area.east + COORDINATE_MARGIN_DEGREES,
            area.north + COORDINATE_MARGIN_DEGREES,
        )
        lon, lat = coords[:, 0], coords[:, 1]
        # An area of use across the antimeridian has west > east.
        lon_ok = (lon >= west) & (lon <= east) if west <= east else (lon >= west) | (lon <= east)
        inside = bool((lon_ok & (lat >= south) & (lat <= north)).all())
    if not inside:
        msg = (
            f"Koordinaterna hamnar utanför det område där {crs_label(crs)} gäller, så "
            "koordinatsystemet är troligen fel. "
            "Kontrollera filens koordinatsystem eller ange rätt med --crs, t.ex. EPSG:3006 "
            "för SWEREF 99 TM eller EPSG:4326 för WGS84."
        )
        raise LayerError(msg)


def _repaired(geoms: np.ndarray, codes: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    """Repair invalid geometries, keeping only their polygonal parts."""
    invalid = np.flatnonzero(~shapely.is_valid(geoms)).tolist()
    if not invalid:
        return geoms, []
    geoms = geoms.copy()
    fixed = shapely.make_valid(geoms[invalid], method="structure", keep_collapsed=False)
    geoms[invalid] = [_polygonal(geom) for geom in fixed]
    collapsed = [codes[i] for i in invalid if shapely.is_empty(geoms[i])]
    if collapsed:
        msg = (
            f"Geometrin för {_listed(collapsed)} blir tom när den lagas (den har ingen yta). "
            "Rätta gränserna i källan."
        )
        raise LayerError(msg)
    return geoms, [codes[i] for i in invalid]


def _polygonal(geom: Any) -> Any:
    if geom.geom_type in POLYGONAL:
        return geom
    parts = [
        part for part in shapely.get_parts(shapely.get_parts(geom)) if part.geom_type == "Polygon"
    ]
    if not parts:
        return shapely.Polygon()
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


def _overlaps(
    areas: gpd.GeoDataFrame, tolerance: float, messages: list[str]
) -> tuple[tuple[str, str, float], ...]:
    """Pairs overlapping by more than ``OVERLAP_REPORT_SHARE`` of the smaller area, worst first."""
    geoms = metric_geometries(areas)
    left, right = _touching_pairs(geoms)
    shared = shapely.area(shapely.intersection(geoms[left], geoms[right]))
    sizes = shapely.area(geoms)
    share = shared / np.minimum(sizes[left], sizes[right])
    order = np.argsort(-share, kind="stable")
    order = order[share[order] > OVERLAP_REPORT_SHARE]
    codes = areas["code"].tolist()
    pairs = tuple((codes[left[k]], codes[right[k]], float(share[k])) for k in order)
    worst = [f"{a} och {b} ({_percent(s)})" for a, b, s in pairs[:5]]
    if pairs and pairs[0][2] > tolerance:
        too_much = sum(1 for *_, s in pairs if s > tolerance)
        msg = (
            f"{_number(too_much)} par av områden överlappar varandra med mer än "
            f"{_percent(tolerance)} av det mindre områdets yta, t.ex. {', '.join(worst)}. "
            "Kontrollera att lagret bara innehåller en nivå (inte både DeSO och RegSO) och "
            "att inget område finns två gånger."
        )
        raise LayerError(msg)
    if pairs:
        total = float(shared[share > OVERLAP_REPORT_SHARE].sum() / sizes.sum())
        messages.append(
            f"{_number(len(pairs))} par av grannområden överlappar något (mer än "
            f"{_percent(OVERLAP_REPORT_SHARE)} av det mindre områdets yta; sammanlagt "
            f"{_percent(total)} av lagrets yta). Störst: {', '.join(worst)}. Det kommer oftast "
            "av förenklade gränser och hindrar inte importen."
        )
    return pairs


def _touching_pairs(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i < j) of intersecting geometries, refusing absurdly many.

    A tiling has a handful of neighbours per area (Stockholm county: 2.7 pairs
    per DeSO). Areas stacked on top of each other would make the pair list, and
    the overlay work, quadratic; queried in chunks so memory stays bounded.
    """
    tree = shapely.STRtree(geoms)
    cap = max(MIN_PAIR_CAP, PAIRS_PER_AREA_CAP * len(geoms))
    lefts, rights, found = [], [], 0
    for start in range(0, len(geoms), PAIR_QUERY_CHUNK):
        left, right = tree.query(geoms[start : start + PAIR_QUERY_CHUNK], predicate="intersects")
        left += start
        keep = left < right
        lefts.append(left[keep])
        rights.append(right[keep])
        found += int(keep.sum())
        if found > cap:
            msg = (
                "Lagrets områden ligger i mycket stor utsträckning på varandra (fler än "
                f"{_number(cap)} par som möts). Kontrollera att lagret bara innehåller en nivå "
                "och att inget område finns flera gånger."
            )
            raise LayerError(msg)
    return np.concatenate(lefts), np.concatenate(rights)


# --- small helpers ----------------------------------------------------------------------


def _steps(progress: Progress | None) -> Progress:
    return progress if progress is not None else lambda fraction, step: None


def _part(progress: Progress | None, start: float, end: float) -> Progress | None:
    """A progress callback for one part of the work, mapped onto [start, end]."""
    if progress is None:
        return None
    return lambda fraction, step: progress(start + (end - start) * fraction, step)


def _quoted(text: str | None, width: int = 40) -> str:
    text = str(text)
    shown = text if len(text) <= width else text[: width - 1] + "…"
    return shown.encode("unicode_escape").decode("ascii") if not shown.isprintable() else shown


def _listed(items: Iterable[Any], *, quote: bool = True) -> str:
    items = [str(item) for item in items]
    shown = [_quoted(item) if quote else item for item in items[:SHOWN]]
    rest = len(items) - len(shown)
    return ", ".join(shown) + (f" … och {_number(rest)} till" if rest > 0 else "")


def _number(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def _percent(share: float) -> str:
    digits = 1 if share >= 0.001 else 3
    return f"{share * 100:.{digits}f} %".replace(".", ",")


def _megabytes(n: int) -> str:
    return f"{n / 1024**2:,.0f} MB".replace(",", " ")
