#!/usr/bin/env python3
"""The review queue at a decade of issues: fills a throw-away PostgreSQL test database (Django's test
database of DATABASE_URL, created and destroyed here) with synthetic issues (8 pages of 10 articles a day,
one article in 20 without headline, one in 10 without credits, one page in 10 with unassigned text), then
times ``review_queue()`` over everything, over one year and for one paper.

usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME bench/bench_review_queue.py [--years 10]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-never-used-outside-the-bench-0123456789")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "localhost")

FILL = """
INSERT INTO articles_issue (paper, publication_date, edition, source_name, sha256, encoding, size_bytes,
                            imported_at, version)
SELECT CASE WHEN d % 2 = 0 THEN '甲报' ELSE '乙报' END, DATE '2015-01-01' + d, '', 'bench-' || d,
       md5(d::text) || md5((d + 1)::text), 'utf-8', 0, now(), 1
FROM generate_series(0, {days} - 1) AS d;

INSERT INTO articles_page (issue_id, "index", number, section, staff, raw_text, first_line, furniture,
                           unassigned, segments, version)
SELECT i.id, g, 'A0' || g, '要闻', '{}', '正文', 1, '[]',
       CASE WHEN (i.id + g) % 10 = 0 THEN '["没放好的一段"]'::jsonb ELSE '[]'::jsonb END, '[]', 1
FROM articles_issue i, generate_series(1, 8) AS g;

INSERT INTO articles_article (issue_id, page_id, "order", headline, kicker, subheadline, body, kind, status,
                              fingerprint, source_spans, search_document, search_tokens, version,
                              created_at, updated_at)
SELECT p.issue_id, p.id, g, CASE WHEN (p.id + g) % 20 = 0 THEN '' ELSE '标题' || g END, '', '',
       '本报讯（记者 甲）' || repeat(md5((p.id * 10 + g)::text) || '，这是一段正文。', (10 + (p.id + g) % 40)::int),
       'news', 'published', md5((p.id * 10 + g)::text), '[]', '', '', 1, now(), now()
FROM articles_page p, generate_series(0, 9) AS g;

INSERT INTO articles_reporter (name, created_at, version) VALUES ('记者甲', now(), 1);

INSERT INTO articles_articlecredit (article_id, reporter_id, role, "order")
SELECT a.id, r.id, '记者', 0 FROM articles_article a, articles_reporter r WHERE a.id % 10 <> 0;

ANALYZE;
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--explain", action="store_true", help="print the plan of the whole-range query")
    args = parser.parse_args()
    import django

    django.setup()
    import datetime as dt

    from django.db import connection

    from articles.review import review_queue

    if connection.vendor != "postgresql":
        sys.exit("set DATABASE_URL to a PostgreSQL server")
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(FILL.replace("{days}", str(365 * args.years)))
            cursor.execute("SELECT count(*) FROM articles_article")
            articles = cursor.fetchone()[0]
        print(f"filled {args.years} years, {articles} articles in {time.perf_counter() - started:.1f}s")
        first_year = (dt.date(2015, 1, 1), dt.date(2015, 12, 31))
        for label, kwargs in [
            ("everything", {}),
            ("one year", {"date_from": first_year[0], "date_to": first_year[1]}),
            ("one paper", {"paper": "甲报"}),
            ("everything, screen 50", {"offset": 4900}),
        ]:
            review_queue(**kwargs)  # warm
            started = time.perf_counter()
            queue = review_queue(**kwargs)
            print(f"{label:24} {time.perf_counter() - started:6.2f}s  {queue.total} pages, {queue.items_by_reason}")
        if args.explain:
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as queries:
                review_queue()
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + queries.captured_queries[0]["sql"])
                print("\n".join(row[0] for row in cursor.fetchall()))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
