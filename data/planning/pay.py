"""Compensation levels: how much an association gets for a walked night, by how many
walked (e.g. full pay from 4 walkers, reduced at 3, nothing below).

The rule varies by municipality, so it is a setting: per kommun in the database
(``ssp pay-levels KOMMUN "4:600,3:300"``: :func:`set_kommun_levels`), else the
installation's ``SSP_PAY_LEVELS`` as ``"4:600,3:300"`` (minimum walkers → kronor per
night). The older single level (``SSP_PAY_MIN_WALKERS``, ``SSP_PAY_PER_NIGHT``) is the
one-level table ``{min: amount}`` when ``SSP_PAY_LEVELS`` is empty. All but the two
setting functions are pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from sqlalchemy.orm import Session

from data.storage.models import Setting

PAY_SETTING: Final = "pay_levels:"
"""``Setting`` key prefix of a kommun's own pay levels (``pay_levels:0380``)."""
MAX_LEVELS: Final = 10
MAX_WALKERS: Final = 100
_LEVEL: Final = re.compile(r"\s*(\d{1,3})\s*:\s*(\d{1,7}(?:[.,]\d{1,2})?)\s*")


@dataclass(frozen=True, slots=True, order=True)
class PayLevel:
    """From ``min_walkers`` walkers, ``amount`` kronor per confirmed night."""

    min_walkers: int
    amount: float

    @property
    def label(self) -> str:
        """``4+`` (the level's name in the pay CSV)."""
        return f"{self.min_walkers}+"


def levels_table(levels: Iterable[PayLevel]) -> tuple[PayLevel, ...]:
    """The levels sorted by minimum walkers, highest first; refuses (ValueError)
    duplicate minimums, minimums outside 1–100, negative amounts and more than ten
    levels."""
    table = tuple(sorted(levels, reverse=True))
    minimums = [level.min_walkers for level in table]
    if len(table) > MAX_LEVELS:
        msg = f"at most {MAX_LEVELS} pay levels"
        raise ValueError(msg)
    if len(set(minimums)) != len(minimums):
        msg = "each pay level needs its own minimum number of walkers"
        raise ValueError(msg)
    if any(not 1 <= m <= MAX_WALKERS for m in minimums):
        msg = f"a pay level's minimum is 1–{MAX_WALKERS} walkers"
        raise ValueError(msg)
    if any(not level.amount >= 0 for level in table):
        msg = "a pay level's amount must not be negative"
        raise ValueError(msg)
    return table


def parse_levels(text: str) -> tuple[PayLevel, ...]:
    """``"4:600,3:300"`` (decimal comma or point allowed in amounts) as a table, highest
    first; ``""`` is no table. ValueError names what is wrong, never echoing more than
    the setting's name."""
    if not text.strip():
        return ()
    levels = []
    for part in _split(text):
        match = _LEVEL.fullmatch(part)
        if match is None:
            msg = 'SSP_PAY_LEVELS is levels like "4:600,3:300" (walkers:kronor)'
            raise ValueError(msg)
        levels.append(PayLevel(int(match[1]), float(match[2].replace(",", "."))))
    return levels_table(levels)


def _split(text: str) -> list[str]:
    """The levels of a setting: separated by ``;`` or by ``,`` (an amount's decimal
    comma is read when levels are separated by ``;``)."""
    return text.split(";") if ";" in text else text.split(",")


def single_level(min_walkers: int, per_night: float) -> tuple[PayLevel, ...]:
    """The one-level table of the older settings."""
    return levels_table([PayLevel(min_walkers, per_night)])


def level_reached(levels: Sequence[PayLevel], walkers: int) -> PayLevel | None:
    """The highest level ``walkers`` reaches (``levels`` highest first), None below all."""
    for level in levels:
        if walkers >= level.min_walkers:
            return level
    return None


def levels_text(levels: Sequence[PayLevel]) -> str:
    """A table as its setting text, highest level first (``4:600,3:300``)."""
    return ",".join(f"{level.min_walkers}:{level.amount:g}" for level in levels_table(levels))


def kommun_levels(session: Session, kommun: str) -> tuple[PayLevel, ...]:
    """The kommun's own pay levels (empty: none set, the installation's apply)."""
    setting = session.get(Setting, PAY_SETTING + kommun)
    return parse_levels(setting.value) if setting is not None else ()


def set_kommun_levels(session: Session, kommun: str, text: str) -> tuple[PayLevel, ...]:
    """Keep the kommun's pay levels (ValueError when malformed); ``""`` removes them,
    so the installation's ``SSP_PAY_LEVELS`` applies again."""
    levels = parse_levels(text)
    setting = session.get(Setting, PAY_SETTING + kommun)
    if not levels:
        if setting is not None:
            session.delete(setting)
    elif setting is None:
        session.add(Setting(key=PAY_SETTING + kommun, value=levels_text(levels)))
    else:
        setting.value = levels_text(levels)
    session.flush()
    return levels
