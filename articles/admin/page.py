"""Pages: the raw text beside the segmentation, and the page's number, section, date and staff."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .. import services
from ..models import Article, Page
from .base import (
    ImportedRowsInline,
    ServiceHistoryAdmin,
    VersionCheckedForm,
    admin_change_reason,
    changed_against_stored,
)
from .photo import PagePhotoInline, PhotoInlinesThroughServices
from .review import ReviewQueueAdminMixin, UnassignedTextFilter
from .workbench import WorkbenchAdminMixin


class PageAdminForm(VersionCheckedForm):
    class Meta:
        model = Page
        fields = ["number", "section", "printed_date", "staff"]


def page_save_through_service(request, form) -> None:
    """A page's change form, a revert from its history and the issue's page inline all save here."""
    data = changed_against_stored(form, services.EDITABLE_PAGE_FIELDS)
    if data:
        services.page_update(
            page=form.instance,
            user=request.user,
            data=data,
            expected_version=form.cleaned_data.get("expected_version"),
            change_reason=admin_change_reason(request),
        )


class PageArticleInline(ImportedRowsInline):
    model = Article
    fk_name = "page"
    fields = ["order", "headline", "kind", "status"]
    readonly_fields = ["order", "headline", "kind", "status"]


@admin.register(Page)
class PageAdmin(WorkbenchAdminMixin, ReviewQueueAdminMixin, PhotoInlinesThroughServices, ServiceHistoryAdmin):
    form = PageAdminForm
    list_display = [
        "__str__",
        "issue",
        "index",
        "number",
        "section",
        "article_count",
        "unassigned_count",
        "workbench_link",
    ]
    list_filter = [UnassignedTextFilter, "issue__paper", "section", "issue__publication_date"]
    list_select_related = ["issue"]
    search_fields = ["section", "number", "issue__source_name"]
    readonly_fields = [
        "workbench_link",
        "issue",
        "index",
        "first_line",
        "raw_text_view",
        "unassigned_view",
        "furniture_view",
    ]
    fields = [
        "workbench_link",
        "issue",
        "index",
        "number",
        "section",
        "printed_date",
        "staff",
        "expected_version",
        "first_line",
        "unassigned_view",
        "furniture_view",
        "raw_text_view",
    ]
    inlines = [PageArticleInline, PagePhotoInline]

    def save_model(self, request, obj, form, change):
        page_save_through_service(request, form)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_total=Count("articles"))

    @admin.display(description=_("articles"), ordering="article_total")
    def article_count(self, page: Page) -> int:
        return page.article_total

    @admin.display(description=_("unassigned"))
    def unassigned_count(self, page: Page) -> int:
        return len(page.unassigned or [])

    @admin.display(description=_("raw text (verbatim)"))
    def raw_text_view(self, page: Page) -> str:
        return format_html(
            '<pre style="white-space: pre-wrap; max-height: 40em; overflow: auto">{}</pre>', page.raw_text
        )

    @admin.display(description=_("unassigned text"))
    def unassigned_view(self, page: Page) -> str:
        if not page.unassigned:
            return _("— (everything was placed)")
        return format_html_join(
            "", '<p style="background:#fff3cd;padding:2px 4px">{}</p>', ((text,) for text in page.unassigned)
        )

    @admin.display(description=_("page furniture"))
    def furniture_view(self, page: Page) -> str:
        return " · ".join(page.furniture or []) or "—"
