"""Queued imports: a run whose files are written by Celery workers (``import_issue --queue``, importer.tasks).

One job is one file or one round of files. A job does what a local batch does with the same files, with the
same functions: ``parse_round`` (what a ``--jobs`` worker process runs) and ``import_outcome_write`` (what the
single writer runs: one transaction per file, with its import event). So the archive does not depend on
where the files were written, and a queued run and a local run cannot drift apart.

Delivery is at least once (acks late: a worker killed mid-job leaves its job to be delivered again, and the
file's open transaction rolls back with its connection). A file is done when its event exists (written in
the file's own transaction, with the run's count of files done), so a job delivered again writes only the
files that have none, and the run ends when every file has its event, whichever job wrote the last one.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from django.db import DatabaseError, transaction

from articles.dictionary import dictionary_catch_up, dictionary_entries

from ..models import ImportEvent, ImportRun, RunStatus
from ..parsing.discovery import SourceFile
from ..parsing.manifests import ManifestEntry
from ..parsing.pipeline import parse_round
from ..parsing.tokens import use_dictionary
from .batches import (
    BatchReport,
    Decided,
    FileReport,
    batch_items,
    import_max_bytes,
    import_outcome_write,
    import_parse_timeout,
)
from .runs import import_run_finish

logger = logging.getLogger("importer")


class JobIncomplete(Exception):
    """Some files of a job have no event after it ran (their log could not be written): run it again."""


@dataclass(frozen=True)
class ImportOptions:
    """What every file of a run is imported with (the command's options), as plain JSON for a job."""

    force: bool = False
    paper: str | None = None
    date: dt.date | None = None
    edition: str | None = None
    max_bytes: int | None = None
    parse_timeout: float | None = None

    def to_json(self) -> dict:
        return {**asdict(self), "date": self.date.isoformat() if self.date else None}

    @classmethod
    def from_json(cls, data: dict) -> ImportOptions:
        date = data.get("date")
        return cls(**{**data, "date": dt.date.fromisoformat(date) if date else None})

    def write_options(self) -> dict:
        """The keyword arguments of ``import_outcome_write``."""
        return {"force": self.force, "paper": self.paper, "date": self.date, "edition": self.edition}


def source_to_json(source: SourceFile) -> dict:
    """A file of a job: its path (which every worker must see, e.g. on a shared file system) and its manifest."""
    manifest = source.manifest
    return {
        "path": str(source.path),
        "paper": manifest.paper,
        "date": manifest.date.isoformat() if manifest.date else None,
        "edition": manifest.edition,
    }


def source_from_json(data: dict) -> SourceFile:
    date = data.get("date")
    manifest = ManifestEntry(
        paper=data.get("paper"), date=dt.date.fromisoformat(date) if date else None, edition=data.get("edition")
    )
    return SourceFile(Path(data["path"]), manifest)


JobSender = Callable[[dict], None]


def import_run_queue(
    *, run: ImportRun, paths: Sequence[str | Path], options: ImportOptions, files_per_job: int, send: JobSender
) -> ImportRun:
    """Find and hash a batch's files as a local batch does, log at once those settled before parsing (already
    imported, refused, unreadable), and ``send`` the others as jobs of ``files_per_job`` files (the keyword
    arguments of ``import_job_run`` as JSON). The run learns its number of files only when all are sent, so it
    cannot end while jobs are still being sent; if its jobs all ended first, it ends here."""
    max_bytes = import_max_bytes(options.max_bytes)
    options = replace(options, max_bytes=max_bytes, parse_timeout=import_parse_timeout(options.parse_timeout))
    files = jobs = 0
    group: list[SourceFile] = []

    def send_group() -> None:
        nonlocal jobs, group
        send({"run_id": run.pk, "sources": [source_to_json(s) for s in group], "options": options.to_json()})
        jobs += 1
        group = []

    for item in batch_items(paths, max_bytes=max_bytes, force=options.force):
        files += 1
        if isinstance(item, Decided):
            import_outcome_write(outcome=item, run=run)
            continue
        group.append(item)
        if len(group) == files_per_job:
            send_group()
    if group:
        send_group()
    run.files_total, run.jobs_total = files, jobs
    run.save(update_fields=["files_total", "jobs_total"])
    import_run_finish_if_done(run_id=run.pk)
    run.refresh_from_db()
    return run


def import_job_run(*, run_id: int, sources: Sequence[SourceFile], options: ImportOptions) -> list[FileReport]:
    """One job: parse and write the files of ``sources`` that have no event in the run yet, then end the run
    if they were its last. Raises ``JobIncomplete`` when a file is still without its event (for a retry)."""
    run = ImportRun.objects.filter(pk=run_id).first()
    if run is None:  # the run was deleted (and its events with it): nothing to report to
        logger.warning("import job for run %s dropped: no such run", run_id)
        return []
    paths = [str(source.path) for source in sources]
    todo = [source for source in sources if str(source.path) not in _done(run, paths)]
    reports: list[FileReport] = []
    if todo:
        dictionary = dictionary_entries()  # the editors' words as they are now, as a local batch at its start
        use_dictionary(dictionary)
        for outcome in parse_round(todo, options.max_bytes, True, options.parse_timeout):
            reports.append(import_outcome_write(outcome=outcome, run=run, **options.write_options()))
        try:
            dictionary_catch_up(since=dictionary)
        except DatabaseError:  # the files are written; their tokens follow at the word's next save
            logger.exception("could not re-tokenise for the dictionary words saved during an import job")
    import_run_finish_if_done(run_id=run_id)
    missing = set(paths) - _done(run, paths)
    if missing:
        raise JobIncomplete(f"run {run_id}: no event for {len(missing)} file(s), e.g. {sorted(missing)[0]}")
    return reports


def _done(run: ImportRun, paths: list[str]) -> set[str]:
    return set(ImportEvent.objects.filter(run=run, path__in=paths).values_list("path", flat=True))


def import_run_finish_if_done(*, run_id: int) -> bool:
    """End a queued run whose files all have their event (totals and status as a local run gets them);
    False while files are missing or jobs are still being sent. The run's row lock makes one caller end it."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run_id)
        if run.status != RunStatus.RUNNING or run.files_total is None or run.files_done < run.files_total:
            return False
        report = BatchReport(run_id=run.pk)
        events = run.events.values_list("path", "result", "message", "line", "counts")
        for path, result, message, line, counts in events.iterator():
            report.add(FileReport(path=path, result=result, message=message, line=line, counts=counts))
        import_run_finish(run=run, report=report)
    return True
