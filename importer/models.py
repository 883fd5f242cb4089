"""The import log: one ImportRun per command invocation, one ImportEvent per file it touched.

A queued run (``import_issue --queue``) is written by many Celery workers: each file's event is its proof of
being done (written in the file's transaction), so a job delivered twice finds its files done and the run ends
when every file has its event.

Like a load-event log of a data warehouse: operators see what was imported when, by which command line,
with which result, and why a file failed (file name and line).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    RUNNING = "running", _("running")
    SUCCEEDED = "succeeded", _("succeeded")
    PARTIAL = "partial", _("finished with failures")
    FAILED = "failed", _("failed")
    #: ended by a signal (SIGTERM, SIGHUP, Ctrl-C): the file being written was rolled back
    INTERRUPTED = "interrupted", _("interrupted")
    #: found "running" by a later run after its process had gone (killed, machine down)
    ABORTED = "aborted", _("aborted (its process had gone)")


class EventResult(models.TextChoices):
    IMPORTED = "imported", _("imported")
    SKIPPED = "skipped", _("skipped")
    FAILED = "failed", _("failed")
    REIMPORTED = "reimported", _("re-imported (forced)")
    PURGED = "purged", _("purged")


class ImportRun(models.Model):
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    command_line = models.TextField(_("command line"), blank=True)
    options = models.JSONField(_("options"), default=dict, blank=True)
    invoked_by = models.CharField(
        _("invoked by"), max_length=100, blank=True, help_text=_("OS user or editor who ran it.")
    )
    host = models.CharField(_("host"), max_length=255, blank=True)
    pid = models.PositiveIntegerField(
        _("process id"), null=True, blank=True, help_text=_("The importing process on its host, while it runs.")
    )
    heartbeat_at = models.DateTimeField(
        _("last sign of life"), null=True, blank=True, help_text=_("Updated while the run works through its files.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RunStatus.choices, default=RunStatus.RUNNING, db_index=True
    )
    totals = models.JSONField(
        _("totals"), default=dict, blank=True, help_text=_("Files and objects counted by result.")
    )
    queue = models.CharField(
        _("queue"), max_length=200, blank=True, help_text=_("Celery queue of a queued run; blank for a local run.")
    )
    files_total = models.PositiveIntegerField(
        _("files in total"),
        null=True,
        blank=True,
        help_text=_("Files of a queued run, known once all its jobs are sent; it is done when each has an event."),
    )
    files_done = models.PositiveIntegerField(
        _("files done"), default=0, help_text=_("Files with their event: counted in the same transaction.")
    )
    jobs_total = models.PositiveIntegerField(_("jobs in total"), null=True, blank=True)

    class Meta:
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return gettext("import run %(id)s (%(status)s) %(started)s") % {
            "id": self.pk,
            "status": self.get_status_display(),
            "started": f"{self.started_at:%Y-%m-%d %H:%M}",
        }


class ImportEvent(models.Model):
    run = models.ForeignKey(ImportRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="events")
    path = models.TextField(_("path"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    result = models.CharField(_("result"), max_length=20, choices=EventResult.choices)
    message = models.TextField(_("message"), blank=True)
    line = models.PositiveIntegerField(_("line"), null=True, blank=True)
    encoding = models.CharField(_("encoding"), max_length=40, blank=True)
    issue = models.ForeignKey(
        "articles.Issue",
        verbose_name=_("issue"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_events",
    )
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("import event")
        verbose_name_plural = _("import events")
        ordering = ["run", "id"]
        # plain indexes: db_index would add LIKE-prefix twins on PostgreSQL that every event pays for
        indexes = [
            models.Index(fields=["sha256"], name="importevent_sha256"),
            models.Index(fields=["result"], name="importevent_result"),
            # a queued job asks which of its files are done already (it may be delivered twice)
            models.Index(fields=["run", "path"], name="importevent_run_path"),
        ]

    def __str__(self) -> str:
        return f"{self.result}: {self.path}"
