"""Feedback in a real database: a PostgreSQL server started here from Debian's package (installed by
`make system` where missing), reached by EGOV_DATABASE_URL through SQLAlchemy; and the SQLite default.

A missing PostgreSQL fails the test with the command that installs it: this test is never skipped.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from chroma_run import free_port, stop
from fastapi.testclient import TestClient

from app.api import create_app
from app.feedback import list_feedback, record_feedback
from core.settings import Settings


def _bin(name: str) -> str:
    found = shutil.which(name) or next(
        iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))[-1:]), None
    )
    if found is None:
        pytest.fail(
            f"PostgreSQL's {name} is not installed. Install it with `make system` "
            "or `apt-get update && apt-get install -y postgresql`."
        )
    return found


def _as_postgres(cmd: list[str]) -> list[str]:
    """Run as the postgres user when we are root (PostgreSQL refuses to run as root)."""
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", "postgres", "--", *cmd]


@pytest.fixture(scope="module")
def postgres() -> Iterator[str]:
    """A PostgreSQL server on a free loopback port over a temporary cluster; yields its SQLAlchemy URL."""
    # not under pytest's temporary folder: that is private to root, and the server runs as postgres
    root = Path(tempfile.mkdtemp(prefix="egov-pg-"))
    data, sockets = root / "data", root / "sock"
    sockets.mkdir()
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        for path in (root, sockets):
            os.chown(path, user.pw_uid, user.pw_gid)
    init = subprocess.run(
        _as_postgres([_bin("initdb"), "-D", str(data), "-U", "egov", "--auth=trust", "-E", "UTF8"]),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert init.returncode == 0, init.stderr[-2000:]
    port = free_port()
    log = root / "server.log"
    proc = subprocess.Popen(
        _as_postgres(
            [_bin("postgres"), "-D", str(data), "-p", str(port), "-h", "127.0.0.1", "-k", str(sockets)]
        ),
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            ready = subprocess.run(
                [_bin("pg_isready"), "-h", "127.0.0.1", "-p", str(port)], capture_output=True, timeout=10
            )
            if ready.returncode == 0:
                break
            assert proc.poll() is None, log.read_text(errors="replace")[-2000:]
            assert time.monotonic() < deadline, "PostgreSQL did not start within 60 s"
            time.sleep(0.2)
        yield f"postgresql+psycopg://egov@127.0.0.1:{port}/postgres"
    finally:
        stop(proc)
        shutil.rmtree(root, ignore_errors=True)


def test_ratings_are_kept_in_postgresql(postgres: str, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", database_url=postgres, feedback_max_rows=3)
    ids = [
        record_feedback(f"a{n}", "up" if n % 2 else "down", f"comment {n}", settings=settings)
        for n in range(5)
    ]
    assert ids == sorted(ids) and len(set(ids)) == 5
    rows = list_feedback(settings=settings)
    assert [r["answer_id"] for r in rows] == ["a4", "a3", "a2"]  # newest first, at most feedback_max_rows
    assert rows[0]["rating"] == "down" and rows[0]["comment"] == "comment 4"
    assert not (tmp_path / "data" / "feedback.sqlite3").exists()  # nothing on this machine's disk
    with pytest.raises(ValueError):
        record_feedback("a9", "meh", settings=settings)  # type: ignore[arg-type]


def test_two_api_instances_share_one_record_of_ratings(postgres: str, tmp_path: Path) -> None:
    apps = [
        create_app(Settings(data_dir=tmp_path / name, database_url=postgres, feedback_rate_limit=""))
        for name in ("one", "two")
    ]
    with TestClient(apps[0]) as first, TestClient(apps[1]) as second:
        assert first.post("/feedback", json={"answer_id": "shared1", "rating": "up"}).status_code in (
            200,
            201,
        )
        assert second.post("/feedback", json={"answer_id": "shared2", "rating": "down"}).status_code in (
            200,
            201,
        )
    seen = {
        r["answer_id"]
        for r in list_feedback(settings=Settings(data_dir=tmp_path / "x", database_url=postgres))
    }
    assert {"shared1", "shared2"} <= seen


def test_the_default_is_a_sqlite_file_in_the_data_folder(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    record_feedback("s1", "up", settings=settings)
    assert (tmp_path / "data" / "feedback.sqlite3").is_file()
    assert [r["answer_id"] for r in list_feedback(settings=settings)] == ["s1"]
