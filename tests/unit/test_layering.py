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
    builders = 0
    for path in sorted((ROOT / "dashboard" / "figures").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.args.args:
                first = node.args.args[0]
                if first.arg == "table":
                    builders += 1
                    assert isinstance(first.annotation, ast.Name), node.name
                    assert first.annotation.id == "ProtectedCounts", node.name
    assert builders >= 5  # the map, the trend, the heatmap, the band pattern, …


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
        "data/consent/counts.py",
        "data/counts/aggregates.py",
        "data/counts/notes.py",
        "data/counts/overview.py",
        "data/counts/windows.py",
        "data/planning/forecast.py",
    ]


# --- Issue 13: thin web layer, figures in one place, short callbacks and modules, one clock ---

LAYERS = ("dashboard", "data", "geo")
SQLALCHEMY_TYPES_ALLOWED = {
    # The app keeps its engine and session factory; it builds no queries with them.
    "dashboard/state.py": {
        "sqlalchemy": {"Engine"},
        "sqlalchemy.orm": {"Session", "sessionmaker"},
    },
}
QUERY_METHODS = {"execute", "scalars", "scalar", "query"}
CALLBACK_BODY_LINES = 40
MODULE_LINES = 500
ARCHITECTURE = ROOT / "ARCHITECTURE.md"
LONG_MODULES_HEADING = "Modules over 500 lines"
CLOCK_MODULE = "data/clock.py"


def _python_files(*packages: str) -> list[Path]:
    return sorted(
        path
        for package in packages
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.relative_to(ROOT).parts
    )


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _by_place(found: str) -> tuple[str, int]:
    """Sort key of ``"path:line what"`` offenders: by path, then line number."""
    place = found.split(" ", 1)[0]
    path, _, line = place.partition(":")
    return path, int(line) if line.isdigit() else 0


def sqlalchemy_uses(path: Path, allowed: dict[str, set[str]] | None = None) -> list[str]:
    """Imports of SQLAlchemy (other than ``allowed`` names) and query-running calls
    (``.execute(``, ``.scalars(``, ``.scalar(``, ``.query(``) in ``path``."""
    allowed = allowed or {}
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        where = f"{_relative(path)}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Import):
            found += [
                f"{where} import {alias.name}"
                for alias in node.names
                if alias.name.split(".")[0] == "sqlalchemy"
            ]
        elif (
            isinstance(node, ast.ImportFrom)
            and node.level == 0
            and node.module
            and node.module.split(".")[0] == "sqlalchemy"
        ):
            extra = sorted(
                alias.name
                for alias in node.names
                if alias.name not in allowed.get(node.module, set())
            )
            if extra:
                found.append(f"{where} from {node.module} import {', '.join(extra)}")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in QUERY_METHODS
        ):
            found.append(f"{where} .{node.func.attr}(...)")
    return found


def test_dashboard_neither_imports_sqlalchemy_nor_runs_queries() -> None:
    """The web layer asks data/ functions; it builds and runs no SQL itself (issue 13).
    Imported sqlalchemy names cover select/insert/update/delete; the method calls cover
    session.execute/scalars/scalar/query however the session was reached."""
    offenders = sorted(
        (
            use
            for path in _python_files("dashboard")
            for use in sqlalchemy_uses(path, SQLALCHEMY_TYPES_ALLOWED.get(_relative(path)))
        ),
        key=_by_place,
    )
    assert offenders == [], "move these into a data/ function:\n" + "\n".join(offenders)


def figure_calls(path: Path) -> list[str]:
    """Calls of ``plotly.graph_objects`` (``go.Figure(``, ``go.Bar(`` …) in ``path``,
    whatever name the module was imported under."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules = {"plotly.graph_objects"}
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "plotly.graph_objects" and alias.asname:
                    modules.add(alias.asname)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            for alias in node.names:
                if node.module == "plotly" and alias.name == "graph_objects":
                    modules.add(alias.asname or alias.name)
                elif node.module == "plotly.graph_objects":
                    names.add(alias.asname or alias.name)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        called = ast.unparse(node.func)
        owner, _, attr = called.rpartition(".")
        if (owner in modules and attr) or called in names:
            found.append(f"{_relative(path)}:{node.lineno} {called}(...)")
    return found


def test_every_plotly_figure_is_built_in_figures_py() -> None:
    offenders = sorted(
        (
            call
            for path in _python_files("dashboard")
            if not _relative(path).startswith("dashboard/figures/")
            for call in figure_calls(path)
        ),
        key=_by_place,
    )
    assert offenders == [], "build these in dashboard/figures/:\n" + "\n".join(offenders)


def _decorator_name(decorator: ast.expr) -> str:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return ast.unparse(target)


def long_callbacks(path: Path, limit: int = CALLBACK_BODY_LINES) -> list[str]:
    """Callbacks (functions with a decorator whose name ends in ``callback``) whose body
    is longer than ``limit`` lines, counted from the first statement after the
    docstring to the function's last line."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if not any(_decorator_name(d).endswith("callback") for d in node.decorator_list):
            continue
        body = node.body
        if (
            len(body) > 1
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            body = body[1:]
        end = node.end_lineno or body[-1].lineno
        lines = end - body[0].lineno + 1
        if lines > limit:
            found.append(f"{_relative(path)}:{node.lineno} {node.name}: {lines} lines")
    return found


def test_no_callback_body_exceeds_forty_lines() -> None:
    """A callback reads inputs, checks authorisation, calls one data function and hands
    the result to a builder; anything longer belongs in data/ or dashboard/figures/."""
    offenders = [found for path in _python_files("dashboard") for found in long_callbacks(path)]
    assert offenders == [], (
        f"callbacks over {CALLBACK_BODY_LINES} lines (body after the docstring):\n"
        + "\n".join(offenders)
    )


def modules_allowed_to_be_long(text: str) -> set[str]:
    """The modules given a reason in the "Modules over 500 lines" section of
    ARCHITECTURE.md (up to the next heading of the same or a higher level): the path
    in backticks that opens a list item, ``- `like/this.py` (…): why``. Paths
    mentioned inside a reason do not count."""
    allowed: set[str] = set()
    level = 0
    for line in text.splitlines():
        heading = len(line) - len(line.lstrip("#"))
        if heading and line[heading : heading + 1] == " ":
            if level and heading <= level:
                break
            if line[heading:].strip() == LONG_MODULES_HEADING:
                level = heading
            continue
        if level and line.startswith("- `"):
            path = line.split("`")[1]
            if path.endswith(".py") and "/" in path:
                allowed.add(path)
    return allowed


def long_modules(paths: list[Path], allowed: set[str], limit: int = MODULE_LINES) -> list[str]:
    found = []
    for path in paths:
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > limit and _relative(path) not in allowed:
            found.append(f"{_relative(path)}: {lines} lines")
    return found


def test_architecture_names_its_long_modules() -> None:
    allowed = modules_allowed_to_be_long(ARCHITECTURE.read_text(encoding="utf-8"))
    assert allowed, f'ARCHITECTURE.md has no "{LONG_MODULES_HEADING}" section naming modules'
    missing = sorted(path for path in allowed if not (ROOT / path).is_file())
    assert missing == [], "ARCHITECTURE.md names modules that do not exist: " + ", ".join(missing)


def test_no_module_over_500_lines_without_a_written_reason() -> None:
    allowed = modules_allowed_to_be_long(ARCHITECTURE.read_text(encoding="utf-8"))
    offenders = long_modules(_python_files(*LAYERS), allowed)
    assert offenders == [], (
        f"split these, or give the reason in ARCHITECTURE.md ({LONG_MODULES_HEADING}):\n"
        + "\n".join(offenders)
    )


def _import_aliases(tree: ast.AST) -> dict[str, str]:
    """Local name → full dotted name for ``import a.b as x`` and ``from a import b as x``."""
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            aliases.update({alias.asname: alias.name for alias in node.names if alias.asname})
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            aliases.update(
                {alias.asname or alias.name: f"{node.module}.{alias.name}" for alias in node.names}
            )
    return aliases


SYSTEM_CLOCK_CALLS = frozenset(
    {
        "datetime.date.today",
        "datetime.datetime.today",
        "datetime.datetime.now",
        "datetime.datetime.utcnow",
        "time.time",
    }
)


def clock_calls(path: Path) -> list[str]:
    """Reads of the system clock in ``path``: ``date.today()``, ``datetime.now()``,
    ``datetime.utcnow()``, ``datetime.today()``, ``time.time()``, however the module or
    class was imported (``import datetime as dt``, ``from time import time`` …)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    aliases = _import_aliases(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        called = ast.unparse(node.func)
        first, dot, rest = called.partition(".")
        full = aliases.get(first, first) + dot + rest
        if full in SYSTEM_CLOCK_CALLS:
            found.append(f"{_relative(path)}:{node.lineno} {called}()")
    return found


def test_only_the_clock_reads_the_system_clock() -> None:
    """One clock (data/clock.py): the web layer asks dashboard.state.today/now, data
    functions take ``today=``; tests freeze it with time-machine / SSP_TODAY."""
    offenders = sorted(
        (
            call
            for path in _python_files(*LAYERS)
            if _relative(path) != CLOCK_MODULE
            for call in clock_calls(path)
        ),
        key=_by_place,
    )
    assert offenders == [], "take the date from the clock instead:\n" + "\n".join(offenders)


BAD_EXAMPLE = (
    '''
import datetime as dt
import plotly.graph_objects as go
from datetime import date, datetime
from time import time
from plotly.graph_objects import Scatter
from sqlalchemy import select, Engine


def register(app):
    @app.callback(1)
    def long(x):
        """Docstring lines do not count."""
'''
    + "        x += 1\n" * CALLBACK_BODY_LINES
    + '''        return x

    @app.callback(2)
    def short(x):
        """Forty lines exactly is fine."""
'''
    + "        x += 1\n" * (CALLBACK_BODY_LINES - 1)
    + """        return x


def queries(session):
    session.execute(select(1))
    session.scalars(select(1))
    return go.Figure(go.Bar(), Scatter())


def clocks():
    return date.today(), datetime.now(), datetime.utcnow(), dt.datetime.now(), time()
"""
)


def test_the_checks_catch_a_bad_example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each check above fails on a deliberately bad module, so a pass means something."""
    package = tmp_path / "dashboard"
    package.mkdir()
    bad = package / "bad.py"
    bad.write_text(BAD_EXAMPLE, encoding="utf-8")

    def names(found: list[str]) -> list[str]:
        return [item.split(" ", 1)[1] for item in found]

    monkeypatch.setitem(globals(), "ROOT", tmp_path)
    assert sorted(names(sqlalchemy_uses(bad))) == [
        ".execute(...)",
        ".scalars(...)",
        "from sqlalchemy import Engine, select",
    ]
    assert sorted(names(sqlalchemy_uses(bad, {"sqlalchemy": {"Engine", "select"}}))) == [
        ".execute(...)",
        ".scalars(...)",
    ]
    assert names(figure_calls(bad)) == ["go.Figure(...)", "go.Bar(...)", "Scatter(...)"]
    assert names(long_callbacks(bad)) == [f"long: {CALLBACK_BODY_LINES + 1} lines"]
    assert long_modules([bad], set(), limit=10) == [
        f"dashboard/bad.py: {len(BAD_EXAMPLE.splitlines())} lines"
    ]
    assert long_modules([bad], {"dashboard/bad.py"}, limit=10) == []
    assert sorted(names(clock_calls(bad))) == sorted(
        [
            "date.today()",
            "datetime.now()",
            "datetime.utcnow()",
            "dt.datetime.now()",
            "time()",
        ]
    )
    section = (
        "# A\n\n## Modules over 500 lines\n\n- `geo/x.py`: why, unlike `geo/z.py`\n"
        "`data/w.py`\n\n## Next\n\n- `data/y.py`: not in the section\n"
    )
    assert modules_allowed_to_be_long(section) == {"geo/x.py"}


# --- Dict outputs (issue 13 item 4) ---
MAX_POSITIONAL_OUTPUTS = 2


def positional_outputs(path: Path, limit: int = MAX_POSITIONAL_OUTPUTS) -> list[str]:
    """Callbacks that declare more than ``limit`` outputs as positional ``Output(...)``
    arguments of their decorator: those name their outputs (``output={...}``) and return
    a dict, so no answer depends on the order of a long tuple. (Starred arguments are
    not counted: they may as well be inputs.)"""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for decorator in node.decorator_list:
            if not isinstance(decorator, ast.Call):
                continue
            if not _decorator_name(decorator).endswith("callback"):
                continue
            outputs = [
                arg
                for arg in decorator.args
                if isinstance(arg, ast.Call) and ast.unparse(arg.func).endswith("Output")
            ]
            if len(outputs) > limit:
                found.append(f"{_relative(path)}:{node.lineno} {node.name}: {len(outputs)}")
    return found


def test_many_output_callbacks_use_dict_outputs() -> None:
    offenders = [found for path in _python_files("dashboard") for found in positional_outputs(path)]
    assert offenders == [], (
        f"callbacks with over {MAX_POSITIONAL_OUTPUTS} positional outputs; use output={{...}}:\n"
        + "\n".join(offenders)
    )


def test_the_dict_output_check_catches_a_bad_example(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(globals(), "ROOT", tmp_path)
    bad = tmp_path / "bad.py"
    bad.write_text(
        """
def register(app):
    @app.callback(Output("a", "x"), Output("b", "x"), Output("c", "x"), Input("d", "x"))
    def three(d):
        return 1, 2, 3

    @app.callback(Output("a", "x"), dash.Output("b", "x"), Input("d", "x"))
    def two(d):
        return 1, 2

    @app.callback(output={"a": Output("a", "x"), "b": Output("b", "x"), "c": Output("c", "x")})
    def named(d):
        return {}
""",
        encoding="utf-8",
    )
    assert [found.split(" ", 1)[1] for found in positional_outputs(bad, limit=2)] == ["three: 3"]
