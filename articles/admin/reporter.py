"""Reporters: renames go through ``reporter_update``."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html_join

from .. import services
from ..models import Reporter
from .base import ServiceHistoryAdmin, VersionCheckedForm, _link, admin_change_reason, changed_against_stored


class ReporterAdminForm(VersionCheckedForm):
    class Meta:
        model = Reporter
        fields = ["name"]

    def clean_name(self):
        try:
            return services.reporter_clean_name(self.cleaned_data["name"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error


@admin.register(Reporter)
class ReporterAdmin(ServiceHistoryAdmin):
    form = ReporterAdminForm
    list_display = ["name", "credit_total", "photo_total", "created_at"]
    search_fields = ["name"]
    readonly_fields = ["created_at", "recent_articles"]

    def get_queryset(self, request):
        """Annotated with counts, and ordered so autocomplete pages are stable."""
        return (
            super()
            .get_queryset(request)
            .annotate(credits_total=Count("credits", distinct=True), photos_total=Count("photos", distinct=True))
            .order_by("name")
        )

    def save_model(self, request, obj, form, change):
        """A rename and a revert from history alike go through ``reporter_update`` (version check, search)."""
        if not change:
            super().save_model(request, obj, form, change)
        elif changed_against_stored(form, ("name",)):
            services.reporter_update(
                reporter=obj,
                user=request.user,
                name=form.cleaned_data["name"],
                change_reason=admin_change_reason(request),
                expected_version=form.cleaned_data.get("expected_version"),
            )

    @admin.display(description="credits", ordering="credits_total")
    def credit_total(self, reporter: Reporter) -> int:
        return reporter.credits_total

    @admin.display(description="photos", ordering="photos_total")
    def photo_total(self, reporter: Reporter) -> int:
        return reporter.photos_total

    @admin.display(description="recent articles")
    def recent_articles(self, reporter: Reporter) -> str:
        credits = reporter.credits.select_related("article").order_by("-article_id")[:20]
        return (
            format_html_join("", "<div>{} {}</div>", ((credit.role, _link(credit.article)) for credit in credits))
            or "—"
        )
