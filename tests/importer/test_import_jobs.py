"""Import jobs in this process (no broker): the queued path's services, ``import_status`` and ``--queue``'s errors.

The jobs are run here by calling the service a Celery worker calls (``import_job_run``), which shows what a
job delivered twice does; tests/importer/test_queue.py runs them on real workers.
"""

from __future__ import annotations

import json
import shutil
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import Issue
from importer.management.commands import import_issue, import_status
from importer.models import EventResult, ImportEvent, ImportRun, RunStatus
from importer.services import (
    ImportOptions,
    import_job_run,
    import_run_finish,
    import_run_queue,
    import_run_start,
    issues_import_batch,
)
from importer.services.jobs import source_from_json
from newsroom.celery import app
from tests.conftest import SEEDS

pytestmark = pytest.mark.django_db


def status(*args: str) -> str:
    out = StringIO()
    call_command("import_status", *args, stdout=out)
    return out.getvalue()


def queued(paths, *, files_per_job: int = 1, **options) -> tuple[ImportRun, list[dict]]:
    """A queued run whose jobs are kept here instead of being sent."""
    sent: list[dict] = []
    run = import_run_start(command_line="test", options={}, queue="test-queue")
    run = import_run_queue(
        run=run, paths=paths, options=ImportOptions(**options), files_per_job=files_per_job, send=sent.append
    )
    return run, json.loads(json.dumps(sent))  # what a job gets is JSON


def work(job: dict) -> None:
    import_job_run(
        run_id=job["run_id"],
        sources=[source_from_json(source) for source in job["sources"]],
        options=ImportOptions.from_json(job["options"]),
    )


def test_a_queued_run_ends_with_its_last_job_and_a_job_delivered_twice_writes_nothing_more(tmp_path):
    for seed in SEEDS[:3]:
        shutil.copy(seed, tmp_path / seed.name)
    run, jobs = queued([tmp_path], files_per_job=2)
    assert (run.files_total, run.jobs_total, len(jobs), run.status) == (3, 2, 2, RunStatus.RUNNING)
    work(jobs[0])
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING and run.files_done == 2
    work(jobs[0])  # delivered again (its worker died before acknowledging it)
    work(jobs[1])
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED and run.files_done == 3 and run.finished_at is not None
    assert run.totals["imported"] == 3 and run.totals["issues"] == Issue.objects.count() == 3
    assert sorted(run.events.values_list("path", flat=True)) == sorted(str(tmp_path / s.name) for s in SEEDS[:3])


def test_files_settled_before_parsing_are_logged_by_the_sender_and_a_run_of_only_those_ends_at_once(tmp_path):
    shutil.copy(SEEDS[0], tmp_path / SEEDS[0].name)
    issues_import_batch(paths=[tmp_path])
    (tmp_path / "empty.txt").write_bytes(b"")
    run, jobs = queued([tmp_path])
    assert len(jobs) == 1 and jobs[0]["sources"][0]["path"].endswith("empty.txt")
    skipped = ImportEvent.objects.get(run=run)
    assert skipped.result == EventResult.SKIPPED and run.status == RunStatus.RUNNING
    work(jobs[0])
    run.refresh_from_db()
    assert run.status == RunStatus.PARTIAL and run.totals["failed"] == 1 and run.totals["skipped"] == 1

    again, jobs = queued([tmp_path / SEEDS[0].name])
    assert jobs == [] and again.status == RunStatus.SUCCEEDED and again.totals["skipped"] == 1


def test_a_job_takes_the_command_line_options_and_the_manifest(tmp_path):
    shutil.copy(SEEDS[0], tmp_path / "a.txt")
    (tmp_path / "manifest.csv").write_text("file,paper,date,edition\na.txt,Made-up Daily,2001-02-03,East\n")
    _, jobs = queued([tmp_path], edition="West")
    work(jobs[0])
    issue = Issue.objects.get()
    assert (issue.paper, str(issue.publication_date), issue.edition) == ("Made-up Daily", "2001-02-03", "West")


def test_import_status_shows_a_finished_local_run():
    report = issues_import_batch(paths=[SEEDS[0]], run=import_run_start(command_line="x", options={}))
    import_run_finish(run=ImportRun.objects.get(pk=report.run_id), report=report)
    out = status(str(report.run_id))
    assert import_status.HEADLINE.format(run=report.run_id, status="succeeded", queue="", done=1, total=1) in out
    assert "1 imported, 0 re-imported, 0 skipped, 0 failed" in out
    shown = json.loads(status(str(report.run_id), "--json"))
    assert shown["status"] == "succeeded" and shown["results"]["imported"] == 1 and shown["totals"]["issues"] == 1


def test_import_status_shows_a_queued_run_in_progress_and_its_failures(tmp_path):
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01\x02" * 50)
    shutil.copy(SEEDS[0], tmp_path / SEEDS[0].name)
    run, jobs = queued([tmp_path])
    jobs.sort(key=lambda job: not job["sources"][0]["path"].endswith("bad.txt"))
    work(jobs[0])
    out = status(str(run.pk))
    assert f"Import run {run.pk}: running (queue test-queue), 1 of 2 file(s) done" in out
    assert "FAILED " in out and "bad.txt" in out
    with pytest.raises(CommandError, match=r"still running after 0\.2 s"):
        status(str(run.pk), "--wait", "--timeout", "0.2", "--interval", "0.05")
    work(jobs[1])
    with pytest.raises(CommandError, match=f"import run {run.pk} ended partial: 1 file"):
        status(str(run.pk), "--wait")


def test_import_status_of_a_run_that_is_not_there():
    with pytest.raises(CommandError, match=import_status.NO_SUCH_RUN.format(run=999999)):
        status("999999")


def test_queue_without_a_broker_fails_at_once_with_a_clear_error(monkeypatch):
    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:9/0")  # the discard port: nothing answers
    with pytest.raises(CommandError, match="no Celery broker answers") as raised:
        call_command("import_issue", str(SEEDS[0]), "--queue", stdout=StringIO())
    assert "127.0.0.1:9" in str(raised.value)
    assert not ImportRun.objects.exists()  # nothing was started that would wait for jobs never sent


def test_queue_refuses_local_jobs():
    with pytest.raises(CommandError, match=import_issue.QUEUE_WITH_JOBS):
        call_command("import_issue", str(SEEDS[0]), "--queue", "--jobs", "2", stdout=StringIO())
