"""Stored counters of reporters: how many articles and photos credit them, all of them and the public ones.

The reporter list showed counts aggregated over every credit of the archive per request (2.9 s at 300,000
articles); stored on the reporter they cost nothing to read and order by. They are kept exact this way:

- the importer adds what a new issue brings (``reporter_counts_add``: the counts of the rows it just wrote,
  counted in memory), and marks the reporters of a forced re-import or a purge for recounting;
- every other write goes through the ORM (services, the workbench, change-set and history reverts, the
  admin's credit inlines): saving or deleting an article, credit or photo marks the reporters it concerns
  (signals connected in ``apps.py``), and when the transaction commits their counters are recounted from
  their own credits (``reporter_counts_refresh``, bounded by those reporters' rows);
- ``reporter_counts_recompute`` (``manage.py recount_archive``) recounts everyone: after a bulk change made
  outside the services, and in tests, which compare it with the maintained counters.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from .models import Article, ArticleCredit, ArticleStatus, Photo, Reporter

COUNTER_FIELDS = ("article_count", "public_article_count", "photo_count", "public_photo_count")


def counter_expressions(*, reporter_model, credit_model, photo_model, article_model) -> dict:
    """``UPDATE`` expressions that recount a reporter row from its credits and photos (models are passed in
    so that a migration can use its historical ones)."""
    public = {"status": ArticleStatus.PUBLISHED, "duplicate_of__isnull": True}

    def counted(queryset, field: str, distinct: bool):
        subquery = queryset.values(field).annotate(n=Count("pk" if not distinct else "article", distinct=distinct))
        return Coalesce(Subquery(subquery.values("n")[:1]), Value(0), output_field=IntegerField())

    credits = credit_model.objects.filter(reporter=OuterRef("pk")).order_by()
    photos = photo_model.objects.filter(photographer=OuterRef("pk")).order_by()
    public_page = Exists(article_model.objects.filter(page=OuterRef("page"), **public))
    public_photos = photos.filter(Q(Q(article__isnull=True) & public_page) | Q(**_prefixed("article__", public)))
    return {
        "article_count": counted(credits, "reporter", distinct=True),
        "public_article_count": counted(credits.filter(**_prefixed("article__", public)), "reporter", distinct=True),
        "photo_count": counted(photos, "photographer", distinct=False),
        "public_photo_count": counted(public_photos, "photographer", distinct=False),
    }


def _prefixed(prefix: str, conditions: dict) -> dict:
    return {f"{prefix}{name}": value for name, value in conditions.items()}


def _expressions() -> dict:
    return counter_expressions(
        reporter_model=Reporter, credit_model=ArticleCredit, photo_model=Photo, article_model=Article
    )


@transaction.atomic
def reporter_counts_refresh(*, reporter_ids: Iterable[int]) -> int:
    """Recount the counters of these reporters from their own credits and photos; returns rows updated.

    The rows are locked in id order first (``FOR NO KEY UPDATE``, the lock the ``UPDATE`` takes itself), as
    ``reporter_counts_add`` writes them: an ``UPDATE … WHERE id IN`` locks them in the order it finds them
    on disk, and a recount beside a concurrent import's additions then deadlocked (seen with a plain and a
    forced import side by side)."""
    ids = sorted({pk for pk in reporter_ids if pk is not None})
    updated = 0
    for start in range(0, len(ids), 500):
        chunk = Reporter.objects.filter(pk__in=ids[start : start + 500])
        locked = list(chunk.order_by("pk").select_for_update(no_key=True).values_list("pk", flat=True))
        updated += Reporter.objects.filter(pk__in=locked).update(**_expressions())
    return updated


def _fresh_counts() -> dict[int, tuple[int, int, int, int]]:
    """Every reporter's counters counted afresh: four grouped passes over credits and photos (a correlated
    count per reporter took minutes at 300,000 articles; these take seconds)."""
    public = Q(article__status=ArticleStatus.PUBLISHED, article__duplicate_of__isnull=True)
    credits = ArticleCredit.objects.order_by().values("reporter")
    photos = Photo.objects.exclude(photographer=None).order_by().values("photographer")
    public_page = Exists(Article.objects.public().filter(page=OuterRef("page")))
    passes = (
        credits.annotate(n=Count("article", distinct=True)).values_list("reporter", "n"),
        credits.filter(public).annotate(n=Count("article", distinct=True)).values_list("reporter", "n"),
        photos.annotate(n=Count("pk")).values_list("photographer", "n"),
        photos.filter(Q(Q(article__isnull=True) & public_page) | public)
        .annotate(n=Count("pk"))
        .values_list("photographer", "n"),
    )
    fresh: dict[int, list[int]] = {pk: [0, 0, 0, 0] for pk in Reporter.objects.values_list("pk", flat=True)}
    for position, rows in enumerate(passes):
        for reporter_id, n in rows:
            if reporter_id in fresh:
                fresh[reporter_id][position] = n
    return {pk: tuple(values) for pk, values in fresh.items()}


def reporter_counts_stale() -> list[int]:
    """Ids of reporters whose stored counters differ from a recount (what tests and the command check)."""
    stored = {row[0]: row[1:] for row in Reporter.objects.values_list("pk", *COUNTER_FIELDS)}
    return sorted(pk for pk, values in _fresh_counts().items() if stored.get(pk) != values)


def reporter_counts_recompute() -> int:
    """Recount every reporter; writes and returns how many rows had a counter that was wrong."""
    stored = {row[0]: row[1:] for row in Reporter.objects.values_list("pk", *COUNTER_FIELDS)}
    stale = [
        Reporter(pk=pk, **dict(zip(COUNTER_FIELDS, values, strict=True)))
        for pk, values in _fresh_counts().items()
        if stored.get(pk) != values
    ]
    Reporter.objects.bulk_update(stale, COUNTER_FIELDS, batch_size=500)
    return len(stale)


def _is_public(article: Article) -> bool:
    """What ``Article.objects.public()`` selects, for an article in memory."""
    return article.status == ArticleStatus.PUBLISHED and article.duplicate_of_id is None


def reporter_counts_add(
    *, articles: Iterable[Article], credits: Iterable[ArticleCredit], photos: Iterable[Photo]
) -> None:
    """Add to the counters what a newly written issue brings: its articles, credits and photos, counted from
    the instances just written (the importer's bulk writes send no signals). Nothing is read back: the
    four grouped queries and one ``UPDATE`` per reporter it took were a third of the single writer's time.

    Every row named must be new (nothing is subtracted), and ``articles`` must hold every article of the
    pages of ``photos`` (as a new issue's do): a photo of no article is public when its page has a public
    article. The counters are written in reporter order, so two imports never lock them in opposite orders."""
    articles = list(articles)
    public_articles = {article.pk for article in articles if _is_public(article)}
    public_pages = {article.page_id for article in articles if article.pk in public_articles}
    deltas: dict[int, list[int]] = {}

    def add(reporter_id: int, public: bool, *, photo: bool) -> None:
        counters = deltas.setdefault(reporter_id, [0, 0, 0, 0])
        counters[2 * photo] += 1
        counters[2 * photo + 1] += public

    for reporter_id, article_id in {(credit.reporter_id, credit.article_id) for credit in credits}:
        add(reporter_id, article_id in public_articles, photo=False)
    for photo in photos:
        if photo.photographer_id is not None:
            if photo.article_id is not None:
                public = photo.article_id in public_articles
            else:
                public = photo.page_id in public_pages
            add(photo.photographer_id, public, photo=True)
    if not deltas:
        return
    quote = connection.ops.quote_name
    columns = [quote(Reporter._meta.get_field(name).column) for name in COUNTER_FIELDS]
    statement = (
        f"UPDATE {quote(Reporter._meta.db_table)} SET {', '.join(f'{column} = {column} + %s' for column in columns)} "
        f"WHERE {quote(Reporter._meta.pk.column)} = %s"
    )
    with connection.cursor() as cursor:
        cursor.executemany(statement, [(*counters, pk) for pk, counters in sorted(deltas.items())])


class _PendingRecount:
    """The reporters to recount when the current transaction commits: one per transaction, registered with
    ``on_commit`` by the first mark (a rolled-back savepoint that registered it discards it with the marks
    it held, which were all made inside that savepoint)."""

    def __init__(self) -> None:
        self.ids: set[int] = set()
        self.ran = False

    def __call__(self) -> None:
        self.ran = True
        with transaction.atomic():
            reporter_counts_refresh(reporter_ids=self.ids)


def reporters_mark(*, reporter_ids: Iterable[int]) -> None:
    """Recount these reporters when the transaction commits (at once outside a transaction)."""
    ids = {pk for pk in reporter_ids if pk is not None}
    if not ids:
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        reporter_counts_refresh(reporter_ids=ids)
        return
    pending = connection.__dict__.get("_reporters_to_recount")
    if pending is None or pending.ran or not any(entry[1] is pending for entry in connection.run_on_commit):
        pending = _PendingRecount()
        connection._reporters_to_recount = pending
        transaction.on_commit(pending)
    pending.ids |= ids


def reporters_of_articles(*, article_ids: Iterable[int]) -> set[int]:
    """Reporters credited on these articles, photographers of their photos and of the standalone photos of
    their pages (whose visibility follows the page's public articles)."""
    article_ids = list(article_ids)
    if not article_ids:
        return set()
    credited = set(ArticleCredit.objects.filter(article_id__in=article_ids).values_list("reporter_id", flat=True))
    pages = Article.objects.filter(pk__in=article_ids).values("page_id")
    photographed = Photo.objects.filter(Q(article_id__in=article_ids) | Q(article__isnull=True, page_id__in=pages))
    return credited | set(photographed.exclude(photographer=None).values_list("photographer_id", flat=True))


def on_article_saved(sender, instance: Article, raw: bool = False, **kwargs) -> None:
    if not raw:
        reporters_mark(reporter_ids=reporters_of_articles(article_ids=[instance.pk]))


def on_article_deleted(sender, instance: Article, **kwargs) -> None:
    # its credits and photos' own signals name their reporters; standalone photos of its page may change
    photographers = Photo.objects.filter(page_id=instance.page_id, article__isnull=True).exclude(photographer=None)
    reporters_mark(reporter_ids=photographers.values_list("photographer_id", flat=True))


def on_credit_changed(sender, instance: ArticleCredit, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    reporters_mark(reporter_ids=[instance.reporter_id, getattr(instance, "_counted_reporter_id", None)])


def on_credit_loaded(sender, instance: ArticleCredit, **kwargs) -> None:
    """Remember the reporter a credit had when read: a save that changes it recounts both."""
    instance._counted_reporter_id = instance.__dict__.get("reporter_id")


def on_photo_changed(sender, instance: Photo, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    reporters_mark(reporter_ids=[instance.photographer_id, getattr(instance, "_counted_photographer_id", None)])


def on_photo_loaded(sender, instance: Photo, **kwargs) -> None:
    instance._counted_photographer_id = instance.__dict__.get("photographer_id")
