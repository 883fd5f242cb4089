"""A canonical dump of the archive, free of row ids and of the order rows were written in: two archives written
by different processes (a local ``--jobs 1`` batch, Celery workers) are the same when their dumps are.

``python -m tests.importer.archive_dump`` prints it as JSON for the database of the environment (DATABASE_URL).
"""

from __future__ import annotations

import json
import os
import sys


def archive_dump() -> list[dict]:
    from articles.models import Article, ArticleCredit, Issue, Photo, Reporter

    names = dict(Reporter.objects.values_list("pk", "name"))
    places = {
        pk: (page_index, order) for pk, page_index, order in Article.objects.values_list("pk", "page__index", "order")
    }
    credits: dict[int, list] = {}
    for article_id, reporter_id, role, order in ArticleCredit.objects.values_list(
        "article_id", "reporter_id", "role", "order"
    ):
        credits.setdefault(article_id, []).append([names[reporter_id], role, order])
    issues = []
    for issue in Issue.objects.order_by("sha256"):
        articles = [
            {
                "place": places[article.pk],
                "fields": [article.headline, article.kicker, article.subheadline, article.body, article.kind],
                "status": article.status,
                "duplicate_of": places.get(article.duplicate_of_id),
                "fingerprint": article.fingerprint,
                "search": [article.search_document, article.search_tokens],
                "source_spans": article.source_spans,
                "credits": sorted(credits.get(article.pk, [])),
            }
            for article in Article.objects.filter(issue=issue).order_by("page__index", "order")
        ]
        photos = [
            [page_index, order, caption, names.get(photographer), places.get(article), spans]
            for page_index, order, caption, photographer, article, spans in Photo.objects.filter(issue=issue)
            .order_by("page__index", "order")
            .values_list("page__index", "order", "caption", "photographer_id", "article_id", "source_spans")
        ]
        pages = list(
            issue.pages.order_by("index").values_list(
                "index",
                "number",
                "section",
                "printed_date",
                "staff",
                "raw_text",
                "first_line",
                "furniture",
                "unassigned",
                "segments",
            )
        )
        issues.append(
            {
                "issue": [issue.paper, str(issue.publication_date), issue.edition, issue.source_name, issue.sha256],
                "encoding": [issue.encoding, issue.size_bytes],
                "pages": json.loads(json.dumps(pages, default=str)),
                "articles": json.loads(json.dumps(articles)),
                "photos": json.loads(json.dumps(photos)),
            }
        )
    return issues


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()
    json.dump(archive_dump(), sys.stdout, ensure_ascii=False)
