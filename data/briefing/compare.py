"""Changes between published counts, in honest Swedish words (pure functions).

Every comparison here takes two *published* values (the text and the number, ``None``
where suppressed) and says no more than they do:

* a suppressed side ("<10", "skyddad") gives "kan inte jämföras";
* a difference the cell key noise could explain (each published count may be off by
  up to ±2, so a difference by up to ±4; we are generous and also call anything within
  10 % of the larger count unchanged) is "ungefär oförändrat (inom bruset)";
* otherwise "högre"/"lägre" with the change rounded to 5 %, never with decimals;
* a period still running is never compared: a half-counted period is not a fall.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from data.briefing.model import Comparison, Direction, PeriodKind

NOISE_MARGIN: Final = 4
"""The largest difference two published counts of the same true count may show
(±2 each, :data:`data.privacy.disclosure.NOISE_BOUND`)."""
NOISE_SHARE: Final = 0.10
"""A difference within this share of the larger count is also called unchanged."""
PERCENT_STEP: Final = 5

_PREVIOUS: Final[dict[str, str]] = {
    "week": "förra veckan",
    "month": "förra månaden",
    "tertial": "förra tertialet",
    "year": "förra året",
}
_LAST_YEAR: Final[dict[str, str]] = {
    "week": "samma vecka i fjol",
    "month": "samma månad i fjol",
    "tertial": "samma tertial i fjol",
    "year": "året innan",
}


@dataclass(frozen=True, slots=True)
class Published:
    """One published count: its text ("42", "<10", "skyddad") and number (``None``
    where suppressed). ``known`` is False when nothing was recorded back then (the
    period lies before the first recorded week): a 0 there is no information."""

    text: str
    number: int | None
    known: bool = True


def within_noise(a: int, b: int) -> bool:
    """True when the difference of two published counts may be noise alone."""
    return abs(a - b) <= max(NOISE_MARGIN, NOISE_SHARE * max(a, b))


def rounded_percent(a: int, b: int) -> int:
    """|a − b| as a percentage of ``b`` (> 0), rounded to the nearest 5."""
    share = abs(a - b) * 100 / b
    return int(PERCENT_STEP * int(share / PERCENT_STEP + 0.5))


def change(now: Published, then: Published, what: str) -> tuple[Direction, str]:
    """The direction of ``now`` against ``then`` and a phrase saying it ("högre än
    förra månaden (+15 %)")."""
    if not then.known:
        return "unknown", f"kan inte jämföras med {what} (inga uppgifter då)"
    if now.number is None or then.number is None:
        hidden = then.text if then.number is None else now.text
        when = "då" if then.number is None else "nu"
        return "unknown", f"kan inte jämföras med {what} ({hidden} {when})"
    a, b = now.number, then.number
    if within_noise(a, b):
        return "same", f"ungefär oförändrat mot {what} (inom bruset)"
    word = "högre" if a > b else "lägre"
    if b == 0:
        return "up", f"högre än {what} (då 0)"
    sign = "+" if a > b else "−"
    return ("up" if a > b else "down"), f"{word} än {what} ({sign}{rounded_percent(a, b)} %)"


def compare(
    label: str,
    now: Published,
    previous: Published,
    last_year: Published,
    *,
    kind: PeriodKind,
    running: str | None = None,
) -> Comparison:
    """A :class:`Comparison` of ``now`` against the previous period and the same period
    last year. ``running`` (the text of a period still running) claims no change."""
    if running is not None:
        up_prev: Direction = "unknown"
        up_year: Direction = "unknown"
        text = running
    else:
        up_prev, said_prev = change(now, previous, _PREVIOUS[kind])
        up_year, said_year = change(now, last_year, _LAST_YEAR[kind])
        # For a year the previous period is the year before: say it once.
        said = [said_prev] if kind == "year" else [said_prev, said_year]
        text = "; ".join(said)
        text = text[0].upper() + text[1:] + "."
    return Comparison(
        label=label,
        value=now.text,
        number=now.number,
        previous=previous.text,
        previous_number=previous.number,
        last_year=last_year.text,
        last_year_number=last_year.number,
        change_previous=up_prev,
        change_last_year=up_year,
        text=text,
    )


def movers(
    comparisons: list[Comparison], *, n: int = 5
) -> tuple[tuple[Comparison, ...], tuple[Comparison, ...]]:
    """The ``n`` clearest rises and falls against the previous period: only pairs where
    both counts are published and the change is outside the noise, largest first."""

    def difference(c: Comparison) -> int:
        return (c.number or 0) - (c.previous_number or 0)

    rising = [c for c in comparisons if c.change_previous == "up"]
    falling = [c for c in comparisons if c.change_previous == "down"]
    rising.sort(key=lambda c: (-difference(c), c.label))
    falling.sort(key=lambda c: (difference(c), c.label))
    return tuple(rising[:n]), tuple(falling[:n])
