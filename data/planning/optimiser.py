"""Planning nattvandring: the schedule optimiser (pure functions).

Walkers are offered per night (an association's sign-up, or walkers the
coordinator enters), each with a time window. A *group* is at least
``min_group`` walkers and walks one area for the whole window; an offer of w
walkers can form up to ⌊w / min_group⌋ groups. Each area gets at most one group
per night. The value of a group in an area is the expected (severity-weighted)
activity there during its window (:mod:`data.planning.forecast`). The schedule maximises
the total value: a 0/1 linear programme solved exactly with SciPy's HiGHS MILP
(``scipy.optimize.milp``) — an assignment problem, so small instances are also
checked against brute force in the tests.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_array

DEFAULT_MIN_GROUP: Final = 3
DEFAULT_MAX_GROUP: Final = 6
"""Walkers beyond this many per group (groups of 2–5 are usual) stay reserves."""
MAX_VARIABLES: Final = 200_000
"""Offers × areas the solver takes at once (a year of nights in a large kommun)."""


class ScheduleError(ValueError):
    """The schedule cannot be computed as asked (Swedish message)."""


@dataclass(frozen=True, slots=True)
class Offer:
    """Walkers available on one night, with their time window (local ``HH:MM``)."""

    key: str
    night: date
    walkers: int
    start: str
    end: str
    association: str = ""


@dataclass(frozen=True, slots=True)
class Walk:
    """One group of the schedule: an offer's walkers in one area on its night."""

    offer: str
    night: date
    area: str
    walkers: int
    start: str
    end: str
    association: str
    value: float


def groups_of(offer: Offer, min_group: int) -> int:
    """How many groups of at least ``min_group`` an offer can form."""
    return offer.walkers // min_group


def split_walkers(walkers: int, groups: int) -> list[int]:
    """Walkers shared as evenly as possible over ``groups`` groups (larger first)."""
    base, extra = divmod(walkers, groups)
    return [base + 1] * extra + [base] * (groups - extra)


def _check(offers: Sequence[Offer], min_group: int) -> None:
    if min_group < 1:
        raise ScheduleError("minsta gruppstorlek måste vara minst 1")
    keys = [o.key for o in offers]
    if len(set(keys)) != len(keys):
        raise ScheduleError("samma erbjudande finns två gånger")
    if any(o.walkers < 0 for o in offers):
        raise ScheduleError("antalet vandrare kan inte vara negativt")


def optimise(
    offers: Sequence[Offer],
    values: Mapping[tuple[str, str], float],
    *,
    min_group: int = DEFAULT_MIN_GROUP,
    max_group: int = DEFAULT_MAX_GROUP,
) -> list[Walk]:
    """The schedule with the largest total value.

    ``values[(offer key, area)]`` is what a group of that offer would cover in that
    area (missing or ≤ 0: never scheduled there). Limits, never violated: an offer
    forms at most ⌊walkers / min_group⌋ groups, each of at least ``min_group``
    walkers, in different areas; an area has at most one group per night; a group
    has at most ``max_group`` walkers (the rest of an offer stays in reserve).
    Offers left without a walk are the reserves.
    """
    _check(offers, min_group)
    if max_group < min_group:
        raise ScheduleError("största gruppen kan inte vara mindre än den minsta")
    by_key = {o.key: o for o in offers}
    pairs = [
        (key, area, value)
        for (key, area), value in values.items()
        if key in by_key and value > 0 and groups_of(by_key[key], min_group) > 0
    ]
    if not pairs:
        return []
    if len(pairs) > MAX_VARIABLES:
        raise ScheduleError("för många nätter och områden på en gång: välj en kortare period")
    offer_rows = {key: i for i, key in enumerate(dict.fromkeys(k for k, _, _ in pairs))}
    slot_rows: dict[tuple[date, str], int] = {}
    for key, area, _ in pairs:
        slot_rows.setdefault((by_key[key].night, area), len(slot_rows))
    n = len(pairs)
    matrix = lil_array((len(offer_rows) + len(slot_rows), n))
    upper = np.zeros(len(offer_rows) + len(slot_rows))
    for key, row in offer_rows.items():
        upper[row] = groups_of(by_key[key], min_group)
    upper[len(offer_rows) :] = 1  # one group per area and night
    for j, (key, area, _) in enumerate(pairs):
        matrix[offer_rows[key], j] = 1
        matrix[len(offer_rows) + slot_rows[(by_key[key].night, area)], j] = 1
    result = milp(
        c=-np.array([v for _, _, v in pairs]),
        constraints=LinearConstraint(matrix.tocsr(), -np.inf, upper),
        integrality=np.ones(n),
        bounds=Bounds(0, 1),
    )
    if result.status != 0 or result.x is None:  # pragma: no cover - HiGHS solves these
        raise ScheduleError(f"optimeringen misslyckades: {result.message}")
    chosen = [pairs[j] for j in np.flatnonzero(result.x > 0.5)]
    walks: list[Walk] = []
    for key in offer_rows:
        mine = sorted(((area, value) for k, area, value in chosen if k == key), key=lambda p: -p[1])
        if not mine:
            continue
        offer = by_key[key]
        for (area, value), walkers in zip(
            mine, split_walkers(min(offer.walkers, len(mine) * max_group), len(mine)), strict=True
        ):
            walks.append(
                Walk(
                    key,
                    offer.night,
                    area,
                    walkers,
                    offer.start,
                    offer.end,
                    offer.association,
                    value,
                )
            )
    return sorted(walks, key=lambda w: (w.night, -w.value, w.area))


def total_value(walks: Sequence[Walk]) -> float:
    """The schedule's total expected covered activity."""
    return float(sum(w.value for w in walks))


def reserves(offers: Sequence[Offer], walks: Sequence[Walk]) -> list[Offer]:
    """Offers the schedule does not use (kept as reserves)."""
    used = {w.offer for w in walks}
    return [o for o in offers if o.key not in used]
