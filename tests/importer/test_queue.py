"""Queued imports on real Redis with real Celery worker processes (``import_issue --queue``, importer.tasks).

The archive two workers write equals the one ``--jobs 1`` writes, and a worker killed mid-job loses nothing:
its job is delivered again, the file's open transaction is rolled back, and the file is in the archive once.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import SEEDS_DIR
from tests.importer.queue_helpers import (
    REDIS_URL,
    ROOT,
    Databases,
    Workers,
    archive,
    manage,
    queue_clear,
    require_redis,
    run_status,
)

RUN_ID = re.compile(r"Import run (\d+):")


@pytest.fixture(scope="module")
def queue_env(tmp_path_factory) -> dict:
    """The environment of every process of these tests: the test broker and a queue of this test run."""
    require_redis()
    queue = f"newsroom-test-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "NEWSROOM_CELERY_BROKER_URL": REDIS_URL,
        "NEWSROOM_CELERY_QUEUE": queue,
        "NEWSROOM_VAR_DIR": str(tmp_path_factory.mktemp("var")),
        "NEWSROOM_IMPORT_LOG_LEVEL": "WARNING",
    }
    yield env
    queue_clear(queue)


@pytest.fixture(scope="module")
def databases(queue_env, tmp_path_factory):
    default = settings.DATABASES["default"]
    vendor = "sqlite" if default["ENGINE"].endswith("sqlite3") else "postgresql"
    made = Databases(workdir=tmp_path_factory.mktemp("databases"), vendor=vendor, server=default)
    made.migrate_template(queue_env)
    yield made
    made.drop_all()


@pytest.fixture(scope="module")
def batch_dir(tmp_path_factory) -> Path:
    """The seeds, synthetic issues made from them and a file that is not text (it fails alone). No two files
    have the same bytes: which of two copies is imported and which skipped depends on which job ends first."""
    directory = tmp_path_factory.mktemp("batch")
    for seed in sorted(SEEDS_DIR.glob("*.txt")):
        shutil.copy(seed, directory / seed.name)
    subprocess.run(
        [sys.executable, "bench/generate_issues.py", str(directory / "synthetic"), "6", "--seed", "7"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    (directory / "synthetic" / "broken.txt").write_bytes(b"\x00\xff\x00binary" * 200)
    return directory


@pytest.fixture(scope="module")
def local_archive(queue_env, databases, batch_dir) -> tuple[list[dict], dict]:
    """What ``import_issue --jobs 1`` writes from the batch, and its run."""
    env = queue_env | {"DATABASE_URL": databases.create()}
    completed = manage(env, "import_issue", str(batch_dir), "--jobs", "1", "--no-progress", check=False)
    assert completed.returncode == 1, completed.stderr  # the broken file fails, alone
    run_id = int(RUN_ID.findall(completed.stdout)[-1])
    return archive(env), run_status(env, run_id)


def queue_batch(env: dict, batch_dir: Path, *extra: str) -> int:
    completed = manage(env, "import_issue", str(batch_dir), "--queue", *extra)
    assert "sent to queue" in completed.stdout, completed.stdout
    return int(RUN_ID.search(completed.stdout).group(1))


def test_two_workers_write_the_archive_that_one_local_job_writes(
    queue_env, databases, batch_dir, local_archive, tmp_path
):
    expected, local_run = local_archive
    env = queue_env | {"DATABASE_URL": databases.create()}
    workers = Workers(env, tmp_path)
    try:
        workers.start()
        workers.start()
        workers.wait_ready(2)
        run_id = queue_batch(env, batch_dir)
        run = run_status(env, run_id)
    finally:
        workers.stop()
    assert run["status"] == "partial", workers.logs()
    assert run["files_done"] == run["files_total"] == local_run["files_total"]
    assert run["results"] == local_run["results"]
    assert run["results"]["imported"] > 5 and run["results"]["skipped"] == 0 and run["results"]["failed"] == 1
    assert [failure["path"] for failure in run["failures"]] == [str(batch_dir / "synthetic" / "broken.txt")]
    assert {key: run["totals"][key] for key in ("issues", "articles", "photos", "credits")} == {
        key: local_run["totals"][key] for key in ("issues", "articles", "photos", "credits")
    }
    assert archive(env) == expected
    assert workers.logs().count("succeeded in") == run["jobs_total"]  # both workers took jobs, none twice
    assert sum(1 for log in tmp_path.glob("worker*.log") if "succeeded in" in log.read_text()) == 2


def test_a_worker_killed_mid_job_loses_nothing(queue_env, databases, batch_dir, local_archive, tmp_path):
    """The first worker stops inside its first file's transaction and is killed (SIGKILL) there; the job is
    delivered again, the file's uncommitted rows are gone with the connection, and the file is written once."""
    expected, local_run = local_archive
    env = queue_env | {"DATABASE_URL": databases.create()}
    marker = tmp_path / "paused"
    workers = Workers(env, tmp_path)
    try:
        workers.start(module=["-m", "tests.importer.pausing_worker", str(marker)])
        workers.wait_ready(1)
        run_id = queue_batch(env, batch_dir, "--files-per-job", "2")
        deadline = time.monotonic() + 240
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert marker.exists(), workers.logs()
        time.sleep(0.2)  # the pid is written whole
        workers.start()
        os.kill(int(marker.read_text()), signal.SIGKILL)  # the pool process that holds the open transaction
        run = run_status(env, run_id)
    finally:
        workers.stop()
    assert "WorkerLostError" in workers.logs()
    assert run["status"] == "partial" and run["results"] == local_run["results"], workers.logs()
    assert run["files_done"] == run["files_total"]
    assert archive(env) == expected
