"""``ssp sweep-consents`` as a nightly job (issue 18 review): each case in its own unit
of work, no future ``--today``, orphan form files and stale form uploads destroyed."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from dashboard.state import app_state
from data.clock import FixedClock
from data.consent import sweep
from data.consent.files import FILES_FOLDER, filesystem_now
from data.consent.teardown import TearUpError
from data.storage.consent_models import SspfCase
from data.storage.db import unit_of_work
from data.storage.models import AuditEvent
from tests.clock import TEST_TODAY
from tests.integration.test_sspf_cli import _plant, sspf_app  # noqa: F401 (fixture)
from tests.sspf_plant import content_rows, user

HEX = "0123456789abcdef" * 2


def _statuses(app: Flask, *case_ids: int) -> list[str]:
    with app_state(app).sessions() as session:
        return [str(session.get(SspfCase, case_id).status) for case_id in case_ids]  # type: ignore[union-attr]


def test_a_future_today_is_refused_and_nothing_is_torn_up(sspf_app: Flask) -> None:  # noqa: F811
    planted = _plant(sspf_app, 3)
    later = (TEST_TODAY + timedelta(days=4)).isoformat()
    result = sspf_app.test_cli_runner().invoke(args=["ssp", "sweep-consents", "--today", later])
    assert result.exit_code == 2
    assert "ligger efter dagens datum" in result.output
    assert _statuses(sspf_app, planted.case_id) == ["active"]
    earlier = (TEST_TODAY - timedelta(days=1)).isoformat()
    ok = sspf_app.test_cli_runner().invoke(args=["ssp", "sweep-consents", "--today", earlier])
    assert ok.exit_code == 0, ok.output


def test_one_failing_case_does_not_roll_back_the_others(
    sspf_app: Flask,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, second = _plant(sspf_app, 1), _plant(sspf_app, 2)
    failing = min(first.ref, second.ref)
    real = sweep.tear_up

    def flaky(session: Any, case: SspfCase, *args: Any, **kwargs: Any) -> Any:
        if case.ref == failing:
            raise TearUpError("test")
        return real(session, case, *args, **kwargs)

    monkeypatch.setattr(sweep, "tear_up", flaky)
    sspf_app.config["SSP_CLOCK"] = FixedClock.on(TEST_TODAY + timedelta(days=3))
    result = sspf_app.test_cli_runner().invoke(args=["ssp", "sweep-consents"])
    assert result.exit_code == 1
    assert f"Kunde inte rivas (försök igen): {failing}" in result.output
    by_ref = {first.ref: first.case_id, second.ref: second.case_id}
    other = next(ref for ref in by_ref if ref != failing)
    assert _statuses(sspf_app, by_ref[failing], by_ref[other]) == ["active", "purged"]
    assert f"rivna {(TEST_TODAY + timedelta(days=3)).isoformat()}: 1 ({other})" in result.output


def _aged(path: Path, seconds: float) -> Path:
    path.write_bytes(b"innehall")
    stamp = filesystem_now(path.parent) - seconds
    os.utime(path, (stamp, stamp))
    return path


def test_orphan_forms_and_stale_form_uploads_are_destroyed(sspf_app: Flask) -> None:  # noqa: F811
    planted = _plant(sspf_app, 60)
    instance = Path(sspf_app.instance_path)
    forms = instance / FILES_FOLDER
    kept_form = _aged(forms / planted.form_file, 7200)
    orphan = _aged(forms / "orphanform01.bin", 7200)
    young_orphan = _aged(forms / "orphanform02.bin", 60)
    uploads = instance / "uploads"
    uploads.mkdir(exist_ok=True)
    stale_pdf = _aged(uploads / f"u1-{HEX}.pdf", 7200)
    stale_csv = _aged(uploads / f"u1-{HEX}.csv", 7200)
    young_png = _aged(uploads / f"u2-{HEX}.png", 60)
    result = sspf_app.test_cli_runner().invoke(args=["ssp", "sweep-consents"])
    assert result.exit_code == 0, result.output
    assert "1 blanketter utan ärende, 1 gamla uppladdade blanketter" in result.output
    assert not orphan.exists() and not stale_pdf.exists()
    assert kept_form.exists() and young_orphan.exists()
    assert stale_csv.exists() and young_png.exists()
    assert _statuses(sspf_app, planted.case_id) == ["active"]


def test_an_operator_hands_a_case_over_to_an_active_coordinator_of_the_kommun(
    sspf_app: Flask,  # noqa: F811
) -> None:
    planted = _plant(sspf_app, 60)
    with unit_of_work(app_state(sspf_app).sessions) as session:
        gone = user(session, "samordnare")
        gone.active = False  # the case's coordinator left: nobody could end the consent
        heir = user(session, "samordnare2").id
        user(session, "polisen", role="police_area")
        user(session, "grannkommun", kommun="0381")
    runner = sspf_app.test_cli_runner()
    for wrong in ("polisen", "grannkommun", "finns-inte"):
        refused = runner.invoke(args=["ssp", "sspf-reassign", "--ref", planted.ref, "--to", wrong])
        assert refused.exit_code == 1 and "aktiv samordnare" in refused.output
    result = runner.invoke(
        args=["ssp", "sspf-reassign", "--ref", planted.ref, "--to", "samordnare2"]
    )
    assert result.exit_code == 0, result.output
    with app_state(sspf_app).sessions() as session:
        case = session.get(SspfCase, planted.case_id)
        assert case is not None and case.coordinator_id == heir
        audit = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "sspf.case_reassigned")
        ).one()
        assert audit.target == planted.ref
        assert json.loads(audit.details or "{}")["to_user"] == heir


def test_an_operator_ends_a_consent_and_gets_the_counts_only(sspf_app: Flask) -> None:  # noqa: F811
    planted = _plant(sspf_app, 60)
    runner = sspf_app.test_cli_runner()
    bad = runner.invoke(args=["ssp", "sspf-end", "--ref", planted.ref, "--reason", "expired"])
    assert bad.exit_code == 2
    result = runner.invoke(args=["ssp", "sspf-end", "--ref", planted.ref, "--reason", "withdrawn"])
    assert result.exit_code == 0, result.output
    assert f"Ärende {planted.ref} rivet (withdrawn)" in result.output
    assert "observationer 2" in result.output and "blankett 1" in result.output
    assert not [m for m in planted.markers if m in result.output]
    assert not (Path(sspf_app.instance_path) / FILES_FOLDER / planted.form_file).exists()
    with app_state(sspf_app).sessions() as session:
        assert set(content_rows(session, planted.case_id).values()) == {0}
        case = session.get(SspfCase, planted.case_id)
        assert case is not None and case.purge_reason == "withdrawn"
    again = runner.invoke(args=["ssp", "sspf-end", "--ref", planted.ref, "--reason", "ended"])
    assert again.exit_code == 1 and "redan avslutat" in again.output
