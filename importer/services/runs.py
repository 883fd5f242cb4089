"""The life of an import run (ImportRun): started, kept alive, finished, interrupted, or found abandoned.

A run records the process that does its work (host and pid) and a heartbeat. A run left "running" by a
process that is gone (killed with SIGKILL, a crash of the machine) is marked aborted by the next run that
starts: on the same host when its pid no longer exists, elsewhere when its heartbeat is older than
``NEWSROOM_IMPORT_STALE_SECONDS`` (a host cannot look at another host's processes).
"""

from __future__ import annotations

import datetime as dt
import getpass
import logging
import os
import socket
from collections import Counter
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from ..models import EventResult, ImportEvent, ImportRun, RunStatus
from .issues import COUNT_KEYS

if TYPE_CHECKING:
    from .batches import BatchReport

logger = logging.getLogger("importer")

#: How often a working run updates its heartbeat, at most (seconds).
HEARTBEAT_SECONDS = 30.0
#: The reason a stale run is given (in its totals, "aborted").
STALE_ON_THIS_HOST = "its process {pid} on {host} was gone when run {run} started"
STALE_ELSEWHERE = "no sign of life from {host} for over {seconds:g} s when run {run} started"


def import_run_start(*, command_line: str, options: dict, queue: str = "", track_process: bool = True) -> ImportRun:
    """A new run, after marking the runs whose process has gone as aborted.

    ``track_process``: the calling process does the run's work and is gone when the run is; a run
    whose work others do (a queue: ``queue`` names it) has no pid and ends when its last file is logged."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = ""
    run = ImportRun.objects.create(
        command_line=command_line,
        options=options,
        invoked_by=user,
        host=socket.gethostname(),
        queue=queue,
        pid=os.getpid() if track_process else None,
        heartbeat_at=timezone.now(),
    )
    import_runs_mark_stale(by=run)
    return run


def import_run_heartbeat(*, run: ImportRun) -> None:
    """The run is still working; a failure to say so does not stop it."""
    run.heartbeat_at = timezone.now()
    try:
        ImportRun.objects.filter(pk=run.pk).update(heartbeat_at=run.heartbeat_at)
    except DatabaseError:
        logger.exception("could not update the heartbeat of import run %s", run.pk)


def _totals(run: ImportRun, report: BatchReport | None) -> dict:
    if report is not None:
        results, objects = report.results, report.totals
        other = len(report.skipped_entries)
    else:  # counted from the log: what the run's committed files did
        results, objects, other = Counter(), Counter(), 0
        for result, counts in ImportEvent.objects.filter(run=run).values_list("result", "counts"):
            results[result] += 1
            objects.update(counts or {})
    return {
        "imported": results[EventResult.IMPORTED],
        "reimported": results[EventResult.REIMPORTED],
        "skipped": results[EventResult.SKIPPED],
        "skipped_not_files": other,
        "failed": results[EventResult.FAILED],
        **{key: objects.get(key, 0) for key in COUNT_KEYS},
    }


def import_run_finish(*, run: ImportRun, report: BatchReport) -> ImportRun:
    run.finished_at = timezone.now()
    run.files_total = report.file_count
    run.totals = _totals(run, report)
    if not report.failed:
        run.status = RunStatus.SUCCEEDED
    elif len(report.failed) == report.file_count:
        run.status = RunStatus.FAILED
    else:
        run.status = RunStatus.PARTIAL
    run.save(update_fields=["finished_at", "files_total", "totals", "status"])
    return run


def _end(run: ImportRun, *, status: str, reason: str) -> ImportRun:
    run.finished_at = timezone.now()
    run.status = status
    run.totals = {**_totals(run, None), "aborted": reason}
    run.save(update_fields=["finished_at", "status", "totals"])
    return run


def import_run_abort(*, run: ImportRun, reason: str) -> ImportRun:
    """A run that crashed before its end: never left looking "running"; its totals are its logged files."""
    return _end(run, status=RunStatus.FAILED, reason=reason)


def import_run_interrupt(*, run: ImportRun, reason: str) -> ImportRun:
    """A run ended by a signal (its current file rolled back): interrupted, with the files it committed."""
    return _end(run, status=RunStatus.INTERRUPTED, reason=reason)


def _process_exists(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True


def import_runs_mark_stale(*, by: ImportRun | None = None, now: dt.datetime | None = None) -> list[ImportRun]:
    """Mark runs left "running" by a process that has gone as aborted; returns them.

    On this host a run's pid is looked up (a pid the system gave to a new process since keeps the run
    "running": a false "alive", never a false "gone"). A run of another host, or without a pid, is gone
    once its heartbeat (or its start) is older than ``NEWSROOM_IMPORT_STALE_SECONDS``."""
    now = now or timezone.now()
    host = socket.gethostname()
    limit = dt.timedelta(seconds=settings.NEWSROOM_IMPORT_STALE_SECONDS)
    label = by.pk if by is not None else "?"
    stale = []
    # a queued run is worked by Celery workers, not by a process of its own: it ends when its last file is
    # logged (importer.services.jobs), however long its jobs wait in the queue
    running = ImportRun.objects.filter(status=RunStatus.RUNNING, queue="")
    if by is not None:
        running = running.exclude(pk=by.pk)
    for run in running:
        if run.host == host and run.pid:
            if _process_exists(run.pid):
                continue
            reason = STALE_ON_THIS_HOST.format(pid=run.pid, host=host, run=label)
        else:
            last = run.heartbeat_at or run.started_at
            if now - last <= limit:
                continue
            reason = STALE_ELSEWHERE.format(
                host=run.host or "an unknown host", seconds=limit.total_seconds(), run=label
            )
        stale.append(_end(run, status=RunStatus.ABORTED, reason=reason))
        logger.warning("import run %s marked aborted: %s", run.pk, reason)
    return stale
