"""django-filter FilterSets of the API: date ranges, paper, page, section, kind, reporter, search."""

from __future__ import annotations

import django_filters as filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from rest_framework.exceptions import ValidationError

from .models import Article, ArticleCredit, ArticleKind, ArticleStatus, Issue, Page, Photo, Reporter, Role
from .search import SearchQueryError, parse_query
from .search.service import filter_keyword, search_articles, search_newest, search_order


class IntegerFilter(filters.NumberFilter):
    """A whole number within bounds: "1.5" or a 20-digit year is a 400, never a server error."""

    field_class = forms.IntegerField

    def __init__(self, *args, min_value: int = 0, max_value: int = 2**31 - 1, **kwargs):
        super().__init__(*args, min_value=min_value, max_value=max_value, **kwargs)


def _reporter_q(value: str, prefix: str) -> Q:
    """A reporter given by id or by name (inner spaces ignored: "韦 冰" is 韦冰)."""
    value = value.strip()
    if value.isdigit():
        return Q(**{f"{prefix}id": int(value)})
    return Q(**{f"{prefix}name": "".join(value.split())})


class ArticleFilter(filters.FilterSet):
    q = filters.CharFilter(
        method="filter_q",
        label="Search headline, kicker, subheadline, body, captions and reporter names: exact substrings after NFKC "
        'without white space; words separated by spaces must all occur, "quoted phrases" as written; a word needs a '
        "letter, Chinese character or digit; at most 20 words, 200 characters. Ranked (headline, whole word, hits, "
        "newest) over the newest 1,001 matches unless `ordering` is given; `ordering=newest` lists every match, "
        "newest first",
    )
    keyword = filters.CharFilter(method="filter_keyword", label="One of the article's jieba.analyse keywords")
    # the article's own copy of its issue's date: the date index serves these without a join
    date = filters.DateFilter(field_name="publication_date", label="Publication date (YYYY-MM-DD)")
    date_from = filters.DateFilter(field_name="publication_date", lookup_expr="gte", label="Published on or after")
    date_to = filters.DateFilter(field_name="publication_date", lookup_expr="lte", label="Published on or before")
    year = IntegerFilter(
        field_name="publication_date", lookup_expr="year", min_value=1, max_value=9999, label="Year of publication"
    )
    month = IntegerFilter(method="filter_month", min_value=1, max_value=12, label="Month of publication (1-12)")
    paper = filters.CharFilter(field_name="issue__paper", lookup_expr="iexact")
    issue = IntegerFilter(field_name="issue_id")
    page_number = filters.CharFilter(
        field_name="page__number", lookup_expr="iexact", label="Printed page number, e.g. A08"
    )
    page_id = IntegerFilter(field_name="page_id")
    section = filters.CharFilter(field_name="page__section", lookup_expr="icontains")
    kind = filters.MultipleChoiceFilter(choices=ArticleKind.choices)
    status = filters.MultipleChoiceFilter(choices=ArticleStatus.choices, label="Status (editors only see others)")
    reporter = filters.CharFilter(method="filter_reporter", label="Reporter id or name")
    role = filters.ChoiceFilter(choices=Role.choices, method="filter_role", label="Role of the reporter filter")
    has_photos = filters.BooleanFilter(method="filter_has_photos")
    is_duplicate = filters.BooleanFilter(field_name="duplicate_of", lookup_expr="isnull", exclude=True)
    verified = filters.BooleanFilter(field_name="verified_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Article
        fields = []

    #: False for lists that must hold every match (the export): a search is then in date order, not ranked.
    rank_search = True

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Parse the query only: the search runs in ``filter_queryset``, after the other filters, because a
        ranked search reads its matches month by month (``search_order``)."""
        try:
            self.search_query = parse_query(value)
        except SearchQueryError as error:
            raise ValidationError({"q": [str(error)]}) from error
        return queryset

    def filter_keyword(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return filter_keyword(queryset=queryset, keyword=value)

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        """After every filter: a search is ranked unless an ``ordering`` is asked for (``newest``: newest first)
        or the list must hold every match (``rank_search``), so the ranked candidates are those of the whole
        filtered result."""
        queryset = super().filter_queryset(queryset)
        query = getattr(self, "search_query", None)
        ordering = self.data.get("ordering")
        if query is not None and not ordering and self.rank_search:
            return search_order(queryset=queryset, query=query, unfiltered=self.queryset)
        if query is not None:
            queryset = search_articles(queryset=queryset, query=query)
        if ordering == "newest":
            return search_newest(queryset=queryset)
        return queryset

    def filter_month(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        return queryset.filter(publication_date__month=value)

    # credits and photos as EXISTS, not joins: no DISTINCT, so the date index still orders the result
    def filter_reporter(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        condition = _reporter_q(value, "reporter__")
        role = self.data.get("role")
        if role:
            condition &= Q(role=role)
        return queryset.filter(Exists(ArticleCredit.objects.filter(condition, article=OuterRef("pk"))))

    def filter_role(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if self.data.get("reporter"):
            return queryset  # applied together with the reporter
        return queryset.filter(Exists(ArticleCredit.objects.filter(role=value, article=OuterRef("pk"))))

    def filter_has_photos(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        photos = Exists(Photo.objects.filter(article=OuterRef("pk")))
        return queryset.filter(photos if value else ~photos)


class ArticleExportFilter(ArticleFilter):
    """The export's filters: the list's, but a search lists every match, newest first (ranking is bounded
    to the newest matches; an export is not)."""

    rank_search = False


class IssueFilter(filters.FilterSet):
    date_from = filters.DateFilter(field_name="publication_date", lookup_expr="gte")
    date_to = filters.DateFilter(field_name="publication_date", lookup_expr="lte")
    year = IntegerFilter(field_name="publication_date", lookup_expr="year", min_value=1, max_value=9999)
    paper = filters.CharFilter(field_name="paper", lookup_expr="iexact")
    edition = filters.CharFilter(field_name="edition", lookup_expr="iexact")

    class Meta:
        model = Issue
        fields = ["publication_date"]


class PageFilter(filters.FilterSet):
    issue = IntegerFilter(field_name="issue_id")
    number = filters.CharFilter(field_name="number", lookup_expr="iexact")
    section = filters.CharFilter(field_name="section", lookup_expr="icontains")
    paper = filters.CharFilter(field_name="issue__paper", lookup_expr="iexact")
    date_from = filters.DateFilter(field_name="issue__publication_date", lookup_expr="gte")
    date_to = filters.DateFilter(field_name="issue__publication_date", lookup_expr="lte")

    class Meta:
        model = Page
        fields = []


class PhotoFilter(filters.FilterSet):
    issue = IntegerFilter(field_name="issue_id")
    page = IntegerFilter(field_name="page_id")
    article = IntegerFilter(field_name="article_id")
    standalone = filters.BooleanFilter(field_name="article", lookup_expr="isnull")
    photographer = filters.CharFilter(method="filter_photographer", label="Photographer id or name")
    date_from = filters.DateFilter(field_name="issue__publication_date", lookup_expr="gte")
    date_to = filters.DateFilter(field_name="issue__publication_date", lookup_expr="lte")
    q = filters.CharFilter(field_name="caption", lookup_expr="icontains", label="Caption contains")

    class Meta:
        model = Photo
        fields = []

    def filter_photographer(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(_reporter_q(value, "photographer__"))


class ReporterFilter(filters.FilterSet):
    name = filters.CharFilter(method="filter_name", label="Name contains (spaces ignored)")
    role = filters.ChoiceFilter(choices=Role.choices, method="filter_role")

    class Meta:
        model = Reporter
        fields = []

    def filter_name(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(name__icontains="".join(value.split()))

    def filter_role(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        credited = Exists(ArticleCredit.objects.filter(reporter=OuterRef("pk"), role=value))
        if value == Role.PHOTOGRAPHER:
            return queryset.filter(credited | Q(shown_photos__gt=0))
        return queryset.filter(credited)
