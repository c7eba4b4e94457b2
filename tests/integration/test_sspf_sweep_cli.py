"""``ssp sweep-consents`` as a nightly job (issue 18 review): each case in its own unit
of work, no future ``--today``, orphan form files and stale form uploads destroyed."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from dashboard.state import app_state
from data.clock import FixedClock
from data.consent import sweep
from data.consent.files import FILES_FOLDER, filesystem_now
from data.consent.teardown import TearUpError
from data.storage.consent_models import SspfCase
from tests.clock import TEST_TODAY
from tests.integration.test_sspf_cli import _plant, sspf_app  # noqa: F401 (fixture)

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
