"""Reads of the curated archive: what a user may see, with the joins each listing needs."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from .models import Article, ArticleCredit, ArticleStatus, Issue, Page, Photo, Reporter

#: The API's order of articles (newest first, undated last, then newest id): served by the indexes
#: ``article_public_date`` (readers) and ``article_date_id`` (editors).
ARTICLE_ORDER = (F("publication_date").desc(nulls_last=True), F("id").desc())
ISSUE_ORDER = (F("publication_date").desc(nulls_last=True), F("id").desc())


def count_of(queryset: QuerySet, column: str) -> Coalesce:
    """A correlated ``COUNT`` subquery of ``queryset`` (already filtered on ``OuterRef``) grouped by ``column``:
    unlike a join with ``GROUP BY``, it is evaluated only for the rows a page returns, so a list ordered by an
    index stops after its page instead of aggregating the whole archive first."""
    counted = queryset.order_by().values(column).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted), Value(0), output_field=IntegerField())


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
        .annotate(photo_count=count_of(Photo.objects.filter(article=OuterRef("pk")), "article"))
        .order_by(*ARTICLE_ORDER)
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
    """Issues newest first (undated last), with their counts of visible pages and articles: counted per issue
    of the page returned (an issue has a few dozen articles, read through the (issue, status) index)."""
    issues = Issue.objects.all()
    articles = _visible_articles(user).filter(issue=OuterRef("pk"))
    pages = Page.objects.filter(issue=OuterRef("pk"))
    if not can_see_unpublished(user):
        issues = issues.filter(Exists(Article.objects.public().filter(issue=OuterRef("pk"))))
        pages = pages.filter(Exists(Article.objects.public().filter(page=OuterRef("pk"))))
    return issues.annotate(page_count=count_of(pages, "issue"), article_count=count_of(articles, "issue")).order_by(
        *ISSUE_ORDER
    )


def page_list(*, user) -> QuerySet[Page]:
    pages = Page.objects.select_related("issue")
    if not can_see_unpublished(user):
        pages = pages.filter(Exists(Article.objects.public().filter(page=OuterRef("pk"))))
    return pages.annotate(article_count=count_of(_visible_articles(user).filter(page=OuterRef("pk")), "page")).order_by(
        F("issue__publication_date").desc(nulls_last=True), "issue_id", "index"
    )


def page_detail_queryset(*, user) -> QuerySet[Page]:
    articles = (
        _visible_articles(user)
        .prefetch_related(_credits_prefetch())
        .annotate(photo_count=count_of(Photo.objects.filter(article=OuterRef("pk")), "article"))
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
    return photos.order_by(F("issue__publication_date").desc(nulls_last=True), "page_id", "order")


def reporter_list(*, user) -> QuerySet[Reporter]:
    """Reporters by name with the counts the user may see, read from their stored counters
    (``articles.counters``); anonymous readers see only reporters of something public."""
    if can_see_unpublished(user):
        reporters = Reporter.objects.annotate(shown_articles=F("article_count"), shown_photos=F("photo_count"))
    else:
        reporters = Reporter.objects.annotate(
            shown_articles=F("public_article_count"), shown_photos=F("public_photo_count")
        ).filter(Q(public_article_count__gt=0) | Q(public_photo_count__gt=0))
    return reporters.order_by("name", "id")


def reporter_roles(*, reporter: Reporter, user) -> dict[str, int]:
    """Credits of a reporter counted by role (only over articles the user may see)."""
    credits = ArticleCredit.objects.filter(reporter=reporter)
    if not can_see_unpublished(user):
        credits = credits.filter(article__status=ArticleStatus.PUBLISHED, article__duplicate_of__isnull=True)
    return {row["role"]: row["n"] for row in credits.values("role").annotate(n=Count("id")).order_by("role")}


def reporter_years(*, reporter: Reporter, user) -> dict[str, int]:
    """Articles crediting a reporter counted by year of publication (undated under ``"undated"``), over the
    articles the user may see; bounded by the reporter's own credits."""
    from django.db.models.functions import ExtractYear

    articles = _visible_articles(user).filter(
        Exists(ArticleCredit.objects.filter(reporter=reporter, article=OuterRef("pk")))
    )
    rows = articles.order_by().annotate(year=ExtractYear("publication_date")).values("year").annotate(n=Count("pk"))
    counted = sorted(((row["year"], row["n"]) for row in rows), key=lambda r: (r[0] is None, -(r[0] or 0)))
    return {str(year) if year is not None else "undated": n for year, n in counted}


def reporter_articles(*, reporter: Reporter, user) -> QuerySet[Article]:
    """The visible articles crediting a reporter, in the API's order."""
    return article_list(user=user).filter(
        Exists(ArticleCredit.objects.filter(reporter=reporter, article=OuterRef("pk")))
    )
