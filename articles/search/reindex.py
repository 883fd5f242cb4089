"""Rebuilding the search index over a range of article ids (``manage.py search_reindex`` runs it in chunks).

Every article of the range gets its search document rebuilt from its fields, captions and credits (in bulk:
three queries a chunk), written only where it changed, and its grams recomputed by the database (PostgreSQL:
one ``UPDATE`` a chunk with the trigger's own expression; SQLite: the FTS rows of the range rewritten).
Optionally the jieba words are cut again (``tokens``, the slow part: jieba reads about 1.3 MB/s) or only the
keywords recomputed from the stored words (``keywords``).
"""

from __future__ import annotations

from collections import defaultdict

from django.db import connection, transaction

from importer.parsing.searchtext import build_search_document
from importer.parsing.tokens import article_search_tokens, keywords_from_tokens

from ..models import Article, ArticleCredit, Photo
from . import postgres, sqlite


def _index_exists() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [postgres.INDEX])
        return cursor.fetchone()[0]


def search_index_drop() -> bool:
    """PostgreSQL: drop the GIN index before rebuilding many rows (searches scan meanwhile); False elsewhere."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(postgres.DROP_INDEX)
    return True


def search_index_build() -> bool:
    """PostgreSQL: build the GIN index if it is missing (after ``search_index_drop``); whether it was built."""
    if connection.vendor != "postgresql" or _index_exists():
        return False
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '256MB'")
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # inside a transaction, checks pending would refuse it
        cursor.execute(postgres.CREATE_INDEX)
    return True


def _write(rows: list[tuple[int, str, str, str]]) -> None:
    """Set (id, search_document, search_tokens, keywords) of the given rows in one statement."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        ids, documents, tokens, keywords = map(list, zip(*rows, strict=True))
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE articles_article AS a SET search_document = v.d, search_tokens = v.t, keywords = v.k "
                "FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[]) AS v(id, d, t, k) WHERE a.id = v.id",
                [ids, documents, tokens, keywords],
            )
        return
    Article.objects.bulk_update(
        [Article(pk=pk, search_document=d, search_tokens=t, keywords=k) for pk, d, t, k in rows],
        ["search_document", "search_tokens", "keywords"],
    )


@transaction.atomic
def search_reindex_range(*, first_id: int, last_id: int, tokens: bool = False, keywords: bool = False) -> int:
    """Rebuild the index of the articles with ids in [first_id, last_id]; returns how many there were."""
    captions: dict[int, list[str]] = defaultdict(list)
    for article_id, caption in (
        Photo.objects.filter(article__gte=first_id, article__lte=last_id)
        .order_by("page", "order", "pk")
        .values_list("article_id", "caption")
    ):
        captions[article_id].append(caption)
    names: dict[int, list[str]] = defaultdict(list)
    for article_id, name in (
        ArticleCredit.objects.filter(article__gte=first_id, article__lte=last_id)
        .order_by("order", "pk")
        .values_list("article_id", "reporter__name")
    ):
        names[article_id].append(name)
    rows = Article.objects.filter(pk__range=(first_id, last_id)).values_list(
        "pk", "headline", "kicker", "subheadline", "body", "search_document", "search_tokens", "keywords"
    )
    changed: list[tuple[int, str, str, str]] = []
    count = 0
    for pk, headline, kicker, subheadline, body, old_document, old_tokens, old_keywords in rows.iterator(2000):
        count += 1
        document = build_search_document(
            headline=headline,
            kicker=kicker,
            subheadline=subheadline,
            body=body,
            captions=captions.get(pk, ()),
            reporter_names=names.get(pk, ()),
        )
        words = old_tokens
        if tokens:
            words = article_search_tokens(kicker=kicker, headline=headline, subheadline=subheadline, body=body)
        found = keywords_from_tokens(words.split()) if tokens or keywords else old_keywords
        if (document, words, found) != (old_document, old_tokens, old_keywords):
            changed.append((pk, document, words, found))
    _write(changed)  # the triggers index these rows
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE articles_article SET search_grams = {postgres.GRAMS_EXPRESSION} "
                "WHERE id BETWEEN %s AND %s AND NOT (id = ANY(%s::bigint[]))",
                [first_id, last_id, [row[0] for row in changed]],
            )
        else:
            for statement in sqlite.REINDEX:
                cursor.execute(statement, [first_id, last_id])
    return count
