"""Photos: their own change page and the inlines of articles and pages, saved through ``photo_update``."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from .. import services
from ..models import Photo
from .base import (
    ImportedRowsInline,
    ServiceHistoryAdmin,
    VersionCheckedForm,
    admin_change_reason,
    changed_against_stored,
)


class PhotoAdminForm(VersionCheckedForm):
    """The version check of every editable object, and no article of another issue."""

    class Meta:
        model = Photo
        fields = ["caption", "photographer", "article", "order"]

    def clean_article(self):
        article = self.cleaned_data.get("article")
        if self.instance.pk:
            try:
                services.photo_article_check(photo=self.instance, article=article)
            except ValueError as error:
                raise forms.ValidationError(str(error)) from error
        return article


def save_photo_formset(request, formset) -> None:
    """Photo inlines save through ``photo_update`` (version check, history, ownership, search documents)."""
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    for form in formset.forms:
        if form.instance.pk and form.has_changed():
            data = changed_against_stored(form, services.EDITABLE_PHOTO_FIELDS)
            if data:
                services.photo_update(
                    photo=form.instance,
                    user=request.user,
                    data=data,
                    expected_version=form.cleaned_data.get("expected_version"),
                )
                formset.changed_objects.append((form.instance, list(data)))


class PhotoInlinesThroughServices:
    """For admins with a photo inline: its rows are saved by ``photo_update``, other inlines as usual."""

    def save_formset(self, request, form, formset, change):
        if formset.model is Photo:
            save_photo_formset(request, formset)
        else:
            super().save_formset(request, form, formset, change)


class PhotoInlineBase(ImportedRowsInline):
    """Editors change a photo's caption, photographer, order and article here."""

    model = Photo
    form = PhotoAdminForm


class ArticlePhotoInline(PhotoInlineBase):
    fk_name = "article"
    fields = ["caption", "photographer", "order", "expected_version"]
    readonly_fields = ["order"]
    autocomplete_fields = ["photographer"]


class PagePhotoInline(PhotoInlineBase):
    fk_name = "page"
    fields = ["order", "caption", "photographer", "article", "expected_version"]
    autocomplete_fields = ["photographer", "article"]


@admin.register(Photo)
class PhotoAdmin(ServiceHistoryAdmin):
    form = PhotoAdminForm
    list_display = ["__str__", "photographer", "article", "page", "order"]
    list_filter = ["issue__paper", ("photographer", admin.RelatedOnlyFieldListFilter), "page__section"]
    list_select_related = ["photographer", "article", "page__issue"]
    search_fields = ["caption", "photographer__name"]
    autocomplete_fields = ["photographer", "article"]
    fields = ["caption", "photographer", "article", "order", "expected_version", "page", "issue", "version"]
    readonly_fields = ["page", "issue", "version"]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        """Edits and reverts from history alike go through ``photo_update``."""
        if not change:
            super().save_model(request, obj, form, change)
            return
        data = changed_against_stored(form, services.EDITABLE_PHOTO_FIELDS)
        if data:
            services.photo_update(
                photo=obj,
                user=request.user,
                data=data,
                expected_version=form.cleaned_data.get("expected_version"),
                change_reason=admin_change_reason(request),
            )
