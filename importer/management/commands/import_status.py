"""``manage.py import_status RUN``: where an import run is (queued or local): files done, results, failures.

``--wait`` blocks until the run has ended (its last job's end, for a queued run) and then exits non-zero
unless every file succeeded, so a script can wait for an import it sent to the workers.
"""

from __future__ import annotations

import json
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from importer.models import ImportRun, RunStatus
from importer.selectors import RunProgress, import_run_progress

NO_SUCH_RUN = "no import run {run}"
HEADLINE = "Import run {run}: {status}{queue}, {done} of {total} file(s) done"
RESULTS = "  {imported} imported, {reimported} re-imported, {skipped} skipped, {failed} failed"
FAILURE = "  FAILED {message}"
WAIT_TIMEOUT = "import run {run} is still {status} after {seconds:g} s"
ENDED_BADLY = "import run {run} ended {status}: {failed} file(s) failed"


class Command(BaseCommand):
    help = "Show an import run: its state, files done, results and failures (--wait: until it has ended)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("run", type=int, help="the run id that import_issue printed")
        parser.add_argument("--wait", action="store_true", help="block until the run has ended")
        parser.add_argument("--timeout", type=float, default=None, help="with --wait: give up after S seconds")
        parser.add_argument("--interval", type=float, default=1.0, help="with --wait: seconds between looks")
        parser.add_argument("--json", action="store_true", help="print the run as JSON")

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        progress = self._progress(options["run"])
        while options["wait"] and not progress.finished:
            if options["timeout"] is not None and time.monotonic() - started >= options["timeout"]:
                self._show(progress, options)
                raise CommandError(
                    WAIT_TIMEOUT.format(run=options["run"], status=progress.run.status, seconds=options["timeout"])
                )
            time.sleep(options["interval"])
            progress = self._progress(options["run"])
        self._show(progress, options)
        if options["wait"] and progress.run.status != RunStatus.SUCCEEDED:
            raise CommandError(
                ENDED_BADLY.format(
                    run=progress.run.pk, status=progress.run.status, failed=progress.results.get("failed", 0)
                )
            )

    @staticmethod
    def _progress(run_id: int) -> RunProgress:
        try:
            return import_run_progress(run_id=run_id)
        except ImportRun.DoesNotExist as error:
            raise CommandError(NO_SUCH_RUN.format(run=run_id)) from error

    def _show(self, progress: RunProgress, options: dict) -> None:
        if options["json"]:
            self.stdout.write(json.dumps(progress.as_json(), ensure_ascii=False, indent=1))
            return
        run, results = progress.run, progress.results
        self.stdout.write(
            HEADLINE.format(
                run=run.pk,
                status=run.status,
                queue=f" (queue {run.queue})" if run.queue else "",
                done=run.files_done,
                total="?" if run.files_total is None else run.files_total,
            )
        )
        self.stdout.write(
            RESULTS.format(**{key: results.get(key, 0) for key in ("imported", "reimported", "skipped", "failed")})
        )
        for failure in progress.failures:
            self.stdout.write(FAILURE.format(message=failure["message"] or failure["path"]))
        if run.totals.get("aborted"):
            self.stdout.write(f"  aborted: {run.totals['aborted']}")
