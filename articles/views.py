"""Read-only API endpoints of the curated archive (writes go through the admin and services)."""

from __future__ import annotations

from django.conf import settings
from django.http import StreamingHttpResponse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import renderers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.generics import get_object_or_404
from rest_framework.throttling import ScopedRateThrottle

from . import selectors
from .api import ConditionalDetailMixin, IndexedOrdering, StrictQueryParamsMixin, query_params_check
from .export import CONTENT_TYPES, export_lines
from .facets import FACETS, FACETS_PARAM, article_facets, facets_requested
from .filters import ArticleExportFilter, ArticleFilter, IssueFilter, PageFilter, PhotoFilter, ReporterFilter
from .pagination import ArticlePagination, bounded_count
from .serializers import (
    ArticleDetailSerializer,
    ArticleListSerializer,
    IssueDetailSerializer,
    IssueListSerializer,
    PageDetailSerializer,
    PageListSerializer,
    PhotoSerializer,
    ReporterDetailSerializer,
    ReporterListSerializer,
)

EXPORT_ROW_CAP_HEADER = "X-Export-Row-Cap"
EXPORT_COMPLETE_HEADER = "X-Export-Complete"


class ListDetailViewSet(StrictQueryParamsMixin, ConditionalDetailMixin, viewsets.ReadOnlyModelViewSet):
    """A read-only viewset with a lean serializer for lists and a full one for details; lists refuse unknown
    query parameters, details answer conditional requests."""

    list_serializer_class = None
    detail_serializer_class = None
    filter_backends = [DjangoFilterBackend, IndexedOrdering]

    def get_serializer_class(self):
        return self.detail_serializer_class if self.action == "retrieve" else self.list_serializer_class


class JSONLinesRenderer(renderers.BaseRenderer):
    """Names the export's ``format=jsonl`` for content negotiation (the export streams its own body)."""

    media_type = "application/x-ndjson"
    format = "jsonl"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return b"" if data is None else renderers.JSONRenderer().render(data)


class CSVRenderer(JSONLinesRenderer):
    media_type = "text/csv"
    format = "csv"


FACETS_PARAMETER = OpenApiParameter(
    FACETS_PARAM,
    OpenApiTypes.STR,
    description=f"Facet counts beside the results, comma-separated: {', '.join(FACETS)}, or `all`. Exact when the "
    "list has at most NEWSROOM_FACET_CAP matches, else over its newest ones (`facets.exact` false).",
)
EXPORT_FORMAT_PARAMETER = OpenApiParameter(
    "format", OpenApiTypes.STR, enum=["jsonl", "csv"], description="Export format (default jsonl)."
)


@extend_schema_view(
    list=extend_schema(
        summary="List and search articles",
        description="Anonymous users see published articles only. Numbered pages (`page`) or, for deep lists, "
        "cursor pages (`cursor`); `count` is exact up to NEWSROOM_COUNT_CAP rows (`count_is_exact`).",
        parameters=[FACETS_PARAMETER],
    ),
    retrieve=extend_schema(summary="One article with its body, credits and photos (ETag, Last-Modified)"),
)
class ArticleViewSet(ListDetailViewSet):
    list_serializer_class = ArticleListSerializer
    detail_serializer_class = ArticleDetailSerializer
    pagination_class = ArticlePagination
    cursor_allowed = True
    # with q the default is the search's rank (articles.filters.ArticleFilter.filter_queryset); "newest" asks
    # for the date order instead
    orderings = {
        "-date": selectors.ARTICLE_ORDER,
        "newest": selectors.ARTICLE_ORDER,
        "-id": ("-id",),
        "id": ("id",),
    }
    extra_query_params = frozenset({FACETS_PARAM})

    @property
    def filterset_class(self):
        """The export lists every match of a search, newest first; the list ranks the newest matches."""
        return ArticleExportFilter if getattr(self, "action", None) == "export" else ArticleFilter

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.article_detail_queryset(user=self.request.user)
        return selectors.article_list(user=self.request.user)

    def changed_at(self, instance):
        return instance.updated_at

    def list(self, request, *args, **kwargs):
        query_params_check(request=request, filterset_class=self.filterset_class, extra=self.extra_query_params)
        wanted = facets_requested(request.query_params.get(FACETS_PARAM))
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        response = self.get_paginated_response(self.get_serializer(page, many=True).data)
        if wanted is not None:
            response.data["facets"] = article_facets(queryset=queryset, request=wanted)
        return response

    @extend_schema(
        summary="Export articles as JSON Lines or CSV (streamed)",
        description="The list's filters apply. Anonymous readers get published articles only, at most "
        "NEWSROOM_EXPORT_MAX_ROWS of them (headers X-Export-Row-Cap and X-Export-Complete say whether the export "
        "was cut); throttled by the `export` scope (NEWSROOM_EXPORT_RATE).",
        parameters=[EXPORT_FORMAT_PARAMETER],
        responses={
            (200, "application/x-ndjson"): OpenApiResponse(OpenApiTypes.STR, description="One article a line."),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="A header, then one article a row."),
        },
        filters=True,
    )
    @action(
        detail=False,
        url_path="export",
        renderer_classes=[JSONLinesRenderer, CSVRenderer],
        pagination_class=None,
    )
    def export(self, request):
        query_params_check(request=request, filterset_class=self.filterset_class)
        fmt = request.accepted_renderer.format
        queryset = self.filter_queryset(selectors.article_list(user=request.user))
        limit = None if selectors.can_see_unpublished(request.user) else settings.NEWSROOM_EXPORT_MAX_ROWS
        response = StreamingHttpResponse(
            export_lines(queryset=queryset, fmt=fmt, limit=limit), content_type=CONTENT_TYPES[fmt]
        )
        response["Content-Disposition"] = f'attachment; filename="articles.{fmt}"'
        if limit is not None:
            response[EXPORT_ROW_CAP_HEADER] = str(limit)
            response[EXPORT_COMPLETE_HEADER] = "true" if bounded_count(queryset, limit)[1] else "false"
        return response

    throttle_scope = "export"  # ScopedRateThrottle's scope, for the export only

    def handle_exception(self, exc):
        """The export's errors (a bad filter, the throttle) are JSON like every other error of the API."""
        response = super().handle_exception(exc)
        if self.action == "export":
            self.request.accepted_renderer = renderers.JSONRenderer()
            self.request.accepted_media_type = renderers.JSONRenderer.media_type
        return response

    def get_throttles(self):
        if self.action == "export":
            return [ScopedRateThrottle(), *super().get_throttles()]
        return super().get_throttles()


@extend_schema_view(list=extend_schema(summary="List issues"), retrieve=extend_schema(summary="An issue and its pages"))
class IssueViewSet(ListDetailViewSet):
    list_serializer_class = IssueListSerializer
    detail_serializer_class = IssueDetailSerializer
    filterset_class = IssueFilter
    orderings = {"-date": selectors.ISSUE_ORDER, "-id": ("-id",), "id": ("id",)}

    def get_queryset(self):
        return selectors.issue_list(user=self.request.user)

    def changed_at(self, instance):
        return instance.edited_at or instance.imported_at


@extend_schema_view(
    list=extend_schema(summary="List pages"), retrieve=extend_schema(summary="A page with its articles and photos")
)
class PageViewSet(ListDetailViewSet):
    list_serializer_class = PageListSerializer
    detail_serializer_class = PageDetailSerializer
    filterset_class = PageFilter
    orderings = {"-id": ("-id",), "id": ("id",)}

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.page_detail_queryset(user=self.request.user)
        return selectors.page_list(user=self.request.user)

    def changed_at(self, instance):
        return instance.edited_at


@extend_schema_view(list=extend_schema(summary="List photos"), retrieve=extend_schema(summary="One photo"))
class PhotoViewSet(ListDetailViewSet):
    list_serializer_class = PhotoSerializer
    detail_serializer_class = PhotoSerializer
    filterset_class = PhotoFilter
    orderings = {"-id": ("-id",), "id": ("id",)}

    def get_queryset(self):
        return selectors.photo_list(user=self.request.user)

    def changed_at(self, instance):
        return instance.edited_at


@extend_schema_view(
    list=extend_schema(summary="List reporters (counts from stored counters)"),
    retrieve=extend_schema(summary="A reporter with counts by role and by year"),
)
class ReporterViewSet(ListDetailViewSet):
    list_serializer_class = ReporterListSerializer
    detail_serializer_class = ReporterDetailSerializer
    filterset_class = ReporterFilter
    orderings = {"name": ("name", "id"), "-article_count": ("-shown_articles", "name"), "id": ("id",)}

    def get_queryset(self):
        return selectors.reporter_list(user=self.request.user)

    @extend_schema(
        summary="The articles crediting a reporter (visible ones, paginated like the article list)",
        responses=ArticleListSerializer(many=True),
        filters=False,
    )
    @action(detail=True, url_path="articles")
    def articles(self, request, pk=None):
        query_params_check(request=request, filterset_class=ArticleFilter)
        # the reporter unfiltered: the query parameters are the articles' filters and orderings
        reporter = get_object_or_404(self.get_queryset(), pk=pk)
        queryset = selectors.reporter_articles(reporter=reporter, user=request.user)
        articles = ArticleFilter(request.query_params, queryset=queryset, request=request)
        if not articles.is_valid():
            raise ValidationError(articles.errors)
        page = self.paginate_queryset(IndexedOrdering().filter_queryset(request, articles.qs, ArticleViewSet))
        data = ArticleListSerializer(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)

    #: the article list's cursor pages work on a reporter's articles too
    cursor_allowed = True
