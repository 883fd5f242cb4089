"""Credits (article ↔ reporter): the article page's inline and a credit's own page with history and revert,
all saved through the credit services, so every credit change is recorded and can be undone."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from .. import services
from ..models import Article, ArticleCredit
from .base import ServiceHistoryAdmin, _link, admin_change_reason, changed_against_stored


class ArticleCreditInline(admin.TabularInline):
    model = ArticleCredit
    extra = 0
    autocomplete_fields = ["reporter"]
    fields = ["reporter", "role", "order"]
    show_change_link = True


def save_credit_formset(request, formset) -> None:
    """Credit inlines save through ``credit_create``/``credit_update``/``credit_delete`` (history, ownership)."""
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    for form in formset.forms:
        credit = form.instance
        if credit.pk and formset.can_delete and formset._should_delete_form(form):
            services.credit_delete(credit=credit, user=request.user)
            formset.deleted_objects.append(credit)
        elif credit.pk is None and form.has_changed():
            created = services.credit_create(
                article=formset.instance,
                reporter=form.cleaned_data["reporter"],
                role=form.cleaned_data["role"],
                order=form.cleaned_data.get("order") or 0,
                user=request.user,
            )
            form.instance = created
            formset.new_objects.append(created)
        elif credit.pk and form.has_changed():
            data = changed_against_stored(form, services.EDITABLE_CREDIT_FIELDS)
            if data:
                services.credit_update(credit=credit, user=request.user, data=data)
                formset.changed_objects.append((credit, list(data)))


class CreditInlinesThroughServices:
    """For admins with a credit inline: its rows are saved by the credit services, other inlines as before."""

    def save_formset(self, request, form, formset, change):
        if formset.model is ArticleCredit:
            save_credit_formset(request, formset)
        else:
            super().save_formset(request, form, formset, change)


def credit_history_links(*, article: Article) -> str:
    """Every credit the article has had, removed ones included, each linked to its history (to revert it)."""
    rows = {
        credit.pk: (f"{credit.role} {credit.reporter}", _("current"))
        for credit in ArticleCredit.objects.filter(article=article).select_related("reporter")
    }
    removed = ArticleCredit.history.filter(article_id=article.pk, history_type="-").exclude(id__in=list(rows))
    for record in removed.select_related("reporter").order_by("history_id"):
        rows[record.id] = (f"{record.role} {record.reporter}", _("removed"))
    if not rows:
        return "—"
    return format_html_join(
        "",
        '<div><a href="{}">{}</a> ({})</div>',
        (
            (reverse("admin:articles_articlecredit_history", args=[pk]), label, state)
            for pk, (label, state) in sorted(rows.items())
        ),
    )


class ArticleCreditAdminForm(forms.ModelForm):
    class Meta:
        model = ArticleCredit
        fields = ["reporter", "role", "order"]

    def clean(self):
        """The article is not a field here, so the form's own unique check cannot see a duplicate credit."""
        cleaned = super().clean()
        if cleaned.get("reporter") and cleaned.get("role") and self.instance.article_id:
            try:
                services.credit_check_unique(
                    article_id=self.instance.article_id,
                    reporter=cleaned["reporter"],
                    role=cleaned["role"],
                    exclude_pk=self.instance.pk,
                )
            except ValueError as error:
                raise forms.ValidationError(str(error)) from error
        return cleaned


@admin.register(ArticleCredit)
class ArticleCreditAdmin(ServiceHistoryAdmin):
    form = ArticleCreditAdminForm
    list_display = ["__str__", "article", "role", "order"]
    list_select_related = ["article", "reporter"]
    search_fields = ["reporter__name", "article__headline"]
    autocomplete_fields = ["reporter"]
    fields = ["article_link", "reporter", "role", "order"]
    readonly_fields = ["article_link"]

    def has_add_permission(self, request):
        """Credits are added on their article's page."""
        return False

    @admin.display(description=_("article"))
    def article_link(self, credit: ArticleCredit) -> str:
        return _link(credit.article) if credit.article_id else "—"

    def save_model(self, request, obj, form, change):
        """An edit or a revert of an existing credit goes through ``credit_update``; reverting a removed
        credit restores it under its old id."""
        if ArticleCredit.objects.filter(pk=obj.pk).exists():
            data = changed_against_stored(form, services.EDITABLE_CREDIT_FIELDS)
            if data:
                services.credit_update(
                    credit=obj, user=request.user, data=data, change_reason=admin_change_reason(request)
                )
            return
        services.credit_create(
            article=Article.objects.get(pk=obj.article_id),
            reporter=form.cleaned_data["reporter"],
            role=form.cleaned_data["role"],
            order=form.cleaned_data.get("order") or 0,
            user=request.user,
            credit_id=obj.pk,
            change_reason=admin_change_reason(request) or "credit added",
        )

    def delete_model(self, request, obj):
        services.credit_delete(credit=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for credit in queryset:
            services.credit_delete(credit=credit, user=request.user)
