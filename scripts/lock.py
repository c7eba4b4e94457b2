"""Write the pinned locks ``requirements.txt`` and ``requirements-dev.txt`` from
``pyproject.toml``'s ranges and the packages installed in the running interpreter.

Like ``pip-compile``: the runtime lock holds ``[project] dependencies`` and what they
need, nothing else; the dev lock starts with ``-r requirements.txt`` and adds the
``dev`` extra's tools and what they need that the runtime lock does not hold already.
Every line is an exact ``==`` pin of the installed version with the packages that
pulled it in. ``setuptools`` and ``pip`` are left out, as ``pip freeze`` and
``pip-compile`` do.

Usage: change a range in ``pyproject.toml``, install what it allows into ``.venv``
(``.venv/bin/pip install "name>=x,<y"``), run the tests, then::

    .venv/bin/python scripts/lock.py
"""

from __future__ import annotations

import sys
import tomllib
from importlib.metadata import Distribution, distribution
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
LEFT_OUT = frozenset({"pip", "setuptools"})


def _wanted(requirement: Requirement, extras: set[str]) -> bool:
    """Whether ``requirement`` applies here, given the extras asked of its parent."""
    if requirement.marker is None:
        return True
    return any(requirement.marker.evaluate({"extra": extra}) for extra in {"", *extras})


def closure(roots: list[str]) -> dict[str, tuple[Distribution, set[str]]]:
    """Every installed distribution ``roots`` need, with the packages that need each."""
    found: dict[str, tuple[Distribution, set[str]]] = {}
    extras_seen: dict[str, set[str]] = {}
    stack: list[tuple[Requirement, str | None]] = [(Requirement(r), None) for r in roots]
    while stack:
        requirement, parent = stack.pop()
        name = canonicalize_name(requirement.name)
        if name in LEFT_OUT:
            continue
        dist = distribution(requirement.name)
        known = extras_seen.setdefault(name, set())
        new_extras = set(requirement.extras) - known
        first_time = name not in found
        found.setdefault(name, (dist, set()))[1].update({parent} if parent else set())
        if not first_time and not new_extras:
            continue
        known |= new_extras
        for line in dist.requires or []:
            child = Requirement(line)
            if _wanted(child, known):
                stack.append((child, str(dist.metadata["Name"])))
    return found


def pins(found: dict[str, tuple[Distribution, set[str]]], header: list[str]) -> str:
    lines = list(header)
    for name in sorted(found):
        dist, parents = found[name]
        pin = f"{dist.metadata['Name']}=={dist.version}"
        via = ", ".join(sorted(parents))
        lines.append(f"{pin:<40}  # via {via}" if via else pin)
    return "\n".join(lines) + "\n"


def main() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime_roots: list[str] = project["dependencies"]
    dev_roots: list[str] = project["optional-dependencies"]["dev"]
    runtime = closure(runtime_roots)
    everything = closure(runtime_roots + dev_roots)
    dev = {name: entry for name, entry in everything.items() if name not in runtime}
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    made_by = f"# Written by scripts/lock.py from pyproject.toml (Python {python}, Linux)."
    (ROOT / "requirements.txt").write_text(
        pins(
            runtime,
            [
                "# Pinned runtime lock: [project] dependencies and what they need.",
                made_by,
                "# Change ranges in pyproject.toml, install, then rerun the script.",
            ],
        ),
        encoding="utf-8",
    )
    (ROOT / "requirements-dev.txt").write_text(
        pins(
            dev,
            [
                "# Pinned test and lint lock: the runtime lock plus the dev extra's tools.",
                made_by,
                "-r requirements.txt",
            ],
        ),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
