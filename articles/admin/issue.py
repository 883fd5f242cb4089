"""Issues: editors give an issue its paper, date and edition, and correct its pages, through the services."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .. import services
from ..models import Issue, Page
from .base import ServiceHistoryAdmin, VersionCheckedForm, admin_change_reason, changed_against_stored
from .page import PageAdminForm, page_save_through_service


class IssueAdminForm(VersionCheckedForm):
    class Meta:
        model = Issue
        fields = ["paper", "publication_date", "edition"]


class IssuePageInline(admin.TabularInline):
    """The issue's pages; a correction here is ``page_update``'s, so a forced re-import keeps it."""

    model = Page
    form = PageAdminForm
    extra = 0
    can_delete = False
    fields = ["index", "number", "section", "printed_date", "expected_version"]
    readonly_fields = ["index"]
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Issue)
class IssueAdmin(ServiceHistoryAdmin):
    form = IssueAdminForm
    list_display = ["__str__", "paper", "publication_date", "edition", "source_name", "page_total", "imported_at"]
    list_filter = ["paper", "edition", "imported_at"]
    date_hierarchy = "publication_date"
    search_fields = ["paper", "source_name", "sha256"]
    fields = [
        "paper",
        "publication_date",
        "edition",
        "expected_version",
        "source_name",
        "sha256",
        "encoding",
        "size_bytes",
        "imported_at",
        "version",
        "edited_at",
    ]
    readonly_fields = ["source_name", "sha256", "encoding", "size_bytes", "imported_at", "version", "edited_at"]
    inlines = [IssuePageInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(pages_total=Count("pages"))

    def has_add_permission(self, request):
        """Issues come from imports."""
        return False

    @admin.display(description=_("pages"), ordering="pages_total")
    def page_total(self, issue: Issue) -> int:
        return issue.pages_total

    def save_model(self, request, obj, form, change):
        """Edits and reverts from history alike go through ``issue_update`` (version check, history)."""
        if not change:
            super().save_model(request, obj, form, change)
            return
        data = changed_against_stored(form, services.EDITABLE_ISSUE_FIELDS)
        if data:
            services.issue_update(
                issue=obj,
                user=request.user,
                data=data,
                expected_version=form.cleaned_data.get("expected_version"),
                change_reason=admin_change_reason(request),
            )

    def save_formset(self, request, form, formset, change):
        if formset.model is not Page:
            super().save_formset(request, form, formset, change)
            return
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for page_form in formset.forms:
            if page_form.instance.pk and page_form.has_changed():
                page_save_through_service(request, page_form)
                formset.changed_objects.append((page_form.instance, page_form.changed_data))
