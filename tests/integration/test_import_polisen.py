"""The real polisen.se events through ``ssp import-polisen``, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from data.ingest.polisen import parse_polisen_reports
from data.ingest.store import import_police_events
from data.storage.db import make_session_factory, unit_of_work
from data.storage.models import Area, Observation

pytestmark = pytest.mark.shared_data


def test_real_events_import_at_kommun_level_and_reimport_adds_nothing(
    engine: Engine, shared_data: Path
) -> None:
    raw = (shared_data / "polisen_events_uppsala_sigtuna.json").read_bytes()
    parsed = parse_polisen_reports(raw)
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        first = import_police_events(session, parsed)
    assert first.rejected == 0
    assert first.imported == sum(1 for e in parsed.reports if e.precision == "kommun")
    assert first.imported + first.skipped == 1_878
    with factory() as session:
        rows = session.execute(
            select(Area.code, Observation.location_precision, func.count())
            .join(Area, Observation.area_id == Area.id)
            .group_by(Area.code, Observation.location_precision)
        ).all()
        # Every event sits on its kommun, with kommun precision: never a neighbourhood.
        assert {(code, precision) for code, precision, _ in rows} <= {
            ("0380", "kommun"),
            ("0191", "kommun"),
        }
        assert sum(n for *_, n in rows) == first.imported
        assert session.scalar(select(func.count()).where(Observation.note.is_not(None))) == 0
    with unit_of_work(factory) as session:
        again = import_police_events(session, parsed)
    assert (again.imported, again.duplicates) == (0, first.imported)
    assert again.line() == f"imported=0 duplicates={first.imported} rejected=0"


def test_cli_prints_the_summary_line_and_refuses_unknown_kommuner(
    tmp_path: Path, shared_data: Path
) -> None:
    import json

    from dashboard import create_app

    app = create_app(
        {
            "SSP_INSTANCE_PATH": str(tmp_path / "instance"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'polisen.sqlite'}",
            "SECRET_KEY": "k" * 32,
        }
    )
    runner = app.test_cli_runner()
    assert runner.invoke(args=["ssp", "init-db"]).exit_code == 0
    source = shared_data / "polisen_events_uppsala_sigtuna.json"
    first = runner.invoke(args=["ssp", "import-polisen", str(source)])
    assert first.exit_code == 0, first.output
    line = first.stdout.strip().splitlines()[-1]
    assert line.startswith("imported=945 duplicates=0 rejected=0")
    again = runner.invoke(args=["ssp", "import-polisen", str(source)])
    assert again.stdout.strip().splitlines()[-1] == "imported=0 duplicates=945 rejected=0"

    hostile = json.loads(source.read_text(encoding="utf-8"))[:3]
    for i, event in enumerate(hostile):
        event["id"] = 9_000_000 + i
        event["location"] = {"name": "Atlantis", "gps": "0,0"}
        event["type"] = "Brand"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(hostile), encoding="utf-8")
    refused = runner.invoke(args=["ssp", "import-polisen", str(bad)])
    assert refused.exit_code == 1
    assert refused.stdout.strip().splitlines()[-1] == "imported=0 duplicates=0 rejected=3"
    with app.extensions["ssp"].sessions() as session:
        total = session.scalar(select(func.count()).select_from(Observation))
    assert total == 945
