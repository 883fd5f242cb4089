"""What every admin module shares: links, inlines of imported rows, the version check of change forms,
and a history admin whose reverts go through the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import router, transaction
from django.db.models import ForeignKey, Model
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from ..locks import versioned_row_lock
from ..services import normalised_value
from .history import ParagraphDiffContextHelper


def _link(obj, label: str | None = None) -> str:
    if obj is None:
        return "—"
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, label or str(obj))


class ImportedRowsInline(admin.TabularInline):
    """Rows that come from imports: editable in place, never added or deleted from a parent's page."""

    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class VersionCheckedForm(forms.ModelForm):
    """Carries the version the editor loaded, so a save over someone else's newer save is refused.

    The stored version is the initial value also when the form shows an older state from history (a
    revert), so a revert is checked against what is stored now, like any save.
    """

    expected_version = forms.IntegerField(label=_("version you edited"), widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            stored = type(self.instance).objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
            self.fields["expected_version"].initial = stored

    def clean(self):
        cleaned = super().clean()
        expected = cleaned.get("expected_version")
        if self.instance.pk and expected is not None:
            # locked until the admin's transaction ends, so no save can slip in between check and write
            # (an issue's rows after the issue: the lock order of every write, see articles.locks)
            model = type(self.instance)
            try:
                current = versioned_row_lock(model=model, pk=self.instance.pk).version
            except model.DoesNotExist as error:
                raise forms.ValidationError(str(error), code="gone") from error
            if current != expected:
                raise forms.ValidationError(
                    _(
                        "Someone else saved this %(model)s after you opened it (now version %(current)s, you "
                        "edited version %(expected)s). Your changes were not saved: reload the page and make "
                        "them again."
                    ),
                    code="stale",
                    params={"model": model._meta.verbose_name, "current": current, "expected": expected},
                )
        return cleaned


def changed_against_stored(form: forms.ModelForm, fields: frozenset[str] | tuple[str, ...]) -> dict[str, Any]:
    """Fields of ``fields`` whose submitted value differs from the stored row.

    ``form.changed_data`` compares with the form's initial values, which in a revert from history are the old
    state itself: a revert would look unchanged and save nothing. Line ends do not count as a change.
    """
    model = type(form.instance)
    stored = model.objects.filter(pk=form.instance.pk).first()
    data = {}
    for name in fields:
        if name not in form.cleaned_data:
            continue
        new = form.cleaned_data[name]
        if stored is None:
            data[name] = new
            continue
        field = model._meta.get_field(name)
        old = getattr(stored, field.attname)
        if isinstance(field, ForeignKey):
            changed = (new.pk if isinstance(new, Model) else new) != old
        elif isinstance(new, str) or isinstance(old, str):
            changed = normalised_value(new or "") != normalised_value(old or "")
        else:
            changed = normalised_value(new) != normalised_value(old)
        if changed:
            data[name] = new
    return data


def admin_change_reason(request) -> str:
    """The change reason of a save from a history record's form ("reverted from history"); else the default."""
    match = getattr(request, "resolver_match", None)
    return "reverted from history" if match and (match.url_name or "").endswith("_simple_history") else ""


class ServiceHistoryAdmin(SimpleHistoryAdmin):
    """History with full-text (paragraph-level) diffs; a revert runs in one transaction, as a change form does,
    and saves through the model admin's ``save_model`` (its service)."""

    object_history_list_template = "admin/articles/object_history_list.html"

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history's view has no transaction of its own: the form's row lock needs one (PostgreSQL)
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, object_id, version_id, extra_context)

    def get_historical_record_context_helper(self, request, historical_record):
        return ParagraphDiffContextHelper(self.model, historical_record)
