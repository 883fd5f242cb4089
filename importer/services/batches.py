"""Batches of files: discovery, skipping what is already imported, parsing (possibly in worker
processes), one transaction per file through ``issues``, and the import log (ImportRun/ImportEvent).

A bad file fails alone, with its name and line; the batch goes on. Files stream from discovery to the
writer, so memory does not grow with the number of files.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F

from articles.dictionary import dictionary_catch_up, dictionary_entries
from articles.models import Issue

from ..models import EventResult, ImportEvent, ImportRun
from ..parsing import ImportInputError
from ..parsing.discovery import SourceFile, count_sources, distinct_roots, root_sources
from ..parsing.pipeline import ParseOutcome, parse_sources
from ..parsing.reading import hash_file
from .issues import IssueImportResult, apply_overrides, issue_import_conflict, issue_import_in_transaction
from .runs import HEARTBEAT_SECONDS, import_run_heartbeat

logger = logging.getLogger("importer")

#: The message of a file skipped because the archive holds it (same SHA-256).
ALREADY_IMPORTED = "already imported"


@dataclass
class FileReport:
    path: str
    result: str
    message: str = ""
    line: int | None = None
    issue_id: int | None = None
    counts: dict = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class BatchReport:
    """What a batch did, in counters: its memory does not grow with the number of files (each file's
    details are in its ImportEvent); only failures are kept whole, for the final message."""

    run_id: int | None = None
    results: Counter = field(default_factory=Counter)  # files by EventResult
    totals: Counter = field(default_factory=Counter)  # objects created
    failed: list[FileReport] = field(default_factory=list)
    #: entries skipped for another reason than being imported already (links, special files)
    skipped_entries: list[FileReport] = field(default_factory=list)

    def add(self, file_report: FileReport) -> None:
        self.results[file_report.result] += 1
        self.totals.update(file_report.counts)
        if file_report.result == EventResult.FAILED:
            self.failed.append(file_report)
        elif file_report.result == EventResult.SKIPPED and file_report.message != ALREADY_IMPORTED:
            self.skipped_entries.append(file_report)

    @property
    def file_count(self) -> int:
        return sum(self.results.values())

    def count(self, result: str) -> int:
        return self.results[result]


def _event_create(run: ImportRun, report: FileReport, sha256: str = "", encoding: str = "") -> ImportEvent:
    """A file's event, and the run's count of files done, in one transaction: the count is exact whoever
    writes (many queued workers, a job delivered twice), and watching a run's progress costs one row."""
    with transaction.atomic(savepoint=False):  # inside a file's transaction: no savepoint of its own
        event = ImportEvent.objects.create(
            run=run,
            path=report.path,
            sha256=sha256,
            result=report.result,
            message=report.message,
            line=report.line,
            encoding=encoding,
            issue_id=report.issue_id,
            counts=report.counts,
            duration_ms=int(report.seconds * 1000),
        )
        # last: the run's row stays locked only until the file commits
        ImportRun.objects.filter(pk=run.pk).update(files_done=F("files_done") + 1)
    return event


def _record_event(run: ImportRun | None, report: FileReport, sha256: str = "", encoding: str = "") -> None:
    """Log a file that wrote nothing (refused, skipped, failed); a log failure does not stop the batch."""
    if run is None:
        return
    try:
        _event_create(run, report, sha256, encoding)
    except DatabaseError:
        logger.exception("could not record the import event of %s", report.path)
        _drop_broken_connection()


def _drop_broken_connection() -> None:
    """After a database error, reconnect for the next file if the connection is gone (server restart, network)."""
    if not connection.in_atomic_block:
        connection.close_if_unusable_or_obsolete()


#: Files hashed, and looked up in the archive, per query: bounds memory and the query's size.
HASH_CHUNK = 256


@dataclass
class Decided:
    """A file settled before parsing (refused, unreadable, already imported): it is not parsed."""

    report: FileReport
    sha256: str = ""


def batch_items(paths: Sequence[str | Path], *, max_bytes: int | None, force: bool) -> Iterator[SourceFile | Decided]:
    """The batch's files in order, streamed: each is hashed first (unless ``force``), so that files
    imported before are skipped without being parsed, and files over the size limit are refused before
    anything reads them whole. Files are looked up ``HASH_CHUNK`` at a time, so memory does not grow
    with the batch."""
    for root in distinct_roots([Path(raw) for raw in paths]):
        sources = root_sources(root)
        finished = False
        while not finished:
            chunk: list[SourceFile | Decided] = []
            try:
                for source in sources:
                    chunk.append(source)
                    if len(chunk) == HASH_CHUNK:
                        break
                else:
                    finished = True
            except ImportInputError as error:  # the path itself is wrong: missing, or no .txt files in it
                chunk.append(Decided(FileReport(path=str(root), result=EventResult.FAILED, message=str(error))))
                finished = True
            yield from _hashed_chunk(chunk, max_bytes=max_bytes, force=force)


def _settled(item: SourceFile) -> Decided | None:
    """An entry the walk already decided about: skipped (a link, a FIFO) or failed (a bad manifest)."""
    if item.skipped:
        return Decided(FileReport(path=str(item.path), result=EventResult.SKIPPED, message=item.skipped))
    if item.problem:
        error = ImportInputError(item.problem, source=str(item.path), line=item.line)
        return Decided(FileReport(path=str(item.path), result=EventResult.FAILED, message=str(error), line=item.line))
    return None


def _hashed_chunk(
    chunk: list[SourceFile | Decided], *, max_bytes: int | None, force: bool
) -> Iterator[SourceFile | Decided]:
    for index, item in enumerate(chunk):
        if isinstance(item, SourceFile):
            chunk[index] = _settled(item) or item
    if force:  # nothing is skipped, so no hash is needed: parsing refuses bad files with the same messages
        yield from chunk
        return
    hashes: dict[Path, str] = {}
    for index, item in enumerate(chunk):
        if isinstance(item, Decided):
            continue
        try:
            hashes[item.path] = hash_file(item.path, max_bytes=max_bytes)
        except ImportInputError as error:
            chunk[index] = Decided(FileReport(path=str(item.path), result=EventResult.FAILED, message=str(error)))
    known: dict[str, int] = {}
    if hashes:
        known = dict(Issue.objects.filter(sha256__in=set(hashes.values())).values_list("sha256", "pk"))
    for item in chunk:
        if isinstance(item, SourceFile) and hashes.get(item.path) in known:
            sha = hashes[item.path]
            yield Decided(
                FileReport(
                    path=str(item.path), result=EventResult.SKIPPED, message=ALREADY_IMPORTED, issue_id=known[sha]
                ),
                sha,
            )
        else:
            yield item


def import_max_bytes(max_bytes: int | None = None) -> int | None:
    """The size limit of a batch: ``max_bytes`` (``--max-bytes``), else ``NEWSROOM_IMPORT_MAX_BYTES``;
    0 means no limit (None), in a dry run as in an import."""
    limit = settings.NEWSROOM_IMPORT_MAX_BYTES if max_bytes is None else max_bytes
    if limit < 0:
        raise ValueError(f"a size limit cannot be negative ({limit})")
    return limit or None


def import_parse_timeout(parse_timeout: float | None = None) -> float | None:
    """Each file's parse time budget in seconds: ``parse_timeout`` (``--parse-timeout``), else
    ``NEWSROOM_PARSE_TIMEOUT``; 0 means no budget (None)."""
    seconds = settings.NEWSROOM_PARSE_TIMEOUT if parse_timeout is None else parse_timeout
    if seconds < 0:
        raise ValueError(f"a parse time budget cannot be negative ({seconds})")
    return seconds or None


ProgressCallback = Callable[[FileReport], None]


def issues_import_batch(
    *,
    paths: Sequence[str | Path],
    run: ImportRun | None = None,
    jobs: int = 1,
    force: bool = False,
    paper: str | None = None,
    date: dt.date | None = None,
    edition: str | None = None,
    max_bytes: int | None = None,
    parse_timeout: float | None = None,
    on_file: ProgressCallback | None = None,
    on_total: Callable[[int], None] | None = None,
) -> BatchReport:
    """Import files and directories, each file in its own transaction; a bad file fails alone.

    Files already in the archive (by SHA-256) are skipped before parsing. Parsing may run in ``jobs``
    worker processes; this process is the single writer, in input order, so the result does not depend
    on ``jobs``. Files are streamed from discovery to the writer: memory does not grow with the batch.
    ``max_bytes`` and ``parse_timeout`` (seconds per file) default to their settings; 0 is no limit.
    """
    report = BatchReport(run_id=run.pk if run else None)
    max_bytes = import_max_bytes(max_bytes)
    parse_timeout = import_parse_timeout(parse_timeout)
    if on_total:
        on_total(count_sources(paths))
    items = batch_items(paths, max_bytes=max_bytes, force=force)
    # the editors' word dictionary as it is when the batch starts, in every worker
    dictionary = dictionary_entries()
    # everything derivable from the text is derived by the parsers, the SQLite index's grams too (PostgreSQL
    # derives its own in SQL), so that this process, the single writer, only writes
    parsed = parse_sources(
        items,
        jobs=jobs,
        max_bytes=max_bytes,
        index=True,
        dictionary=dictionary,
        parse_timeout=parse_timeout,
        grams=connection.vendor == "sqlite",
    )
    beat = time.monotonic()
    try:
        for outcome in parsed:
            file_report = import_outcome_write(
                outcome=outcome, run=run, force=force, paper=paper, date=date, edition=edition
            )
            report.add(file_report)
            if on_file:
                on_file(file_report)
            if run is not None and time.monotonic() - beat >= HEARTBEAT_SECONDS:
                import_run_heartbeat(run=run)
                beat = time.monotonic()
    finally:  # an interruption while writing: the workers stop now, not when collected
        parsed.close()
    try:
        dictionary_catch_up(since=dictionary)  # words editors saved while the batch ran
    except DatabaseError:  # the files are written; their tokens follow at the word's next save
        logger.exception("could not re-tokenise for the dictionary words saved during the batch")
    return report


def import_outcome_write(
    *,
    outcome: ParseOutcome | Decided,
    run: ImportRun | None,
    force: bool = False,
    paper: str | None = None,
    date: dt.date | None = None,
    edition: str | None = None,
) -> FileReport:
    """Write one parsed file (or log one settled before parsing) and its import event: what the single writer
    of a local batch does with each file, and what a queued job (``importer.services.jobs``) does with each of
    its files, so the two cannot drift apart."""
    if isinstance(outcome, Decided):
        file_report, logged = outcome.report, False
        sha256, encoding = outcome.sha256, ""
    else:
        file_report, logged = _write_outcome(outcome, run=run, force=force, paper=paper, date=date, edition=edition)
        sha256, encoding = outcome.sha256, outcome.draft.encoding if outcome.draft else ""
    if not logged:
        _record_event(run, file_report, sha256, encoding)
    return file_report


def _write_outcome(
    outcome: ParseOutcome,
    *,
    run: ImportRun | None,
    force: bool,
    paper: str | None,
    date: dt.date | None,
    edition: str | None,
) -> tuple[FileReport, bool]:
    """Write one parsed file; returns its report and whether its import event is already logged.

    A written file's event is logged in the file's own transaction: the log and the archive never
    disagree about it, and the file costs one commit. Another import writing the same file at the same
    time is no failure: this one then skips it (plain) or re-imports what the other wrote (forced).
    """
    path = str(outcome.source.path)
    if outcome.skipped:
        return FileReport(path=path, result=EventResult.SKIPPED, message=outcome.skipped), False
    if outcome.error is not None or outcome.draft is None:
        error = outcome.error
        return FileReport(
            path=path,
            result=EventResult.FAILED,
            message=str(error),
            line=error.line if error else None,
            seconds=outcome.seconds,
        ), False
    started = time.perf_counter()
    draft = apply_overrides(outcome.draft, paper=paper, date=date, edition=edition, source=outcome.source)
    try:
        for attempt in (1, 2):
            try:
                with transaction.atomic():
                    result = issue_import_in_transaction(draft=draft, force=force)
                    file_report = _written_report(path, result, seconds=outcome.seconds + time.perf_counter() - started)
                    if run is not None:
                        _event_create(run, file_report, outcome.sha256, draft.encoding)
                break
            except IntegrityError as conflict:
                result = issue_import_conflict(draft=draft, force=force, error=conflict)
                if result is None and attempt == 1:
                    continue  # forced, and another import committed the issue meanwhile: re-import that
                if result is None:
                    raise
                return _written_report(path, result, seconds=outcome.seconds + time.perf_counter() - started), False
    except DatabaseError as error:
        # the transaction rolled back: nothing of this file stays; reconnect for the next file
        logger.exception("database error while importing %s", path)
        _drop_broken_connection()
        return FileReport(
            path=path,
            result=EventResult.FAILED,
            message=f"{path}: database error: {error}".strip(),
            seconds=outcome.seconds + time.perf_counter() - started,
        ), False
    except Exception as error:  # a writer bug fails this file only
        logger.exception("error while importing %s", path)
        return FileReport(
            path=path,
            result=EventResult.FAILED,
            message=f"{path}: {type(error).__name__}: {error}",
            seconds=outcome.seconds + time.perf_counter() - started,
        ), False
    return file_report, run is not None


def _written_report(path: str, result: IssueImportResult, *, seconds: float) -> FileReport:
    message = {
        EventResult.IMPORTED: "imported",
        EventResult.SKIPPED: ALREADY_IMPORTED,
        EventResult.REIMPORTED: f"re-imported; kept {result.kept} article(s) owned by editors",
    }[result.result]
    if result.conflicts:
        message += "; for an editor to review: " + "; ".join(result.conflicts)
    return FileReport(
        path=path,
        result=result.result,
        message=message,
        issue_id=result.issue.pk if result.issue else None,
        counts=dict(result.counts),
        conflicts=result.conflicts,
        seconds=seconds,
    )
