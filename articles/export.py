"""Bulk export of articles as JSON Lines or CSV, streamed: one serialisation for ``manage.py export_archive``
and ``/api/articles/export/``.

Rows are read with ``iterator(chunk_size=…)`` (a server-side cursor on PostgreSQL, credits prefetched per
chunk) and written one line at a time, so memory stays flat whatever the size of the archive.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator

from django.db.models import Prefetch, QuerySet

from .models import Article, ArticleCredit
from .selectors import ARTICLE_ORDER

FORMATS = ("jsonl", "csv")
CONTENT_TYPES = {"jsonl": "application/x-ndjson; charset=utf-8", "csv": "text/csv; charset=utf-8"}
CHUNK_SIZE = 500
COLUMNS = (
    "id",
    "date",
    "paper",
    "edition",
    "issue",
    "page",
    "page_number",
    "section",
    "order",
    "kind",
    "status",
    "kicker",
    "headline",
    "subheadline",
    "reporters",
    "body",
)


def export_queryset(queryset: QuerySet[Article]) -> QuerySet[Article]:
    """The rows an export reads, in the API's order, with what each record shows."""
    credits = ArticleCredit.objects.select_related("reporter").order_by("order")
    return (
        queryset.select_related("issue", "page")
        .prefetch_related(None)  # only the credits, whatever the list prefetched
        .prefetch_related(Prefetch("credits", queryset=credits))
        .order_by(*ARTICLE_ORDER)
    )


def article_export_record(article: Article) -> dict:
    """One article as exported: flat fields, reporters as a list of {name, role}."""
    return {
        "id": article.pk,
        "date": article.publication_date.isoformat() if article.publication_date else None,
        "paper": article.issue.paper,
        "edition": article.issue.edition,
        "issue": article.issue_id,
        "page": article.page_id,
        "page_number": article.page.number,
        "section": article.page.section,
        "order": article.order,
        "kind": article.kind,
        "status": article.status,
        "kicker": article.kicker,
        "headline": article.headline,
        "subheadline": article.subheadline,
        "reporters": [{"name": c.reporter.name, "role": c.role} for c in article.credits.all()],
        "body": article.body,
    }


def _csv_line(values: Iterable) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(values)
    return buffer.getvalue()


def export_lines(*, queryset: QuerySet[Article], fmt: str, limit: int | None = None) -> Iterator[str]:
    """The export of ``queryset`` line by line (CSV with a header; reporters there as ``name:role;…``),
    at most ``limit`` articles."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    rows = export_queryset(queryset)
    if limit is not None:
        rows = rows[:limit]
    if fmt == "csv":
        yield _csv_line(COLUMNS)
    for article in rows.iterator(chunk_size=CHUNK_SIZE):
        record = article_export_record(article)
        if fmt == "jsonl":
            yield json.dumps(record, ensure_ascii=False) + "\n"
        else:
            record["reporters"] = ";".join(f"{r['name']}:{r['role']}" for r in record["reporters"])
            yield _csv_line(record[column] for column in COLUMNS)
