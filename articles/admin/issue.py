"""Issues and their pages."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count

from ..models import Issue, Page


class IssuePageInline(admin.TabularInline):
    model = Page
    extra = 0
    fields = ["index", "number", "section", "printed_date"]
    show_change_link = True


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = ["__str__", "paper", "publication_date", "edition", "source_name", "page_total", "imported_at"]
    list_filter = ["paper", "edition", "imported_at"]
    date_hierarchy = "publication_date"
    search_fields = ["paper", "source_name", "sha256"]
    readonly_fields = ["source_name", "sha256", "encoding", "size_bytes", "imported_at"]
    inlines = [IssuePageInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(pages_total=Count("pages"))

    @admin.display(description="pages", ordering="pages_total")
    def page_total(self, issue: Issue) -> int:
        return issue.pages_total
