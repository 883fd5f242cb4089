"""``manage.py recount_archive``: recount every reporter's stored counters (after bulk changes made outside
the services, or to check them: it says how many were wrong)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from articles.counters import reporter_counts_recompute

MSG_DONE = "Recounted the reporters' counters: %(stale)d were out of date."


class Command(BaseCommand):
    help = "Recount the stored article and photo counters of every reporter."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        self.stdout.write(MSG_DONE % {"stale": reporter_counts_recompute()})
