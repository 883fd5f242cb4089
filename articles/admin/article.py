"""Articles: the change form with its version check, credits and photos inlines, bulk actions."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from .. import services
from ..models import Article, ArticleCredit, ArticleStatus
from ..search import query_terms
from .base import _link
from .photo import ArticlePhotoInline, PhotoInlinesThroughServices


class ArticleCreditInline(admin.TabularInline):
    model = ArticleCredit
    extra = 0
    autocomplete_fields = ["reporter"]
    fields = ["reporter", "role", "order"]


class ArticleAdminForm(forms.ModelForm):
    """Carries the version the editor loaded, so a save over someone else's newer save is refused."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Article
        fields = ["headline", "kicker", "subheadline", "body", "kind", "status", "duplicate_of"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # the stored version, also when the form shows an older state from history (a revert)
            stored = Article.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
            self.fields["expected_version"].initial = stored

    def clean_duplicate_of(self):
        original = self.cleaned_data.get("duplicate_of")
        if original is not None and self.instance.pk:
            try:
                return services.article_duplicate_target(article=self.instance, original=original)
            except ValueError as error:
                raise forms.ValidationError(str(error)) from error
        return original

    def clean(self):
        cleaned = super().clean()
        expected = cleaned.get("expected_version")
        if self.instance.pk and expected is not None:
            # locked until the admin's transaction ends, so no save can slip in between check and write
            current = (
                Article.objects.select_for_update()
                .filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if current is not None and current != expected:
                raise forms.ValidationError(
                    f"Someone else saved this article after you opened it (now version {current}, you edited "
                    f"version {expected}). Your changes were not saved: reload the page and make them again."
                )
        return cleaned


@admin.register(Article)
class ArticleAdmin(PhotoInlinesThroughServices, SimpleHistoryAdmin):
    form = ArticleAdminForm
    list_display = ["title", "date", "page_label", "order", "kind", "status", "credit_names", "touched"]
    list_display_links = ["title"]
    list_filter = [
        "status",
        "kind",
        "issue__paper",
        "page__number",
        "page__section",
        ("credits__reporter", admin.RelatedOnlyFieldListFilter),
        "verified_at",
        "edited_at",
    ]
    list_select_related = ["issue", "page"]
    date_hierarchy = "issue__publication_date"
    search_fields = ["headline"]
    search_help_text = "Headline, body, captions and reporter names (substring; spaces separate words)."
    autocomplete_fields = ["duplicate_of"]
    readonly_fields = [
        "issue_link",
        "page_link",
        "order",
        "version",
        "edited_by",
        "edited_at",
        "verified_by",
        "verified_at",
        "fingerprint",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "headline",
                    "kicker",
                    "subheadline",
                    "body",
                    "kind",
                    "status",
                    "duplicate_of",
                    "expected_version",
                ]
            },
        ),
        ("Where", {"fields": ["issue_link", "page_link", "order"]}),
        (
            "Ownership",
            {
                "fields": [
                    "version",
                    "edited_by",
                    "edited_at",
                    "verified_by",
                    "verified_at",
                    "fingerprint",
                    "created_at",
                    "updated_at",
                ],
                "classes": ["collapse"],
            },
        ),
    ]
    inlines = [ArticleCreditInline, ArticlePhotoInline]
    actions = ["publish", "withdraw", "verify"]
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("credits__reporter")

    def has_add_permission(self, request):
        """Articles come from imports (and, later, from an editor's split or unassigned text), not from a blank form."""
        return False

    def get_search_results(self, request, queryset, search_term):
        """Search the normalised search document, so "宫卫 红" or a name split by a line break still matches."""
        for term in query_terms(search_term):
            queryset = queryset.filter(search_document__contains=term)
        return queryset, False

    @admin.display(description="headline", ordering="headline")
    def title(self, article: Article) -> str:
        return str(article)

    @admin.display(description="date", ordering="issue__publication_date")
    def date(self, article: Article):
        return article.issue.publication_date

    @admin.display(description="page", ordering="page__index")
    def page_label(self, article: Article) -> str:
        return article.page.number or f"p{article.page.index}"

    @admin.display(description="reporters")
    def credit_names(self, article: Article) -> str:
        return "、".join(f"{c.reporter.name}({c.role})" for c in article.credits.all())

    @admin.display(description="edited", boolean=True)
    def touched(self, article: Article) -> bool:
        return article.is_touched

    @admin.display(description="issue")
    def issue_link(self, article: Article) -> str:
        return _link(article.issue)

    @admin.display(description="page")
    def page_link(self, article: Article) -> str:
        return _link(article.page)

    @staticmethod
    def _changed_fields(form) -> dict:
        """Fields whose submitted value differs from the stored article (a revert from history included)."""
        stored = Article.objects.get(pk=form.instance.pk)
        data = {}
        for name in services.EDITABLE_ARTICLE_FIELDS:
            if name not in form.cleaned_data:
                continue
            new, old = form.cleaned_data[name], getattr(stored, name)
            if name == "duplicate_of":
                changed = (new.pk if new else None) != stored.duplicate_of_id
            else:
                changed = (new or "") != (old or "")
            if changed:
                data[name] = new
        return data

    def save_model(self, request, obj, form, change):
        """Saves go through ``article_update`` (version check, ownership, history), from the change form and
        from a revert in the history view alike."""
        if not change:
            super().save_model(request, obj, form, change)
            return
        services.article_history_baseline(article=obj)  # before the credit and photo inlines are saved
        data = self._changed_fields(form)
        form.article_saved = bool(data)
        if data:
            services.article_update(
                article=obj, user=request.user, data=data, expected_version=form.cleaned_data.get("expected_version")
            )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if any(formset.has_changed() for formset in formsets):
            if getattr(form, "article_saved", False):
                services.article_refresh_search_document(article=form.instance)
            else:
                services.article_credits_changed(article=form.instance, user=request.user)

    @admin.action(description="Publish selected articles", permissions=["change"])
    def publish(self, request, queryset):
        changed = services.article_set_status(articles=queryset, status=ArticleStatus.PUBLISHED, user=request.user)
        self.message_user(request, f"{changed} article(s) published.", messages.SUCCESS)

    @admin.action(description="Withdraw selected articles (hide from the public)", permissions=["change"])
    def withdraw(self, request, queryset):
        changed = services.article_set_status(articles=queryset, status=ArticleStatus.WITHDRAWN, user=request.user)
        self.message_user(request, f"{changed} article(s) withdrawn.", messages.SUCCESS)

    @admin.action(description="Mark selected articles as verified", permissions=["change"])
    def verify(self, request, queryset):
        count = services.article_verify(articles=queryset, user=request.user)
        self.message_user(request, f"{count} article(s) verified.", messages.SUCCESS)
