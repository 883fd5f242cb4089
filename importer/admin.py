"""The import log in the admin: read-only, for operators and editors to see what came in and what failed."""

from django.contrib import admin

from .models import ImportEvent, ImportRun


class ImportEventInline(admin.TabularInline):
    model = ImportEvent
    extra = 0
    can_delete = False
    fields = ["result", "path", "message", "line", "encoding", "issue", "counts", "duration_ms"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["id", "started_at", "finished_at", "status", "files_done", "invoked_by", "command_line", "totals"]
    list_filter = ["status", "started_at"]
    search_fields = ["command_line", "events__path"]
    readonly_fields = [
        "started_at",
        "finished_at",
        "command_line",
        "options",
        "invoked_by",
        "host",
        "pid",
        "heartbeat_at",
        "status",
        "queue",
        "files_total",
        "files_done",
        "jobs_total",
        "totals",
    ]
    inlines = [ImportEventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ImportEvent)
class ImportEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "result", "path", "message", "line", "encoding", "issue", "duration_ms"]
    list_filter = ["result", "encoding", "created_at"]
    search_fields = ["path", "message", "sha256"]
    list_select_related = ["issue"]
    readonly_fields = [f.name for f in ImportEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
