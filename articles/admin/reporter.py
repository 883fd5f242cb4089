"""Reporters: renames go through ``reporter_rename``; merges of two rows that are one person through
``reporter_merge`` (``reporter_actions.py``)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from .. import reporters
from ..models import Reporter
from .base import ServiceHistoryAdmin, VersionCheckedForm, _link, admin_change_reason, changed_against_stored
from .reporter_actions import ReporterMergeAdminMixin, aliases_html, role_counts_html


class ReporterAdminForm(VersionCheckedForm):
    class Meta:
        model = Reporter
        fields = ["name"]

    def clean_name(self):
        """Cleaned of inner spaces; another reporter's name or alias is refused (that is a merge)."""
        try:
            return reporters.reporter_name_check(
                name=self.cleaned_data["name"], reporter=self.instance if self.instance.pk else None
            )
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error


@admin.register(Reporter)
class ReporterAdmin(ReporterMergeAdminMixin, ServiceHistoryAdmin):
    form = ReporterAdminForm
    list_display = ["name", "credit_total", "photo_total", "created_at"]
    search_fields = ["name", "aliases__name"]
    readonly_fields = ["created_at", "aliases_view", "roles_view", "recent_articles"]

    def get_queryset(self, request):
        """Annotated with counts, and ordered so autocomplete pages are stable."""
        return (
            super()
            .get_queryset(request)
            .annotate(credits_total=Count("credits", distinct=True), photos_total=Count("photos", distinct=True))
            .order_by("name")
        )

    def save_model(self, request, obj, form, change):
        """A rename and a revert from history alike go through ``reporter_rename`` (version check, search)."""
        if not change:
            super().save_model(request, obj, form, change)
        elif changed_against_stored(form, ("name",)):
            reporters.reporter_rename(
                reporter=obj,
                user=request.user,
                name=form.cleaned_data["name"],
                change_reason=admin_change_reason(request),
                expected_version=form.cleaned_data.get("expected_version"),
            )

    @admin.display(description=_("credits"), ordering="credits_total")
    def credit_total(self, reporter: Reporter) -> int:
        return reporter.credits_total

    @admin.display(description=_("photos"), ordering="photos_total")
    def photo_total(self, reporter: Reporter) -> int:
        return reporter.photos_total

    @admin.display(description=_("other spellings (aliases)"))
    def aliases_view(self, reporter: Reporter) -> str:
        return aliases_html(reporter)

    @admin.display(description=_("credits by role"))
    def roles_view(self, reporter: Reporter) -> str:
        return role_counts_html(reporter)

    @admin.display(description=_("recent articles"))
    def recent_articles(self, reporter: Reporter) -> str:
        credits = reporter.credits.select_related("article").order_by("-article_id")[:20]
        return (
            format_html_join("", "<div>{} {}</div>", ((credit.role, _link(credit.article)) for credit in credits))
            or "—"
        )
