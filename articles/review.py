"""The review queue: pages an editor should look at, with why, so a desk can work through an imported year.

A page needs an editor when the segmenter left text unassigned on it, or when one of its articles has no
headline, no credit, or looks like two stories run together: its body holds more than one news lead
(本报讯, or a dateline's 电（记者), or it is much longer than the median article of its page.

One SQL query answers a screen of the queue with the totals of the whole filtered range (window functions,
which SQLite and PostgreSQL both have): a decade of issues is one scan of the articles in range, never a
query per page or per article. The median of a page comes from ranking its articles by length.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db import connection

from .models import Article, ArticleCredit, Issue, Page

#: A lead opens a news story; two of them in one body are two stories the segmenter did not split.
LEAD_MARKERS = ("本报讯", "电（记者", "电(记者")
#: An article this many times longer than its page's median (on a page of at least MEDIAN_MIN_ARTICLES)
#: is probably several stories.
LONG_FACTOR = 3
MEDIAN_MIN_ARTICLES = 3

REASONS = ("unassigned", "no_headline", "no_credits", "suspected_merges")


@dataclass(frozen=True)
class ReviewPage:
    """A page of the queue, with how many of its articles have each problem (``unassigned``: text blocks)."""

    page_id: int
    issue_id: int
    publication_date: dt.date | None
    paper: str
    index: int
    number: str
    section: str
    articles: int
    unassigned: int
    no_headline: int
    no_credits: int
    suspected_merges: int


@dataclass(frozen=True)
class ReviewQueue:
    pages: list[ReviewPage]
    #: pages needing review in the whole filtered range
    total: int
    #: pages in the whole filtered range having each reason
    pages_by_reason: dict[str, int] = field(default_factory=dict)
    #: articles (text blocks for ``unassigned``) in the whole filtered range having each reason
    items_by_reason: dict[str, int] = field(default_factory=dict)


def _json_length(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"jsonb_array_length({column})"
    return f"json_array_length({column})"


def _length(column: str) -> str:
    """A body's length for the median rule. PostgreSQL counts bytes (``octet_length`` reads the stored
    size, where ``length`` walks every character): a page's articles share their script, so the ratio to
    the median is the same."""
    return f"octet_length({column})" if connection.vendor == "postgresql" else f"LENGTH({column})"


def _two_leads(column: str) -> tuple[str, list[str]]:
    """SQL true when the text holds two leads: one regular expression (PostgreSQL's ``~``; on SQLite
    Django's ``REGEXP``), where counting each marker with ``REPLACE`` took three passes over every body."""
    lead = "(" + "|".join(re.escape(marker) for marker in LEAD_MARKERS) + ")"
    operator = "~" if connection.vendor == "postgresql" else "REGEXP"
    return f"{column} {operator} %s", [f"(?s){lead}.*{lead}"]


def review_queue(
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    paper: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> ReviewQueue:
    """Pages needing an editor, newest issue first (then by page), ``limit`` from ``offset``, with the
    counts of the whole range; filtered by publication date (inclusive) and paper."""
    where, scope_params = ["1 = 1"], []
    if date_from is not None:
        where.append("i.publication_date >= %s")
        scope_params.append(date_from)
    if date_to is not None:
        where.append("i.publication_date <= %s")
        scope_params.append(date_to)
    if paper:
        where.append("i.paper = %s")
        scope_params.append(paper)
    two_leads, lead_params = _two_leads("a.body")
    sql = f"""
    WITH scoped AS (
        SELECT p.id, p.issue_id, p."index", p.number, p.section, i.publication_date, i.paper,
               {_json_length("p.unassigned")} AS unassigned
        FROM {Page._meta.db_table} p JOIN {Issue._meta.db_table} i ON i.id = p.issue_id
        WHERE {" AND ".join(where)}
    ),
    measured AS MATERIALIZED (
        SELECT a.id, a.page_id,
               CASE WHEN a.headline = '' THEN 1 ELSE 0 END AS no_headline,
               CASE WHEN NOT EXISTS (SELECT 1 FROM {ArticleCredit._meta.db_table} c WHERE c.article_id = a.id)
                    THEN 1 ELSE 0 END AS no_credits,
               CASE WHEN {two_leads} THEN 1 ELSE 0 END AS two_leads,
               {_length("a.body")} AS body_length
        FROM {Article._meta.db_table} a
        WHERE a.page_id IN (SELECT id FROM scoped)
    ),
    ranked AS (
        -- ranked apart from the bodies (measured is materialised): a window sorting rows that carry their body
        -- spills them to disk
        SELECT m.*,
               ROW_NUMBER() OVER (PARTITION BY m.page_id ORDER BY m.body_length, m.id) AS place,
               COUNT(*) OVER (PARTITION BY m.page_id) AS articles
        FROM measured m
    ),
    medians AS (
        SELECT page_id, AVG(body_length) AS median FROM ranked
        WHERE place = (articles + 1) / 2 OR place = (articles + 2) / 2
        GROUP BY page_id
    ),
    per_page AS (
        SELECT r.page_id, MAX(r.articles) AS articles, SUM(r.no_headline) AS no_headline,
               SUM(r.no_credits) AS no_credits,
               SUM(CASE WHEN r.two_leads = 1 OR (r.articles >= {MEDIAN_MIN_ARTICLES}
                             AND r.body_length > {LONG_FACTOR} * m.median) THEN 1 ELSE 0 END) AS suspected_merges
        FROM ranked r JOIN medians m ON m.page_id = r.page_id
        GROUP BY r.page_id
    ),
    queue AS (
        SELECT s.id, s.issue_id, s.publication_date, s.paper, s."index", s.number, s.section,
               COALESCE(pp.articles, 0) AS articles, COALESCE(s.unassigned, 0) AS unassigned,
               COALESCE(pp.no_headline, 0) AS no_headline, COALESCE(pp.no_credits, 0) AS no_credits,
               COALESCE(pp.suspected_merges, 0) AS suspected_merges
        FROM scoped s LEFT JOIN per_page pp ON pp.page_id = s.id
        WHERE COALESCE(s.unassigned, 0) > 0 OR pp.no_headline > 0 OR pp.no_credits > 0 OR pp.suspected_merges > 0
    )
    SELECT id, issue_id, publication_date, paper, "index", number, section, articles,
           unassigned, no_headline, no_credits, suspected_merges,
           COUNT(*) OVER (),
           SUM(CASE WHEN unassigned > 0 THEN 1 ELSE 0 END) OVER (),
           SUM(CASE WHEN no_headline > 0 THEN 1 ELSE 0 END) OVER (),
           SUM(CASE WHEN no_credits > 0 THEN 1 ELSE 0 END) OVER (),
           SUM(CASE WHEN suspected_merges > 0 THEN 1 ELSE 0 END) OVER (),
           SUM(unassigned) OVER (), SUM(no_headline) OVER (), SUM(no_credits) OVER (),
           SUM(suspected_merges) OVER ()
    FROM queue
    ORDER BY publication_date IS NULL, publication_date DESC, issue_id DESC, "index"
    LIMIT %s OFFSET %s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*scope_params, *lead_params, limit, offset])
        rows = cursor.fetchall()
    if not rows:
        if offset:  # past the last page of the queue: the totals still count the whole range
            whole = review_queue(date_from=date_from, date_to=date_to, paper=paper, limit=1)
            return ReviewQueue(
                pages=[],
                total=whole.total,
                pages_by_reason=whole.pages_by_reason,
                items_by_reason=whole.items_by_reason,
            )
        return ReviewQueue(
            pages=[], total=0, pages_by_reason=dict.fromkeys(REASONS, 0), items_by_reason=dict.fromkeys(REASONS, 0)
        )
    first = rows[0]
    return ReviewQueue(
        pages=[ReviewPage(*row[:12]) for row in rows],
        total=int(first[12]),
        pages_by_reason={reason: int(value) for reason, value in zip(REASONS, first[13:17], strict=True)},
        items_by_reason={reason: int(value) for reason, value in zip(REASONS, first[17:21], strict=True)},
    )
