"""``POST /upload/<kind>``: who may send what, how much, under which name — and the
background jobs that read the files in a process of their own (issue 14, finding 3)."""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import stat
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from dashboard import ids
from dashboard.state import app_state
from dashboard.uploads import CHUNK_BYTES, TOKEN, UploadTooLarge, safe_name, save_stream
from data.jobs.runners import ObservationImportRequest
from data.storage.jobs import job_status, pid_file, progress_file
from data.storage.models import Observation, User
from tests.clock import TEST_TODAY
from tests.helpers import call_by_input, send_file, session_csrf, stored_answer

CSV = b"datum;omrade;kategori;kalla;antal\n2026-11-20;0380-D01;samling;fritid;1\n"


def uploads(app: Flask) -> Path:
    return Path(app.instance_path) / "uploads"


def kept(app: Flask) -> list[Path]:
    """The uploaded files waiting in the instance folder (not job side files)."""
    folder = uploads(app)
    return sorted(folder.glob("u*")) if folder.exists() else []


@pytest.fixture
def small_limit(app: Flask, monkeypatch: pytest.MonkeyPatch) -> int:
    """The observation limit set to 1 MB for this test."""
    monkeypatch.setitem(app.config, "SSP_MAX_UPLOAD_MB", 1)
    return 1024 * 1024


def test_a_coordinator_uploads_a_file_and_gets_a_token_of_their_own(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    response = send_file(client_as("samordnare"), "observations", CSV, "händelser.csv")
    assert response.status_code == 201
    body = response.get_json()
    match = TOKEN.fullmatch(body["token"])
    assert match is not None and match["suffix"] == ".csv"
    assert body["name"] == "händelser.csv" and body["size"] == len(CSV)
    (path,) = kept(app)
    assert path.name == body["token"] and path.read_bytes() == CSV
    # Only the owner can read it, in a folder only the server can list (finding 12).
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(uploads(app).stat().st_mode) == 0o700


def test_over_the_limit_is_413_in_swedish_and_nothing_is_kept(
    app: Flask, client_as: Callable[[str], FlaskClient], small_limit: int
) -> None:
    response = send_file(client_as("samordnare"), "observations", b"x" * (small_limit + 1), "a.csv")
    assert response.status_code == 413
    assert response.get_json()["error"] == "Filen är för stor (högst 1 MB)."
    assert response.headers["Connection"] == "close"
    assert kept(app) == []
    exactly = send_file(client_as("samordnare"), "observations", b"x" * small_limit, "a.csv")
    assert exactly.status_code == 201


def test_a_body_without_a_declared_length_is_cut_at_the_limit(
    app: Flask, client_as: Callable[[str], FlaskClient], small_limit: int
) -> None:
    """A chunked body (no Content-Length) that does not stop is read only to the limit."""
    client = client_as("samordnare")
    endless = io.BytesIO(b"y" * (3 * small_limit))
    response = client.post(
        "/upload/observations",
        input_stream=endless,
        content_type="application/octet-stream",
        headers={"X-Upload-Name": "a.csv", "X-CSRF-Token": session_csrf(client)},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 413
    assert endless.tell() <= small_limit + 2 * CHUNK_BYTES
    assert kept(app) == []


def test_the_stream_is_copied_in_pieces_never_whole(tmp_path: Path) -> None:
    class Recording(io.BytesIO):
        sizes: list[int]

        def read(self, size: int | None = -1) -> bytes:
            self.sizes.append(-1 if size is None else size)
            return super().read(size)

    stream = Recording(b"z" * (5 * CHUNK_BYTES + 7))
    stream.sizes = []
    assert save_stream(stream, tmp_path / "f", 10 * CHUNK_BYTES) == 5 * CHUNK_BYTES + 7
    assert max(stream.sizes) <= CHUNK_BYTES and -1 not in stream.sizes
    with pytest.raises(UploadTooLarge):
        save_stream(io.BytesIO(b"z" * 11), tmp_path / "g", 10)
    assert not (tmp_path / "g").exists()


@pytest.mark.parametrize(
    ("username", "kind"),
    [
        ("rapportor", "observations"),
        ("polis", "observations"),
        ("ledning", "observations"),
        ("admin", "observations"),
        ("samordnare", "areas"),
        ("samordnare", "population"),
        ("rapportor", "school-calendar"),
    ],
)
def test_a_wrong_role_is_refused_before_anything_is_read(
    app: Flask, client_as: Callable[[str], FlaskClient], username: str, kind: str
) -> None:
    response = send_file(client_as(username), kind, CSV, "a.csv")
    assert response.status_code == 403
    assert "roll" in response.get_json()["error"]
    assert kept(app) == []


def test_anonymous_uploads_are_refused(app: Flask, client: FlaskClient) -> None:
    response = client.post(
        "/upload/observations",
        data=CSV,
        content_type="application/octet-stream",
        headers={"X-Upload-Name": "a.csv"},
    )
    assert response.status_code == 401
    assert kept(app) == []


@pytest.mark.parametrize("token", ["", "fel", None])
def test_an_upload_without_the_form_token_is_refused(
    app: Flask, client_as: Callable[[str], FlaskClient], token: str | None
) -> None:
    """Another site can make the browser POST here with the cookie, but it cannot
    read the form token, and a custom header needs CORS it does not get."""
    client = client_as("samordnare")
    if token is None:
        response = client.post(
            "/upload/observations",
            data=CSV,
            content_type="application/octet-stream",
            headers={"X-Upload-Name": "a.csv"},
        )
    else:
        response = send_file(client, "observations", CSV, "a.csv", csrf=token)
    assert response.status_code == 400
    assert "Formuläret har gått ut" in response.get_json()["error"]
    assert kept(app) == []


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../../../tmp/ssp-evil.csv", "ssp-evil.csv"),
        ("..\\..\\ssp-evil.csv", "ssp-evil.csv"),
        ("/etc/passwd.csv", "passwd.csv"),
        ("<script>alert(1)</script>.csv", "script>.csv"),
        ("a\x00b\r\nX-Evil: 1.csv", "abX-Evil: 1.csv"),
        ("\u202egpj.csv", "gpj.csv"),
        ("x" * 500 + ".csv", "x" * 116 + ".csv"),
    ],
)
def test_a_hostile_file_name_never_reaches_the_file_system(
    app: Flask, client_as: Callable[[str], FlaskClient], name: str, shown: str
) -> None:
    response = send_file(client_as("samordnare"), "observations", CSV, name)
    assert response.status_code == 201
    body = response.get_json()
    assert body["name"] == shown
    assert TOKEN.fullmatch(body["token"])
    (path,) = kept(app)
    assert path.parent == uploads(app) and path.name == body["token"]
    assert not Path("/tmp/ssp-evil.csv").exists()
    assert not (uploads(app).parent / "ssp-evil.csv").exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("a.exe", "Filtypen .exe stöds inte"),
        ("utan-typ", "Filtypen (ingen)"),
        ("a.csv.", "(ingen)"),
    ],
)
def test_other_file_types_are_refused(
    app: Flask, client_as: Callable[[str], FlaskClient], name: str, message: str
) -> None:
    response = send_file(client_as("samordnare"), "observations", CSV, name)
    assert response.status_code == 400
    assert message in response.get_json()["error"]
    assert kept(app) == []


def test_an_unknown_kind_and_an_empty_file_are_refused(
    app: Flask, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("samordnare")
    assert send_file(client, "secret_key", CSV, "a.csv").status_code == 404
    empty = send_file(client, "observations", b"", "tom.csv")
    assert empty.status_code == 400 and empty.get_json()["error"] == "Filen är tom."
    assert kept(app) == []


def test_a_callback_body_over_8_mb_is_refused_in_swedish(
    client_as: Callable[[str], FlaskClient],
) -> None:
    """No file travels through a callback any more, so no role gets a bigger one."""
    response = client_as("samordnare").post(
        "/_dash-update-component",
        data=b"{" + b" " * (9 * 1024 * 1024) + b"}",
        content_type="application/json",
    )
    assert response.status_code == 413
    assert response.get_json()["error"] == "Förfrågan är för stor."


def test_safe_name_keeps_a_readable_name() -> None:
    assert safe_name("Rapport%20v%C3%A4st.xlsx") == "Rapport väst.xlsx"
    assert safe_name("") == ""


def wait_for_job(client: FlaskClient, app: Flask, job: dict[str, Any], token: str) -> Any:
    values = {
        f"{ids.IMPORT_POLL}.n_intervals": 1,
        f"{ids.IMPORT_JOB}.data": job,
        f"{ids.IMPORT_TOKEN}.data": token,
    }
    deadline = time.monotonic() + 120
    while True:
        polled = call_by_input(client, app, ids.IMPORT_POLL, values).get_json()["response"]
        if polled[ids.IMPORT_POLL]["disabled"]:
            return polled
        assert time.monotonic() < deadline, "the job did not finish"
        time.sleep(0.1)


def test_the_columns_are_read_in_a_process_of_their_own(
    app: Flask, client_as: Callable[[str], FlaskClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The web process never parses the file: here it could not (its reader raises),
    and the process that did is another one."""

    def not_here(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the file was parsed in the web process")

    monkeypatch.setattr("data.jobs.runners.read_table_file", not_here)
    assert app.config["SSP_JOB_RUNNER"] == "process"  # the default
    client = client_as("samordnare")
    stored = stored_answer(send_file(client, "observations", CSV, "a.csv"))
    answer = call_by_input(
        client, app, ids.IMPORT_UPLOADED, {f"{ids.IMPORT_UPLOADED}.data": stored}
    ).get_json()["response"]
    job = answer[ids.IMPORT_JOB]["data"]
    polled = wait_for_job(client, app, job, stored["token"])
    assert "5 kolumner" in json.dumps(polled[ids.IMPORT_UPLOAD_INFO], ensure_ascii=False)
    worker = int(pid_file(uploads(app), job["id"]).read_text())
    assert worker != os.getpid()


def big_csv(path: Path, rows: int) -> Path:
    day = (TEST_TODAY - timedelta(days=2)).isoformat()
    with path.open("w", encoding="utf-8") as handle:
        handle.write("datum;tid;omrade;kategori;kalla;antal\n")
        for i in range(rows):
            handle.write(f"{day};kväll;0380-D{1 + i % 24:02d};samling;fritid;{1 + i % 3}\n")
    return path


@pytest.fixture
def no_leftover_processes() -> Iterator[list[int]]:
    """Process ids a test started; any still running afterwards are killed."""
    started: list[int] = []
    yield started
    for pid in started:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def observations(app: Flask) -> int:
    with app_state(app).sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Observation)) or 0)


def test_killing_the_job_process_mid_import_writes_nothing_and_reports_it(
    app: Flask, no_leftover_processes: list[int]
) -> None:
    from dashboard.jobs import launch_job
    from data.storage.db import unit_of_work
    from data.storage.jobs import start_job

    folder = uploads(app)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    state = app_state(app)
    with state.sessions() as session:
        user = session.scalars(select(User).where(User.username == "samordnare")).one()
        user_id, kommun = user.id, user.kommun_code
    path = big_csv(folder / f"u{user_id}-{'a' * 32}.csv", 80_000)
    before = observations(app)
    with unit_of_work(state.sessions) as session:
        job_id = start_job(session, kind="observations-import", user_id=user_id)
    mapping = {"datum": 0, "tid": 1, "omrade": 2, "kategori": 3, "kalla": 4, "antal": 5}
    request = ObservationImportRequest(path, mapping, user_id, kommun)
    with app.app_context():
        launch_job(app, job_id, "observations-import", request)
    deadline = time.monotonic() + 120
    while True:  # until it has written a good part (uncommitted), then kill it
        try:
            side = json.loads(progress_file(folder, job_id).read_text())
        except (OSError, ValueError):
            side = {"progress": 0, "step": ""}
        if side["step"].startswith("Importerar") and side["progress"] > 0.3:
            break
        assert time.monotonic() < deadline, "the import made no progress"
        time.sleep(0.05)
    pid = int(pid_file(folder, job_id).read_text())
    no_leftover_processes.append(pid)
    assert pid != os.getpid()
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while True:
        with state.sessions() as session:
            status = job_status(session, job_id, user_id=user_id, folder=folder)
        assert status is not None
        if status.status != "running":
            break
        assert time.monotonic() < deadline, "the killed job was never reported"
        time.sleep(0.1)
    assert status.status == "failed"
    assert "ingenting importerades" in " ".join(status.messages)
    assert observations(app) == before


def test_the_sspf_form_types_are_no_other_kinds(app: Flask) -> None:
    """A new scanned form destroys the user's waiting files of its types: those types
    must belong to no other kind, or a form would destroy an import's file."""
    from dashboard.upload_routes import KINDS, REPLACED

    for kind in REPLACED:
        others = {s for name, spec in KINDS.items() if name != kind for s in spec.suffixes}
        assert not others & set(KINDS[kind].suffixes), kind


class LinkingStream(io.BytesIO):
    """A request body that, once the server has written its first piece, makes a hard
    link to the partial file: the link shows whether the file was overwritten."""

    def __init__(self, raw: bytes, folder: Path, link: Path) -> None:
        super().__init__(raw)
        self.folder, self.link = folder, link

    def _link_partial(self) -> None:
        if self.tell() > 0 and not self.link.exists():
            partial = [p for p in self.folder.glob("u*") if p.suffix == ".pdf"]
            if partial and partial[0].stat().st_size > 0:
                os.link(partial[0], self.link)

    def read(self, size: int | None = -1) -> bytes:
        self._link_partial()
        return super().read(size)

    def read1(self, size: int | None = -1) -> bytes:
        self._link_partial()
        return super().read1(size)

    def readinto(self, buffer: Any) -> int:
        self._link_partial()
        return super().readinto(buffer)


def test_an_over_size_upload_is_overwritten_not_only_unlinked(tmp_path: Path) -> None:
    """The route's 413 (and every other failed copy) goes through ``save_stream``: the
    partial file — a scanned consent form, perhaps — is overwritten before it goes."""
    link = tmp_path / "partial-link"
    body = LinkingStream(b"K" * (3 * CHUNK_BYTES), tmp_path, link)
    with pytest.raises(UploadTooLarge):
        save_stream(body, tmp_path / "u1-0123456789abcdef0123456789abcdef.pdf", 2 * CHUNK_BYTES)
    assert not list(tmp_path.glob("u*"))
    written = link.read_bytes()
    assert len(written) >= CHUNK_BYTES  # the link caught the partial file
    assert written == bytes(len(written))  # zeros: the plaintext was overwritten


def test_stale_uploads_are_overwritten_not_only_unlinked(tmp_path: Path) -> None:
    from dashboard.uploads import remove_stale_uploads

    folder = tmp_path / "uploads"
    folder.mkdir()
    stale = folder / "u1-0123456789abcdef0123456789abcdef.pdf"
    stale.write_bytes(b"Klartext-ST55")
    os.utime(stale, (1_000_000, 1_000_000))
    os.link(stale, tmp_path / "link")
    assert (tmp_path / "link").read_bytes() == b"Klartext-ST55"  # positive control
    assert remove_stale_uploads(folder) == 1
    assert not stale.exists()
    assert (tmp_path / "link").read_bytes() == bytes(13)
