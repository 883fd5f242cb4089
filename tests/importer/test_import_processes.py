"""Real import processes: one ended by SIGTERM mid-batch, two side by side (plain and --force), and runs
whose process has gone, on the database the suite runs on.

The subprocesses use the test database itself on PostgreSQL (a transactional test, so both see each
other's commits) and an SQLite file of their own on SQLite (the suite's SQLite test database lives in memory).
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from importer.models import ImportRun, RunStatus
from importer.services import import_runs_mark_stale
from tests.conftest import ROOT, SEEDS

pytestmark = pytest.mark.django_db(transaction=True)


class Database:
    """Where the subprocesses write, and raw reads of it."""

    def __init__(self, tmp_path: Path):
        self.sqlite = connection.vendor == "sqlite"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "NEWSROOM_"))}
        env |= {"DJANGO_SECRET_KEY": "subprocess-test-secret-key-0123456789-abcdefghijklmnop", "NEWSROOM_HTTPS": "0"}
        env |= {"DJANGO_ALLOWED_HOSTS": "127.0.0.1", "PYTHONUNBUFFERED": "1"}
        if self.sqlite:
            self.path = tmp_path / "subprocess.sqlite3"
            env["DATABASE_URL"] = f"sqlite:///{self.path}"
        else:
            s = connection.settings_dict
            env["DATABASE_URL"] = f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
        self.env = env
        if self.sqlite:
            subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)

    def query(self, sql: str) -> list[tuple]:
        if self.sqlite:
            with sqlite3.connect(self.path) as db:
                return db.execute(sql).fetchall()
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()

    def start(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "manage.py", "import_issue", *args, "--no-progress"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )


def distinct_copies(directory: Path, count: int) -> Path:
    """``count`` different files (each seed with its own last line), so none is skipped as imported."""
    directory.mkdir()
    for number in range(count):
        seed = SEEDS[number % len(SEEDS)]
        text = seed.read_text(encoding="utf-8") + f"\n本报讯 第{number}号测试副本。\n"
        (directory / f"copy_{number:03d}.txt").write_text(text, encoding="utf-8")
    return directory


def test_sigterm_mid_batch_rolls_back_the_file_and_marks_the_run_interrupted(tmp_path):
    database = Database(tmp_path)
    batch = distinct_copies(tmp_path / "batch", 40)
    process = database.start(str(batch))
    first = process.stdout.readline()  # the first file written: the batch is under way
    assert first.startswith("imported "), first + process.stderr.read()
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=120)

    assert process.returncode == 128 + signal.SIGTERM, err
    assert "interrupted by SIGTERM: the file being written was rolled back" in err and "Traceback" not in err
    ((status,),) = database.query("SELECT status FROM importer_importrun")
    assert status == RunStatus.INTERRUPTED
    ((issues,),) = database.query("SELECT count(*) FROM articles_issue")
    ((logged,),) = database.query("SELECT count(*) FROM importer_importevent WHERE result = 'imported'")
    assert 1 <= issues == logged < 40, "every committed file is logged, the one being written is not there"
    ((empty,),) = database.query(
        "SELECT count(*) FROM articles_issue i WHERE NOT EXISTS (SELECT 1 FROM articles_page p WHERE p.issue_id = i.id)"
    )
    assert empty == 0
    # the next run finds nothing running: the interrupted one is not "aborted" again
    rerun = database.start(str(batch), "-v", "0")
    rerun.communicate(timeout=600)
    assert rerun.returncode == 0
    statuses = sorted(row[0] for row in database.query("SELECT status FROM importer_importrun"))
    assert statuses == [RunStatus.INTERRUPTED, RunStatus.SUCCEEDED]
    ((issues,),) = database.query("SELECT count(*) FROM articles_issue")
    assert issues == 40


def test_a_plain_and_a_forced_import_side_by_side_report_no_false_failures(tmp_path):
    database = Database(tmp_path)
    batch = distinct_copies(tmp_path / "batch", 16)
    plain, forced = database.start(str(batch)), database.start(str(batch), "--force")
    outputs = [process.communicate(timeout=600) for process in (plain, forced)]
    for process, (out, err) in zip((plain, forced), outputs, strict=True):
        assert process.returncode == 0 and "Traceback" not in err and "FAILED" not in err, out + err
    ((issues,),) = database.query("SELECT count(*) FROM articles_issue")
    assert issues == 16
    by_path: dict[str, list[str]] = {}
    for path, result in database.query("SELECT path, result FROM importer_importevent"):
        by_path.setdefault(path, []).append(result)
    assert len(by_path) == 16
    for results in by_path.values():  # imported once; the other run skipped it or re-imported it
        assert sorted(results) in (["imported", "reimported"], ["imported", "skipped"]), results


def test_a_later_run_marks_runs_whose_process_is_gone_as_aborted(settings):
    settings.NEWSROOM_IMPORT_STALE_SECONDS = 600
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    host = socket.gethostname()
    old = timezone.now() - dt.timedelta(seconds=3600)
    dead_here = ImportRun.objects.create(host=host, pid=gone.pid)
    alive_here = ImportRun.objects.create(host=host, pid=os.getppid())
    quiet_elsewhere = ImportRun.objects.create(host="another-host", pid=1, heartbeat_at=old)
    beating_elsewhere = ImportRun.objects.create(host="another-host", pid=1, heartbeat_at=timezone.now())
    finished = ImportRun.objects.create(host=host, pid=gone.pid, status=RunStatus.SUCCEEDED)

    stale = import_runs_mark_stale()

    assert sorted(run.pk for run in stale) == sorted([dead_here.pk, quiet_elsewhere.pk])
    status = dict(ImportRun.objects.values_list("pk", "status"))
    assert status[dead_here.pk] == status[quiet_elsewhere.pk] == RunStatus.ABORTED
    assert status[alive_here.pk] == status[beating_elsewhere.pk] == RunStatus.RUNNING
    assert status[finished.pk] == RunStatus.SUCCEEDED
    assert f"its process {gone.pid} on {host} was gone" in ImportRun.objects.get(pk=dead_here.pk).totals["aborted"]


def test_the_import_command_marks_stale_runs_when_it_starts(tmp_path):
    from io import StringIO

    from django.core.management import call_command

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    stale = ImportRun.objects.create(host=socket.gethostname(), pid=gone.pid)
    call_command("import_issue", str(SEEDS[4]), stdout=StringIO(), no_progress=True)
    stale.refresh_from_db()
    assert stale.status == RunStatus.ABORTED and stale.finished_at is not None
    latest = ImportRun.objects.exclude(pk=stale.pk).get()
    assert latest.status == RunStatus.SUCCEEDED and latest.pid == os.getpid()
