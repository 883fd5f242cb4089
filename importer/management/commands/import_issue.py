"""``manage.py import_issue PATH [PATH ...]``: import raw e-paper text files into the archive.

A thin command: it parses options, calls the import services, reports what they did, and turns
domain errors into CommandError (a non-zero exit status). SIGTERM and SIGHUP (a service manager stopping
it, a closed terminal) end it like Ctrl-C: the file being written is rolled back, the run is logged as
interrupted, and the exit status is 128 + the signal's number.
"""

from __future__ import annotations

import datetime as dt
import json
import shlex
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.management.base import BaseCommand, CommandError, CommandParser

from importer import services
from importer.models import EventResult
from importer.parsing import ImportInputError, issue_to_contract
from importer.parsing.discovery import discover
from importer.parsing.pipeline import parse_sources

#: The signals that interrupt an import (besides SIGINT, Ctrl-C, which Python turns into KeyboardInterrupt).
INTERRUPTING_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))
INTERRUPTED = "Import run {run} interrupted by {signal}: the file being written was rolled back; {done}"
MAX_BYTES_NEGATIVE = "--max-bytes must be 0 (no limit) or a positive number of bytes"
PARSE_TIMEOUT_NEGATIVE = "--parse-timeout must be 0 (no budget) or a positive number of seconds"


class Interrupted(BaseException):
    """A signal asked the import to stop. A BaseException, like KeyboardInterrupt: no ``except Exception``
    on its way (a file's own error handling) takes it for a failure of one file."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(signal.Signals(signum).name)


@contextmanager
def interrupted_by_signals() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into ``Interrupted`` while the block runs (main thread only: elsewhere
    Python cannot install handlers). Further signals are ignored while the interruption is cleaned up."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}

    def handler(signum, frame):
        for number in previous:
            signal.signal(number, signal.SIG_IGN)
        raise Interrupted(signum)

    for number in INTERRUPTING_SIGNALS:
        previous[number] = signal.signal(number, handler)
    try:
        yield
    finally:
        for number, action in previous.items():
            signal.signal(number, action)


def iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--date {value!r} is not a date in the form YYYY-MM-DD") from error


class Command(BaseCommand):
    help = "Import e-paper text files (a directory means every .txt file below it) into Issue/Page/Article/Photo."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", help="raw issue files or directories of them")
        parser.add_argument("--date", type=str, help="publication date YYYY-MM-DD (overrides the text)")
        parser.add_argument("--paper", help="paper name (overrides the text)")
        parser.add_argument("--edition", help="edition label, e.g. a district edition")
        parser.add_argument("--dry-run", action="store_true", help="parse and segment only; write nothing")
        parser.add_argument("--json", action="store_true", help="with --dry-run: print the segmentation as JSON")
        parser.add_argument(
            "--force",
            action="store_true",
            help="re-import files already imported; articles an editor touched are kept and reported",
        )
        parser.add_argument("--jobs", type=int, default=1, help="parse in N worker processes (default 1)")
        parser.add_argument("--max-bytes", type=int, default=None, help="refuse files larger than this (0: no limit)")
        parser.add_argument(
            "--parse-timeout",
            type=float,
            default=None,
            help="seconds one file may take to parse before it fails alone (0: no budget; "
            "default NEWSROOM_PARSE_TIMEOUT)",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar, even on a terminal")

    def handle(self, *args, **options) -> None:
        if options["json"] and not options["dry_run"]:
            raise CommandError("--json goes with --dry-run")
        if options["jobs"] < 1:
            raise CommandError("--jobs must be 1 or more")
        if options["max_bytes"] is not None and options["max_bytes"] < 0:
            raise CommandError(MAX_BYTES_NEGATIVE)
        if options["parse_timeout"] is not None and not options["parse_timeout"] >= 0:
            raise CommandError(PARSE_TIMEOUT_NEGATIVE)
        date = iso_date(options["date"]) if options["date"] else None
        overrides = {"paper": options["paper"], "date": date, "edition": options["edition"]}
        if options["dry_run"]:
            self._dry_run(options, overrides)
            return
        self._import(options, overrides)

    def _dry_run(self, options: dict, overrides: dict) -> None:
        try:
            sources = discover(options["paths"])
        except ImportInputError as error:
            raise CommandError(str(error)) from error
        documents, failures = [], []
        max_bytes = services.import_max_bytes(options["max_bytes"])
        parse_timeout = services.import_parse_timeout(options["parse_timeout"])
        for outcome in parse_sources(sources, jobs=options["jobs"], max_bytes=max_bytes, parse_timeout=parse_timeout):
            if outcome.skipped:
                self.stderr.write(f"skipped {outcome.source.path}: {outcome.skipped}")
                continue
            if outcome.error is not None or outcome.draft is None:
                failures.append(str(outcome.error))
                self.stderr.write(f"error: {outcome.error}")
                continue
            draft = services.apply_overrides(outcome.draft, source=outcome.source, **overrides)
            if options["json"]:
                documents.append(issue_to_contract(draft))
            else:
                articles = len(draft.articles)
                photos = sum(len(p.photos) for p in draft.pages)
                self.stdout.write(
                    f"{outcome.source.path}: {len(draft.pages)} pages, {articles} articles, {photos} photos "
                    f"(dry run, nothing written)"
                )
        if options["json"] and documents:
            payload = documents[0] if len(documents) == 1 else documents
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1))
        if failures:
            raise CommandError(f"{len(failures)} file(s) could not be parsed")

    def _import(self, options: dict, overrides: dict) -> None:
        command_line = self._command_line(options)
        logged_options = {k: v for k, v in options.items() if k in ("paths", "paper", "edition", "force", "jobs")}
        logged_options["date"] = options["date"]
        bar = None
        interactive = not options["no_progress"] and sys.stderr.isatty() and options["verbosity"] >= 1

        def on_total(total: int) -> None:
            nonlocal bar
            if total > 1:
                from tqdm import tqdm

                bar = tqdm(total=total, unit="file", file=sys.stderr)

        def on_file(file_report: services.FileReport) -> None:
            line = self._describe(file_report)
            if bar is not None:
                bar.update(1)
                if file_report.result == EventResult.FAILED or options["verbosity"] >= 2:
                    bar.write(line, file=sys.stderr)
            elif options["verbosity"] >= 1 or file_report.result == EventResult.FAILED:
                (self.stderr if file_report.result == EventResult.FAILED else self.stdout).write(line)

        with interrupted_by_signals():
            run = None
            try:
                run = services.import_run_start(command_line=command_line, options=logged_options)
                report = services.issues_import_batch(
                    paths=options["paths"],
                    run=run,
                    jobs=options["jobs"],
                    force=options["force"],
                    max_bytes=options["max_bytes"],
                    parse_timeout=options["parse_timeout"],
                    on_file=on_file,
                    on_total=on_total if interactive else None,  # counting the files walks the tree once more
                    **overrides,
                )
            except Interrupted as interruption:
                if run is None:
                    raise CommandError(f"interrupted by {interruption}", returncode=128 + interruption.signum) from None
                run = services.import_run_interrupt(run=run, reason=str(interruption))
                done = self._done(run.totals)
                message = INTERRUPTED.format(run=run.pk, signal=interruption, done=done)
                raise CommandError(message, returncode=128 + interruption.signum) from None
            except KeyboardInterrupt:  # Ctrl-C: logged as interrupted, then Python's own exit
                if run is not None:
                    services.import_run_interrupt(run=run, reason="SIGINT")
                raise
            except BaseException as error:  # a crash: the run is logged as failed, then we stop
                if run is not None:
                    services.import_run_abort(run=run, reason=f"{type(error).__name__}: {error}")
                raise
            finally:
                if bar is not None:
                    bar.close()
            services.import_run_finish(run=run, report=report)
        totals = report.totals
        already = report.count(EventResult.SKIPPED) - len(report.skipped_entries)
        self.stdout.write(
            f"Import run {run.pk}: {report.count(EventResult.IMPORTED)} imported, "
            f"{report.count(EventResult.REIMPORTED)} re-imported, {report.count(EventResult.SKIPPED)} skipped "
            f"({already} already imported, {len(report.skipped_entries)} links or special files), "
            f"{len(report.failed)} failed; created {totals['issues']} issues, "
            f"{totals['pages']} pages, {totals['articles']} articles, {totals['photos']} photos, "
            f"{totals['reporters']} reporters"
        )
        if report.skipped_entries:
            self.stdout.write(
                "Skipped: " + "; ".join(f"{entry.path} ({entry.message})" for entry in report.skipped_entries[:10])
            )
        if report.failed:
            raise CommandError(
                f"{len(report.failed)} of {report.file_count} file(s) failed: "
                + "; ".join(f.message for f in report.failed[:5])
            )

    @staticmethod
    def _done(totals: dict) -> str:
        return (
            f"{totals.get('imported', 0)} imported, {totals.get('reimported', 0)} re-imported, "
            f"{totals.get('skipped', 0)} skipped and {totals.get('failed', 0)} failed before it"
        )

    @staticmethod
    def _command_line(options: dict) -> str:
        """The invocation as an operator would type it (also when called from code, not a shell)."""
        words = ["manage.py", "import_issue", *map(str, options["paths"])]
        for name in ("date", "paper", "edition", "max_bytes", "parse_timeout"):
            if options.get(name) is not None:
                words += [f"--{name.replace('_', '-')}", str(options[name])]
        if options["jobs"] != 1:
            words += ["--jobs", str(options["jobs"])]
        words += ["--force"] if options["force"] else []
        return shlex.join(words)

    @staticmethod
    def _describe(file_report: services.FileReport) -> str:
        if file_report.result == EventResult.FAILED:
            return f"FAILED {file_report.message}"
        if file_report.result == EventResult.SKIPPED and file_report.message != services.ALREADY_IMPORTED:
            return f"skipped {file_report.path}: {file_report.message}"
        if file_report.result == EventResult.SKIPPED:
            return f"skipped {file_report.path}: already imported as issue {file_report.issue_id}, nothing created"
        counts = file_report.counts
        text = (
            f"{file_report.result} {file_report.path}: issue {file_report.issue_id}, {counts.get('pages', 0)} pages, "
            f"{counts.get('articles', 0)} articles, {counts.get('photos', 0)} photos, "
            f"{counts.get('reporters', 0)} new reporters ({file_report.seconds * 1000:.0f} ms)"
        )
        for conflict in file_report.conflicts:
            text += f"\n  conflict: {conflict}"
        return text
