#!/usr/bin/env python3
"""Search and list latency of the API on a bench archive, next to a plain substring scan of the same queries.

A fixed mix of about 40 queries is derived from the archive itself (deterministically: the same database
gives the same queries; nothing of the seeds or the dev set is named here): the rarest, a middling and the
busiest reporter's names, common 2-character words, middling and rare words, single characters, numbers,
Latin letters, quoted phrases and longer passages cut from articles, two-term queries, a lone quotation
mark and made-up strings that match nothing. Each query is asked of ``GET /api/articles/?q=…`` (first page,
with ``facets=all`` when the API answers facets; snippets are used when it gives them), once cold and then
``--repeat`` times, and once as a plain scan, ``Article.objects.filter(search_document__icontains=term)``
per term, first page (newest first) and its count, on the same database in the same run.

Then the lists: page 1, page 1,000 and a cursor ~10,000 pages deep (when the API has cursors), filters by
reporter, paper, date range and paper + year, facets without a query (when supported), the article detail,
the issue and reporter lists and the reporter detail, each in 10 variants × ``--repeat``.

Also reported: the size of the search index (every GIN/RUM/GiST index on the archive's tables and every
table whose name says search), the time of ``manage.py search_reindex`` (``--reindex``, when the command
exists) and the import's write cost of the index (``--import-cost 200``: 200 synthetic files imported into
a fresh database as migrated, and into one with those indexes dropped).

Prints a table and writes ``bench/results/search_<label>.json`` (``bench/plot_search.py`` draws them).

usage:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench_1m \\
        .venv/bin/python bench/bench_search.py --label 1m [--repeat 5] [--reindex] [--import-cost 200]
    # over HTTP to a running server instead of in-process (the server must point at the same database):
    DATABASE_URL=… .venv/bin/python bench/bench_search.py --label 1m --base-url http://127.0.0.1:8000
    # skip the scan (it takes minutes at 1,000,000 articles) or bound each scan query:
    … --no-scan    … --scan-timeout 300

Targets at 1,000,000 articles (issue 14): API search p95 ≤ 50 ms and ≥ 100× faster than the scan;
lists, filters, facets and detail p95 ≤ 30 ms.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    ROOT,
    HttpClient,
    InProcessClient,
    bench_env,
    detect_support,
    git_commit,
    list_requests,
    machine,
    setup_django,
    summary,
    write_results,
)

CJK = re.compile(r"^[\u4e00-\u9fff]+$")
#: Made-up strings no archive of Chinese news should contain.
NO_HITS = ["龘靐齉", "xqzvjw", "量子鹦鹉螺"]


def derive_queries(cursor, sample_size: int = 3000) -> list[tuple[str, str]]:
    """(category, query) pairs read from the archive: reporters by credit counts, words by document frequency
    in an evenly spaced sample of articles, phrases cut from sampled bodies."""
    queries: list[tuple[str, str]] = []
    cursor.execute(
        "SELECT r.name, count(*) FROM articles_articlecredit c JOIN articles_reporter r ON r.id = c.reporter_id "
        "GROUP BY r.name ORDER BY count(*), r.name"
    )
    names = [name for name, _ in cursor.fetchall()]
    queries += [("rare name", name) for name in names[:3]]
    queries += [("middling name", names[len(names) // 2]), ("busiest name", names[-1])]
    cursor.execute("SELECT max(id) FROM articles_article")
    step = max(1, (cursor.fetchone()[0] or 1) // sample_size)
    cursor.execute(
        "SELECT search_tokens, search_document FROM articles_article WHERE id %% %s = 0 AND duplicate_of_id IS NULL "
        "ORDER BY id LIMIT %s",
        [step, sample_size],
    )
    sample = cursor.fetchall()
    frequency: collections.Counter = collections.Counter()
    for tokens, _ in sample:
        frequency.update(set(tokens.split()))
    ranked = sorted(frequency.items(), key=lambda item: (-item[1], item[0]))

    def words(test, count: int, *, df: float | None = None) -> list[str]:
        chosen = [word for word, n in ranked if test(word)]
        if df is not None:  # the ones whose share of documents is closest to df
            chosen.sort(key=lambda word: (abs(frequency[word] / len(sample) - df), word))
        return chosen[:count]

    two = lambda w: len(w) == 2 and CJK.match(w)  # noqa: E731
    common = words(two, 16)
    queries += [("common 2-char word", common[i]) for i in (0, 1, 3, 7, 15) if i < len(common)]
    queries += [("2-char word, 1 % of articles", w) for w in words(two, 2, df=0.01)]
    queries += [("2-char word, 0.1 % of articles", w) for w in words(two, 2, df=0.001)]
    queries += [("4-char word", w) for w in words(lambda w: len(w) == 4 and CJK.match(w), 1)]
    queries += [("3-char word, 2 % of articles", w) for w in words(lambda w: len(w) == 3 and CJK.match(w), 1, df=0.02)]
    rare = [w for w, n in reversed(ranked) if n == 1 and len(w) >= 3 and CJK.match(w)]
    rare = sorted(rare)[:: max(1, len(rare) // 3)][:3]
    queries += [("rare word", w) for w in rare]
    queries += [("single character", w) for w in words(lambda w: len(w) == 1 and CJK.match(w), 1)]
    queries += [("single character, rare", w) for w in words(lambda w: len(w) == 1 and CJK.match(w), 1, df=0.002)]
    numbers = words(lambda w: w.isdigit() and len(w) == 4, 1) + words(lambda w: w.isdigit() and len(w) == 2, 1)
    numbers += words(lambda w: w.isdigit() and len(w) >= 3, 1, df=0.001)
    queries += [("number", w) for w in numbers]
    latin = words(lambda w: w.isascii() and w.isalpha() and len(w) >= 2, 2)
    queries += [("Latin", w) for w in latin[:1]] + [("Latin, upper case", w.upper()) for w in latin[1:2]]
    for number, (_, document) in enumerate(sample[:: max(1, len(sample) // 4)][:4]):
        body = document.split("\n")[-2] if document.count("\n") >= 2 else document
        start = (len(body) * (number + 1)) // 6
        length = 6 if number < 3 else 14
        phrase = body[start : start + length]
        queries.append(("quoted phrase" if number < 3 else "14-char passage", f'"{phrase}"' if number < 3 else phrase))
    if len(common) > 15 and rare:
        queries += [
            ("two terms: common + common", f"{common[0]} {common[1]}"),
            ("two terms: common + rare name", f"{common[2]} {names[0]}"),
            ("two terms: name + word", f"{names[-1]} {common[4]}"),
            ("two terms: rare + rare", f"{rare[0]} {rare[-1]}"),
        ]
    queries.append(("lone quotation mark", "“"))
    queries += [("no hit", text) for text in NO_HITS]
    return queries


def time_api(client, queries, repeat: int, facets: bool) -> list[dict]:
    rows = []
    for category, query in queries:
        params = {"q": query, **({"facets": "all"} if facets else {})}
        cold = client.get("/api/articles/", params)
        warm = [client.get("/api/articles/", params) for _ in range(repeat)]
        print(f"  api {category}: {query} {cold.ms:.0f} ms", flush=True)
        data = cold.data if isinstance(cold.data, dict) else {}
        results = data.get("results") or []
        rows.append(
            {
                "category": category,
                "query": query,
                "status": cold.status,
                "count": data.get("count"),
                "count_is_exact": data.get("count_is_exact"),
                "cold_ms": cold.ms,
                "ms": [r.ms for r in warm],
                "errors": sum(r.status != 200 for r in [cold, *warm]),
                "snippets": bool(results) and any(key in results[0] for key in ("snippet", "snippets", "highlight")),
                "facets": "facets" in data,
            }
        )
    return rows


def time_scan(queries, timeout_s: int) -> list[dict]:
    from django.db import connection, transaction

    from articles.models import Article
    from articles.search import query_terms

    rows = []
    for category, query in queries:
        queryset = Article.objects.all()
        for term in query_terms(query):
            queryset = queryset.filter(search_document__icontains=term)
        started = time.perf_counter()
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL statement_timeout = {int(timeout_s * 1000)}")
                first_page = list(queryset.order_by("-id")[:20])
                count = queryset.count()
            ms, timed_out = (time.perf_counter() - started) * 1000, False
        except Exception as error:  # a statement timeout: the scan took longer than the bound
            if "statement timeout" not in str(error):
                raise
            ms, count, first_page, timed_out = timeout_s * 1000.0, None, [], True
        print(f"  scan {category}: {query} {ms:.0f} ms", flush=True)
        rows.append(
            {
                "category": category,
                "query": query,
                "ms": ms,
                "count": count,
                "first_page": len(first_page),
                "timed_out": timed_out,
            }
        )
    return rows


def time_lists(client, requests, repeat: int) -> dict[str, dict]:
    groups: dict[str, dict] = {}
    for group, path, params in requests:
        entry = groups.setdefault(group, {"ms": [], "errors": 0, "statuses": collections.Counter()})
        client.get(path, params)  # warm the first time each variant is asked (as a reader's second look)
        for _ in range(repeat):
            answer = client.get(path, params)
            entry["ms"].append(answer.ms)
            entry["statuses"][answer.status] += 1
            entry["errors"] += answer.status != 200
        print(f"  {group}: {path} {params} {answer.ms:.0f} ms", flush=True)
    return groups


def search_index(cursor) -> dict:
    cursor.execute(
        "SELECT c.relname, am.amname, pg_relation_size(c.oid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "JOIN pg_am am ON am.oid = c.relam JOIN pg_class t ON t.oid = i.indrelid "
        "WHERE (t.relname LIKE 'articles\\_%%' OR t.relname LIKE '%%search%%') AND am.amname IN ('gin', 'rum', 'gist') "
        "ORDER BY 1"
    )
    indexes = [{"name": n, "method": m, "bytes": b} for n, m, b in cursor.fetchall()]
    cursor.execute(
        "SELECT relname, pg_total_relation_size(oid) FROM pg_class WHERE relkind = 'r' AND relname LIKE '%%search%%' "
        "ORDER BY 1"
    )
    tables = [{"name": n, "bytes": b} for n, b in cursor.fetchall()]
    cursor.execute(
        "SELECT pg_total_relation_size('articles_article'), pg_relation_size('articles_article'), "
        "pg_database_size(current_database())"
    )
    article_total, article_heap, database = cursor.fetchone()
    return {
        "indexes": indexes,
        "tables": tables,
        "article_table_bytes": article_total,
        "article_heap_bytes": article_heap,
        "database_bytes": database,
    }


def has_command(name: str) -> bool:
    from django.core.management import get_commands

    return name in get_commands()


def run_reindex(database_url: str, options: str) -> dict:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "search_reindex", *options.split()],
        env=bench_env(database_url),
        check=False,
    )
    return {"seconds": time.perf_counter() - started, "returncode": done.returncode}


def import_cost(database_url: str, files: int) -> dict:
    """Seconds to import ``files`` synthetic issues into a fresh migrated database, with the search indexes
    as migrated and with them dropped and the triggers that fill them disabled (same files, same code: the
    difference is the indexes' upkeep in the database; work the importer does in Python for the index is in
    both)."""
    server = database_url.rsplit("/", 1)[0]
    results = {}
    with tempfile.TemporaryDirectory() as directory:
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "generate_issues.py"), directory, str(files), "--seed", "7"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        for variant in ("with index", "without index"):
            name = "newsroom_bench_importcost"
            subprocess.run(["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
            subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
            url = f"{server}/{name}"
            env = bench_env(url)
            subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v", "0"], env=env, check=True)
            dropped = []
            if variant == "without index":
                import psycopg

                with psycopg.connect(url, autocommit=True) as connection:
                    for (index,) in connection.execute(
                        "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                        "JOIN pg_am am ON am.oid = c.relam JOIN pg_class t ON t.oid = i.indrelid "
                        "WHERE NOT i.indisprimary AND NOT i.indisunique AND (am.amname IN ('gin', 'rum', 'gist') "
                        "OR t.relname LIKE '%search%')"
                    ).fetchall():
                        connection.execute(f'DROP INDEX "{index}"')
                        dropped.append(index)
                    for table, trigger in connection.execute(
                        "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                        "WHERE NOT t.tgisinternal AND (t.tgname LIKE '%search%' OR t.tgname LIKE '%gram%')"
                    ).fetchall():  # the trigger that fills the index's column is its upkeep too
                        connection.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER "{trigger}"')
                        dropped.append(f"trigger {trigger}")
                if not dropped:
                    results[variant] = None
                    continue
            started = time.perf_counter()
            done = subprocess.run(
                [sys.executable, str(ROOT / "manage.py"), "import_issue", directory],
                env=env,
                check=False,
                capture_output=True,
                text=True,
            )
            results[variant] = {
                "seconds": time.perf_counter() - started,
                "returncode": done.returncode,
                "dropped": dropped,
            }
            subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    results["files"] = files
    return results


def fmt(value) -> str:
    return "—" if value is None or value != value else f"{value:,.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--label", required=True, help="names the results file, e.g. 100k or 1m")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--variants", type=int, default=10, help="versions of each list request (other ids, months)")
    parser.add_argument("--skip", default="", help="list groups to leave out, comma-separated (e.g. 'reporter list')")
    parser.add_argument("--base-url", help="time a running server over HTTP instead of in-process")
    parser.add_argument("--no-scan", action="store_true")
    parser.add_argument("--scan-timeout", type=int, default=600, help="seconds per scan query")
    parser.add_argument("--scan-queries", type=int, help="scan only this many of the queries (spread over the mix)")
    parser.add_argument("--reindex", action="store_true", help="time manage.py search_reindex first")
    parser.add_argument("--reindex-options", default="", help="options of search_reindex, e.g. '--keywords'")
    parser.add_argument("--import-cost", type=int, default=0, metavar="FILES")
    args = parser.parse_args(argv)
    setup_django()
    from django.db import connection

    database_url = os.environ["DATABASE_URL"]
    results: dict = {
        "label": args.label,
        "database": connection.settings_dict["NAME"],
        "commit": git_commit(),
        "started": dt.datetime.now(dt.UTC).isoformat(),
        "machine": machine(),
    }
    if args.reindex and has_command("search_reindex"):
        results["reindex"] = run_reindex(database_url, args.reindex_options)
        print(f"search_reindex: {results['reindex']['seconds']:.0f} s (exit {results['reindex']['returncode']})")
    client = HttpClient(args.base_url) if args.base_url else InProcessClient()
    results["client"] = client.name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE status = 'published' AND duplicate_of_id IS NULL) "
            "FROM articles_article"
        )
        results["articles"], results["public_articles"] = cursor.fetchone()
        queries = derive_queries(cursor)
        supports = detect_support(client, cursor)
        skipped = {group.strip() for group in args.skip.split(",") if group.strip()}
        requests = [r for r in list_requests(cursor, supports, args.variants) if r[0] not in skipped]
        results["index"] = search_index(cursor)
    results["supports"] = {k: v for k, v in supports.items() if k != "deep_cursors"}
    print(
        f"{results['database']}: {results['articles']:,} articles ({results['public_articles']:,} public), "
        f"{len(queries)} queries, client {client.name}, supports {results['supports']}"
    )
    api = time_api(client, queries, args.repeat, supports["facets"])
    scanned = queries
    if args.scan_queries:
        scanned = queries[:: max(1, len(queries) // args.scan_queries)][: args.scan_queries]
    scan = [] if args.no_scan else time_scan(scanned, args.scan_timeout)
    results["api"], results["scan"] = api, scan
    lists = time_lists(client, requests, args.repeat)
    api_ms = [ms for row in api for ms in row["ms"]]
    results["summary"] = {
        "api_search": summary(api_ms),
        "api_search_cold": summary([r["cold_ms"] for r in api]),
        "scan": summary([r["ms"] for r in scan]),
        "lists": {
            group: {**summary(e["ms"]), "errors": e["errors"], "statuses": dict(e["statuses"])}
            for group, e in lists.items()
        },
    }
    print(
        f"\n{'category':<32} {'query':<18} {'hits':>9} {'api p50':>9} {'api max':>9} {'cold':>9} {'scan':>10} {'×':>7}"
    )
    ratios = []
    scan_by_query = {row["query"]: row["ms"] for row in scan}
    for row in api:
        p50 = summary(row["ms"])["p50"]
        scan_ms = scan_by_query.get(row["query"])
        ratio = scan_ms / p50 if scan_ms and p50 else None
        if ratio:
            ratios.append(ratio)
        hits = row["count"] if row["count"] is not None else row["status"]
        print(
            f"{row['category'][:32]:<32} {row['query'][:16]:<18} {hits!s:>9} {fmt(p50):>9} {fmt(max(row['ms']))!s:>9} "
            f"{fmt(row['cold_ms']):>9} {fmt(scan_ms):>10} {fmt(ratio):>7}"
        )
    if ratios:
        ratios.sort()
        results["summary"]["scan_over_api"] = {"median": ratios[len(ratios) // 2], "min": ratios[0]}
    s = results["summary"]
    print(
        f"\nAPI search ms: p50 {fmt(s['api_search']['p50'])}, p95 {fmt(s['api_search']['p95'])}, "
        f"p99 {fmt(s['api_search']['p99'])} (cold p95 {fmt(s['api_search_cold']['p95'])}); "
        f"errors {sum(r['errors'] for r in api)}"
    )
    if scan:
        print(
            f"scan ms: p50 {fmt(s['scan']['p50'])}, p95 {fmt(s['scan']['p95'])}; scan/API per query: median "
            f"{fmt(s['scan_over_api']['median'])}×, min {fmt(s['scan_over_api']['min'])}×; "
            f"p95 over p95 {fmt(s['scan']['p95'] / s['api_search']['p95'])}×"
        )
    print(f"\n{'request':<22} {'n':>4} {'p50 ms':>9} {'p95 ms':>9} {'p99 ms':>9} {'errors':>7}  statuses")
    for group, entry in s["lists"].items():
        print(
            f"{group:<22} {entry['n']:>4} {fmt(entry['p50']):>9} {fmt(entry['p95']):>9} {fmt(entry['p99']):>9} "
            f"{entry['errors']:>7}  {entry['statuses']}"
        )
    index = results["index"]
    print(
        f"\nsearch index: {[(i['name'], i['method'], round(i['bytes'] / 2**20)) for i in index['indexes']]} MiB; "
        f"search tables {[(t['name'], round(t['bytes'] / 2**20)) for t in index['tables']]} MiB; article table "
        f"{index['article_table_bytes'] / 2**30:.2f} GiB; database {index['database_bytes'] / 2**30:.2f} GiB"
    )
    if args.import_cost:
        results["import_cost"] = import_cost(database_url, args.import_cost)
        print(f"import of {args.import_cost} files: {results['import_cost']}")
    results["load_average_at_end"] = os.getloadavg()  # the machine is shared: how busy it was
    path = write_results(f"search_{args.label}", results)
    print(f"results: {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
