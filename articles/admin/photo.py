"""Photos: their own change page and the inlines of articles and pages, saved through ``photo_update``."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .. import services
from ..models import Photo
from .base import ImportedRowsInline

PHOTO_EDITABLE_FIELDS = ("caption", "photographer", "article")


def save_photo_formset(request, formset) -> None:
    """Photo inlines save through ``photo_update`` (history, ownership, search documents)."""
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    for form in formset.forms:
        if form.instance.pk and form.has_changed():
            data = {name: form.cleaned_data[name] for name in form.changed_data if name in PHOTO_EDITABLE_FIELDS}
            if data:
                services.photo_update(photo=form.instance, user=request.user, data=data)
                formset.changed_objects.append((form.instance, list(data)))


class PhotoInlinesThroughServices:
    """For admins with a photo inline: its rows are saved by ``photo_update``, other inlines as usual."""

    def save_formset(self, request, form, formset, change):
        if formset.model is Photo:
            save_photo_formset(request, formset)
        else:
            super().save_formset(request, form, formset, change)


class PhotoInlineBase(ImportedRowsInline):
    """Editors change a photo's caption, photographer and article here."""

    model = Photo


class ArticlePhotoInline(PhotoInlineBase):
    fk_name = "article"
    fields = ["caption", "photographer", "order"]
    readonly_fields = ["order"]
    autocomplete_fields = ["photographer"]


class PagePhotoInline(PhotoInlineBase):
    fk_name = "page"
    fields = ["order", "caption", "photographer", "article"]
    readonly_fields = ["order"]
    autocomplete_fields = ["photographer", "article"]


@admin.register(Photo)
class PhotoAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "photographer", "article", "page", "order"]
    list_filter = ["issue__paper", ("photographer", admin.RelatedOnlyFieldListFilter), "page__section"]
    list_select_related = ["photographer", "article", "page__issue"]
    search_fields = ["caption", "photographer__name"]
    autocomplete_fields = ["photographer", "article"]
    fields = ["caption", "photographer", "article", "order", "page", "issue"]
    readonly_fields = ["page", "issue"]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        data = {name: form.cleaned_data[name] for name in form.changed_data if name in PHOTO_EDITABLE_FIELDS}
        services.photo_update(photo=obj, user=request.user, data=data)
