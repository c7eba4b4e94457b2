"""``ssp publish-lagesbild`` on the demo: the last complete month published for
leadership (a printed PDF with no count below 10), a second run a second immutable
record, a coordinator's week, and clear Swedish refusals with a non-zero exit code.

Date-sensitive (listed in tests/clock.py): "the last complete month" and "the last
complete week" are those before the frozen test date.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard.auth import viewer_for
from dashboard.state import app_state
from data.briefing.archive import archive, published
from data.briefing.period import period_label, period_of, previous_period, week_period
from data.storage.db import AREAS_VERSION, OBSERVATIONS_VERSION, bump_version, unit_of_work
from data.storage.models import Area, AuditEvent
from tests.clock import TEST_TODAY
from tests.pdf_checks import not_counts, page_ink, pdf_pages, small_counts

OUTPUT = re.compile(r"id=(\d+) period=(\S+) audience=(\w+) sha256=([0-9a-f]{64})")
LAST_MONTH = previous_period(period_of("month", TEST_TODAY))
LAST_WEEK = week_period(TEST_TODAY - timedelta(weeks=1))


def publish(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(args=["ssp", "publish-lagesbild", *args])


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    with app_state(app).sessions() as s:
        yield s


def test_publishes_last_month_for_leadership_with_a_printed_pdf(
    app: Flask, session: Session, tmp_path: Path
) -> None:
    out = tmp_path / "lagesbild.pdf"
    result = publish(app, "--kommun", "0380", "--period", LAST_MONTH.code, "--out", str(out))
    assert result.exit_code == 0, result.output
    found = OUTPUT.search(result.output)
    assert found is not None, result.output
    record_id, code, audience, digest = found.groups()
    assert (code, audience) == (LAST_MONTH.code, "leadership")
    raw = out.read_bytes()
    with app.app_context():
        leadership = viewer_for("leadership", "0380")
    briefing, stored = published(session, leadership, int(record_id))
    assert stored == raw and briefing.audience == "leadership"
    assert hashlib.sha256(raw).hexdigest() == digest
    pages = pdf_pages(raw)
    assert all(ink > 0.002 for ink in page_ink(raw)), page_ink(raw)
    text = " ".join(pages)
    assert "Lägesbild" in text and "Uppsala" in text and period_label(LAST_MONTH) in text
    assert small_counts(text, below=10, allowed=not_counts(briefing)) == []


def test_a_second_run_is_a_second_immutable_record(app: Flask, session: Session) -> None:
    first = publish(app, "--kommun", "0380", "--period", LAST_MONTH.code)
    second = publish(app, "--kommun", "0380", "--period", LAST_MONTH.code)
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    ids = [int(OUTPUT.search(r.output).group(1)) for r in (first, second)]  # type: ignore[union-attr]
    assert ids[0] != ids[1]
    with app.app_context():
        leadership = viewer_for("leadership", "0380")
    listed = [e for e in archive(session, leadership, "0380") if e.period_code == LAST_MONTH.code]
    assert sorted(e.id for e in listed) == sorted(ids)
    actors = session.scalars(
        select(AuditEvent.actor_name).where(AuditEvent.action == "lagesbild.published")
    ).all()
    assert len(actors) == 2 and all(a.startswith("cli:") for a in actors)


def test_a_coordinator_week_is_published_and_hidden_from_leadership(
    app: Flask, session: Session
) -> None:
    result = publish(app, "--kommun", "0380", "--period", LAST_WEEK.code, "--level", "coordinator")
    assert result.exit_code == 0, result.output
    found = OUTPUT.search(result.output)
    assert found is not None and found.group(2, 3) == (LAST_WEEK.code, "coordinator")
    with app.app_context():
        leadership = viewer_for("leadership", "0380")
        coordinator = viewer_for("coordinator", "0380")
    assert [e.id for e in archive(session, coordinator, "0380")] == [int(found.group(1))]
    assert archive(session, leadership, "0380") == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", LAST_WEEK.code], "publiceras bara för samordnare"),
        (["--period", "2026-13"], "går inte att läsa"),
        (["--period", "november"], "går inte att läsa"),
        (["--period", period_of("month", TEST_TODAY + timedelta(days=40)).code], "inte börjat"),
        (["--period", LAST_MONTH.code, "--niva", "deso"], "Nivån 'deso' finns inte"),
    ],
)
def test_refusals_are_swedish_and_fail(app: Flask, args: list[str], message: str) -> None:
    result = publish(app, "--kommun", "0380", *args)
    assert result.exit_code != 0
    assert message in result.output


@pytest.mark.parametrize(
    ("kommun", "message"),
    [("9999", "Okänd kommun 9999"), ("03800", "fyra siffror"), ("0114", "inga rapporter")],
)
def test_unknown_malformed_and_empty_kommuner_are_refused(
    app: Flask, session: Session, kommun: str, message: str
) -> None:
    with unit_of_work(app_state(app).sessions) as writing:
        writing.add(Area(code="0114", name="Upplands Väsby", level="kommun", kommun_code="0114"))
        bump_version(writing, AREAS_VERSION)
        bump_version(writing, OBSERVATIONS_VERSION)
    result = publish(app, "--kommun", kommun, "--period", LAST_MONTH.code)
    assert result.exit_code != 0
    assert message in result.output
    with app.app_context():
        assert archive(session, viewer_for("coordinator", kommun[:4]), kommun[:4]) == []
