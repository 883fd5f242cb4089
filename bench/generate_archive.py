#!/usr/bin/env python3
"""Load a synthetic decade of several papers straight into a PostgreSQL bench database.

The search and load benchmarks need an archive whose text is as varied as a real one: the older
``generate_issues.py`` re-sets the seeds' 76 articles, so at 300,000 articles every query hits thousands of
identical copies and no index looks like it would on a real decade. Here every article is new text: its
paragraphs are drawn from the sentences of the seeds' and the dev set's articles (parsed at run time with
the project's own ``importer.parsing``; the dev set is read from ``../shared/devset`` and never copied into
the repository), about one sentence in four spliced with another at a shared jieba word, digits redrawn,
and leads naming the article's generated reporters. Headlines join the head of one real headline to the
tail of another (or use a clause of the body) at the real headlines' lengths. No two bodies are equal,
except the deliberate printed duplicates (``duplicate_of``), as in a real import.

The archive: 3–5 made-up papers with editions, issues on dates over ten years, about 3 pages an issue and
6 articles a page, sections, kinds, about one photo a page (captions and photographers), a few hundred
reporters with made-up names (2–3 characters) credited on a Zipf-like curve, mostly published articles
with some drafts, withdrawn articles and duplicates. Search documents are built by the importer's own
``build_search_document``; search tokens are jieba's ``cut_for_search`` words of each sentence (tokenised
once per source sentence, so a million articles take minutes, not an hour of jieba).

Rows go in with ``COPY`` (psycopg), table by table in batches. The generator reads each table's columns
from the database and fills those it knows; a column it does not know (added by a later branch) keeps its
database default, or gets an empty value of its type when it is NOT NULL without one (it says which). So
after merging branches that add columns or search tables, run the branches' migrations and rebuild what
they derive:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench_1m .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench_1m .venv/bin/python manage.py search_reindex

usage:
    bench/generate_archive.py --articles 100000 --database newsroom_bench_100k --create [--seed 1]
    bench/generate_archive.py --articles 1000000 --database newsroom_bench_1m --create
    bench/generate_archive.py --articles 20000 --database-url postgres://postgres@127.0.0.1:5432/x --create

``--create`` drops and re-creates the database and runs ``manage.py migrate`` on it first; without it the
archive tables must exist and be empty. The output is the same for the same ``--seed``, ``--articles`` and
source texts. It prints the generation time, the row counts and the database's size.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import hashlib
import itertools
import json
import os
import queue
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from archive_text import Corpus, reporter_names, source_articles  # noqa: E402

from articles.search import postgres as search_index  # noqa: E402
from importer.parsing import text_fingerprint  # noqa: E402
from importer.parsing.searchtext import build_search_document  # noqa: E402
from importer.parsing.tokens import keywords_from_tokens  # noqa: E402

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432"
TABLES = ["reporter", "issue", "page", "article", "articlecredit", "photo"]
#: Made-up papers (name, weight) and their editions; none is a real masthead's name.
PAPERS = [("河阳日报", 5), ("河阳晚报", 3), ("清川县报", 1), ("南塬商报", 2)]
EDITIONS = ["", "", "", "城区版", "北山版", "东湖版", "西岭版", "周末版", "A叠", "B叠"]
SECTIONS = ["要闻", "综合", "城事", "县区新闻", "经济", "民生", "文化", "体育", "评论", "专版", "社会", "教育"]
KINDS = [("news", 65), ("brief", 15), ("feature", 8), ("commentary", 7), ("column", 5)]
STATUSES = [("published", 955), ("draft", 30), ("withdrawn", 15)]


def weighted(rng: random.Random, choices: list[tuple[str, int]]) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


class Columns:
    """One table's columns as the database has them: COPY fills the known ones, plus any unknown NOT NULL
    column without a default (with an empty value of its type); the rest keep their database defaults."""

    EMPTY = {"integer": 0, "bigint": 0, "smallint": 0, "boolean": False, "jsonb": "{}", "text": ""}

    def __init__(self, cursor, table: str, known: list[str]) -> None:
        cursor.execute(
            "SELECT column_name, is_nullable, column_default, data_type FROM information_schema.columns "
            "WHERE table_name = %s ORDER BY ordinal_position",
            [table],
        )
        rows = cursor.fetchall()
        present = {name for name, *_ in rows}
        self.table = table
        self.known = [name for name in known if name in present]
        self.filled: dict[str, object] = {}
        for name, nullable, default, data_type in rows:
            if name in known or nullable == "YES" or default is not None:
                continue
            value = self.EMPTY.get(data_type, "")
            if data_type.startswith("timestamp"):
                value = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
            self.filled[name] = value
            print(f"  {table}.{name}: a NOT NULL column this generator does not know; filled with {value!r}")
        self.unknown = sorted(present - set(known) - set(self.filled))

    def copy(self, cursor, rows: list[dict]) -> None:
        names = self.known + list(self.filled)
        quoted = ", ".join(f'"{name}"' for name in names)
        with cursor.copy(f"COPY {self.table} ({quoted}) FROM STDIN") as copy:
            extra = list(self.filled.values())
            for row in rows:
                copy.write_row([row.get(name) for name in self.known] + extra)


def _names(text: str) -> list[str]:
    return text.split()


#: The columns this generator fills, by table (a column a table lacks is skipped).
KNOWN = {
    "reporter": _names("id name created_at version"),
    "issue": _names(
        "id paper publication_date edition source_name sha256 encoding size_bytes imported_at version edited_at"
    ),
    "page": _names(
        "id issue_id index number section printed_date staff raw_text first_line furniture unassigned "
        "segments edited_at version"
    ),
    "article": _names(
        "id issue_id page_id order headline kicker subheadline body kind status duplicate_of_id fingerprint "
        "source_spans search_document search_tokens keywords version edited_by_id edited_at verified_by_id "
        "verified_at created_at updated_at publication_date"
    ),
    "articlecredit": _names("id article_id reporter_id role order"),
    "photo": _names("id issue_id page_id article_id order caption photographer_id source_spans edited_at version"),
}


class Generator:
    def __init__(self, corpus: Corpus, rng: random.Random, articles: int, reporters: int) -> None:
        self.corpus, self.rng, self.target = corpus, rng, articles
        self.reporters = reporter_names(rng, reporters)
        # Zipf-Mandelbrot over the staff (the busiest reporter has about 4 % of the credits); the last quarter
        # are correspondents credited now and then: the archive's rare names
        staff = reporters * 3 // 4
        zipf = [(rank + 10) ** -1.2 * (1 if rank <= staff else 0.02) for rank in range(1, reporters + 1)]
        self.cumulative = list(itertools.accumulate(zipf))
        self.fingerprints: set[bytes] = set()
        self.ids = dict.fromkeys(TABLES, 0)
        self.counts = dict.fromkeys(TABLES, 0)
        self.duplicates = 0

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        self.counts[table] += 1
        return self.ids[table]

    def reporter(self) -> int:
        """A reporter's id (1-based), the most prolific ones far more often."""
        return bisect.bisect(self.cumulative, self.rng.random() * self.cumulative[-1]) + 1

    def issue_plan(self) -> list[tuple[dt.date, str, str]]:
        """(date, paper, edition) of every issue, in date order: enough issues of ~18 articles for the target."""
        rng, count = self.rng, max(1, round(self.target / 18))
        first, days = dt.date(2015, 1, 1), (dt.date(2024, 12, 31) - dt.date(2015, 1, 1)).days
        plan = set()
        while len(plan) < count:
            # later years print a little more (the archive grows), weekends less
            day = first + dt.timedelta(days=int(days * rng.random() ** 0.85))
            if day.weekday() >= 5 and rng.random() < 0.5:
                continue
            plan.add((day, weighted(rng, PAPERS), rng.choice(EDITIONS)))
        return sorted(plan)

    def body(self, kind: str, credits: list[tuple[int, str]]) -> tuple[str, str]:
        """A body no other article has, and its search tokens."""
        corpus, rng = self.corpus, self.rng
        for _ in range(20):
            paragraphs = 1 if kind == "brief" else min(12, max(2, rng.choice(corpus.article_sizes) + rng.randint(0, 3)))
            texts, tokens = [], []
            for _ in range(paragraphs):
                sentences = rng.choice(corpus.paragraph_sizes) if kind != "brief" else rng.randint(1, 3)
                drawn = [corpus.sentence(rng) for _ in range(sentences)]
                texts.append("".join("".join(words) for words, _ in drawn))
                tokens += [words_tokens for _, words_tokens in drawn]
            if credits and kind == "news" and rng.random() < 0.7:
                lead = [
                    "本报讯",
                    "（",
                    "记者",
                    " ",
                    *" ".join(self.reporters[r - 1] for r, _ in credits).split(" "),
                    "）",
                ]
                texts[0] = "".join(lead) + texts[0]
                tokens.insert(0, corpus.tokens(lead))
            body = "\n\n".join(texts)
            key = hashlib.blake2b(body.encode(), digest_size=12).digest()
            if key not in self.fingerprints:
                self.fingerprints.add(key)
                return body, " ".join(tokens)
        raise RuntimeError("could not draw a distinct body in 20 tries: the source corpus is too small")

    def issue(self, date: dt.date, paper: str, edition: str, quota: int) -> dict[str, list[dict]]:
        rng, corpus = self.rng, self.corpus
        rows: dict[str, list[dict]] = {table: [] for table in TABLES}
        issue_id = self.next_id("issue")
        stamp = dt.datetime.combine(date, dt.time(20), tzinfo=dt.UTC) + dt.timedelta(seconds=rng.randrange(20000))
        sha = hashlib.sha256(f"{issue_id}:{date}:{paper}:{edition}".encode()).hexdigest()
        rows["issue"].append(
            {
                "id": issue_id,
                "paper": paper,
                "publication_date": date,
                "edition": edition,
                "source_name": f"{paper}_{date:%Y%m%d}{('_' + edition) if edition else ''}.txt",
                "sha256": sha,
                "encoding": "utf-8",
                "size_bytes": 0,
                "imported_at": stamp,
                "version": 1,
            }
        )
        pages = rng.choices([2, 3, 4], weights=[2, 6, 2])[0]
        per_page = [quota // pages + (1 if index < quota % pages else 0) for index in range(pages)]
        printed: list[dict] = []
        size = 0
        for index, count in enumerate(per_page, start=1):
            page_id = self.next_id("page")
            header = f" 第{index:02d}版 {rng.choice(SECTIONS)}\n{date.year}年{date.month}月{date.day}日\n\n"
            raw, segments, page_articles = [header], [["furniture", 0, len(header) - 2, None, None, None]], []
            offset = len(header)
            for order in range(count):
                if printed and rng.random() < 0.02:  # a story printed twice in the issue: a duplicate copy
                    original = rng.choice(printed)
                    article = dict(original, id=self.next_id("article"), page_id=page_id, order=order)
                    article["duplicate_of_id"] = original["id"]
                    article["_captions"] = list(original.get("_captions", ()))
                    self.duplicates += 1
                else:
                    article = self.article(issue_id, page_id, order, date, stamp)
                    printed.append(article)
                text = f"{article['headline']}\n{article['body']}\n\n"
                spans = [["headline", offset, offset + len(article["headline"])]]
                spans.append(["body", spans[0][2] + 1, spans[0][2] + 1 + len(article["body"])])
                article["source_spans"] = json.dumps(spans)
                segments += [[kind, start, end, order, None, None] for kind, start, end in spans]
                raw.append(text)
                offset += len(text)
                page_articles.append(article)
                rows["article"].append(article)
            for order in range(rng.choices([0, 1, 2, 3], weights=[3, 4, 2, 1])[0]):
                photographer = self.reporter()
                caption = "".join(rng.choice(corpus.short)) + f"（记者 {self.reporters[photographer - 1]} 摄）"
                linked = rng.choice(page_articles) if page_articles and rng.random() < 0.8 else None
                if linked:
                    linked.setdefault("_captions", []).append(caption)
                rows["photo"].append(
                    {
                        "id": self.next_id("photo"),
                        "issue_id": issue_id,
                        "page_id": page_id,
                        "article_id": linked["id"] if linked else None,
                        "order": order,
                        "caption": caption,
                        "photographer_id": photographer,
                        "source_spans": "[]",
                        "version": 1,
                    }
                )
            page_text = "".join(raw)
            size += len(page_text.encode())
            rows["page"].append(
                {
                    "id": page_id,
                    "issue_id": issue_id,
                    "index": index,
                    "number": f"{'A' if index < 5 else 'B'}{index:02d}",
                    "section": rng.choice(SECTIONS),
                    "printed_date": date,
                    "staff": json.dumps({"编辑": self.reporters[self.reporter() - 1]}, ensure_ascii=False),
                    "raw_text": page_text,
                    "first_line": 1,
                    "furniture": "[]",
                    "unassigned": "[]",
                    "segments": json.dumps(segments),
                    "version": 1,
                }
            )
        rows["issue"][0]["size_bytes"] = size
        for article in rows["article"]:
            names = [self.reporters[r - 1] for r, _ in article["_credits"]]
            article["search_document"] = build_search_document(
                headline=article["headline"],
                kicker=article["kicker"],
                subheadline=article["subheadline"],
                body=article["body"],
                captions=article.get("_captions", ()),
                reporter_names=names,
            )
            if article["duplicate_of_id"] is None:
                for order, (reporter, role) in enumerate(article["_credits"]):
                    rows["articlecredit"].append(
                        {
                            "id": self.next_id("articlecredit"),
                            "article_id": article["id"],
                            "reporter_id": reporter,
                            "role": role,
                            "order": order,
                        }
                    )
        return rows

    def article(self, issue_id: int, page_id: int, order: int, date: dt.date, stamp: dt.datetime) -> dict:
        rng, corpus = self.rng, self.corpus
        kind = weighted(rng, KINDS)
        credits: list[tuple[int, str]] = []
        for position in range(rng.choices([0, 1, 2, 3], weights=[15, 45, 30, 10])[0]):
            reporter = self.reporter()
            if reporter not in (r for r, _ in credits):
                credits.append((reporter, "记者" if position == 0 or rng.random() < 0.7 else "通讯员"))
        body, body_tokens = self.body(kind, credits)
        headline_words = [] if kind == "brief" and rng.random() < 0.3 else corpus.headline(rng)
        kicker = "".join(rng.choice(corpus.clauses)) if rng.random() < 0.1 else ""
        subheadline = "——" + rng.choice(corpus.clauses) if rng.random() < 0.08 else ""
        headline = "".join(headline_words)
        search_tokens = f"{corpus.tokens(headline_words)} {body_tokens}".strip()
        return {
            "id": self.next_id("article"),
            "issue_id": issue_id,
            "page_id": page_id,
            "order": order,
            "headline": headline,
            "kicker": kicker,
            "subheadline": subheadline,
            "body": body,
            "kind": kind,
            "status": weighted(rng, STATUSES),
            "duplicate_of_id": None,
            "fingerprint": text_fingerprint(body),
            "search_tokens": search_tokens,
            "keywords": keywords_from_tokens(search_tokens.split()),
            "version": 1,
            "created_at": stamp,
            "updated_at": stamp,
            "publication_date": date,
            "_credits": credits,
        }


def run(args: argparse.Namespace) -> int:
    url = args.database_url or f"{DEFAULT_SERVER}/{args.database}"
    name = url.rsplit("/", 1)[1]
    started = time.perf_counter()
    if args.create:
        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
        env = dict(
            os.environ,
            DATABASE_URL=url,
            DJANGO_SECRET_KEY="bench-only-secret-key-" + "x" * 40,
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        )
        subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v", "0"], env=env, check=True)
        print(f"created {name} and migrated it in {time.perf_counter() - started:.1f} s")
    rng = random.Random(args.seed)
    corpus = Corpus(source_articles(args.seeds, args.devset))
    print(
        f"corpus: {len(corpus.sentences)} sentences, {len(corpus.headlines)} headlines, "
        f"{len(corpus.clauses)} clauses from the seeds and the dev set"
    )
    generator = Generator(corpus, rng, args.articles, args.reporters)
    plan = generator.issue_plan()
    quotas = [args.articles // len(plan) + (1 if i < args.articles % len(plan) else 0) for i in range(len(plan))]
    with psycopg.connect(url) as connection, connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM articles_{table})")
            if cursor.fetchone()[0]:
                raise SystemExit(f"articles_{table} is not empty: use --create or an empty database")
        columns = {t: Columns(cursor, f"articles_{t}", KNOWN[t]) for t in TABLES}
        for table, column in columns.items():
            if column.unknown:
                print(f"  articles_{table}: left to their defaults (not known here): {', '.join(column.unknown)}")
        stamp = dt.datetime(2015, 1, 1, tzinfo=dt.UTC)
        columns["reporter"].copy(
            cursor,
            [{"id": i, "name": n, "created_at": stamp, "version": 1} for i, n in enumerate(generator.reporters, 1)],
        )
        generator.counts["reporter"] = len(generator.reporters)
        # The search column is filled by its trigger as rows are copied; its GIN index is built once at the
        # end (maintained row by row it made COPY about 25 times slower).
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [search_index.INDEX])
        search_indexed = cursor.fetchone()[0]
        if search_indexed:
            cursor.execute(search_index.DROP_INDEX)
        connection.commit()
        # a writer thread sends each batch while the next one is drawn (psycopg waits without the GIL)
        batches: queue.Queue = queue.Queue(maxsize=2)

        def write() -> None:
            while (item := batches.get()) is not None:
                batch, label = item
                for table in TABLES[1:]:
                    columns[table].copy(cursor, batch[table])
                connection.commit()
                print(f"  {label}, {time.perf_counter() - started:.0f} s", flush=True)

        writer = threading.Thread(target=write)
        writer.start()
        batch: dict[str, list[dict]] = {table: [] for table in TABLES}
        try:
            for number, ((date, paper, edition), quota) in enumerate(zip(plan, quotas, strict=True), start=1):
                for table, rows in generator.issue(date, paper, edition, quota).items():
                    batch[table] += rows
                if len(batch["article"]) >= 5000 or number == len(plan):
                    batches.put((batch, f"{generator.counts['article']:>9,} articles, {number:,} issues"))
                    batch = {table: [] for table in TABLES}
                if not writer.is_alive():
                    raise SystemExit("the writer stopped (see its error above)")
        finally:
            batches.put(None)
            writer.join()
        for table in TABLES:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('articles_{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM articles_{table}))"
            )
        connection.commit()
        if search_indexed:
            index_started = time.perf_counter()
            cursor.execute("SET maintenance_work_mem = '1GB'")
            cursor.execute(search_index.CREATE_INDEX)
            connection.commit()
            cursor.execute("SELECT pg_relation_size(%s)", [search_index.INDEX])
            print(
                f"  search index built in {time.perf_counter() - index_started:.0f} s, "
                f"{cursor.fetchone()[0] / 2**20:,.0f} MiB",
                flush=True,
            )
    if args.create:  # the reporters' stored counters, recounted from the credits just copied
        subprocess.run([sys.executable, str(ROOT / "manage.py"), "recount_archive"], env=env, check=True)
    loaded = time.perf_counter() - started
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
        size = connection.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    total = time.perf_counter() - started
    counts = ", ".join(f"{generator.counts[t]:,} {t}s" for t in TABLES)
    print(f"{name}: {counts} ({generator.duplicates:,} duplicate copies)")
    print(
        f"generated and loaded in {loaded:.0f} s, with VACUUM ANALYZE {total:.0f} s; "
        f"database size {size / 2**30:.2f} GiB"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, required=True)
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--database", help=f"a database name on {DEFAULT_SERVER}")
    target.add_argument("--database-url")
    parser.add_argument("--create", action="store_true", help="drop, create and migrate the database first")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reporters", type=int, default=400)
    parser.add_argument("--seeds", type=Path, default=ROOT / "seeds")
    parser.add_argument("--devset", type=Path, default=ROOT.parent / "shared" / "devset")
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
