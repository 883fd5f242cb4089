"""Reads of the import log for operators (``import_status``): a run's progress, counts and failures."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count

from .models import EventResult, ImportRun, RunStatus

#: Failures a status lists in full (the count is always exact; the admin lists them all).
LISTED_FAILURES = 20


@dataclass
class RunProgress:
    run: ImportRun
    results: dict[str, int] = field(default_factory=dict)  # files by EventResult so far
    failures: list[dict] = field(default_factory=list)  # the first LISTED_FAILURES: path, message, line

    @property
    def finished(self) -> bool:
        return self.run.status != RunStatus.RUNNING

    def as_json(self) -> dict:
        run = self.run
        return {
            "run": run.pk,
            "status": run.status,
            "queue": run.queue,
            "started_at": run.started_at.isoformat(),
            "finished_at": run.finished_at.isoformat() if run.finished_at else None,
            "command_line": run.command_line,
            "files_total": run.files_total,
            "files_done": run.files_done,
            "jobs_total": run.jobs_total,
            "results": {result: self.results.get(result, 0) for result in EventResult.values},
            "totals": run.totals,
            "failures": self.failures,
        }


def import_run_progress(*, run_id: int) -> RunProgress:
    """A run as it is now; ``ImportRun.DoesNotExist`` when there is none with this id."""
    run = ImportRun.objects.get(pk=run_id)
    grouped = run.events.order_by().values_list("result").annotate(files=Count("id"))
    results = dict(grouped.values_list("result", "files"))
    failures = list(
        run.events.filter(result=EventResult.FAILED).order_by("id").values("path", "message", "line")[:LISTED_FAILURES]
    )
    return RunProgress(run=run, results=results, failures=failures)
