#!/usr/bin/env python3
"""Distributed import benchmark: files/s of `import_issue --jobs 1` and `--jobs 2` against `--queue` with 1 and
2 Celery workers (each `celery -A newsroom worker --concurrency 1`), in the same run, on PostgreSQL.

Each measurement imports the same N synthetic issues (bench/generate_issues.py) into a fresh copy of one
migrated database (newsroom_celery_bench, made from a template). A local run is timed from the command's
start to its end; a queued one from `import_issue --queue`'s start until the run has ended in the import
log; its workers are started and ready beforehand (as they are in production), and load jieba with their
first job, which is timed. The modes are measured in turns, --repeat times, and the medians printed: the
machine may be shared, so the spread is printed too.

usage: bench/bench_distributed.py [--files 200] [--repeat 3] [--files-per-job 1]
                                  [--server-url postgres://postgres@127.0.0.1:5432/postgres]
                                  [--redis-url redis://127.0.0.1:6379/5]
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
BENCH_DB = "newsroom_celery_bench"


def database_url(server_url: str, name: str) -> str:
    parts = urlsplit(server_url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def sql(server_url: str, statement: str) -> None:
    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(statement)


def fresh_copy(server_url: str, template: str) -> str:
    sql(server_url, f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
    sql(server_url, f'CREATE DATABASE "{BENCH_DB}" TEMPLATE "{template}"')
    return database_url(server_url, BENCH_DB)


def run_state(url: str) -> tuple[str, int]:
    with psycopg.connect(url) as connection:
        row = connection.execute(
            "SELECT status, files_done FROM importer_importrun ORDER BY id DESC LIMIT 1"
        ).fetchone()
    return row


def local(env: dict, files_dir: Path, jobs: int) -> float:
    started = time.perf_counter()
    subprocess.run(
        [PY, "manage.py", "import_issue", str(files_dir), "--jobs", str(jobs), "--no-progress", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return time.perf_counter() - started


def queued(env: dict, files_dir: Path, workers: int, files_per_job: int, logdir: Path) -> float:
    processes = []
    logs = []
    try:
        for number in range(workers):
            log = logdir / f"worker{number}-{uuid.uuid4().hex[:6]}.log"
            logs.append(log)
            name = f"bench{number}-{uuid.uuid4().hex[:6]}@%h"
            options = ["--concurrency", "1", "--loglevel", "INFO", "-n", name, "--without-gossip", "--without-mingle"]
            processes.append(
                subprocess.Popen(
                    [PY, "-m", "celery", "-A", "newsroom", "worker", *options],
                    cwd=ROOT,
                    env=env,
                    stdout=log.open("w"),
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        while sum(" ready." in log.read_text() for log in logs) < workers:
            time.sleep(0.2)
        started = time.perf_counter()
        subprocess.run(
            [PY, "manage.py", "import_issue", str(files_dir), "--queue", "--files-per-job", str(files_per_job)],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        while run_state(env["DATABASE_URL"])[0] == "running":
            time.sleep(0.1)
        return time.perf_counter() - started
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            process.wait(timeout=60)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--files-per-job", type=int, default=1)
    parser.add_argument("--server-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/5")
    args = parser.parse_args()

    template = f"{BENCH_DB}_template"
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        files_dir = tmp_path / "issues"
        subprocess.run([PY, "bench/generate_issues.py", str(files_dir), str(args.files)], cwd=ROOT, check=True)
        env = {
            **os.environ,
            "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-only-secret-key-" + "x" * 40),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "NEWSROOM_CELERY_BROKER_URL": args.redis_url,
            "NEWSROOM_CELERY_QUEUE": f"newsroom-bench-{uuid.uuid4().hex[:8]}",
            "NEWSROOM_IMPORT_LOG_LEVEL": "WARNING",
        }
        sql(args.server_url, f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
        sql(args.server_url, f'CREATE DATABASE "{template}"')
        subprocess.run(
            [PY, "manage.py", "migrate", "-v", "0"],
            cwd=ROOT,
            env={**env, "DATABASE_URL": database_url(args.server_url, template)},
            check=True,
        )
        modes = {
            "--jobs 1": lambda e: local(e, files_dir, 1),
            "--jobs 2": lambda e: local(e, files_dir, 2),
            "1 Celery worker": lambda e: queued(e, files_dir, 1, args.files_per_job, tmp_path),
            "2 Celery workers": lambda e: queued(e, files_dir, 2, args.files_per_job, tmp_path),
        }
        seconds: dict[str, list[float]] = {name: [] for name in modes}
        for turn in range(args.repeat):
            for name, measure in modes.items():
                url = fresh_copy(args.server_url, template)
                elapsed = measure({**env, "DATABASE_URL": url})
                status, done = run_state(url)
                assert status == "succeeded" and done == args.files, (name, status, done)
                seconds[name].append(elapsed)
                print(f"turn {turn + 1} {name:18} {elapsed:7.1f} s  {args.files / elapsed:6.2f} files/s", flush=True)
        sql(args.server_url, f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        sql(args.server_url, f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
    print(f"\n{args.files} files, {args.files_per_job} file(s) per job, medians of {args.repeat} turns:")
    base = statistics.median(seconds["--jobs 1"])
    for name, values in seconds.items():
        median = statistics.median(values)
        print(
            f"{name:18} {median:7.1f} s  {args.files / median:6.2f} files/s  x{base / median:4.2f} of --jobs 1  "
            f"(turns: {', '.join(f'{v:.1f}' for v in values)} s)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
