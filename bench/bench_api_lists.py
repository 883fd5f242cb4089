#!/usr/bin/env python3
"""Timings of the API's lists and details on PostgreSQL at archive scale (prints figures; asserts nothing).

``--fill N`` first makes a synthetic archive of about N articles straight in SQL (migrate the database
first): issues of three papers over ten years (one in a hundred undated), 8 pages each, 30 articles an
issue, 97 % published, one in 30 a second printed copy, one or two credits from 2,000 reporters with a
skewed (a few very prolific) distribution, a photo for one article in four; then ANALYZE and the
reporters' counters counted once.

Then it times each request through Django's test client (in process: the view, the queries and the JSON,
no network) ``--repeat`` times after one warm-up, and prints p50/p95/max in milliseconds.

usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_api_bench \
       bench/bench_api_lists.py [--fill 300000] [--repeat 30] [--before]

``--before`` times only what the API before cursors and facets offered (run it from a checkout of that
code against the same database).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-never-used-outside-the-bench-0123456789")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "localhost,testserver")
os.environ.setdefault("NEWSROOM_HTTPS", "0")
os.environ.setdefault("NEWSROOM_ANON_RATE", "1000000/minute")
os.environ.setdefault("NEWSROOM_EXPORT_RATE", "1000000/minute")

FILL = """
INSERT INTO articles_reporter (name, created_at, version{counter_columns})
SELECT '记者' || r, now(), 1{counter_zeros} FROM generate_series(1, 2000) AS r;

INSERT INTO articles_issue (paper, publication_date, edition, source_name, sha256, encoding, size_bytes,
                            imported_at, version)
SELECT (ARRAY['甲报', '乙报', '丙报'])[1 + i % 3],
       CASE WHEN i % 100 = 99 THEN NULL ELSE DATE '2015-01-01' + (i / 3) % 3650 END,
       '', 'bench-' || i, md5(i::text) || md5((i + 1)::text), 'utf-8', 0, now(), 1
FROM generate_series(0, {issues} - 1) AS i;

INSERT INTO articles_page (issue_id, "index", number, section, staff, raw_text, first_line, furniture,
                           unassigned, segments, version)
SELECT i.id, g, 'A0' || g, (ARRAY['要闻', '经济', '社会', '文化', '体育', '时评', '县区', '副刊'])[g], '{{}}',
       '正文', 1, '[]', '[]', '[]', 1
FROM articles_issue i, generate_series(1, 8) AS g;

INSERT INTO articles_article (issue_id, page_id, "order", headline, kicker, subheadline, body, kind, status,
                              fingerprint, source_spans, search_document, search_tokens, version,
                              created_at, updated_at{date_column})
SELECT p.issue_id, p.id, g, '标题' || p.id || '之' || g, '', '',
       '第' || p.id || '版第' || g || '篇正文。' || repeat('城市建设稳步推进，群众生活持续改善。', 8),
       (ARRAY['news', 'news', 'news', 'brief', 'feature', 'commentary'])[1 + (p.id + g) % 6],
       CASE WHEN (p.id * 7 + g) % 100 < 2 THEN 'draft' WHEN (p.id * 7 + g) % 100 = 2 THEN 'withdrawn'
            ELSE 'published' END,
       md5(p.id::text || '-' || g), '[]', '正文' || p.id, '', 1, now(), now(){date_value}
FROM articles_page p JOIN articles_issue i ON i.id = p.issue_id, generate_series(0, 3) AS g
WHERE NOT (p."index" > 6 AND g = 3);

UPDATE articles_article a SET duplicate_of_id = a.id - 1
WHERE a.id % 30 = 0 AND a."order" > 0;

INSERT INTO articles_articlecredit (article_id, reporter_id, role, "order")
SELECT a.id, 1 + floor(2000 * power(((a.id * 7919) % 10007) / 10007.0, 3))::int,
       (ARRAY['记者', '记者', '记者', '通讯员', '作者'])[1 + a.id % 5], 0
FROM articles_article a;

INSERT INTO articles_articlecredit (article_id, reporter_id, role, "order")
SELECT a.id, 1 + ((a.id * 104729) % 2000), '通讯员', 1
FROM articles_article a
WHERE a.id % 3 = 0
  AND 1 + ((a.id * 104729) % 2000) <> 1 + floor(2000 * power(((a.id * 7919) % 10007) / 10007.0, 3))::int;

INSERT INTO articles_photo (issue_id, page_id, article_id, "order", caption, photographer_id, source_spans,
                            version)
SELECT a.issue_id, a.page_id, a.id, 0, '图片说明' || a.id, 1 + (a.id % 300), '[]', 1
FROM articles_article a WHERE a.id % 4 = 0;
"""


def fill(articles: int) -> None:
    from django.db import connection

    columns = {c.name for c in connection.introspection.get_table_description(connection.cursor(), "articles_reporter")}
    counters = [
        c for c in ("article_count", "public_article_count", "photo_count", "public_photo_count") if c in columns
    ]
    article_columns = {
        c.name for c in connection.introspection.get_table_description(connection.cursor(), "articles_article")
    }
    dated = "publication_date" in article_columns
    sql = FILL.format(
        issues=max(1, articles // 30),
        counter_columns="".join(f", {c}" for c in counters),
        counter_zeros=", 0" * len(counters),
        date_column=", publication_date" if dated else "",
        date_value=", i.publication_date" if dated else "",
    )
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql)
        cursor.execute("ANALYZE")
    print(f"filled in {time.perf_counter() - started:.1f} s")
    if counters:
        from articles.counters import reporter_counts_recompute

        started = time.perf_counter()
        reporter_counts_recompute()
        print(f"reporters' counters counted in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def sizes() -> str:
    from articles.models import Article, Issue, Reporter

    articles, issues, reporters = Article.objects.count(), Issue.objects.count(), Reporter.objects.count()
    return f"{articles:,} articles, {issues:,} issues, {reporters:,} reporters"


def time_requests(client, cases: list[tuple[str, str]], repeat: int) -> None:
    print(f"{'request':<34} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  status")
    for label, url in cases:
        response = client.get(url)  # warm-up (and the status shown)
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
        print(
            f"{label:<34} {statistics.median(timings):8.1f} {p95:8.1f} {timings[-1]:8.1f}  {response.status_code}",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fill", type=int, default=0, help="first make a synthetic archive of about N articles")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--before", action="store_true", help="only the requests the older API offered")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("set DATABASE_URL to a PostgreSQL database (migrated; --fill to make its archive)")
    import django

    django.setup()
    from django.test import Client

    from articles.models import Article, Issue, Reporter

    if args.fill:
        fill(args.fill)
    print(sizes())
    client = Client()
    reporter = Reporter.objects.order_by("-pk").filter(credits__isnull=False).first()
    busy = Reporter.objects.get(name="记者1")
    article = Article.objects.public().order_by("-pk").first()
    issue = Issue.objects.order_by("-pk").first()
    cases = [
        ("articles page 1", "/api/articles/"),
        ("articles page 1,000", "/api/articles/?page=1000"),
        ("articles, one reporter (few)", f"/api/articles/?reporter={reporter.pk}"),
        ("articles, busiest reporter", f"/api/articles/?reporter={busy.pk}"),
        ("articles, one year", "/api/articles/?year=2020"),
        ("articles, paper + month", "/api/articles/?paper=甲报&date_from=2019-03-01&date_to=2019-03-31"),
        ("issues page 1", "/api/issues/"),
        ("reporters page 1", "/api/reporters/"),
        ("article detail", f"/api/articles/{article.pk}/"),
        ("issue detail", f"/api/issues/{issue.pk}/"),
        ("reporter detail (busiest)", f"/api/reporters/{busy.pk}/"),
    ]
    if not args.before:
        deep = _cursor_after(client, pages=10_000 if Article.objects.count() > 250_000 else 1_000)
        cases += [
            ("articles cursor, deep", f"/api/articles/?cursor={deep}"),
            ("facets all, whole archive", "/api/articles/?facets=all&page_size=1"),
            ("facets all, one month", "/api/articles/?facets=all&date_from=2019-03-01&date_to=2019-03-31"),
            ("facets all, busiest reporter", f"/api/articles/?facets=all&reporter={busy.pk}"),
            ("reporter's articles (busiest)", f"/api/reporters/{busy.pk}/articles/"),
        ]
    time_requests(client, cases, args.repeat)
    if not args.before:
        etag = client.get(f"/api/articles/{article.pk}/")["ETag"]
        client.defaults["HTTP_IF_NONE_MATCH"] = etag
        time_requests(client, [("article detail, If-None-Match", f"/api/articles/{article.pk}/")], args.repeat)


def _cursor_after(client, pages: int) -> str:
    """The cursor of the page ``pages`` deep, found through the API itself (the rows before it, 200 a page)."""
    from articles.models import Article
    from articles.pagination import _encode_cursor
    from articles.selectors import ARTICLE_ORDER

    row = Article.objects.public().order_by(*ARTICLE_ORDER)[pages * 20 - 1]
    return _encode_cursor(row)


if __name__ == "__main__":
    main()
