"""Read-only API endpoints of the curated archive (writes go through the admin and services)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from . import selectors
from .filters import ArticleFilter, IssueFilter, PageFilter, PhotoFilter, ReporterFilter
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


class ListDetailViewSet(viewsets.ReadOnlyModelViewSet):
    """A read-only viewset with a lean serializer for lists and a full one for details."""

    list_serializer_class = None
    detail_serializer_class = None

    def get_serializer_class(self):
        return self.list_serializer_class if self.action == "list" else self.detail_serializer_class


@extend_schema_view(
    list=extend_schema(summary="List and search articles", description="Anonymous users see published articles only."),
    retrieve=extend_schema(summary="One article with its body, credits and photos"),
)
class ArticleViewSet(ListDetailViewSet):
    list_serializer_class = ArticleListSerializer
    detail_serializer_class = ArticleDetailSerializer
    filterset_class = ArticleFilter
    ordering_fields = ["issue__publication_date", "id", "headline", "order"]

    def get_queryset(self):
        if self.action == "list":
            return selectors.article_list(user=self.request.user)
        return selectors.article_detail_queryset(user=self.request.user)


@extend_schema_view(list=extend_schema(summary="List issues"), retrieve=extend_schema(summary="An issue and its pages"))
class IssueViewSet(ListDetailViewSet):
    list_serializer_class = IssueListSerializer
    detail_serializer_class = IssueDetailSerializer
    filterset_class = IssueFilter
    ordering_fields = ["publication_date", "id", "paper"]

    def get_queryset(self):
        return selectors.issue_list(user=self.request.user)


@extend_schema_view(
    list=extend_schema(summary="List pages"), retrieve=extend_schema(summary="A page with its articles and photos")
)
class PageViewSet(ListDetailViewSet):
    list_serializer_class = PageListSerializer
    detail_serializer_class = PageDetailSerializer
    filterset_class = PageFilter
    ordering_fields = ["issue__publication_date", "index", "id"]

    def get_queryset(self):
        if self.action == "list":
            return selectors.page_list(user=self.request.user)
        return selectors.page_detail_queryset(user=self.request.user)


@extend_schema_view(list=extend_schema(summary="List photos"), retrieve=extend_schema(summary="One photo"))
class PhotoViewSet(ListDetailViewSet):
    list_serializer_class = PhotoSerializer
    detail_serializer_class = PhotoSerializer
    filterset_class = PhotoFilter
    ordering_fields = ["issue__publication_date", "id"]

    def get_queryset(self):
        return selectors.photo_list(user=self.request.user)


@extend_schema_view(
    list=extend_schema(summary="List reporters"), retrieve=extend_schema(summary="A reporter with credit counts")
)
class ReporterViewSet(ListDetailViewSet):
    list_serializer_class = ReporterListSerializer
    detail_serializer_class = ReporterDetailSerializer
    filterset_class = ReporterFilter
    ordering_fields = ["name", "article_count", "id"]

    def get_queryset(self):
        return selectors.reporter_list(user=self.request.user)
