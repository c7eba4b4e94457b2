"""Shared UI pieces of the pages: cards, the no-access message, list tables and buttons."""

from __future__ import annotations

from typing import Any

from dash import html


def delete_button(button_type: str, item: str) -> html.Button:
    """A "Ta bort" button of a pattern-matching list: ``{"type": ..., "item": ...}``."""
    return html.Button(
        "Ta bort", id={"type": button_type, "item": item}, n_clicks=0, className="small"
    )


def simple_table(
    headers: tuple[str, ...],
    rows: list[list[Any]] | list[tuple[Any, ...]],
    table_id: str,
    empty: str,
) -> html.Table | html.P:
    """A plain table, or ``empty`` as a paragraph when there are no rows."""
    if not rows:
        return html.P(empty)
    return html.Table(
        [
            html.Thead(html.Tr([html.Th(h) for h in headers])),
            html.Tbody([html.Tr([html.Td(cell) for cell in row]) for row in rows]),
        ],
        id=table_id,
    )


def bump(refresh: Any) -> int:
    """The next value of a page's refresh counter (lists re-render when it changes)."""
    return (refresh if isinstance(refresh, int) else 0) + 1


def denied(message: str) -> html.Div:
    """What a page shows a user without access (the data never left the server)."""
    return html.Div(
        [html.H2("Ingen behörighet"), html.P(message)], className="page card", role="alert"
    )


def section_card(title: str, *children: Any, hint: str = "") -> html.Section:
    """A titled card of a page, with an optional hint under the title."""
    parts: list[Any] = [html.H3(title)]
    if hint:
        parts.append(html.P(hint, className="hint"))
    return html.Section([*parts, *children], className="card")
