"""Reads of the curated archive: what a user may see, with the joins each listing needs."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.expressions import OrderBy

from .models import Article, ArticleCredit, ArticleStatus, Issue, Page, Photo, Reporter


def newest_first(field: str) -> OrderBy:
    """Newest first with undated issues last, on every database (PostgreSQL puts NULL first when descending)."""
    return F(field).desc(nulls_last=True)


def can_see_unpublished(user: User | AnonymousUser | None) -> bool:
    """Editors (with the model's view permission) see drafts, withdrawn articles and raw page text."""
    return bool(user and user.is_authenticated and user.has_perm("articles.view_article"))


def _visible_articles(user) -> QuerySet[Article]:
    articles = Article.objects.all()
    return articles if can_see_unpublished(user) else articles.public()


def _credits_prefetch() -> Prefetch:
    return Prefetch("credits", queryset=ArticleCredit.objects.select_related("reporter").order_by("order"))


def article_list(*, user) -> QuerySet[Article]:
    return (
        _visible_articles(user)
        .select_related("issue", "page")
        .prefetch_related(_credits_prefetch())
        .annotate(photo_count=Count("photos", distinct=True))
        .order_by(newest_first("issue__publication_date"), "issue_id", "page__index", "order")
    )


def article_detail_queryset(*, user) -> QuerySet[Article]:
    return (
        _visible_articles(user)
        .select_related("issue", "page", "duplicate_of")
        .prefetch_related(
            _credits_prefetch(), Prefetch("photos", queryset=Photo.objects.select_related("photographer"))
        )
        .annotate(photo_count=Count("photos", distinct=True))  # the detail has the list's fields too
    )


def issue_list(*, user) -> QuerySet[Issue]:
    issues = Issue.objects.all()
    if not can_see_unpublished(user):
        issues = issues.filter(Exists(Article.objects.public().filter(issue=OuterRef("pk"))))
    visible_pages = Q() if can_see_unpublished(user) else Q(pages__in=page_list(user=user).values("pk"))
    return issues.annotate(
        page_count=Count("pages", distinct=True, filter=visible_pages),
        article_count=Count("articles", distinct=True, filter=_article_visibility_q("articles__", user)),
    ).order_by(newest_first("publication_date"), "-id")


def _article_visibility_q(prefix: str, user) -> Q:
    if can_see_unpublished(user):
        return Q()
    return Q(**{f"{prefix}status": ArticleStatus.PUBLISHED, f"{prefix}duplicate_of__isnull": True})


def page_list(*, user) -> QuerySet[Page]:
    pages = Page.objects.select_related("issue")
    if not can_see_unpublished(user):
        pages = pages.filter(Exists(Article.objects.public().filter(page=OuterRef("pk"))))
    return pages.annotate(
        article_count=Count("articles", distinct=True, filter=_article_visibility_q("articles__", user)),
    ).order_by(newest_first("issue__publication_date"), "issue_id", "index")


def page_detail_queryset(*, user) -> QuerySet[Page]:
    articles = (
        _visible_articles(user)
        .prefetch_related(_credits_prefetch())
        .annotate(photo_count=Count("photos", distinct=True))
    )
    return page_list(user=user).prefetch_related(
        Prefetch("articles", queryset=articles.select_related("issue", "page").order_by("order")),
        Prefetch("photos", queryset=photo_list(user=user).order_by("order")),
    )


def visible_photo_q(user, prefix: str = "") -> Q:
    """Photos a user may see: editors all; readers those of public articles, and standalone photos of
    pages that carry at least one public article."""
    if can_see_unpublished(user):
        return Q()
    public_pages = Page.objects.filter(Exists(Article.objects.public().filter(page=OuterRef("pk"))))
    return Q(**{f"{prefix}article__isnull": True, f"{prefix}page__in": public_pages}) | Q(
        **{f"{prefix}article__status": ArticleStatus.PUBLISHED, f"{prefix}article__duplicate_of__isnull": True}
    )


def photo_list(*, user) -> QuerySet[Photo]:
    photos = Photo.objects.select_related("photographer", "page", "issue").filter(visible_photo_q(user))
    return photos.order_by(newest_first("issue__publication_date"), "page_id", "order")


def reporter_list(*, user) -> QuerySet[Reporter]:
    visible = _article_visibility_q("credits__article__", user)
    reporters = Reporter.objects.annotate(
        article_count=Count("credits__article", distinct=True, filter=visible),
        photo_count=Count("photos", distinct=True, filter=visible_photo_q(user, "photos__")),
    )
    if not can_see_unpublished(user):
        reporters = reporters.filter(Q(article_count__gt=0) | Q(photo_count__gt=0))
    return reporters.order_by("name")


def reporter_roles(*, reporter: Reporter, user) -> dict[str, int]:
    """Credits of a reporter counted by role (only over articles the user may see)."""
    credits = ArticleCredit.objects.filter(reporter=reporter)
    if not can_see_unpublished(user):
        credits = credits.filter(article__status=ArticleStatus.PUBLISHED, article__duplicate_of__isnull=True)
    return {row["role"]: row["n"] for row in credits.values("role").annotate(n=Count("id")).order_by("role")}
