#!/usr/bin/env python3
"""Small batches: 40 synthetic files imported with --jobs 1 and --jobs 2 into fresh SQLite databases.

Prints, per repeat and as medians: the command's wall time, the batch's own time (the run's started_at to
finished_at, without interpreter and Django start-up), when the first file was written (its import event,
from the run's start) and the CPU time of the command and its workers (which contention on a shared machine
does not inflate as it does wall times). The machine is shared and noisy: repeat (default 5, alternating the
two) and read the medians, next to the load average printed. Target (issue 15): --jobs 2 at least 1.7x
faster than --jobs 1.

usage: bench/bench_small_batch.py [--files 40] [--repeats 5]
"""

from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def one_run(data: Path, jobs: int, workdir: Path, number: int) -> tuple[float, float, float, float]:
    database = workdir / f"bench-{jobs}-{number}.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "NEWSROOM_HTTPS": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    }
    subprocess.run([PY, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    cpu = _children_cpu()
    started = time.perf_counter()
    subprocess.run(
        [PY, "manage.py", "import_issue", str(data), "--jobs", str(jobs), "--no-progress", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    wall = time.perf_counter() - started
    cpu = _children_cpu() - cpu  # the command and the workers it waited for
    with sqlite3.connect(database) as db:
        begun, ended = db.execute("SELECT started_at, finished_at FROM importer_importrun").fetchone()
        (first,) = db.execute("SELECT min(created_at) FROM importer_importevent").fetchone()
    batch = (datetime.fromisoformat(ended) - datetime.fromisoformat(begun)).total_seconds()
    first_file = (datetime.fromisoformat(first) - datetime.fromisoformat(begun)).total_seconds()
    database.unlink()
    return wall, batch, first_file, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-small-"))
    data = workdir / "issues"
    subprocess.run([PY, "bench/generate_issues.py", str(data), str(args.files)], cwd=ROOT, check=True)
    print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; {args.files} files, SQLite")
    times: dict[int, list[tuple[float, float, float, float]]] = {1: [], 2: []}
    for number in range(args.repeats):
        for jobs in (1, 2):
            wall, batch, first_file, cpu = one_run(data, jobs, workdir, number)
            times[jobs].append((wall, batch, first_file, cpu))
            print(
                f"  repeat {number + 1} --jobs {jobs}: {wall:.2f} s wall, {batch:.2f} s batch, first file at "
                f"{first_file:.2f} s, {cpu:.2f} s CPU (load {os.getloadavg()[0]:.1f})"
            )
    medians = {jobs: [statistics.median(t[i] for t in runs) for i in range(4)] for jobs, runs in times.items()}
    for jobs, (wall, batch, first_file, cpu) in medians.items():
        print(
            f"median --jobs {jobs}: {wall:.2f} s wall, {batch:.2f} s batch, first file at {first_file:.2f} s, "
            f"{cpu:.2f} s CPU"
        )
    print(
        f"speed-up --jobs 2: {medians[1][0] / medians[2][0]:.2f}x wall, {medians[1][1] / medians[2][1]:.2f}x batch "
        f"(load now {os.getloadavg()[0]:.1f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
