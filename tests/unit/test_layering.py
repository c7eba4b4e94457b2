"""Dependencies flow dashboard → data → geo, never back (ARCHITECTURE.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {
    "geo": {"dashboard", "data", "flask", "dash", "sqlalchemy", "flask_login"},
    "data": {"dashboard", "flask", "dash", "flask_login", "plotly"},
}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_lower_layers_do_not_import_upper_ones(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_roots(path) & FORBIDDEN[package])
        for path in (ROOT / package).rglob("*.py")
        if imported_roots(path) & FORBIDDEN[package]
    }
    assert offenders == {}


def test_callbacks_never_touch_sql_or_models() -> None:
    offenders = []
    for path in (ROOT / "dashboard" / "callbacks").rglob("*.py"):
        roots = imported_roots(path)
        text = path.read_text(encoding="utf-8")
        if "sqlalchemy" in roots or "data.storage.models" in text:
            offenders.append(path.name)
    assert offenders == []


def test_figures_accept_only_protected_tables() -> None:
    """Every figure builder that takes a table takes ProtectedCounts (the choke point)."""
    tree = ast.parse((ROOT / "dashboard" / "figures.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.args.args:
            first = node.args.args[0]
            if first.arg == "table":
                assert isinstance(first.annotation, ast.Name)
                assert first.annotation.id == "ProtectedCounts", node.name


def test_dashboard_reaches_geo_only_through_data() -> None:
    offenders = sorted(
        str(path.relative_to(ROOT))
        for path in (ROOT / "dashboard").rglob("*.py")
        if "geo" in imported_roots(path)
    )
    assert offenders == []


def _attribute_uses(path: Path, names: set[str]) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{path.relative_to(ROOT)}:{node.lineno} .{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in names
    ]


def test_no_route_or_callback_reads_raw_counts() -> None:
    """The choke point, by import and use: nothing under dashboard/ touches the cube's
    raw arrays or aggregations, and nothing outside data/privacy/disclosure.py builds a
    ProtectedCounts — every number that leaves the server went through protect()."""
    raw = {"counts", "per_area", "per_week"}
    offenders = [
        use
        for path in sorted((ROOT / "dashboard").rglob("*.py"))
        for use in _attribute_uses(path, raw)
    ]
    assert offenders == []
    builders = []
    for path in sorted([*(ROOT / "dashboard").rglob("*.py"), *(ROOT / "data").rglob("*.py")]):
        if path.name == "disclosure.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        builders += [
            f"{path.relative_to(ROOT)}:{node.lineno}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "ProtectedCounts"
        ]
    assert builders == []


def test_only_the_query_modules_call_protect() -> None:
    callers = sorted(
        str(path.relative_to(ROOT))
        for path in [*(ROOT / "dashboard").rglob("*.py"), *(ROOT / "data").rglob("*.py")]
        if path.name != "disclosure.py"
        and any(
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "protect"
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        )
    )
    assert callers == [
        "data/counts/aggregates.py",
        "data/counts/notes.py",
        "data/counts/overview.py",
        "data/counts/windows.py",
        "data/planning/forecast.py",
    ]
