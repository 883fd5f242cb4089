"""The import log: one ImportRun per command invocation, one ImportEvent per file it touched.

Like a load-event log of a data warehouse: operators see what was imported when, by which command line,
with which result, and why a file failed (file name and line).
"""

from __future__ import annotations

from django.db import models


class RunStatus(models.TextChoices):
    RUNNING = "running", "running"
    SUCCEEDED = "succeeded", "succeeded"
    PARTIAL = "partial", "finished with failures"
    FAILED = "failed", "failed"


class EventResult(models.TextChoices):
    IMPORTED = "imported", "imported"
    SKIPPED = "skipped", "skipped (already imported)"
    FAILED = "failed", "failed"
    REIMPORTED = "reimported", "re-imported (forced)"
    PURGED = "purged", "purged"


class ImportRun(models.Model):
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    command_line = models.TextField(blank=True)
    options = models.JSONField(default=dict, blank=True)
    invoked_by = models.CharField(max_length=100, blank=True, help_text="OS user or editor who ran it.")
    host = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=20, choices=RunStatus.choices, default=RunStatus.RUNNING, db_index=True)
    totals = models.JSONField(default=dict, blank=True, help_text="Files and objects counted by result.")

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"import run {self.pk} ({self.status}) {self.started_at:%Y-%m-%d %H:%M}"


class ImportEvent(models.Model):
    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="events")
    path = models.TextField()
    sha256 = models.CharField(max_length=64, blank=True)
    result = models.CharField(max_length=20, choices=EventResult.choices)
    message = models.TextField(blank=True)
    line = models.PositiveIntegerField(null=True, blank=True)
    encoding = models.CharField(max_length=40, blank=True)
    issue = models.ForeignKey(
        "articles.Issue", on_delete=models.SET_NULL, null=True, blank=True, related_name="import_events"
    )
    counts = models.JSONField(default=dict, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["run", "id"]
        # plain indexes: db_index would add LIKE-prefix twins on PostgreSQL that every event pays for
        indexes = [
            models.Index(fields=["sha256"], name="importevent_sha256"),
            models.Index(fields=["result"], name="importevent_result"),
        ]

    def __str__(self) -> str:
        return f"{self.result}: {self.path}"
