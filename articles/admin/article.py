"""Articles: the change form with its version check, credits and photos inlines, bulk actions."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import services
from ..models import Article, ArticleStatus, Photo
from ..search import MAX_QUERY_CHARS, MAX_TERMS, SearchQueryError, parse_query
from ..search.service import search_articles
from .base import ServiceHistoryAdmin, VersionCheckedForm, _link, admin_change_reason, changed_against_stored
from .credit import ArticleCreditInline, CreditInlinesThroughServices, credit_history_links
from .photo import ArticlePhotoInline, PhotoInlinesThroughServices
from .review import HeadlineFilter


class ArticleAdminForm(VersionCheckedForm):
    class Meta:
        model = Article
        fields = ["headline", "kicker", "subheadline", "body", "kind", "status", "duplicate_of"]

    def clean_duplicate_of(self):
        original = self.cleaned_data.get("duplicate_of")
        if original is not None and self.instance.pk:
            try:
                return services.article_duplicate_target(article=self.instance, original=original)
            except ValueError as error:
                raise forms.ValidationError(str(error)) from error
        return original


@admin.register(Article)
class ArticleAdmin(CreditInlinesThroughServices, PhotoInlinesThroughServices, ServiceHistoryAdmin):
    form = ArticleAdminForm
    list_display = ["title", "date", "page_label", "order", "kind", "status", "credit_names", "touched"]
    list_display_links = ["title"]
    list_filter = [
        HeadlineFilter,
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
    search_help_text = _("Headline, body, captions and reporter names (substring; spaces separate words).")
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
        "credit_history",
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
        (_("Where"), {"fields": ["issue_link", "page_link", "order"]}),
        (_("History of credits"), {"fields": ["credit_history"], "classes": ["collapse"]}),
        (
            _("Ownership"),
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
        """The API's search (``articles.search.service``), so "宫卫 红" or a name split by a line break still
        matches; a search over the bounds finds nothing and says why (the changelist and the autocomplete)."""
        if not search_term.strip():
            return queryset, False
        try:
            query = parse_query(search_term)
        except SearchQueryError:
            messages.error(
                request,
                _("A search may have at most %(terms)s words or phrases and %(chars)s characters.")
                % {"terms": MAX_TERMS, "chars": MAX_QUERY_CHARS},
            )
            return queryset.none(), False
        return search_articles(queryset=queryset, query=query), False

    @admin.display(description=_("headline"), ordering="headline")
    def title(self, article: Article) -> str:
        """Wide enough to read a headline; an article without one is flagged, shown by its opening words."""
        if not article.headline:
            return format_html(
                '<span class="no-headline" style="display:inline-block;min-width:24em">'
                '<strong style="color:#ba2121">{}</strong> {}</span>',
                _("(no headline)"),
                article,
            )
        return format_html('<span class="headline" style="display:inline-block;min-width:24em">{}</span>', article)

    @admin.display(description=_("date"), ordering="issue__publication_date")
    def date(self, article: Article):
        return article.issue.publication_date

    @admin.display(description=_("page"), ordering="page__index")
    def page_label(self, article: Article) -> str:
        return article.page.number or f"p{article.page.index}"

    @admin.display(description=_("reporters"))
    def credit_names(self, article: Article) -> str:
        return "、".join(f"{c.reporter.name}({c.role})" for c in article.credits.all())

    @admin.display(description=_("edited"), boolean=True)
    def touched(self, article: Article) -> bool:
        return article.is_touched

    @admin.display(description=_("issue"))
    def issue_link(self, article: Article) -> str:
        return _link(article.issue)

    @admin.display(description=_("page"))
    def page_link(self, article: Article) -> str:
        return _link(article.page)

    @admin.display(description=_("credits, also removed ones"))
    def credit_history(self, article: Article) -> str:
        return credit_history_links(article=article)

    def save_model(self, request, obj, form, change):
        """Saves go through ``article_update`` (version check, ownership, history), from the change form and
        from a revert in the history view alike."""
        if not change:
            super().save_model(request, obj, form, change)
            return
        services.article_history_baseline(article=obj)  # before the credit and photo inlines are saved
        data = changed_against_stored(form, services.EDITABLE_ARTICLE_FIELDS)
        form.article_saved = bool(data)
        if data:
            services.article_update(
                article=obj,
                user=request.user,
                data=data,
                expected_version=form.cleaned_data.get("expected_version"),
                change_reason=admin_change_reason(request),
            )

    def save_related(self, request, form, formsets, change):
        """Credits were saved by the credit services (each marks the article as the editors'); photo edits
        made here make the article the editors' too."""
        super().save_related(request, form, formsets, change)
        changed = [formset for formset in formsets if formset.has_changed()]
        if not changed:
            return
        if getattr(form, "article_saved", False) or not any(formset.model is Photo for formset in changed):
            services.article_refresh_search_document(article=form.instance)
        else:
            services.article_credits_changed(article=form.instance, user=request.user)

    @admin.action(description=_("Publish selected articles"), permissions=["change"])
    def publish(self, request, queryset):
        changed = services.article_set_status(articles=queryset, status=ArticleStatus.PUBLISHED, user=request.user)
        self.message_user(
            request,
            ngettext("%(count)d article published.", "%(count)d articles published.", changed) % {"count": changed},
            messages.SUCCESS,
        )

    @admin.action(description=_("Withdraw selected articles (hide from the public)"), permissions=["change"])
    def withdraw(self, request, queryset):
        changed = services.article_set_status(articles=queryset, status=ArticleStatus.WITHDRAWN, user=request.user)
        self.message_user(
            request,
            ngettext("%(count)d article withdrawn.", "%(count)d articles withdrawn.", changed) % {"count": changed},
            messages.SUCCESS,
        )

    @admin.action(description=_("Mark selected articles as verified"), permissions=["change"])
    def verify(self, request, queryset):
        count = services.article_verify(articles=queryset, user=request.user)
        self.message_user(
            request,
            ngettext("%(count)d article verified.", "%(count)d articles verified.", count) % {"count": count},
            messages.SUCCESS,
        )
