"""Representations of the archive for the API: lean list rows, full detail documents."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import Article, ArticleCredit, Issue, Page, Photo, Reporter
from .search import SearchQueryError, parse_query
from .search.service import article_search_snippet
from .selectors import can_see_unpublished, reporter_roles, reporter_years

EXCERPT_CHARS = 120


class EditorOnlyFieldsMixin:
    """Fields only editors see (file metadata, raw text): ``null`` for everyone else.

    They are hidden rather than dropped so the document has one shape for every client.
    """

    editor_only_fields: tuple[str, ...] = ()

    def get_fields(self):
        fields = super().get_fields()
        for name in self.editor_only_fields:
            fields[name].allow_null = True  # so the schema says what others get (schemathesis checks it)
        return fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if self.editor_only_fields and not can_see_unpublished(self.context["request"].user):
            for name in self.editor_only_fields:
                data[name] = None
        return data


class ReporterRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Reporter
        fields = ["id", "name"]


class CreditSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="reporter.id", read_only=True)
    name = serializers.CharField(source="reporter.name", read_only=True)

    class Meta:
        model = ArticleCredit
        fields = ["id", "name", "role"]


class PageRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Page
        fields = ["id", "index", "number", "section"]


class PhotoSerializer(serializers.ModelSerializer):
    photographer = ReporterRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Photo
        fields = ["id", "issue", "page", "article", "order", "caption", "photographer"]


class ArticleListSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="article-detail")
    date = serializers.DateField(source="publication_date", read_only=True, allow_null=True)  # undated issues
    paper = serializers.CharField(source="issue.paper", read_only=True)
    page = PageRefSerializer(read_only=True)
    reporters = CreditSerializer(source="credits", many=True, read_only=True)
    excerpt = serializers.SerializerMethodField()
    snippet = serializers.SerializerMethodField(
        help_text="With `q`: where it matched, as HTML (text escaped, matches in <mark>); null without `q`."
    )
    photo_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Article
        fields = [
            "id",
            "url",
            "issue",
            "date",
            "paper",
            "page",
            "order",
            "headline",
            "kicker",
            "subheadline",
            "kind",
            "status",
            "reporters",
            "excerpt",
            "snippet",
            "photo_count",
            "duplicate_of",
        ]

    def get_excerpt(self, article: Article) -> str:
        first = article.body.split("\n\n", 1)[0]
        return first if len(first) <= EXCERPT_CHARS else first[:EXCERPT_CHARS] + "…"

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_snippet(self, article: Article) -> str | None:
        request = self.context.get("request")
        if request is None or not request.query_params.get("q"):
            return None
        if "search_query" not in self.context:  # parsed once per response (the filter refused a bad one)
            try:
                self.context["search_query"] = parse_query(request.query_params["q"])
            except SearchQueryError:
                self.context["search_query"] = None
        query = self.context["search_query"]
        return article_search_snippet(article=article, query=query) if query is not None else None


class ArticleDetailSerializer(ArticleListSerializer):
    photos = PhotoSerializer(many=True, read_only=True)
    paragraphs = serializers.SerializerMethodField()
    keywords = serializers.SerializerMethodField(help_text="jieba.analyse keywords, the most telling first.")
    verified = serializers.SerializerMethodField()

    class Meta(ArticleListSerializer.Meta):
        fields = [
            *ArticleListSerializer.Meta.fields,
            "body",
            "paragraphs",
            "keywords",
            "photos",
            "verified",
            "version",
            "updated_at",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_keywords(self, article: Article) -> list[str]:
        return article.keywords.split()

    def get_paragraphs(self, article: Article) -> list[str]:
        return [p for p in article.body.split("\n\n") if p.strip()]

    def get_verified(self, article: Article) -> bool:
        return article.verified_at is not None


class IssueListSerializer(EditorOnlyFieldsMixin, serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="issue-detail")
    page_count = serializers.IntegerField(read_only=True)
    article_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Issue
        fields = [
            "id",
            "url",
            "paper",
            "publication_date",
            "edition",
            "source_name",
            "page_count",
            "article_count",
            "imported_at",
        ]

    editor_only_fields = ("source_name", "imported_at")


class PageListSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="page-detail")
    date = serializers.DateField(source="issue.publication_date", read_only=True, allow_null=True)  # undated issues
    paper = serializers.CharField(source="issue.paper", read_only=True)
    article_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Page
        fields = ["id", "url", "issue", "index", "number", "section", "date", "paper", "printed_date", "article_count"]


class IssueDetailSerializer(IssueListSerializer):
    pages = serializers.SerializerMethodField()

    class Meta(IssueListSerializer.Meta):
        fields = [*IssueListSerializer.Meta.fields, "encoding", "sha256", "pages"]

    editor_only_fields = ("source_name", "imported_at", "encoding", "sha256")

    @extend_schema_field(PageListSerializer(many=True))
    def get_pages(self, issue: Issue) -> list[dict]:
        from .selectors import page_list

        pages = page_list(user=self.context["request"].user).filter(issue=issue)
        return PageListSerializer(pages, many=True, context=self.context).data


class PageDetailSerializer(EditorOnlyFieldsMixin, PageListSerializer):
    articles = ArticleListSerializer(many=True, read_only=True)
    photos = PhotoSerializer(many=True, read_only=True)

    class Meta(PageListSerializer.Meta):
        fields = [*PageListSerializer.Meta.fields, "staff", "furniture", "articles", "photos", "raw_text", "unassigned"]

    #: the raw text also holds withdrawn and unpublished articles
    editor_only_fields = ("raw_text", "unassigned")


class ReporterListSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="reporter-detail")
    # the stored counters the user may see (public ones for readers): ``selectors.reporter_list``
    article_count = serializers.IntegerField(source="shown_articles", read_only=True)
    photo_count = serializers.IntegerField(source="shown_photos", read_only=True)

    class Meta:
        model = Reporter
        fields = ["id", "url", "name", "article_count", "photo_count"]


class ReporterDetailSerializer(ReporterListSerializer):
    roles = serializers.SerializerMethodField(help_text="Credits by role (记者, 通讯员, 作者, 摄影).")
    years = serializers.SerializerMethodField(help_text="Articles by year of publication, newest first.")
    articles_url = serializers.HyperlinkedIdentityField(view_name="reporter-articles")

    class Meta(ReporterListSerializer.Meta):
        fields = [*ReporterListSerializer.Meta.fields, "roles", "years", "articles_url"]

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_roles(self, reporter: Reporter) -> dict[str, int]:
        return reporter_roles(reporter=reporter, user=self.context["request"].user)

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_years(self, reporter: Reporter) -> dict[str, int]:
        return reporter_years(reporter=reporter, user=self.context["request"].user)
