#!/usr/bin/env python3
"""Import benchmark: N synthetic issues into a fresh PostgreSQL database, next to the jieba floor.

Prints, for --jobs 1 and --jobs 2: wall time, pages/s, articles/s and the peak memory of the import
process tree; and the floor: jieba's tokenisation (lcut_for_search) of the same files' text in one
process, right before and right after each run (the machine's speed drifts). Targets (issue 6):
--jobs 1 within 1.5x of the floor, --jobs 2 at least 1.7x faster than --jobs 1, peak memory flat in
the number of files.

usage: bench/bench_import.py [--files 1000] [--jobs 1 2] [--database-url postgres://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def jieba_floor(files: list[Path]) -> tuple[float, int]:
    """Seconds jieba needs to tokenise the text of all files in one process (start-up excluded)."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    texts = [path.read_text(encoding="utf-8") for path in files]
    started = time.perf_counter()
    for text in texts:
        jieba.lcut_for_search("".join(text.split()))
    return time.perf_counter() - started, sum(len(t.encode()) for t in texts)


def tree_rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants (Linux /proc)."""
    total = 0
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                parent = int(handle.read().rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry))
        except (OSError, ValueError, IndexError):
            continue
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status") as handle:
                match = re.search(r"VmRSS:\s+(\d+)", handle.read())
            total += int(match.group(1)) if match else 0
        except OSError:
            pass
        stack.extend(children.get(current, []))
    return total


def run_measured(cmd: list[str], env: dict) -> tuple[float, int, str, float]:
    """Wall seconds, peak RSS (KiB) of the process tree, output, and CPU seconds the tree used."""
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, tree_rss_kib(process.pid))
            stop.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = process.communicate()
    elapsed = time.perf_counter() - started
    stop.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"command failed ({process.returncode}): {' '.join(cmd)}\n{output[-3000:]}")
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    return elapsed, peak, output, cpu


def fresh_database(admin_url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + "/" + name


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, nargs="+", default=[1000])
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_ADMIN_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--keep", type=Path, help="generate into (and keep) this directory")
    parser.add_argument("--no-floor", action="store_true", help="skip the jieba floor (memory checks)")
    args = parser.parse_args()

    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}")
    for count in args.files:
        workdir = args.keep or Path(tempfile.mkdtemp(prefix="bench-import-"))
        data = workdir / f"issues-{count}"
        if not data.exists():
            subprocess.run([PY, "bench/generate_issues.py", str(data), str(count)], cwd=ROOT, check=True)
        files = sorted(data.rglob("*.txt"))
        size = sum(path.stat().st_size for path in files)
        print(f"\n{count} files, {size / 1e6:.1f} MB of text")
        first: tuple[float, float] | None = None  # --jobs of the first run: seconds, and seconds per floor
        for jobs in args.jobs:
            # This machine's speed drifts by tens of percent from minute to minute, so the floor is
            # measured right before and right after each run, and the run is compared with their mean.
            before = after = float("nan")
            if not args.no_floor:
                before, _ = jieba_floor(files)
            url = fresh_database(args.database_url, "newsroom_bench")
            env = {
                **os.environ,
                "DATABASE_URL": url,
                "DJANGO_SECRET_KEY": "bench-only-secret",
                "NEWSROOM_HTTPS": "0",
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            }
            subprocess.run([PY, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
            elapsed, peak, output, cpu = run_measured(
                [PY, "manage.py", "import_issue", str(data), "--jobs", str(jobs), "--no-progress", "-v", "0"], env
            )
            if not args.no_floor:
                after, _ = jieba_floor(files)
            floor = (before + after) / 2
            summary = output.strip().splitlines()[-1]
            pages = int(re.search(r"(\d+) pages", summary).group(1))
            articles = int(re.search(r"(\d+) articles", summary).group(1))
            first = first or (elapsed, elapsed / floor)
            if not args.no_floor:
                print(
                    f"  floor  jieba lcut_for_search in one process: {before:.1f} s before, {after:.1f} s after "
                    f"({size / 1e6 / floor:.2f} MB/s)"
                )
            against_floor = "" if args.no_floor else f", {elapsed / floor:.2f}x the floor"
            normalised = "" if args.no_floor else f" ({first[1] / (elapsed / floor):.2f}x against each run's floor)"
            print(
                f"  --jobs {jobs}: {elapsed:.1f} s, {pages / elapsed:.0f} pages/s, "
                f"{articles / elapsed:.0f} articles/s, "
                f"peak RSS {peak / 1024:.0f} MB, CPU {cpu:.1f} s in the import's processes "
                f"(PostgreSQL's not counted){against_floor}; speed-up {first[0] / elapsed:.2f}x{normalised}"
            )
        # a second run over the same files: everything is skipped by its hash, nothing is parsed
        elapsed, peak, output, _ = run_measured(
            [PY, "manage.py", "import_issue", str(data), "--no-progress", "-v", "0"], env
        )
        print(f"  re-run (all {count} already imported): {elapsed:.1f} s, {elapsed / count * 1000:.1f} ms per file")
    return 0


if __name__ == "__main__":
    sys.exit(main())
