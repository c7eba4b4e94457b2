"""A small kommun with DeSO, RegSO, an own area and a small area, for aggregate tests.

Kommun 9901: RegSO R1 (DeSO D1, D2) and R2 (DeSO D3, D4); D4 has 150 youths, so
at DeSO level D3 and D4 are shown merged into R2. The own area EGEN is D1 + D3.
Observations lie on every DeSO, on R1 itself (stored at RegSO precision) and on
the kommun (a polisen report: kommun precision). Kommun 9902 is somewhere else.
:data:`UNIT_AT` says by hand where each record must count at each level.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

import numpy as np
from sqlalchemy.orm import Session

from data.access.users import create_user
from data.counts.cube import monday_of
from data.storage.db import AREAS_VERSION, bump_version
from data.storage.models import Area, AreaMember, Observation

PASSWORD: Final = "ett-långt-lösenord"
KOMMUN: Final = "9901"
OTHER_KOMMUN: Final = "9902"
R1, R2 = "9901R001", "9901R002"
D1, D2, D3, D4 = "9901A0001", "9901A0002", "9901A0003", "9901A0004"
EGEN: Final = "9901-EGEN"
OTHER_AREA: Final = "9902A0001"
CATEGORIES: Final = ("vald", "hot", "stold", "narkotika")
SOURCES: Final = ("skola", "polis", "fritid")
N_WEEKS: Final = 10
UNIT_AT: Final[dict[str, dict[str, str | None]]] = {
    # level → where a record stored on an area counts (None: not at this level).
    "kommun": {D1: KOMMUN, D2: KOMMUN, D3: KOMMUN, D4: KOMMUN, R1: KOMMUN, KOMMUN: KOMMUN},
    "regso": {D1: R1, D2: R1, D3: R2, D4: R2, R1: R1, KOMMUN: None},
    "deso": {D1: D1, D2: D2, D3: R2, D4: R2, R1: None, KOMMUN: None},
    "custom": {D1: EGEN, D2: None, D3: EGEN, D4: None, R1: None, KOMMUN: None},
}
USERS: Final = {
    "samordnare9": ("coordinator", KOMMUN, ()),
    "ledning9": ("leadership", KOMMUN, ()),
    "polis9": ("police_area", KOMMUN, (R1,)),
    "samordnare2": ("coordinator", OTHER_KOMMUN, ()),
}


@dataclass(frozen=True, slots=True)
class Record:
    """One observation as written: area code, day, category, source, count, age band."""

    area: str
    day: date
    category: str
    source: str
    count: int
    age: str | None = None


AGES: tuple[str | None, ...] = (None, "10-12", "13-15", "16-18")


def first_monday(today: date) -> date:
    """Monday of the first week with records (the last ``N_WEEKS`` weeks up to today)."""
    return monday_of(today) - timedelta(weeks=N_WEEKS - 1)


def build_hierarchy(session: Session, *, today: date, seed: int = 7) -> list[Record]:
    """Write the areas, users and observations; return the records (caller commits)."""
    kommun = Area(code=KOMMUN, name="Testkommun", level="kommun", kommun_code=KOMMUN)
    other = Area(code=OTHER_KOMMUN, name="Grannkommun", level="kommun", kommun_code=OTHER_KOMMUN)
    session.add_all([kommun, other])
    session.flush()
    areas = {KOMMUN: kommun, OTHER_KOMMUN: other}
    for code, name, level, parent, population in (
        (R1, "Norra", "regso", KOMMUN, 900),
        (R2, "Södra", "regso", KOMMUN, 600),
        (EGEN, "Eget område", "custom", KOMMUN, 950),
        (D1, "Norra 1", "deso", R1, 500),
        (D2, "Norra 2", "deso", R1, 400),
        (D3, "Södra 1", "deso", R2, 450),
        (D4, "Södra 2", "deso", R2, 150),
        (OTHER_AREA, "Granne 1", "deso", OTHER_KOMMUN, 800),
    ):
        area = Area(
            code=code,
            name=name,
            level=level,
            kommun_code=code[:4],
            parent_id=areas[parent].id,
            population_10_19=population,
        )
        session.add(area)
        session.flush()
        areas[code] = area
    session.add_all([AreaMember(area_id=areas[EGEN].id, member_id=areas[m].id) for m in (D1, D3)])
    for username, (role, kommun_code, assigned) in USERS.items():
        create_user(
            session, username, PASSWORD, role=role, kommun_code=kommun_code, area_codes=assigned
        )

    rng = np.random.default_rng(seed)
    records: list[Record] = []
    start = first_monday(today)
    for code in (D1, D2, D3, D4, R1, KOMMUN, OTHER_AREA):
        for _ in range(60):
            day = start + timedelta(days=int(rng.integers(0, N_WEEKS * 7)))
            if day > today:
                continue
            records.append(
                Record(
                    area=code,
                    day=day,
                    category=str(rng.choice(CATEGORIES)),
                    source=str(rng.choice(SOURCES)),
                    count=int(rng.integers(1, 4)),
                    # Every fourth record without an age band, the others in turn (no
                    # draw from rng: the records are the same as before ages existed).
                    age=AGES[len(records) % len(AGES)],
                )
            )
    session.add_all(
        [
            Observation(
                area_id=areas[r.area].id,
                occurred_on=r.day,
                category_code=r.category,
                source_code=r.source,
                count=r.count,
                age_band=r.age,
                location_precision="kommun" if r.area == KOMMUN else "area",
            )
            for r in records
        ]
    )
    bump_version(session)
    bump_version(session, AREAS_VERSION)
    session.flush()
    return records
