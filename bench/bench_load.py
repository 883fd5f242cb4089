#!/usr/bin/env python3
"""Load benchmark: the production server (gunicorn, N workers) and ``runserver`` under concurrent readers, while
an import runs and an editor saves articles, on one PostgreSQL bench archive.

For each server in turn (gunicorn first, then runserver, same run, same database): the server is started on
loopback; ``--clients`` threads (HTTP/1.1 keep-alive, one connection each) replay a fixed, shuffled mix of
list (page 1, deep pages), filter (reporter, paper, dates), search (``q`` from ``bench_search``'s query mix)
and detail requests for ``--duration`` seconds (at most ``--requests`` each); meanwhile
``manage.py import_issue`` imports ``--import-files`` fresh synthetic issues into the same database and an
editor thread saves articles through the service layer (``article_update``, with optimistic versions) in a
loop. Afterwards every edit is checked: each edited article holds its last value and its history holds every
saved value (a lost edit is reported). Then the editor's articles get their original values back (through
the service too). Prints requests/s, p50/p95/p99 per server and per request group, errors (non-200 answers
and failed connections; they must be 0), the import's time and the edits, and writes
``bench/results/load_<label>.json``.

``--profile`` times single requests in-process with pyinstrument and Django's SQL, and writes where the time
goes (the call tree and each SQL statement's share) to ``bench/results/profile_<label>.txt``.

usage:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench_1m \\
        .venv/bin/python bench/bench_load.py --label 1m [--workers 2] [--clients 8] [--duration 60] [--profile]
    # serve through the project's own script instead (``{port}`` is replaced):
    … --serve-command 'PORT={port} scripts/serve'
    # only one of the servers:
    … --servers gunicorn

The import adds ``--import-files`` issues (about 18 articles each) to the bench database on every run; their
dates and hashes come from ``--import-seed`` (default: the clock), so a later run imports new files again.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shlex
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    ROOT,
    HttpClient,
    InProcessClient,
    bench_env,
    git_commit,
    list_requests,
    machine,
    setup_django,
    summary,
    write_results,
)
from bench_search import derive_queries

GROUPS = {
    "list page 1": "list",
    "list page 1,000": "list",
    "list cursor deep": "list",
    "filter reporter": "filter",
    "filter paper": "filter",
    "filter date range": "filter",
    "filter paper+year": "filter",
    "detail": "detail",
}
SHARES = {"list": 30, "filter": 25, "search": 25, "detail": 20}
EDIT_PREFIX = "负载校订"


def request_mix(cursor, size: int = 400) -> list[tuple[str, str, dict]]:
    """(group, path, params): ``size`` requests in the shares of ``SHARES``, shuffled with a fixed seed."""
    pools: dict[str, list] = {group: [] for group in SHARES}
    for group, path, params in list_requests(cursor, {}, variants=10):
        if group in GROUPS:
            pools[GROUPS[group]].append((GROUPS[group], path, params))
    pools["search"] = [("search", "/api/articles/", {"q": query}) for _, query in derive_queries(cursor)]
    mix = []
    for group, share in SHARES.items():
        pool = pools[group]
        mix += [pool[i % len(pool)] for i in range(size * share // 100)]
    random.Random(1).shuffle(mix)
    return mix


def start_server(kind: str, port: int, args, env: dict) -> subprocess.Popen:
    if kind == "gunicorn" and args.serve_command:
        command = shlex.split(args.serve_command.format(port=port))
    elif kind == "gunicorn":
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "newsroom.wsgi",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "300",
            "--log-level",
            "warning",
        ]
    else:
        command = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
    # the server's log goes to a file: a pipe nobody reads fills up (64 KB of runserver's request lines) and
    # then blocks every request thread on the logging lock
    log = tempfile.TemporaryFile("w+")  # noqa: SIM115 (open while the server runs; gone with the process)
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log, text=True, start_new_session=True
    )
    client, deadline = HttpClient(f"http://127.0.0.1:{port}", timeout=60), time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise SystemExit(f"{kind} stopped at start:\n{log.read()[-3000:]}")
        if client.get("/api/").status == 200:
            return process
        time.sleep(0.5)
    stop_server(process)
    raise SystemExit(f"{kind} did not answer on port {port} within 180 s")


def stop_server(process: subprocess.Popen) -> None:
    import signal

    try:
        os.killpg(process.pid, signal.SIGTERM)  # the server and its workers (their own session)
        process.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)


def readers(port: int, mix: list, clients: int, duration: float, limit: int) -> dict:
    samples: list[tuple[str, float, int]] = []
    lock = threading.Lock()
    deadline = time.monotonic() + duration

    def run(offset: int) -> None:
        client, done, own = HttpClient(f"http://127.0.0.1:{port}", timeout=300), 0, []
        while time.monotonic() < deadline and done < limit:
            group, path, params = mix[(offset + done) % len(mix)]
            answer = client.get(path, params)
            own.append((group, answer.ms, answer.status))
            done += 1
        with lock:
            samples.extend(own)

    started = time.monotonic()
    threads = [threading.Thread(target=run, args=(i * len(mix) // clients,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    by_group = {g: summary([ms for group, ms, _ in samples if group == g]) for g in SHARES}
    errors = [status for _, _, status in samples if status != 200]
    return {
        "requests": len(samples),
        "seconds": elapsed,
        "rps": len(samples) / elapsed,
        **summary([ms for _, ms, _ in samples]),
        "errors": len(errors),
        "error_statuses": sorted(set(errors)),
        "groups": by_group,
    }


class Editor(threading.Thread):
    """Saves articles through ``article_update`` in a loop, as an editor in the admin would, and remembers
    every value it saved so that none can be lost unnoticed."""

    def __init__(self, article_ids: list[int], tag: str) -> None:
        super().__init__()
        self.ids, self.tag = article_ids, tag
        self.stop = threading.Event()
        self.saved: dict[int, list[str]] = {pk: [] for pk in article_ids}
        self.conflicts = 0
        self.ms: list[float] = []
        self.error: BaseException | None = None

    def run(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db import connection

        from articles.models import Article
        from articles.services import ConcurrentEditError, article_update

        try:
            user, _ = get_user_model().objects.get_or_create(username="bench-editor", defaults={"is_staff": True})
            number = 0
            while not self.stop.is_set():
                pk = self.ids[number % len(self.ids)]
                article = Article.objects.get(pk=pk)
                value = f"{EDIT_PREFIX}{self.tag}-{number}"
                started = time.perf_counter()
                try:
                    article_update(
                        article=article,
                        user=user,
                        data={"subheadline": value},
                        expected_version=article.version,
                        change_reason="bench_load",
                    )
                except ConcurrentEditError:
                    self.conflicts += 1
                else:
                    self.saved[pk].append(value)
                    self.ms.append((time.perf_counter() - started) * 1000)
                number += 1
                time.sleep(0.05)
        except BaseException as error:  # reported after the run, never swallowed
            self.error = error
        finally:
            connection.close()

    def check_and_restore(self, originals: dict[int, str]) -> dict:
        from django.contrib.auth import get_user_model

        from articles.models import Article
        from articles.services import article_update

        lost = []
        history = Article.history.model
        for pk, values in self.saved.items():
            article = Article.objects.get(pk=pk)
            if values and article.subheadline != values[-1]:
                lost.append((pk, "last value", values[-1], article.subheadline))
            kept = set(
                history.objects.filter(id=pk, subheadline__startswith=f"{EDIT_PREFIX}{self.tag}-").values_list(
                    "subheadline", flat=True
                )
            )
            lost += [(pk, "history", value, None) for value in values if value not in kept]
            user = get_user_model().objects.get(username="bench-editor")
            article_update(
                article=article,
                user=user,
                data={"subheadline": originals[pk]},
                expected_version=article.version,
                change_reason="bench_load restore",
            )
        return {
            "edits": sum(map(len, self.saved.values())),
            "conflicts": self.conflicts,
            "lost": lost,
            "save_ms": summary(self.ms),
        }


def one_server(kind: str, port: int, args, mix: list, article_ids: list[int], originals: dict, env: dict) -> dict:
    print(f"{kind}: starting on port {port}", flush=True)
    server = start_server(kind, port, args, env)
    try:
        warm = HttpClient(f"http://127.0.0.1:{port}", timeout=300)
        for _group, path, params in mix[:10]:  # each worker's first requests load code and caches
            warm.get(path, params)
        seed = args.import_seed if args.import_seed is not None else int(time.time())
        seed += kind == "runserver"
        with tempfile.TemporaryDirectory() as directory:
            subprocess.run(
                [
                    sys.executable,
                    str(ROOT / "bench" / "generate_issues.py"),
                    directory,
                    str(args.import_files),
                    "--seed",
                    str(seed),
                ],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            editor = Editor(article_ids, tag=f"{kind}{seed}")
            import_started = time.monotonic()
            importer = subprocess.Popen(
                [sys.executable, "manage.py", "import_issue", directory],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            editor.start()
            load = readers(port, mix, args.clients, args.duration, args.requests)
            editor.stop.set()
            editor.join()
            output, _ = importer.communicate()
            import_seconds = time.monotonic() - import_started
        if editor.error:
            raise editor.error
        edits = editor.check_and_restore(originals)
    finally:
        stop_server(server)
    load.update(
        {
            "server": kind,
            "workers": args.workers if kind == "gunicorn" else "threads",
            "import": {
                "files": args.import_files,
                "seconds": import_seconds,
                "returncode": importer.returncode,
                "summary": output.strip().splitlines()[-1:] if output else [],
            },
            "editor": edits,
            "import_seed": seed,
        }
    )
    return load


def profile(mix: list, label: str) -> str:
    """Where single requests spend their time: pyinstrument's call tree and the SQL statements, by request."""
    from django.db import connection
    from pyinstrument import Profiler

    client, out = InProcessClient(), []
    chosen, seen = [], set()
    for group, path, params in mix:
        if group not in seen:
            seen.add(group)
            chosen.append((group, path, params))
    chosen += [("issue list", "/api/issues/", {}), ("reporter list", "/api/reporters/", {})]
    for group, path, params in chosen:
        client.get(path, params)  # warm
        statements: list[tuple[float, str, object]] = []

        def timed(execute, sql, query_params, many, context, statements=statements):
            started = time.perf_counter()
            try:
                return execute(sql, query_params, many, context)
            finally:
                statements.append(((time.perf_counter() - started) * 1000, sql, query_params))

        profiler = Profiler(interval=0.0005)
        with connection.execute_wrapper(timed):
            profiler.start()
            answer = client.get(path, params)
            profiler.stop()
        sql_ms = sum(ms for ms, _, _ in statements)
        out.append(
            f"=== {group}: GET {path} {params} → {answer.status} in {answer.ms:.0f} ms; "
            f"{len(statements)} SQL statements, {sql_ms:.0f} ms in the database"
        )
        slowest = sorted(statements, key=lambda statement: -statement[0])
        for ms, sql, _ in slowest[:5]:
            out.append(f"  {ms:8.1f} ms  {sql[:400]}")
        if slowest and slowest[0][0] > 50:  # how PostgreSQL runs the slowest statement
            ms, sql, query_params = slowest[0]
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, query_params)
                out.append("  plan of the slowest statement:")
                out += [f"    {line}" for (line,) in cursor.fetchall()]
        out.append(profiler.output_text(unicode=True, color=False, show_all=False))
    text = "\n".join(out)
    path = ROOT / "bench" / "results" / f"profile_{label}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "\n", encoding="utf-8")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--label", required=True)
    parser.add_argument("--servers", default="gunicorn,runserver")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=60, help="seconds of load per server")
    parser.add_argument("--requests", type=int, default=10_000, help="at most this many requests per client")
    parser.add_argument("--import-files", type=int, default=40)
    parser.add_argument("--import-seed", type=int)
    parser.add_argument("--edited-articles", type=int, default=20)
    parser.add_argument("--port", type=int, default=8731)
    parser.add_argument("--serve-command", help="start the production server with this command ({port} replaced)")
    parser.add_argument("--profile", action="store_true", help="profile single requests in-process first")
    args = parser.parse_args(argv)
    setup_django()
    from django.db import connection

    env = bench_env(os.environ["DATABASE_URL"])
    with connection.cursor() as cursor:
        mix = request_mix(cursor)
        cursor.execute("SELECT count(*) FROM articles_article")
        articles = cursor.fetchone()[0]
        cursor.execute(
            "SELECT id, subheadline FROM articles_article WHERE status = 'published' AND duplicate_of_id IS NULL "
            "AND edited_at IS NULL ORDER BY id DESC LIMIT %s",
            [args.edited_articles],
        )
        originals = dict(cursor.fetchall())
    results = {
        "label": args.label,
        "database": connection.settings_dict["NAME"],
        "articles": articles,
        "commit": git_commit(),
        "started": dt.datetime.now(dt.UTC).isoformat(),
        "machine": machine(),
        "clients": args.clients,
        "duration": args.duration,
        "mix": SHARES,
        "servers": [],
    }
    print(f"{results['database']}: {articles:,} articles; mix of {len(mix)} requests {SHARES}; {args.clients} clients")
    if args.profile:
        print(profile(mix, args.label))
    connection.close()
    for offset, kind in enumerate(args.servers.split(",")):
        results["servers"].append(one_server(kind, args.port + offset, args, mix, list(originals), originals, env))
    print(
        f"\n{'server':<10} {'workers':>8} {'requests':>9} {'rps':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'errors':>7}  import; edits"
    )
    for run in results["servers"]:
        edits = run["editor"]
        print(
            f"{run['server']:<10} {run['workers']!s:>8} {run['requests']:>9} {run['rps']:>7.1f} {run['p50']:>8.0f} "
            f"{run['p95']:>8.0f} {run['p99']:>8.0f} {run['errors']:>7}  {run['import']['files']} files in "
            f"{run['import']['seconds']:.0f} s (exit {run['import']['returncode']}); {edits['edits']} edits, "
            f"{edits['conflicts']} conflicts, {len(edits['lost'])} lost"
        )
        for group, entry in run["groups"].items():
            print(
                f"  {group:<8} n {entry['n']:>6}  p50 {entry['p50']:>7.0f}  p95 {entry['p95']:>7.0f}  "
                f"p99 {entry['p99']:>7.0f} ms"
            )
    results["load_average_at_end"] = os.getloadavg()  # the machine is shared: how busy it was
    path = write_results(f"load_{args.label}", results)
    print(f"results: {path.relative_to(ROOT)}")
    lost = sum(len(run["editor"]["lost"]) for run in results["servers"])
    errors = sum(run["errors"] for run in results["servers"])
    return 1 if lost or errors else 0


if __name__ == "__main__":
    sys.exit(main())
