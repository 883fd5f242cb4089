"""``manage.py purge_issue ID|SHA256 [...]``: remove issues with everything they own, in chunks, logged."""

from __future__ import annotations

import shlex
import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from articles.models import Issue
from importer import services


class Command(BaseCommand):
    help = "Delete imported issues (by id or SHA-256) with their pages, articles, photos and credits."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("issues", nargs="+", help="issue ids or SHA-256 hashes of their files")
        parser.add_argument("--chunk-size", type=int, default=500)
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, **options) -> None:
        found = []
        for key in options["issues"]:
            query = Q(sha256=key.lower()) if not key.isdigit() else Q(pk=int(key))
            issue = Issue.objects.filter(query).first()
            if issue is None:
                raise CommandError(f"no issue {key!r}")
            found.append(issue)
        if not options["yes"]:
            if not sys.stdin.isatty():
                raise CommandError("refusing to delete without confirmation: pass --yes when not on a terminal")
            answer = input(f"Delete {len(found)} issue(s) and everything they own? [y/N] ")
            if answer.strip().lower() not in {"y", "yes"}:
                raise CommandError("cancelled")
        run = services.import_run_start(command_line=shlex.join(["manage.py", *sys.argv[1:]]), options={})
        report = services.BatchReport(run_id=run.pk)
        for issue in found:
            label = str(issue)
            counts = services.issue_purge(issue=issue, chunk_size=options["chunk_size"], run=run)
            report.totals.update(counts)
            self.stdout.write(
                f"purged {label}: {counts['pages']} pages, {counts['articles']} articles, {counts['photos']} photos"
            )
        services.import_run_finish(run=run, report=report)
