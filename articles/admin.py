"""The editors' admin: every model editable, history kept, writes routed through ``articles.services``."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .locks import issue_owned_lock
from .models import Article, ArticleCredit, ArticleStatus, Issue, Page, Photo, Reporter
from .search import query_terms


def _link(obj, label: str | None = None) -> str:
    if obj is None:
        return "—"
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, label or str(obj))


class ArticleCreditInline(admin.TabularInline):
    model = ArticleCredit
    extra = 0
    autocomplete_fields = ["reporter"]
    fields = ["reporter", "role", "order"]


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


class ImportedRowsInline(admin.TabularInline):
    """Rows that come from imports: editable in place, never added or deleted from a parent's page."""

    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class PhotoInlineBase(ImportedRowsInline):
    """Editors change a photo's caption, photographer and article here."""

    model = Photo


class ArticlePhotoInline(PhotoInlineBase):
    fk_name = "article"
    fields = ["caption", "photographer", "order"]
    readonly_fields = ["order"]
    autocomplete_fields = ["photographer"]


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
            # (its issue first: the lock order of every write, see articles.locks)
            try:
                [locked] = issue_owned_lock(model=Article, pks=[self.instance.pk])
            except Article.DoesNotExist as error:
                raise forms.ValidationError(str(error)) from error
            current = locked.version
            if current != expected:
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


class PageArticleInline(ImportedRowsInline):
    model = Article
    fk_name = "page"
    fields = ["order", "headline", "kind", "status"]
    readonly_fields = ["order", "headline", "kind", "status"]


class PagePhotoInline(PhotoInlineBase):
    fk_name = "page"
    fields = ["order", "caption", "photographer", "article"]
    readonly_fields = ["order"]
    autocomplete_fields = ["photographer", "article"]


@admin.register(Page)
class PageAdmin(PhotoInlinesThroughServices, SimpleHistoryAdmin):
    list_display = ["__str__", "issue", "index", "number", "section", "article_count", "unassigned_count"]
    list_filter = ["issue__paper", "section", "issue__publication_date"]
    list_select_related = ["issue"]
    search_fields = ["section", "number", "issue__source_name"]
    readonly_fields = ["issue", "index", "first_line", "raw_text_view", "unassigned_view", "furniture_view"]
    fields = [
        "issue",
        "index",
        "number",
        "section",
        "printed_date",
        "staff",
        "first_line",
        "unassigned_view",
        "furniture_view",
        "raw_text_view",
    ]
    inlines = [PageArticleInline, PagePhotoInline]

    def save_model(self, request, obj, form, change):
        services.page_update(
            page=obj, user=request.user, data={name: form.cleaned_data[name] for name in form.changed_data}
        )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_total=Count("articles"))

    @admin.display(description="articles", ordering="article_total")
    def article_count(self, page: Page) -> int:
        return page.article_total

    @admin.display(description="unassigned")
    def unassigned_count(self, page: Page) -> int:
        return len(page.unassigned or [])

    @admin.display(description="raw text (verbatim)")
    def raw_text_view(self, page: Page) -> str:
        return format_html(
            '<pre style="white-space: pre-wrap; max-height: 40em; overflow: auto">{}</pre>', page.raw_text
        )

    @admin.display(description="unassigned text")
    def unassigned_view(self, page: Page) -> str:
        if not page.unassigned:
            return "— (everything was placed)"
        return format_html_join(
            "", '<p style="background:#fff3cd;padding:2px 4px">{}</p>', ((text,) for text in page.unassigned)
        )

    @admin.display(description="page furniture")
    def furniture_view(self, page: Page) -> str:
        return " · ".join(page.furniture or []) or "—"


class IssuePageInline(admin.TabularInline):
    model = Page
    extra = 0
    fields = ["index", "number", "section", "printed_date"]
    show_change_link = True


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = ["__str__", "paper", "publication_date", "edition", "source_name", "page_total", "imported_at"]
    list_filter = ["paper", "edition", "imported_at"]
    date_hierarchy = "publication_date"
    search_fields = ["paper", "source_name", "sha256"]
    readonly_fields = ["source_name", "sha256", "encoding", "size_bytes", "imported_at"]
    inlines = [IssuePageInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(pages_total=Count("pages"))

    @admin.display(description="pages", ordering="pages_total")
    def page_total(self, issue: Issue) -> int:
        return issue.pages_total


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


class ReporterAdminForm(forms.ModelForm):
    class Meta:
        model = Reporter
        fields = ["name"]

    def clean_name(self):
        try:
            return services.reporter_clean_name(self.cleaned_data["name"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error


@admin.register(Reporter)
class ReporterAdmin(SimpleHistoryAdmin):
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
        if not change:
            super().save_model(request, obj, form, change)
        elif "name" in form.changed_data:
            services.reporter_update(reporter=obj, user=request.user, name=form.cleaned_data["name"])

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
